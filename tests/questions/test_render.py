"""Answers render for a terminal: Markdown through Rich, math as Unicode, missing figures as a note."""

import re

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
