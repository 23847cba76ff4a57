"""Nothing raw on screen: every card of the corpus, drawn at 80 and 100 columns, shows no Markdown, LaTeX or
HTML syntax outside its code; and the repairs that make it so, each on its own."""

import io
import re

import pytest
from rich.console import Console

from tutor.questions import cjk_wrap
from tutor.questions.card import Card, Erratum
from tutor.questions.library import load_library
from tutor.questions.markdown_tokens import parse, plain_text
from tutor.questions.render import card_renderable, errata_markdown, markdown_renderable, plain_line, terminal_markdown

RAW = {
    "bold marks": re.compile(r"\*\*"),
    "a backtick": re.compile(r"`"),
    "a dollar": re.compile(r"\$"),
    "a LaTeX command": re.compile(r"\\[A-Za-z]+|\\[\[\]()]"),
    "a LaTeX group": re.compile(r"[_^]\{"),
    "an HTML tag": re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>"),
}
"""What the learner must not see outside code: Markdown marks, LaTeX syntax and HTML tags."""

CARDS = load_library().cards


def screen(renderable, width: int) -> str:
    """The characters a terminal of ``width`` columns shows, with code (drawn on a background) blanked out.

    Code blocks and inline code are drawn as written, on purpose: their backticks or backslashes are code.
    """
    cjk_wrap.install()
    console = Console(width=width, file=io.StringIO(), color_system="truecolor")
    lines = console.render_lines(renderable, console.options, pad=False)
    return "\n".join(
        "".join(" " * len(segment.text) if segment.style and segment.style.bgcolor else segment.text for segment in line)
        for line in lines
    )


@pytest.mark.parametrize("width", [80, 100])
def test_no_card_shows_raw_markdown_latex_or_html(width):
    found = []
    for card in CARDS:
        text = screen(card_renderable(card), width)
        for what, pattern in RAW.items():
            if match := pattern.search(text):
                line = text[text.rfind("\n", 0, match.start()) + 1 : text.find("\n", match.end())]
                found.append(f"{card.id}: {what} in {line.strip()!r}")
    assert not found, "\n".join(found)


def test_no_card_has_a_table_of_headers_only():
    for card in CARDS:
        for text in (card.answer, errata_markdown(card)):
            types = [token.type for token in parse(terminal_markdown(text))]
            assert types.count("table_open") == types.count("tbody_open"), f"{card.id}: a table without rows"


def test_one_line_questions_have_no_markup():
    for card in CARDS:
        line = plain_line(card.question)
        for what, pattern in RAW.items():
            assert not pattern.search(line), f"{card.id}: {what} in {line!r}"


def test_bold_beside_chinese_punctuation_is_bold():
    # CommonMark leaves both ** as text here: the closing one follows ）and precedes 数.
    text = screen(markdown_renderable("SGD 用的是**小批量（mini-batch）**数据计算梯度"), 80)
    assert "**" not in text and "小批量（mini-batch）数据" in text
    strong = [token.type for token in parse("是**小批量（mini-batch）**数据")[1].children]
    assert strong == ["text", "strong_open", "text", "strong_close", "text"]


def test_an_unpaired_star_pair_stays_text():
    assert plain_text("a ** b") == "a ** b"


def test_a_line_break_in_a_table_cell_is_kept():
    text = screen(markdown_renderable("| 函数 | 特点 |\n|---|---|\n| ReLU | 计算简单<br>常用于 CNN |\n"), 80)
    lines = [line for line in text.splitlines() if "计算简单" in line or "常用于 CNN" in line]
    assert len(lines) == 2 and "<br>" not in text


def test_plain_line_drops_backticks_and_stars():
    assert plain_line("`AE`与**`VAE`**的区别：$x_i^2$？") == "AE与VAE的区别：xᵢ²？"


def test_aligned_equations_keep_one_line_each_aligned_at_the_ampersand():
    latex = r"$$\begin{aligned} f_t &= \sigma(x) \\ C_{t-1} &= \tanh(x) \end{aligned}$$"
    # An indented code block: Rich draws it line for line.
    lines = [line.rstrip() for line in terminal_markdown(latex).splitlines() if line.strip()]
    assert lines == ["    fₜ   = σ(x)", "    Cₜ₋₁ = tanh(x)"]


def test_cases_are_laid_out_one_case_a_line_behind_a_brace():
    latex = "\\[\nf(x) =\n\\begin{cases}\nx, & \\text{if } x > 0 \\\\\n\\alpha x, & \\text{if } x \\leq 0\n\\end{cases}\n\\]"
    lines = [line.rstrip() for line in terminal_markdown(latex).splitlines() if line.strip()]
    assert lines == ["    f(x) = { x,    if x > 0", "             αx,   if x ≤0"]


@pytest.mark.parametrize(
    ("prose", "shown"),
    [
        ("RNN 的状态更新 h_t = tanh(W_h h_{t−1} + b)。", "hₜ₋₁"),
        ("L(w,b) = −Σ_{x_j∈M} y_j(wᵀx_j + b)，即", "Σ_(xⱼ∈M)"),
        ("梯度为 ∏_{t=1}^{T} ∂h_t/∂h_{t−1}。", "∏ₜ₌₁ᵀ"),
        ("学习率 \\beta 取 0.9", "β"),
    ],
)
def test_math_without_dollars_in_an_erratum_is_rendered(prose, shown):
    card = Card(id="e", deck="d", question="q", answer="a", errata=(Erratum(prose, "更正", "tests/x.py::t"),))
    text = screen(card_renderable(card), 100)
    assert shown in text
    assert not RAW["a LaTeX group"].search(text) and not RAW["a LaTeX command"].search(text)
