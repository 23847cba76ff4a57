"""Answers render for a terminal: Markdown through Rich, math as Unicode, missing figures as a note."""

import json
import os
import random
import re
import subprocess
import sys

import pytest
from rich.console import Console

from tutor.questions.library import load_library
from tutor.questions.render import card_renderable, math_to_unicode, terminal_markdown

RAW_LATEX = re.compile(r"\\(frac|sum|mathbb|text|partial|sqrt|alpha|beta|sigma|cdot|times|left|right|mathbf|hat|tilde|prod|nabla|leq|geq|in)\b")


@pytest.mark.parametrize(
    ("latex", "unicode"),
    [
        (r"\frac{\partial L}{\partial w_{ij}}", "∂L/∂wᵢⱼ"),  # fraction of two atoms needs no brackets
        (r"\sum_{i=1}^{n} x_i^2", "∑ᵢ₌₁ⁿ xᵢ²"),  # sub/superscripts that Unicode has
        (r"\mathbb{R}^{n}", "ℝⁿ"),
        (r"\sqrt{d_k}", "√(dₖ)"),
        (r"w^\top x", "wᵀ x"),
        (r"\left(\frac{1}{2}\right)^{10}", "(1/2)¹⁰"),
        (r"\text{softmax}(z_i)", "softmax(zᵢ)"),
    ],
)
def test_math_becomes_readable_unicode(latex, unicode):
    assert math_to_unicode(latex) == unicode


def test_a_fraction_of_expressions_is_bracketed():
    assert math_to_unicode(r"\frac{a+b}{c}") == "(a+b)/c"


def test_code_blocks_keep_their_dollars_and_backslashes():
    text = "price $x$\n\n```bash\necho $HOME \\frac\n```\n"
    assert terminal_markdown(text) == "price x\n\n```bash\necho $HOME \\frac\n```\n"


def test_a_missing_image_becomes_a_note():
    assert terminal_markdown("见下图\n![batch](DeepLearning/batch.png)") == "见下图\n〔原文此处有插图：batch（未收录）〕"


def test_an_iframe_is_removed():
    text = terminal_markdown('前 <iframe src="//player.example/x" width="500"></iframe> 后')
    assert "iframe" not in text and "前" in text and "后" in text


def test_dollar_amounts_are_not_math():
    assert terminal_markdown("costs $5 and $10 today") == "costs $5 and $10 today"


def _screen_text(card) -> str:
    console = Console(width=100, record=True, file=open("/dev/null", "w"), color_system=None)
    console.print(card_renderable(card))
    return console.export_text()


def test_no_corpus_card_shows_raw_latex_or_broken_references():
    library = load_library()
    assert library.cards, "the corpus is packaged"
    for card in library.cards:
        text = _screen_text(card)
        assert not RAW_LATEX.search(text), f"{card.id}: {RAW_LATEX.search(text).group(0)} left on screen"
        assert ".png" not in text and "<iframe" not in text, card.id


def test_errata_show_the_claim_and_the_correction_in_chinese_not_the_check():
    from tutor.questions.card import Card, Erratum

    card = Card(
        id="e-1",
        deck="d",
        question="sigmoid 导数的最大值？",
        answer="0.5",
        errata=(Erratum("导数最大值为 0.5", "应为 0.25：σ'(0)=σ(0)(1−σ(0))=1/4", "tests/x.py::test_sigmoid"),),
    )
    text = _screen_text(card)
    assert "勘误" in text and "原文：导数最大值为 0.5" in text and "更正：应为 0.25" in text
    # The test behind the correction is for maintainers: it stays in the data (and --json), off the screen.
    assert "test_sigmoid" not in text and card.to_dict()["errata"][0]["check"] == "tests/x.py::test_sigmoid"


def _plain_texts() -> list[str]:
    """Plain notes as learners import them: Chinese, English, punctuation, numbers, paragraphs and soft breaks."""
    rng = random.Random(7)
    alphabet = "卷积池化梯度下降学习率 abcdefg XYZ 0123456789 ,.;:?!()%/'\"，。；：？！（）、—\n"
    texts = [
        "第 1 题：卷积的作用是什么？",
        "第一段很长" * 30 + "\n第二行接着\n\n  第二段 with English words and numbers 3.14 (yes), ok?\n\n\n第三段。",
        "A: 1/2 of it, e.g. 50% — 很好！",
    ]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 300))) for _ in range(60)]
    return texts


def _segments(renderable, width: int) -> list:
    from rich.segment import Segment

    console = Console(width=width, force_terminal=True, color_system="truecolor")
    lines = console.render_lines(renderable, console.options.update(width=width), pad=False)
    return [[(segment.text, segment.style) for segment in Segment.simplify(line)] for line in lines]


@pytest.mark.parametrize("style", [None, "bold"])
def test_plain_paragraphs_are_drawn_exactly_as_richs_markdown_draws_them(style):
    from tutor.questions.render import _markdown_class, markdown_renderable

    options = {"style": style} if style else {}
    compared = 0
    for text in _plain_texts():
        fast = markdown_renderable(text, **options)
        if type(fast).__name__ != "Group":
            continue  # text with a Markdown sign goes through Rich's Markdown anyway
        compared += 1
        for width in (20, 80, 100):
            assert _segments(fast, width) == _segments(_markdown_class()(terminal_markdown(text), **options), width)
    assert compared > 50


def test_showing_a_plain_card_loads_no_markdown_parser(tmp_path):
    notes = tmp_path / "plain.txt"
    notes.write_text("问：卷积的作用是什么？\n答：提取局部特征；参数共享。\n", encoding="utf-8")
    env = {**os.environ, "TUTOR_HOME": str(tmp_path / "home"), "COLUMNS": "80"}

    def tutor(*args: str) -> str:
        result = subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        return result.stdout

    tutor("import", str(notes))
    (card,) = json.loads(tutor("list", "--deck", "plain", "--json"))
    script = (
        "import sys; from tutor.cli import main; main(['show', sys.argv[1]]); "
        "print('markdown loaded:', 'rich.markdown' in sys.modules or 'markdown_it' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script, card["id"]], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert "提取局部特征" in result.stdout
    assert result.stdout.strip().endswith("markdown loaded: False")
