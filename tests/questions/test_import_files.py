"""Reading note files: formats detected from content and extension; bad files refused with one line naming them."""

import codecs
from pathlib import Path

import pytest

from tutor.errors import NoteImportError
from tutor.questions.readers.detect import detect_format, read_note_file

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("notes.md", "# 标题\n## 问\n答\n", "markdown"),
        ("notes.markdown", "## 问\n答\n", "markdown"),
        # A .md file without headings but with Q/A lines is Q/A text.
        ("notes.md", "Q: 问\nA: 答\n", "qa"),
        ("notes.txt", "问：什么\n答：这个\n", "qa"),
        ("notes.txt", "#separator:tab\n#html:true\nq\ta\n", "anki"),
        # Older Anki exports have no header: tab-separated lines.
        ("export.txt", "front\tback\n", "anki"),
        ("notes.txt", "## 问\n答\n", "markdown"),
        # A file that opens with a heading is Markdown even with tabs in its text.
        ("notes.txt", "# 标题\n## 问\nshape\t(3, 4)\n", "markdown"),
        # Tabs inside a code block do not make an Anki export.
        ("notes.txt", "前言\n## 问\n```\nall:\tbuild\n```\n", "markdown"),
        # A heading with no text is still a heading: the Markdown reader reports it with its line.
        ("notes.md", "##\n答\n", "markdown"),
        ("notes.txt", "just some prose\n", None),
    ],
)
def test_format_is_detected_from_content_and_extension(name, text, expected):
    assert detect_format(Path(name), text) == expected


@pytest.mark.parametrize(
    ("encode", "label"),
    [
        (lambda text: codecs.BOM_UTF8 + text.encode("utf-8"), "UTF-8 with a byte-order mark"),
        (lambda text: text.encode("utf-16"), "UTF-16 with a byte-order mark"),
        (lambda text: text.replace("\n", "\r\n").encode("utf-8"), "Windows line ends"),
    ],
)
def test_text_with_bom_or_crlf_reads_like_plain_utf8(tmp_path, encode, label):
    path = tmp_path / "qa.txt"
    path.write_bytes(encode("问：什么是张量？\n答：多维数组。\n"))
    notes = read_note_file(path)
    assert [(note.question, note.answer) for note in notes.notes] == [("什么是张量？", "多维数组。")], label


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        (b"", "the file is empty"),
        (b" \n\n\t\n", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", r"not a text file \(binary data\)"),
        ("问：什么是张量？\n答：多维数组。\n".encode("gbk"), r"not UTF-8 text \(byte 0xce at offset 0\); save the file as UTF-8"),
        (codecs.BOM_UTF32_LE + "Q: x\nA: y\n".encode("utf-32-le"), "UTF-32 text is not supported"),
        (b"just some prose\n", "no cards found; expected Markdown headings"),
        (b"# title only\n\n## empty section\n", "no cards found in this Markdown file"),
    ],
)
def test_bad_file_is_refused_with_one_line_naming_it(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(NoteImportError, match=message) as caught:
        read_note_file(path)
    text = str(caught.value)
    assert text.startswith(f"{path}:") and "\n" not in text


def test_directory_is_refused(tmp_path):
    with pytest.raises(NoteImportError, match="is a directory"):
        read_note_file(tmp_path)
