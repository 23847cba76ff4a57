"""Which reader a note file needs, decided from its content first and its extension second.

- An Anki header line (``#separator:``, ``#html:``, ``#columns:`` …) at the top: the Anki export.
- ``.md`` / ``.markdown``: Markdown when it has a heading, else Q/A text when it has a ``Q:``/``问：`` line.
- Any other name (``.txt`` usually): Q/A text when a line starts with ``Q:`` or ``问：``; else Markdown when
  the file opens with a heading; else the Anki export when a line outside code blocks holds tab-separated
  fields (older exports have no header); else Markdown when it has a heading.

A file that matches none of them, or whose reader finds no card, is refused with the reason.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tutor.errors import NoteImportError
from tutor.questions.readers.anki_text import header_key, read_anki_text
from tutor.questions.readers.decode import read_note_text
from tutor.questions.readers.markdown_notes import in_code_fence, read_markdown
from tutor.questions.readers.note import NoteFile
from tutor.questions.readers.qa_text import QUESTION_LINE, read_qa_text

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd"})
"""File name extensions that mean Markdown."""



@dataclass(frozen=True)
class NoteFormat:
    """A note file format ``tutor import`` reads."""

    name: str
    """What :func:`detect_format` returns."""
    label: str
    """Its name for the learner (``Q/A text``)."""
    expect: str
    """What a file of this format holds, for the refusal of a file in no format."""
    read: Callable[[str, Path], NoteFile]
    """The reader: the file's text and path to its notes."""


FORMATS = {
    fmt.name: fmt
    for fmt in (
        NoteFormat("markdown", "Markdown", "Markdown headings", read_markdown),
        NoteFormat("qa", "Q/A text", "Q:/A: (问：/答：) lines", read_qa_text),
        NoteFormat("anki", "Anki export", "an Anki plain-text export", read_anki_text),
    )
}
"""Every note file format, by name."""

_OPENING_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]")


def _has_heading(text: str) -> bool:
    try:
        probe = read_markdown(text, Path("-"))
    except NoteImportError:
        return True  # headings, one of them malformed: the Markdown reader will say where
    return bool(probe.notes) or probe.title is not None


def _has_question_line(lines: list[str]) -> bool:
    return any(QUESTION_LINE.match(line) for line, code in zip(lines, in_code_fence(lines)) if not code)


def detect_format(path: Path, text: str) -> str | None:
    """Return ``markdown``, ``qa`` or ``anki`` for a note file's text, or None when none fits."""
    lines = text.split("\n")
    first = next((line for line in lines if line.strip()), "")
    if header_key(first) is not None or first.startswith("tags:"):
        return "anki"
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        if _has_heading(text):
            return "markdown"
        return "qa" if _has_question_line(lines) else None
    if _has_question_line(lines):
        return "qa"
    if _OPENING_HEADING.match(first) and _has_heading(text):
        return "markdown"
    code = in_code_fence(lines)
    if any(not fenced and "\t" in line and line.split("\t", 1)[0].strip() for line, fenced in zip(lines, code)):
        return "anki"
    return "markdown" if _has_heading(text) else None


def read_note_file(path: Path) -> NoteFile:
    """Read one note file, in whichever format it is, and return its notes.

    Raises:
        NoteImportError: the file is missing, empty, binary or wrongly encoded, in no known format,
            malformed (``file:line``), or holds no card.
    """
    text = read_note_text(path)
    kind = detect_format(path, text)
    if kind is None:
        expected = [fmt.expect for fmt in FORMATS.values()]
        raise NoteImportError(f"{path}: no cards found; expected {', '.join(expected[:-1])}, or {expected[-1]}")
    notes = FORMATS[kind].read(text, path)
    if not notes.notes:
        raise NoteImportError(f"{path}: no cards found in this {FORMATS[kind].label} file")
    return notes
