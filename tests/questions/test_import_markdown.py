"""Markdown notes: the title names the deck, headings of the next level are the cards, answers keep everything."""

from pathlib import Path

import pytest

from tutor.errors import NoteImportError
from tutor.questions.readers.detect import read_note_file
from tutor.questions.readers.markdown_notes import read_markdown

FIXTURES = Path(__file__).parent / "fixtures"


def test_markdown_fixture_gives_three_cards_with_their_answers_exactly():
    notes = read_note_file(FIXTURES / "cnn-notes.md")
    assert notes.format == "markdown"
    assert notes.title == "卷积神经网络复习笔记"
    # "## 待补充" has nothing under it: a section, not a card.
    assert [(note.question, note.line) for note in notes.notes] == [
        ("卷积层的输出尺寸怎么算？", 8),
        ("用 PyTorch 验证输出尺寸", 23),
        ("池化层的作用是什么？", 34),
    ]
    first, second, third = (note.answer for note in notes.notes)
    assert first == (
        "输入边长 $n$，卷积核 $k$，填充 $p$，步长 $s$：\n"
        "\n"
        "$$\n"
        "o = \\left\\lfloor \\frac{n + 2p - k}{s} \\right\\rfloor + 1\n"
        "$$\n"
        "\n"
        "### 例子\n"
        "\n"
        "| n | k | p | s | o |\n"
        "|---|---|---|---|---|\n"
        "| 32 | 5 | 0 | 1 | 28 |\n"
        "| 32 | 3 | 1 | 2 | 16 |"
    )
    # The '#' comment inside the code block is code, not a heading.
    assert second == (
        "```python\n"
        "import torch\n"
        "# 这一行是注释，不是标题\n"
        "conv = torch.nn.Conv2d(3, 8, kernel_size=3, padding=1, stride=2)\n"
        "print(conv(torch.zeros(1, 3, 32, 32)).shape)  # torch.Size([1, 8, 16, 16])\n"
        "```"
    )
    assert third == "- 下采样，减少参数和计算量\n- 扩大感受野\n- 对小的平移有不变性"


def test_markdown_without_title_takes_cards_at_the_top_level():
    text = "# 第一题\n答案一\n## 细节\n更多\n# 第二题\n答案二\n"
    notes = read_markdown(text, Path("n.md"))
    assert notes.title is None
    assert [(note.question, note.answer) for note in notes.notes] == [("第一题", "答案一\n## 细节\n更多"), ("第二题", "答案二")]


def test_markdown_title_followed_by_third_level_headings_uses_that_level():
    notes = read_markdown("# 标题\n### 问一\n答一\n### 问二\n答二\n", Path("n.md"))
    assert notes.title == "标题"
    assert [note.question for note in notes.notes] == ["问一", "问二"]


def test_markdown_closing_hashes_and_tilde_fences_are_understood():
    text = "## 问题 ##\n~~~\n## 不是标题\n~~~\n## C# 是什么\n一种语言\n"
    notes = read_markdown(text, Path("n.md"))
    assert [(note.question, note.answer) for note in notes.notes] == [
        ("问题", "~~~\n## 不是标题\n~~~"),
        ("C# 是什么", "一种语言"),
    ]


def test_markdown_heading_without_text_but_with_an_answer_is_refused_with_its_line():
    with pytest.raises(NoteImportError, match=r"n\.md:3: a heading with an answer under it has no text"):
        read_markdown("## 好\n答\n##\n没有问题的答案\n", Path("n.md"))
