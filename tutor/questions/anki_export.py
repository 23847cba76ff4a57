"""A deck as an Anki package (``.apkg``) that Anki, AnkiDroid and tutor import, written with genanki.

One note per card, of one note type ("tutor", fields Question and Answer, one card: question, then the
answer below Anki's ``<hr id=answer>``). Question and answer are rendered from Markdown to HTML by
markdown-it (tables included), and math becomes MathJax: ``$…$`` and ``\\(…\\)`` inline as ``\\(…\\)``,
``$$…$$`` and ``\\[…\\]`` as ``\\[…\\]``. Tags keep their names (spaces, which Anki forbids, become ``_``); the
deck's title is the Anki deck name, so ``A::B`` titles keep their hierarchy. A note's guid is derived from the
card id, so exporting again and importing into Anki updates the notes instead of duplicating them.

With a review history, each answer is written as a row of Anki's ``revlog`` table of the package's collection
(genanki writes none): its time, rating, duration and kind (learning, review or relearning). Each studied
card's schedule goes with it into Anki's ``cards`` row, as Anki itself stores one: its type and queue (learning,
review, relearning, suspended), its due time (a day counted from the collection's creation for a review card, a
Unix time for a learning one), interval, reps, lapses, and its FSRS memory state (``data``: stability ``s``,
difficulty ``d``, last review ``lrt``), so a card known here is not new in Anki.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from functools import lru_cache
from pathlib import Path

from tutor.errors import StoreError
from tutor.questions.deck import Deck
from tutor.questions.readers.anki_package import ReviewKind

MODEL_ID = 1_607_392_319
"""The id of tutor's Anki note type: fixed, so every export shares one note type in Anki."""
MODEL_NAME = "tutor"


@dataclass(frozen=True)
class RevlogEntry:
    """One answer, as written to Anki's review log."""

    reviewed_at: datetime
    """When (aware UTC)."""
    rating: int
    """1 again, 2 hard, 3 good, 4 easy."""
    duration_ms: int | None
    """How long the answer took, when known."""
    kind: ReviewKind
    """LEARN, REVIEW or RELEARN: the card's state when answered."""


class AnkiCardType(IntEnum):
    """Anki's ``cards.type`` (its ``cards.queue`` is the same number for a card that is not suspended)."""

    NEW = 0
    LEARN = 1
    REVIEW = 2
    RELEARN = 3


SUSPENDED_QUEUE = -1
"""Anki's ``cards.queue`` of a suspended card."""
DEFAULT_FACTOR = 2500
"""Anki's starting ease (permille), so that the card also schedules sensibly if FSRS is off in Anki."""


@dataclass(frozen=True)
class AnkiSchedule:
    """A studied card's schedule, as written into Anki's ``cards`` row."""

    kind: AnkiCardType
    """LEARN, REVIEW or RELEARN."""
    due: datetime
    """When the card is due (aware UTC)."""
    last_review: datetime
    """When it was last answered (aware UTC)."""
    reps: int
    """Answers that moved its schedule."""
    lapses: int
    """Times it was forgotten after reaching review."""
    stability: float | None
    """FSRS stability in days."""
    difficulty: float | None
    """FSRS difficulty, 1 to 10."""
    suspended: bool = False
    """Kept out of Anki's queue."""

    def row(self, collection_created: int) -> tuple[int, int, int, int, int, int, int, str]:
        """Return (type, queue, due, ivl, factor, reps, lapses, data) of the card in a collection created at
        ``collection_created`` (Unix seconds, Anki's ``col.crt``)."""
        due_seconds = int(self.due.timestamp())
        last_seconds = int(self.last_review.timestamp())
        interval = max(1, round((due_seconds - last_seconds) / 86400))
        # A review card is due on a day counted from the collection's creation; a learning one at a time.
        due = (due_seconds - collection_created) // 86400 if self.kind == AnkiCardType.REVIEW else due_seconds
        data: dict[str, float | int] = {"lrt": last_seconds}
        if self.stability is not None and self.difficulty is not None:
            data |= {"s": round(self.stability, 4), "d": round(self.difficulty, 4)}
        queue = SUSPENDED_QUEUE if self.suspended else int(self.kind)
        ivl = interval if self.kind == AnkiCardType.REVIEW else 0
        return (int(self.kind), queue, due, ivl, DEFAULT_FACTOR, self.reps, self.lapses, json.dumps(data))


def _bracket_math(state, silent: bool) -> bool:
    """markdown-it inline rule: ``\\(…\\)`` and ``\\[…\\]`` are math, not escaped brackets."""
    source, start = state.src, state.pos
    if not source.startswith(("\\(", "\\["), start):
        return False
    display = source[start + 1] == "["
    end = source.find("\\]" if display else "\\)", start + 2)
    if end < 0:
        return False
    if not silent:
        token = state.push("math_inline_double" if display else "math_inline", "math", 0)
        token.content = source[start + 2 : end]
    state.pos = end + 2
    return True


