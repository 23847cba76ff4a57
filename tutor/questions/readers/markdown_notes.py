"""Markdown notes: headings are questions, the text under each heading is its answer.

A file whose first heading is its only ``#`` heading has a title: the title names the deck and the cards are
the headings of the next level used below it (usually ``##``). Without such a title the cards are the headings
of the highest level used in the file. An answer runs until the next heading of the card's level or higher, so
sub-headings, tables, code blocks and math stay inside it exactly as written. Headings inside fenced code
blocks are code, not questions. A heading with nothing under it is a section, not a card; text before the
first card (an introduction under the title) belongs to no card. YAML front matter is skipped.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from tutor.errors import NoteImportError
from tutor.questions.readers.note import Note, NoteFile

# CommonMark ATX headings: up to three spaces of indent, one to six '#', then a space or the end of the line.
_HEADING = re.compile(r"^ {0,3}(#{1,6})(?=[ \t]|$)(.*)$")
_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class _Heading:
    index: int
    """0-based line index in the file."""
    level: int
    text: str


def _front_matter_end(lines: list[str]) -> int:
    """Return the index of the first line after YAML front matter (0 when there is none)."""
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                return index + 1
    return 0


def in_code_fence(lines: list[str]) -> list[bool]:
    """Return, for each line, whether it belongs to a fenced code block (its fences included)."""
    inside = []
    fence: str | None = None
    for line in lines:
        opening = _FENCE_OPEN.match(line)
        if fence is not None:
            inside.append(True)
            # A fence closes with the same character, at least as long, and nothing else on the line.
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                if not line.strip().strip(fence[0]):
                    fence = None
        else:
            inside.append(bool(opening))
            if opening:
                fence = opening.group(1)
    return inside


def heading_level(line: str) -> int | None:
    """Return the level of ``line`` read as an ATX heading (outside a code block), None when it is not one."""
    match = _HEADING.match(line)
    return len(match.group(1)) if match else None


def _headings(lines: list[str], start: int) -> list[_Heading]:
    """Return the ATX headings of ``lines`` from ``start`` on, skipping fenced code blocks."""
    found = []
    code = in_code_fence(lines)
    for index in range(start, len(lines)):
        match = None if code[index] else _HEADING.match(lines[index])
        if match:
            text = _without_closing_hashes(match.group(2).strip())
            found.append(_Heading(index=index, level=len(match.group(1)), text=text))
    return found


def _without_closing_hashes(text: str) -> str:
    """Return a heading's text without its optional closing ``#`` sequence (``## Title ##`` → ``Title``).

    CommonMark: the closing hashes follow a space (``# C#`` keeps its ``#``). Done with rstrip, not a
    pattern such as ``[ \t]+#+[ \t]*$``, which would rescan a long run of spaces from each of its positions.
    """
    body = text.rstrip("#")
    if body == text:
        return text
    if not body or body[-1] in " \t":
        return body.rstrip(" \t")
    return text


def _block(lines: list[str], start: int, end: int) -> str:
    """Return ``lines[start:end]`` as one text, without trailing spaces and surrounding blank lines."""
    return "\n".join(line.rstrip() for line in lines[start:end]).strip("\n")


def read_markdown(text: str, path: Path) -> NoteFile:
    """Return the notes of a Markdown file (see the module docstring for the rules).

    Raises:
        NoteImportError: a card heading has no text (``file:line``).
    """
    lines = text.split("\n")
    headings = _headings(lines, _front_matter_end(lines))
    title = None
    top_level = [heading for heading in headings if heading.level == 1]
    if len(top_level) == 1 and headings[0].level == 1:
        title = headings[0].text or None
        headings = headings[1:]
    notes = []
    if headings:
        card_level = min(heading.level for heading in headings)
        cards = [heading for heading in headings if heading.level == card_level]
        for position, heading in enumerate(cards):
            end = cards[position + 1].index if position + 1 < len(cards) else len(lines)
            answer = _block(lines, heading.index + 1, end)
            if not answer.strip():
                continue
            if not heading.text:
                raise NoteImportError(f"{path}:{heading.index + 1}: a heading with an answer under it has no text")
            notes.append(Note(question=heading.text, answer=answer, line=heading.index + 1))
    return NoteFile(path=path, format="markdown", title=title, notes=tuple(notes))
