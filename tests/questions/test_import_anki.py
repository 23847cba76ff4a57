"""The Anki plain-text export: headers honoured, CSV quoting, HTML turned into Markdown by markdownify."""

from pathlib import Path

import pytest

from tutor.errors import NoteImportError
from tutor.questions.readers.anki_text import html_to_markdown, read_anki_text
from tutor.questions.readers.detect import read_note_file

FIXTURES = Path(__file__).parent / "fixtures"


def test_anki_fixture_gives_four_cards_with_html_as_markdown_and_tags():
    notes = read_note_file(FIXTURES / "anki-export.txt")
    assert notes.format == "anki"
    assert [(note.question, note.answer, note.line, note.tags) for note in notes.notes] == [
        # <b> → **, <i> → *, &nbsp; → a plain space, one <br> → a Markdown hard line break.
        ("什么是 **Dropout**？", "训练时以概率 *p* 随机置零神经元\\\n测试时不丢弃，按 1-p 缩放", 4, ("regularization",)),
        ("常见的激活函数有哪些？", "- sigmoid\n- tanh\n- ReLU", 5, ("activation", "basics")),
        # MathJax kept for the renderer; <br><br> → a paragraph break; &amp; and &gt; → their characters.
        (
            "Softmax 的定义",
            "\\(\\mathrm{softmax}(x)_i = e^{x_i} / \\sum_j e^{x_j}\\)\n\n输出和为 1 & 每项 > 0",
            6,
            (),
        ),
        # A quoted field holds a line break, a doubled quote and a tab.
        ("多行字段怎么导出？", "Anki 把含换行或分隔符的字段放进引号：\n第二行，含 \"引号\" 与 tab", 7, ("anki",)),
    ]


def test_anki_columns_header_picks_front_and_back_by_name_and_skips_meta_columns():
    text = (
        "#separator:Semicolon\n#html:false\n#guid column:1\n#notetype column:2\n"
        "#columns:guid;notetype;Back;Front\n#tags:aics\n#deck:AICS::Chapter 3\n"
        "abc;Basic;答案 <b>不是</b> HTML;问题一\n"
    )
    notes = read_anki_text(text, Path("a.txt"))
    assert [(note.question, note.answer, note.line, note.tags) for note in notes.notes] == [
        ("问题一", "答案 <b>不是</b> HTML", 8, ("aics",))
    ]
    assert notes.title == "AICS::Chapter 3"


def test_anki_comment_lines_and_blank_lines_are_not_cards():
    notes = read_anki_text("#separator:tab\n# a comment\n\nQ1\tA1\n#skip\tme\nQ2\tA2\n", Path("a.txt"))
    assert [(note.question, note.line) for note in notes.notes] == [("Q1", 4), ("Q2", 6)]


def test_anki_without_html_header_converts_only_when_fields_hold_html():
    plain = read_anki_text("#separator:tab\nx_i * y\t2 < 3\n", Path("a.txt"))
    assert (plain.notes[0].question, plain.notes[0].answer) == ("x_i * y", "2 < 3")
    html = read_anki_text("#separator:tab\nx_i * y\t2 &lt; 3<br>ok\n", Path("a.txt"))
    assert (html.notes[0].question, html.notes[0].answer) == ("x_i * y", "2 < 3\\\nok")


def test_html_lists_and_entities_become_markdown():
    assert html_to_markdown("<ol><li>前向</li><li>反向</li></ol>") == "1. 前向\n2. 反向"
    assert html_to_markdown("A&nbsp;&amp;&nbsp;B&#x4e2d;&eacute;<br>") == "A & B中é"


def test_anki_record_with_one_field_is_refused_with_its_line():
    with pytest.raises(NoteImportError, match=r"a\.txt:3: expected a question and an answer separated by tab"):
        read_anki_text("#separator:tab\nQ1\tA1\nonly a question\n", Path("a.txt"))


def test_anki_unknown_separator_is_refused():
    with pytest.raises(NoteImportError, match="unknown #separator:dash"):
        read_anki_text("#separator:dash\nQ-A\n", Path("a.txt"))