@lru_cache(maxsize=1)
def _markdown():
    from markdown_it import MarkdownIt  # with rich already; ~20 ms, only when exporting
    from markdown_it.common.utils import escapeHtml
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md = MarkdownIt("commonmark", {"breaks": False, "html": False}).enable("table")
    dollarmath_plugin(md, allow_space=True, double_inline=True)
    md.inline.ruler.before("escape", "bracket_math", _bracket_math)

    def inline(self, tokens, index, options, env) -> str:
        return f"\\({escapeHtml(tokens[index].content)}\\)"

    def display(self, tokens, index, options, env) -> str:
        return f"\\[{escapeHtml(tokens[index].content.strip())}\\]"

    def block(self, tokens, index, options, env) -> str:
        # A block of its own, so that consecutive formulas stay apart.
        return f"<div>{display(self, tokens, index, options, env)}</div>\n"

    md.add_render_rule("math_inline", inline)
    md.add_render_rule("math_inline_double", display)
    md.add_render_rule("math_block", block)
    return md


def markdown_to_html(text: str) -> str:
    """Return Markdown as the HTML of an Anki field, math as MathJax."""
    return _markdown().render(text).strip()


def _number(text: str, bits: int = 40) -> int:
    """Return a stable positive id derived from ``text`` (Anki ids are 64-bit; 40 bits stay clear of its own)."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16) % (1 << bits) + (1 << 30)


def note_guid(card_id: str) -> str:
    """Return the Anki note guid of the card ``card_id`` (stable across exports)."""
    import genanki  # ~30 ms with its dependencies; only when exporting

    return genanki.guid_for("tutor", card_id)


def _model():
    import genanki

    return genanki.Model(
        MODEL_ID,
        MODEL_NAME,
        fields=[{"name": "Question"}, {"name": "Answer"}],
        templates=[
            {"name": "Card 1", "qfmt": "{{Question}}", "afmt": "{{FrontSide}}\n\n<hr id=answer>\n\n{{Answer}}"}
        ],
    )


def _tag(tag: str) -> str:
    return "_".join(tag.split())


def write_anki_package(
    deck: Deck,
    path: Path,
    *,
    history: Mapping[str, Sequence[RevlogEntry]] | None = None,
    schedules: Mapping[str, AnkiSchedule] | None = None,
) -> int:
    """Write ``deck`` to ``path`` as an Anki package and return the number of review-log rows written.

    Args:
        history: each card's answers (by card id), written to the package's review log.
        schedules: the schedule of each studied card (by card id), written to its row of Anki's cards.

    Raises:
        StoreError: the file cannot be written (an existing file is left as it was).
    """
    import genanki

    model = _model()
    package_deck = genanki.Deck(_number(f"deck/{deck.name}"), deck.title)
    for card in deck.cards:
        package_deck.add_note(
            genanki.Note(
                model=model,
                fields=[markdown_to_html(card.question), markdown_to_html(card.answer)],
                tags=[_tag(tag) for tag in card.tags if tag.strip()],
                guid=note_guid(card.id),
            )
        )
    work = Path(tempfile.mkdtemp(prefix="tutor-apkg-"))
    try:
        plain = work / "plain.apkg"
        genanki.Package(package_deck).write_to_file(str(plain))
        written = 0
        if history or schedules:
            written = _add_progress(
                plain,
                work,
                {note_guid(card_id): rows for card_id, rows in (history or {}).items()},
                {note_guid(card_id): schedule for card_id, schedule in (schedules or {}).items()},
            )
        _replace(plain, path)
    except OSError as error:
        raise StoreError(f"cannot write {path}: {error.strerror or error}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return written


def _add_progress(
    package: Path,
    work: Path,
    by_guid: Mapping[str, Sequence[RevlogEntry]],
    schedule_by_guid: Mapping[str, AnkiSchedule],
) -> int:
    """Write the answers into the revlog of the package's collection and the schedules into its cards, zip the
    package again, and return the number of revlog rows."""
    with zipfile.ZipFile(package) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    collection = work / "collection.anki2"
    collection.write_bytes(members["collection.anki2"])
    db = sqlite3.connect(collection)
    try:
        cards = dict(db.execute("SELECT notes.guid, cards.id FROM cards JOIN notes ON notes.id = cards.nid"))
        used: set[int] = set()
        rows = []
        for guid, entries in by_guid.items():
            for entry in entries:
                # revlog.id is the answer's time in milliseconds and must be unique.
                row_id = int(entry.reviewed_at.timestamp() * 1000)
                while row_id in used:
                    row_id += 1
                used.add(row_id)
                duration = min(max(entry.duration_ms or 0, 0), 2**31 - 1)
                rows.append((row_id, cards[guid], -1, entry.rating, 0, 0, 0, duration, int(entry.kind)))
        (created,) = db.execute("SELECT crt FROM col").fetchone()
        schedule_rows = [(*schedule.row(created), cards[guid]) for guid, schedule in schedule_by_guid.items()]
        with db:
            db.executemany(
                "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) VALUES (?,?,?,?,?,?,?,?,?)",
                rows,
            )
            db.executemany(
                "UPDATE cards SET type = ?, queue = ?, due = ?, ivl = ?, factor = ?, reps = ?, lapses = ?, data = ? "
                "WHERE id = ?",
                schedule_rows,
            )
    finally:
        db.close()
    members["collection.anki2"] = collection.read_bytes()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return len(rows)


def _replace(source: Path, target: Path) -> None:
    """Move the finished package into place atomically (a temporary file beside the target, then a rename)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:40]}.", suffix=".tmp")
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
