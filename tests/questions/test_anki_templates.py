"""Anki's template language and cloze deletions, as Anki renders them (cases from Anki's manual)."""

import pytest

from tutor.questions.readers.anki_templates import CardContext, field_is_empty, render_cloze, render_side


@pytest.mark.parametrize(
    ("text", "number", "question", "answer"),
    [
        # The active deletion blanked or filled in; the others show their text.
        ("{{c1::a}} {{c2::b}}", 1, "[…] b", "<b>a</b> b"),
        ("{{c1::a}} {{c2::b}}", 2, "a […]", "a <b>b</b>"),
        # A hint replaces the blank.
        ("{{c1::Canberra::city}}", 1, "[city]", "<b>Canberra</b>"),
        # One deletion on two cards.
        ("{{c1,2::x}} y", 2, "[…] y", "<b>x</b> y"),
        # Nested deletions: the outer blank hides the inner one; the inner card shows the outer text.
        ("{{c1::a {{c2::b}} c}}", 1, "[…]", "<b>a b c</b>"),
        ("{{c1::a {{c2::b}} c}}", 2, "a […] c", "a <b>b</b> c"),
        # Inside MathJax the answer is not made bold (that would break the formula).
        ("\\(x^{{c1::2}}\\)", 1, "\\(x^[…]\\)", "\\(x^2\\)"),
        # Unbalanced braces are text.
        ("{{c1::open", 1, "{{c1::open", "{{c1::open"),
        ("a }} b", 1, "a }} b", "a }} b"),
    ],
)
def test_cloze(text, number, question, answer):
    assert render_cloze(text, number, answer=False) == question
    assert render_cloze(text, number, answer=True) == answer


def _context(**fields: str) -> CardContext:
    return CardContext(fields=fields, ordinal=0, tags="t1 t2", deck="A::B", note_type="Basic", template="Card 1")


def test_answer_side_keeps_what_follows_the_answer_rule():
    context = _context(Front="Q", Back="A")
    assert render_side("{{Front}}", context, answer=False) == "Q"
    assert render_side("{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}", context, answer=True) == "\n\nA"


@pytest.mark.parametrize(
    ("template", "shown"),
    [
        ("{{#Extra}}[{{Extra}}]{{/Extra}}", "[e]"),
        ("{{^Extra}}none{{/Extra}}", ""),
        ("{{#Empty}}x{{/Empty}}", ""),
        ("{{^Empty}}none{{/Empty}}", "none"),
        ("{{text:Html}}", "bold"),
        ("{{Tags}} {{Deck}} {{Subdeck}} {{Type}} {{Card}}", "t1 t2 A::B B Basic Card 1"),
        ("{{type:Extra}}", ""),
        ("{{Missing}}", ""),
        ("{{#Extra}}never closed", "never closed"),
    ],
)
def test_template_language(template, shown):
    context = _context(Extra="e", Empty="<br> &nbsp;", Html="<b>bold</b>")
    assert render_side(template, context, answer=False) == shown


@pytest.mark.parametrize(("value", "empty"), [("", True), ("<div><br></div>", True), ('<img src="a.png">', False)])
def test_field_is_empty(value, empty):
    assert field_is_empty(value) is empty
