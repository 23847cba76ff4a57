"""What every reader returns: the notes found in one file, before they become cards of a deck."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Note:
    """One question and its answer as written in the learner's file."""

    question: str
    """The question, one line of Markdown (several lines for Q/A text and Anki fields)."""
    answer: str
    """The answer in Markdown, without leading or trailing blank lines."""
    line: int
    """1-based line of the question in the file."""
    tags: tuple[str, ...] = ()
    """Tags the file gives the note (Anki's tags column); empty for the other formats."""


@dataclass(frozen=True)
class NoteFile:
    """The notes of one file and what the file says about itself."""

    path: Path
    """The file, as named on the command line."""
    format: str
    """``markdown``, ``qa`` or ``anki``."""
    title: str | None
    """What names the deck: the Markdown ``#`` title or the Anki ``#deck:`` header; None without one."""
    notes: tuple[Note, ...]
    """The notes in file order."""
