"""Q/A text: 问：/答： and Q:/A: lines, full-width or ASCII colons, mixed, with multi-line answers."""

from pathlib import Path

import pytest

from tutor.errors import NoteImportError
from tutor.questions.readers.detect import read_note_file
from tutor.questions.readers.qa_text import read_qa_text

FIXTURES = Path(__file__).parent / "fixtures"


def test_qa_fixture_gives_four_cards_with_multi_line_answers():
    notes = read_note_file(FIXTURES / "qa-mixed.txt")
    assert notes.format == "qa"
    assert [(note.question, note.line) for note in notes.notes] == [
        ("什么是梯度消失？", 3),
        ("Why does batch normalization speed up training?", 7),
        ("ReLU 的导数是多少？", 13),
        ("Adam 的两个矩估计分别是什么？", 16),
    ]
    assert [note.answer for note in notes.notes] == [
        "反向传播时梯度逐层连乘，\nsigmoid 的导数不超过 0.25，层数一深梯度就趋于 0。",
        "It keeps the distribution of each layer's inputs stable,\nso a larger learning rate can be used.\n"
        "- less sensitive to initialization\n- slight regularization effect",
        "x > 0 时为 1，否则为 0。",
        "一阶矩是梯度的指数滑动平均，二阶矩是梯度平方的指数滑动平均：\n\n"
        "```python\nm = b1 * m + (1 - b1) * g\nv = b2 * v + (1 - b2) * g * g\n```",
    ]


def test_qa_question_may_span_lines_and_answer_may_start_on_the_next_line():
    notes = read_qa_text("问题：第一行\n第二行\n答案：\n  缩进的答案\n", Path("q.txt"))
    assert [(note.question, note.answer) for note in notes.notes] == [("第一行\n第二行", "  缩进的答案")]


def test_qa_marker_inside_a_code_block_is_code():
    notes = read_qa_text("Q: 代码\nA: 看下面\n```\nQ: not a question\n```\n", Path("q.txt"))
    assert len(notes.notes) == 1
    assert notes.notes[0].answer == "看下面\n```\nQ: not a question\n```"


def test_qa_question_without_answer_is_refused_with_its_line():
    with pytest.raises(NoteImportError, match=r"q\.txt:3: the question has no answer"):
        read_qa_text("Q: 一\nA: 有\nQ: 二\n\nQ: 三\nA: 有\n", Path("q.txt"))


def test_qa_answer_before_any_question_is_refused_with_its_line():
    with pytest.raises(NoteImportError, match=r"q\.txt:2: an answer comes before any question"):
        read_qa_text("笔记\n答：孤立的答案\n", Path("q.txt"))
