"""Plain question/answer text: ``Q:`` / ``A:`` and ``问：`` / ``答：`` lines, mixed freely in one file.

A question starts at a line beginning with ``Q``, ``问`` or ``问题`` followed by a colon (ASCII ``:`` or
full-width ``：``); its answer starts at the next line beginning with ``A``, ``答`` or ``答案`` and a colon, and
runs until the next question, so answers (and questions) may span several lines of Markdown. The markers are
upper-case and take no number (``Q1:``), because an answer line such as ``A100: 80 GB`` must stay text.
Lines before the first question (a heading, a date) belong to no card; marker lines inside fenced code
blocks are code.
"""

import re
from pathlib import Path

from tutor.errors import NoteImportError
from tutor.questions.readers.markdown_notes import in_code_fence
from tutor.questions.readers.note import Note, NoteFile

QUESTION_LINE = re.compile(r"^[ \t]*(?:Q|问题|问)[ \t]*[:：][ \t]*(.*)$")
"""A line that starts a question; group 1 is the text after the marker."""
ANSWER_LINE = re.compile(r"^[ \t]*(?:A|答案|答)[ \t]*[:：][ \t]*(.*)$")
"""A line that starts an answer; group 1 is the text after the marker."""


def _join(lines: list[str]) -> str:
    return "\n".join(line.rstrip() for line in lines).strip("\n")


def read_qa_text(text: str, path: Path) -> NoteFile:
    """Return the notes of a Q/A text file (see the module docstring for the rules).

    Raises:
        NoteImportError: an answer comes before any question, or a question has no answer (``file:line``).
    """
    notes: list[Note] = []
    question: list[str] | None = None
    answer: list[str] | None = None
    start = 0

    def finish() -> None:
        if question is None:
            return
        if answer is None or not _join(answer).strip():
            raise NoteImportError(f"{path}:{start}: the question has no answer (an A: or 答： line)")
        if not _join(question).strip():
            raise NoteImportError(f"{path}:{start}: the question is empty")
        notes.append(Note(question=_join(question).strip(), answer=_join(answer), line=start))

    lines = text.split("\n")
    # A "Q:" line inside a code block of an answer is code, not the next question.
    for number, (line, code) in enumerate(zip(lines, in_code_fence(lines)), start=1):
        asked = None if code else QUESTION_LINE.match(line)
        if asked:
            finish()
            question, answer, start = [asked.group(1)], None, number
            continue
        if answer is None and not code:
            answered = ANSWER_LINE.match(line)
            if answered:
                if question is None:
                    raise NoteImportError(f"{path}:{number}: an answer comes before any question (Q: or 问：)")
                answer = [answered.group(1)]
                continue
        if answer is not None:
            answer.append(line)
        elif question is not None:
            question.append(line)
    finish()
    return NoteFile(path=path, format="qa", title=None, notes=tuple(notes))
