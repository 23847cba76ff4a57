"""The learner's SQLite file: opened safely, migrated, and written one durable transaction at a time.

Safety rules this module keeps:

* A file that is not a tutor database (another program's SQLite file, or not SQLite at all) is refused with a
  message naming it before anything could write to it. Corruption is reported the same way, when opening (the
  header and schema are read first) or later on the pages a query reads; tutor never recreates the file.
* WAL mode with ``synchronous=FULL``: a committed rating survives a killed process and a power cut, and readers
  never block the writer.
* Every write is a ``BEGIN IMMEDIATE`` transaction: it takes the write lock before reading, so two processes
  never deadlock on a lock upgrade, and the busy timeout makes the second wait instead of failing with
  "database is locked".
"""

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tutor.engine.days import DAY_US, from_us, to_us
from tutor.engine.migrations import APPLICATION_ID, MIGRATIONS, migrate
from tutor.engine.records import MODES, CardState, ReviewRecord
from tutor.errors import StoreError, UnknownCardError
from tutor.locations import database_path
from tutor.questions.card import Card, DemoLink, Erratum, Source
from tutor.questions.text import TOKENS_VERSION
from tutor.vocabulary import RATINGS, STATES

BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for another process's transaction (each of ours lasts milliseconds)."""

_SQLITE_MAGIC = b"SQLite format 3\x00"
_STATE_COLUMNS = "card_id, state, step, stability, difficulty, due_us, last_review_us, reps, lapses, suspended"
_LOG_COLUMNS = "id, card_id, rating, reviewed_us, duration_ms, mode, state_before, drill_id, score"
_TEXT_COLUMNS = "card_id, deck, question, answer, source_file, source_line, tags, key_points, demos, errata"
_TEXT_ALL = (
    "card_id, deck, position, question, answer, source_file, source_line, tags, key_points, demos, errata, "
    "question_terms, answer_terms, question_norm, answer_norm"
)
_TOKENS_KEY = "search_tokens_version"
"""Setting holding the :data:`TOKENS_VERSION` the full-text index was built with."""
_DECK_COLUMNS = (
    "d.name, d.title, d.origin, coalesce(n.cards, 0), d.source, d.content_hash, d.position "
    "FROM deck d LEFT JOIN deck_total n ON n.deck = d.name"
)
"""The columns of a :class:`DeckSummary`, its number of cards kept by triggers in ``deck_total``."""
ORIGINS = ("packaged", "imported")
"""Where a deck comes from: the package's corpus, or the learner's notes."""
DECK_STRIDE = 10_000_000
"""Collection order is deck position × this + the card's place in its deck (a deck holds fewer cards)."""


def _error(path: Path, error: sqlite3.Error) -> StoreError:
    """Turn an sqlite3 error into one line that names the file and says what to do."""
    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return StoreError(
            f"{path} is corrupt or not a tutor database ({error}); tutor will not overwrite it: "
            "move it away to start afresh, or restore a backup"
        )
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")):
        return StoreError(
            f"cannot write {path} ({error}): make its folder writable, or point $TUTOR_HOME or --data-dir "
            "at a writable folder"
        )
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreError(f"{path} stayed busy for {BUSY_TIMEOUT_S:g} s (another tutor is writing); try again")
    if name.startswith("SQLITE_FULL"):
        return StoreError(f"cannot write {path}: the disk is full")
    return StoreError(f"{path}: database error: {error}")


def _refuse_foreign_file(path: Path) -> None:
    """Refuse a path that exists and is not an SQLite file, before SQLite could touch it."""
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a tutor database")
    try:
        with path.open("rb") as handle:
            head = handle.read(len(_SQLITE_MAGIC))
    except FileNotFoundError:
        return
    except OSError as error:
        raise StoreError(f"cannot read {path}: {error.strerror}") from None
    # An empty file is what a second process sees while the first creates the database.
    if head and head != _SQLITE_MAGIC:
        raise StoreError(
            f"{path} is not a tutor database (not an SQLite file); tutor will not overwrite it: "
            "move it away or choose another data directory"
        )


def _require_writable(data_dir: Path, path: Path) -> None:
    """Create the data directory when missing; refuse one where the database (or its WAL files) cannot be written."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise StoreError(f"the data directory {data_dir} is a file, not a directory") from None
    except OSError as error:
        raise StoreError(
            f"cannot create the data directory {data_dir}: {error.strerror}; point $TUTOR_HOME or --data-dir "
            "at a writable folder"
        ) from None
    if not os.access(data_dir, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise StoreError(
            f"the data directory {data_dir} is read-only: tutor keeps its database there; make it writable, "
            "or point $TUTOR_HOME or --data-dir at a writable folder"
        )


def _check_identity(db: sqlite3.Connection, path: Path) -> None:
    """Accept a tutor database or a brand-new empty file; refuse any other SQLite file."""
    # One read transaction: the three values come from one snapshot, so a file another process is creating
    # reads as empty or as complete, never as "application id not set yet but tables already there".
    db.execute("BEGIN")
    try:
        application_id = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        # Reading the schema reads page 1 in full, which finds most corruption before anything is written.
        tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    finally:
        db.execute("COMMIT")
    if application_id == APPLICATION_ID:
        if version > len(MIGRATIONS):
            raise StoreError(
                f"{path} was written by a newer tutor (schema {version}, this one knows {len(MIGRATIONS)}); "
                "upgrade tutor"
            )
        return
    if application_id == 0 and version == 0 and tables == 0:
        return
    raise StoreError(
        f"{path} is an SQLite database of another program, not a tutor database; tutor will not overwrite it: "
        "move it away or choose another data directory"
    )


def state_from_row(row: Sequence[Any]) -> CardState:
    """Build a :class:`CardState` from a ``card`` row (columns in :data:`_STATE_COLUMNS` order)."""
    card_id, state, step, stability, difficulty, due_us, last_us, reps, lapses, suspended = row
    return CardState(
        card_id=card_id,
        state=STATES[state],
        step=step,
        stability=stability,
        difficulty=difficulty,
        due=from_us(due_us) if due_us is not None else None,
        last_review=from_us(last_us) if last_us is not None else None,
        reps=reps,
        lapses=lapses,
        suspended=bool(suspended),
    )


def _state_row(state: CardState) -> tuple[Any, ...]:
    return (
        state.card_id,
        STATES.index(state.state),
        state.step,
        state.stability,
        state.difficulty,
        to_us(state.due) if state.due is not None else None,
        to_us(state.last_review) if state.last_review is not None else None,
        state.reps,
        state.lapses,
        int(state.suspended),
    )


def _record_from_row(row: Sequence[Any]) -> ReviewRecord:
    log_id, card_id, rating, reviewed_us, duration_ms, mode, state_before, drill_id, score = row
    return ReviewRecord(
        id=log_id,
        card_id=card_id,
        rating=RATINGS[rating - 1],
        reviewed_at=from_us(reviewed_us),
        duration_ms=duration_ms,
        mode=mode,
        state_before=STATES[state_before],
        drill_id=drill_id,
        score=score,
    )


@dataclass(frozen=True)
class DeckSummary:
    """A deck of the collection, without its cards: what ``tutor decks`` and the home screen list."""

    name: str
    """Short name used on the command line (``--deck NAME``)."""
    title: str
    """Human title shown in lists."""
    origin: str
    """``packaged`` (the package's corpus) or ``imported`` (the learner's notes)."""
    card_count: int
    """How many cards the deck holds."""
    source: str | None = None
    """The content file a packaged deck is synced from; the file an imported deck was first imported from."""
    content_hash: str | None = None
    """Digest of the content last synced into the deck (None when unknown)."""
    position: int = 0
    """Order of the deck in the collection."""

    @property
    def user(self) -> bool:
        """True for the learner's imported decks."""
        return self.origin == "imported"

    def to_dict(self) -> dict[str, Any]:
        """Return the summary as plain data (the JSON of ``tutor decks``)."""
        return {"name": self.name, "title": self.title, "cards": self.card_count, "user": self.user}


@dataclass(frozen=True)
class DeckChange:
    """What writing a deck's cards changed, by card id (in deck order; removed ones in their old order)."""

    added: tuple[str, ...]
    """Cards new to the deck."""
    changed: tuple[str, ...]
    """Cards whose text, source, tags, key points, demos or errata changed."""
    unchanged: tuple[str, ...]
    """Cards stored exactly as given."""
    removed: tuple[str, ...]
    """Cards no longer in the deck: their text leaves the collection, their state and history stay."""


def _json_list(values: Iterable[Any]) -> str:
    items = list(values)
    return json.dumps(items, ensure_ascii=False) if items else "[]"


def _json_items(text: str) -> list[Any]:
    # Most lists are empty (an imported note has no key points, demos or errata): reading a deck of 2,000
    # cards then decodes no JSON for them.
    return [] if text == "[]" else json.loads(text)


def _card_from_row(row: Sequence[Any]) -> Card:
    card_id, deck, question, answer, source_file, source_line, tags, key_points, demos, errata = row
    return Card(
        id=card_id,
        deck=deck,
        question=question,
        answer=answer,
        source=Source(file=source_file, line=source_line) if source_file is not None else None,
        tags=tuple(_json_items(tags)),
        key_points=tuple(_json_items(key_points)),
        demos=tuple(DemoLink.from_dict(item) for item in _json_items(demos)),
        errata=tuple(Erratum.from_dict(item) for item in _json_items(errata)),
    )


def _base_row(card: Card, deck: str, position: int) -> tuple[Any, ...]:
    """The ``card_text`` columns given by the card itself (the first 11 of :data:`_TEXT_ALL`)."""
    return (
        card.id,
        deck,
        position,
        card.question,
        card.answer,
        card.source.file if card.source else None,
        card.source.line if card.source else None,
        _json_list(card.tags),
        _json_list(card.key_points),
        _json_list(demo.to_dict() for demo in card.demos),
        _json_list(erratum.to_dict() for erratum in card.errata),
    )


def _indexed(card: Card, base: tuple[Any, ...]) -> tuple[tuple[Any, ...], tuple[str, str]]:
    """The whole ``card_text`` row of ``card`` (:data:`_TEXT_ALL` order) and its full-text fields, tokenising
    the card once."""
    from tutor.questions import search as ranking  # for writing decks and searching only (~10 ms)
    from tutor.questions.text import normalize, tokens

    question, answer = tokens(card.question), tokens(ranking.answer_text(card))
    row = (
        *base,
        ranking.field_length(question),
        ranking.field_length(answer),
        normalize(card.question),
        normalize(card.answer),
    )
    return row, (" ".join(question), " ".join(answer))


def _fts_values(card: Card) -> tuple[str, str]:
    """The pre-tokenised question and answer field of ``card`` for the full-text index."""
    from tutor.questions import search as ranking
    from tutor.questions.text import tokens

    return " ".join(tokens(card.question)), " ".join(tokens(ranking.answer_text(card)))


def _in(values: Sequence[Any]) -> str:
    return f"({','.join('?' * len(values))})"


def _in_decks(decks: Sequence[str] | None) -> str:
    """`` AND deck IN (?, …)`` for cards of ``decks``, nothing when there are none (every deck)."""
    return f" AND deck IN {_in(decks)}" if decks else ""


_NEW = "state = 0 AND suspended = 0 AND position IS NOT NULL"
"""The cards the queue may introduce: never studied, not suspended, still in the collection."""
_DUE = "due_us <= ? AND state > 0 AND suspended = 0 AND position IS NOT NULL"
"""The scheduled cards due at the time given (the one parameter), not suspended, still in the collection."""


class Transaction:
    """One open write transaction of a :class:`Store`: made by :meth:`Store.transaction`, valid inside it.

    Every method writes through the transaction, so what a block does is committed together or not at all.
    Reads of the store made inside the block (``store.card_state`` …) see its uncommitted writes.
    """

    def __init__(self, store: "Store", db: sqlite3.Connection) -> None:
        self._store = store
        self._db = db

    def card_state(self, card_id: str) -> CardState | None:
        """Return the stored state of ``card_id``, or None when the database has never seen the card."""
        return self._store.card_state(card_id)

    def put_card_state(self, state: CardState, deck: str | None = None) -> None:
        """Set a card's FSRS state (its deck and place are kept).

        ``deck`` is needed only for a card the store has no row for yet (tests' libraries, another process's
        newer content); an Anki import calls this after :meth:`put_deck`, so the row exists.

        Raises:
            UnknownCardError: the store has no row for the card and no ``deck`` was given.
        """
        values = _state_row(state)
        cursor = self._db.execute(
            f"UPDATE card SET ({_STATE_COLUMNS}) = (?,?,?,?,?,?,?,?,?,?) WHERE card_id = ?", (*values, state.card_id)
        )
        if cursor.rowcount:
            return
        if deck is None:
            raise UnknownCardError(f"unknown card id {state.card_id!r} (see `tutor list` for ids)")
        self._db.execute(f"INSERT INTO card (deck, {_STATE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)", (deck, *values))

    def append_review(
        self,
        *,
        card_id: str,
        rating: str,
        reviewed_us: int,
        duration_ms: int | None,
        mode: str,
        state_before: str,
        drill_id: int | None = None,
        score: float | None = None,
        undo_state: CardState | None = None,
        undoable: bool = False,
    ) -> int:
        """Append one answer to the review log and return its id.

        An importer of another program's history (an Anki package) appends each of its review rows here,
        oldest first, with ``mode="review"`` and the state the card was in before the answer, then sets the
        card's resulting FSRS state with :meth:`put_card_state`, all in one transaction.

        With ``undoable``, ``undo_state`` is what undo restores (None: the card had no stored state).
        """
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        undo = None
        if undoable:
            undo = json.dumps(undo_state.to_dict() if undo_state is not None else None)
        cursor = self._db.execute(
            "INSERT INTO review_log (card_id, rating, reviewed_us, duration_ms, mode, state_before, drill_id, "
            "score, undo_state) VALUES (?,?,?,?,?,?,?,?,?)",
            (
                card_id,
                RATINGS.index(rating) + 1,
                reviewed_us,
                duration_ms,
                mode,
                STATES.index(state_before),
                drill_id,
                score,
                undo,
            ),
        )
        return int(cursor.lastrowid)

    def append_reviews(self, records: Iterable[ReviewRecord]) -> int:
        """Append many answers to the review log at once (their ``id`` is ignored: the log numbers them) and
        return how many. For another program's history: an Anki importer writes its deck with
        :meth:`put_deck`, appends the package's review log here (oldest first, ``mode="review"``), then sets
        each card's resulting FSRS state with :meth:`put_card_states`, all in one transaction. Not undoable.
        """
        rows = (
            (
                record.card_id,
                RATINGS.index(record.rating) + 1,
                to_us(record.reviewed_at),
                record.duration_ms,
                record.mode,
                STATES.index(record.state_before),
                record.drill_id,
                record.score,
            )
            for record in records
        )
        cursor = self._db.executemany(
            "INSERT INTO review_log (card_id, rating, reviewed_us, duration_ms, mode, state_before, drill_id, score) "
            "VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )
        return cursor.rowcount

    def put_card_states(self, states: Iterable[CardState]) -> None:
        """Set the FSRS state of many cards of the collection at once (see :meth:`put_card_state`).

        Raises:
            UnknownCardError: a card has no row in the store (write its deck first).
        """
        for state in states:
            self.put_card_state(state)

    def scheduling_answers(self, card_ids: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
        """Return, for each of ``card_ids`` with answers in the log, its (time in µs, rating name) pairs that
        moved its schedule, oldest first (see :mod:`tutor.engine.store_history`)."""
        from tutor.engine.store_history import scheduling_answers

        return scheduling_answers(self._db, card_ids)

    def start_drill(
        self, *, started_us: int, deadline_us: int | None, decks: Sequence[str], tags: Sequence[str], seed: int
    ) -> int:
        """Record a drill that starts now and return its id."""
        cursor = self._db.execute(
            "INSERT INTO drill (started_us, deadline_us, decks, tags, seed) VALUES (?, ?, ?, ?, ?)",
            (started_us, deadline_us, ",".join(decks), ",".join(tags), seed),
        )
        return int(cursor.lastrowid)

    def finish_drill(self, drill_id: int, *, finished_us: int, moved_schedule: bool) -> None:
        """Mark a drill finished, saying whether its answers moved the schedule."""
        self._db.execute(
            "UPDATE drill SET finished_us = ?, moved_schedule = ? WHERE id = ?",
            (finished_us, int(moved_schedule), drill_id),
        )

    def put_setting(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable ``value`` under ``key`` (None deletes it)."""
        if value is None:
            self._db.execute("DELETE FROM setting WHERE key = ?", (key,))
        else:
            self._db.execute(
                "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (key, json.dumps(value, ensure_ascii=False))
            )

    # The collection: decks and their cards.

    def put_deck(
        self,
        name: str,
        *,
        title: str,
        origin: str,
        cards: Sequence[Card],
        source: str | None = None,
        content_hash: str | None = None,
        position: int | None = None,
        take_from_other_decks: bool = False,
    ) -> DeckChange:
        """Create or replace deck ``name`` with exactly ``cards``, in that order, and return what changed.

        A card keeps its id, state and history through changes of its text; a card no longer given leaves the
        collection (text, tags and search entry deleted; its state and history stay, out of the queue). Every
        card id must be new to the collection or already in this deck. The deck keeps its place when
        ``position`` is None (a new deck goes last). With ``take_from_other_decks``, a card found in another deck
        moves here (the corpus moved it) instead of being refused. This is how an importer writes a whole deck in one
        transaction: an Anki importer calls it, then :meth:`append_review` and :meth:`put_card_state`.

        Raises:
            StoreError: a card id belongs to another deck of the collection.
            ValueError: ``origin`` is not one of :data:`ORIGINS`.
        """
        if origin not in ORIGINS:
            raise ValueError(f"unknown deck origin {origin!r}")
        db = self._db
        rows = db.execute("SELECT position FROM deck WHERE name = ?", (name,)).fetchall()
        if position is None:
            if rows:
                position = rows[0][0]
            else:
                position = db.execute("SELECT coalesce(max(position) + 1, 0) FROM deck").fetchone()[0]
                position = max(position, 1000) if origin == "imported" else position
        db.execute(
            "INSERT INTO deck (name, title, origin, source, content_hash, position) VALUES (?,?,?,?,?,?) "
            "ON CONFLICT (name) DO UPDATE SET title = excluded.title, origin = excluded.origin, "
            "source = excluded.source, content_hash = excluded.content_hash, position = excluded.position",
            (name, title, origin, source, content_hash, position),
        )
        old = {row[1]: row for row in db.execute(f"SELECT id, {_TEXT_ALL} FROM card_text WHERE deck = ?", (name,))}
        given = [card.id for card in cards]
        if len(set(given)) != len(given):
            raise StoreError(f"deck {name!r}: two cards share an id")
        taken = db.execute(
            "SELECT card_id, deck FROM card_text WHERE card_id IN (SELECT value FROM json_each(?)) AND deck != ?",
            (json.dumps([card_id for card_id in given if card_id not in old]), name),
        ).fetchall()
        if taken and not take_from_other_decks:
            raise StoreError(f"card id {taken[0][0]!r} is already in deck {taken[0][1]!r}")
        for card_id, _ in taken:
            self._remove_text(db.execute(f"SELECT id, {_TEXT_ALL} FROM card_text WHERE card_id = ?", (card_id,)).fetchone())
        kept = set(given)
        removed = [row[1] for row in sorted(old.values(), key=lambda row: row[3]) if row[1] not in kept]
        for card_id in removed:
            self._remove_text(old[card_id])
        added, changed, unchanged = [], [], []
        base = position * DECK_STRIDE
        # New cards go in with one statement per table: ids are given, not read back one insert at a time.
        next_id = db.execute("SELECT coalesce(max(id), 0) + 1 FROM card_text").fetchone()[0]
        new_text, new_fts, new_tags, placed = [], [], [], []
        for index, card in enumerate(cards):
            fields = _base_row(card, name, base + index)
            previous = old.get(card.id)
            if previous is not None and tuple(previous[1:12]) == fields:
                unchanged.append(card.id)
                continue
            row, fts = _indexed(card, fields)
            placed.append((card.id, name, base + index))
            if previous is None:
                added.append(card.id)
                new_text.append((next_id, *row))
                new_fts.append((next_id, *fts))
                new_tags += [(tag, next_id) for tag in dict.fromkeys(card.tags)]
                next_id += 1
                continue
            text_id = previous[0]
            old_card = _card_from_row((previous[1], previous[2], *previous[4:12]))
            (unchanged if old_card == card else changed).append(card.id)
            db.execute(f"UPDATE card_text SET ({_TEXT_ALL}) = ({','.join('?' * 15)}) WHERE id = ?", (*row, text_id))
            if _fts_values(old_card) != fts or old_card.tags != card.tags:
                self._unindex(text_id, old_card)
                db.execute("DELETE FROM card_tag WHERE text_id = ?", (text_id,))
                self._index(text_id, card)
        db.executemany(f"INSERT INTO card_text (id, {_TEXT_ALL}) VALUES ({','.join('?' * 16)})", new_text)
        db.executemany("INSERT INTO card_fts (rowid, question, answer) VALUES (?, ?, ?)", new_fts)
        db.executemany("INSERT INTO card_tag (tag, text_id) VALUES (?, ?)", new_tags)
        db.executemany(
            "INSERT INTO card (card_id, deck, position) VALUES (?, ?, ?) "
            "ON CONFLICT (card_id) DO UPDATE SET deck = excluded.deck, position = excluded.position",
            placed,
        )
        return DeckChange(tuple(added), tuple(changed), tuple(unchanged), tuple(removed))

    def _index(self, text_id: int, card: Card) -> None:
        question, answer = _fts_values(card)
        self._db.execute("INSERT INTO card_fts (rowid, question, answer) VALUES (?, ?, ?)", (text_id, question, answer))
        self._db.executemany(
            "INSERT OR IGNORE INTO card_tag (tag, text_id) VALUES (?, ?)", ((tag, text_id) for tag in card.tags)
        )

    def _unindex(self, text_id: int, card: Card) -> None:
        # A contentless FTS5 table forgets a row when given the tokens it was indexed with; TOKENS_VERSION
        # guarantees they are the ones tokens() gives now (the index is rebuilt when it changes).
        question, answer = _fts_values(card)
        self._db.execute(
            "INSERT INTO card_fts (card_fts, rowid, question, answer) VALUES ('delete', ?, ?, ?)",
            (text_id, question, answer),
        )

    def _remove_text(self, row: Sequence[Any]) -> None:
        """Delete a ``card_text`` row (``id`` then :data:`_TEXT_ALL`) with its index entries; keep the card's
        state and history, out of the queue."""
        text_id, card_id = row[0], row[1]
        self._unindex(text_id, _card_from_row((row[1], row[2], *row[4:12])))
        self._db.execute("DELETE FROM card_tag WHERE text_id = ?", (text_id,))
        self._db.execute("DELETE FROM card_text WHERE id = ?", (text_id,))
        self._db.execute("UPDATE card SET position = NULL WHERE card_id = ?", (card_id,))

    def delete_deck(self, name: str) -> int:
        """Remove deck ``name`` and its cards' text from the collection (their state and history stay) and
        return how many cards it held (0 when there is no such deck)."""
        rows = self._db.execute(f"SELECT id, {_TEXT_ALL} FROM card_text WHERE deck = ?", (name,)).fetchall()
        for row in rows:
            self._remove_text(row)
        self._db.execute("DELETE FROM deck WHERE name = ?", (name,))
        return len(rows)

    def rebuild_search_index(self) -> None:
        """Re-tokenise every card into the full-text index (after :data:`TOKENS_VERSION` changed)."""
        self._db.execute("INSERT INTO card_fts (card_fts) VALUES ('delete-all')")
        for text_id, *row in self._db.execute(f"SELECT id, {_TEXT_COLUMNS} FROM card_text").fetchall():
            question, answer = _fts_values(_card_from_row(row))
            self._db.execute(
                "INSERT INTO card_fts (rowid, question, answer) VALUES (?, ?, ?)", (text_id, question, answer)
            )
        self.put_setting(_TOKENS_KEY, TOKENS_VERSION)


def _deck_tag_filter(
    decks: Sequence[str] | None, tags: Sequence[str] | None, *, table: str = ""
) -> tuple[str, list[str]]:
    """The WHERE clause and its parameters for cards of any of ``decks`` with any of ``tags`` (all when empty)."""
    where, params = [], []
    if decks:
        where.append(f"{table}deck IN {_in(decks)}")
        params += list(decks)
    if tags:
        where.append(f"{table}id IN (SELECT text_id FROM card_tag WHERE tag IN {_in(tags)})")
        params += list(tags)
    return (f"WHERE {' AND '.join(where)}" if where else ""), params


class Store:
    """One open connection to the learner's database. Use :meth:`open`; close it (or use ``with``)."""

    def __init__(self, path: Path, db: sqlite3.Connection) -> None:
        self.path = path
        self._db = db
        # The app may call from worker threads; one connection, one statement at a time.
        self._lock = threading.RLock()

    @classmethod
    def open(cls, data_dir: Path) -> "Store":
        """Open (creating the folder and the database, and migrating, when needed) the database in ``data_dir``.

        Raises:
            StoreError: the file is not a tutor database or is corrupt (it is left untouched), the directory
                is read-only, or the database stays busy.
        """
        path = database_path(data_dir)
        _require_writable(data_dir, path)
        _refuse_foreign_file(path)
        try:
            db = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise _error(path, error) from None
        try:
            _check_identity(db, path)
            mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode != "wal":
                raise StoreError(f"{path}: cannot switch the database to WAL mode (it stays {mode})")
            db.execute("PRAGMA synchronous = FULL")
            db.execute("PRAGMA foreign_keys = ON")
            # 64 MiB of page cache (the default is 2 MiB): stats scan indexes of a million-row log.
            db.execute("PRAGMA cache_size = -65536")
            # Pages are read through a memory map, not copied in by a system call each: every command starts
            # with a cold cache, and this is a quarter of the time of the queue's and the stats' first reads.
            # SQLite maps the file read-only: writes still go through the journal as before.
            db.execute("PRAGMA mmap_size = 1073741824")
            migrate(db)
        except sqlite3.Error as error:
            db.close()
            raise _error(path, error) from None
        except BaseException:
            db.close()
            raise
        return cls(path, db)

    def close(self) -> None:
        """Close the connection (committed work is already on disk)."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def read(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
        """Run one query (``?`` parameters from a sequence, ``:name`` ones from a dict) and return all its rows."""
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as error:
                raise _error(self.path, error) from None

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """Run the block as one ``BEGIN IMMEDIATE`` transaction: committed at the end, rolled back on error."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise _error(self.path, error) from None
            try:
                yield Transaction(self, self._db)
                self._db.execute("COMMIT")
            except sqlite3.Error as error:
                self._rollback()
                raise _error(self.path, error) from None
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        # SQLite has already rolled back after some errors (a full disk, corruption).
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")

    def ensure_search_index(self) -> None:
        """Rebuild the full-text index when it was built with other tokens than :func:`tokens` gives now."""
        if self.setting(_TOKENS_KEY) == TOKENS_VERSION:
            return
        with self.transaction() as tx:
            if self.setting(_TOKENS_KEY) != TOKENS_VERSION:
                tx.rebuild_search_index()

    # The collection, read.

    def decks(self) -> list[DeckSummary]:
        """Return every deck of the collection in order, with its number of cards."""
        rows = self.read(f"SELECT {_DECK_COLUMNS} ORDER BY d.position, d.name")
        return [DeckSummary(*row) for row in rows]

    def deck(self, name: str) -> DeckSummary | None:
        """Return deck ``name``, or None when the collection has no such deck."""
        rows = self.read(f"SELECT {_DECK_COLUMNS} WHERE d.name = ?", (name,))
        return DeckSummary(*rows[0]) if rows else None

    def card_count(self, decks: Sequence[str] | None = None) -> int:
        """Return how many cards the collection (or the decks named) holds."""
        where = f"WHERE deck IN {_in(decks)}" if decks else ""
        return int(self.read(f"SELECT coalesce(sum(cards), 0) FROM deck_total {where}", decks or ())[0][0])

    def card(self, card_id: str) -> Card | None:
        """Return the card ``card_id`` of the collection, or None."""
        rows = self.read(f"SELECT {_TEXT_COLUMNS} FROM card_text WHERE card_id = ?", (card_id,))
        return _card_from_row(rows[0]) if rows else None

    def cards(self, card_ids: Sequence[str]) -> dict[str, Card]:
        """Return the cards of the collection among ``card_ids``, by id (unknown ids are left out)."""
        rows = self.read(
            f"SELECT {_TEXT_COLUMNS} FROM card_text WHERE card_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(card_ids)),),
        )
        return {row[0]: _card_from_row(row) for row in rows}

    def decks_of(self, card_ids: Sequence[str]) -> dict[str, str]:
        """Return the deck of each collection card among ``card_ids``, by id (unknown ids are left out)."""
        rows = self.read(
            "SELECT card_id, deck FROM card_text WHERE card_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(card_ids)),),
        )
        return dict(rows)

    def card_deck(self, card_id: str) -> str | None:
        """Return the deck of collection card ``card_id``, or None."""
        rows = self.read("SELECT deck FROM card_text WHERE card_id = ?", (card_id,))
        return rows[0][0] if rows else None

    def select(
        self,
        *,
        decks: Sequence[str] | None = None,
        tags: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[Card]:
        """Return the cards of the named decks (all when none) with any of the tags (all when none), in order;
        the first ``limit`` of them when given."""
        clause, params = _deck_tag_filter(decks, tags, table="t.")
        columns = ", ".join(f"t.{column.strip()}" for column in _TEXT_COLUMNS.split(","))
        rows = self.read(
            f"SELECT {columns} FROM card_text t {clause} ORDER BY t.position LIMIT ?", [*params, limit or -1]
        )
        return [_card_from_row(row) for row in rows]

    def card_decks(
        self, *, decks: Sequence[str] | None = None, tags: Sequence[str] | None = None
    ) -> list[tuple[str, str]]:
        """Return (id, deck) of the cards :meth:`select` would return, without reading the cards' text."""
        clause, params = _deck_tag_filter(decks, tags)
        return [(row[0], row[1]) for row in self.read(f"SELECT card_id, deck FROM card_text {clause} ORDER BY position", params)]

    def headlines(self, card_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """Return the deck and question of each card among ``card_ids`` (lists that show no answers)."""
        rows = self.read(
            "SELECT card_id, deck, question FROM card_text WHERE card_id IN (SELECT value FROM json_each(?))",
            (json.dumps(list(card_ids)),),
        )
        return {card_id: (deck, question) for card_id, deck, question in rows}

    def imported_decks_with_source(self, file_name: str) -> list[str]:
        """Return the imported decks holding a card that came from a file named ``file_name``."""
        rows = self.read(
            "SELECT DISTINCT t.deck FROM card_text t JOIN deck d ON d.name = t.deck "
            "WHERE d.origin = 'imported' AND t.source_file = ? ORDER BY t.deck",
            (file_name,),
        )
        return [row[0] for row in rows]

    def search_vocabulary(self) -> tuple[dict[str, int], dict[str, int]]:
        """Return the terms of the full-text index of two characters or more, and the tags and key points, each
        with the number of cards holding it (what "did you mean" compares a query that found nothing with)."""
        terms = dict(self.read("SELECT term, doc FROM card_fts_docs WHERE length(term) >= 2"))
        phrases: dict[str, int] = dict(self.read("SELECT tag, count(*) FROM card_tag GROUP BY tag"))
        for point, count in self.read(
            "SELECT p.value, count(*) FROM card_text t, json_each(t.key_points) p WHERE t.key_points != '[]' "
            "GROUP BY p.value"
        ):
            phrases[point] = phrases.get(point, 0) + count
        return terms, phrases

    def tag_counts(self) -> dict[str, int]:
        """Return how many cards carry each tag, by tag."""
        return dict(self.read("SELECT tag, count(*) FROM card_tag GROUP BY tag ORDER BY tag"))

    def search(self, query: str, *, decks: Sequence[str] | None = None, limit: int | None = None) -> list[tuple[str, float]]:
        """Return (card id, score) of the cards matching ``query``, best first (ties in collection order), the
        first ``limit`` of them when given.

        The same ranking as :class:`tutor.questions.search.SearchIndex` (BM25F over question and answer, the
        half-of-the-terms rule, the phrase bonus), on the FTS5 index: the term occurrences of each card come
        from the index (fts5vocab), lengths and the normalised text from ``card_text``, so no card is
        tokenised at query time, and the scores are computed, sorted and cut in SQL, so that a word found in
        10,000 cards costs no Python per card. FTS5's own ``bm25()`` is not used: it normalises both fields by
        one length, which ranks a long answer mentioning a word above a short question about it.
        """
        from tutor.questions import search as ranking

        terms = ranking.query_terms(query)
        if not terms:
            return []
        scope = {f"deck{index}": deck for index, deck in enumerate(decks or ())}
        in_scope = f"({', '.join(':' + name for name in scope)})"
        total, question_sum, answer_sum = self.read(
            "SELECT coalesce(sum(cards), 0), coalesce(sum(question_terms), 0), coalesce(sum(answer_terms), 0) "
            "FROM deck_total" + (f" WHERE deck IN {in_scope}" if scope else ""),
            scope,
        )[0]
        if not total:
            return []
        params: dict[str, Any] = {
            **scope,
            "k1": ranking.K1,
            "b": ranking.B,
            "question_weight": ranking.QUESTION_WEIGHT,
            "question_average": question_sum / total,
            "answer_average": answer_sum / total,
            "phrase": ranking.query_phrase(query),
            "term_count": len(terms),
            "required": ranking.required_terms(len(terms)),
            "limit": limit or -1,
        }
        for index, term in enumerate(terms):
            # The cards (of the decks searched) holding the term, for its idf: one phrase query of the index.
            match = '"' + term.replace('"', '""') + '"'
            frequency = self.read(
                "SELECT count(*) FROM card_fts WHERE card_fts MATCH :match"
                + (f" AND rowid IN (SELECT id FROM card_text WHERE deck IN {in_scope})" if scope else ""),
                {**scope, "match": match},
            )[0][0]
            params[f"term{index}"] = term
            params[f"idf{index}"] = ranking.inverse_frequency(total, frequency)
        counts = ", ".join(
            f"sum(term = :term{index} AND col = 'question') AS q{index}, "
            f"sum(term = :term{index} AND col = 'answer') AS a{index}"
            for index in range(len(terms))
        )
        matched = " + ".join(f"(sum(term = :term{index}) > 0)" for index in range(len(terms)))
        # ranking.score, term by term in the order of the terms (a term a card lacks adds 0.0), so that the
        # scores are the same floating-point numbers.
        weights = [
            f"(:question_weight * h.q{index} / (1 - :b + :b * t.question_terms / :question_average)"
            f" + h.a{index} / (1 - :b + :b * t.answer_terms / :answer_average))"
            for index in range(len(terms))
        ]
        total_score = " + ".join(
            f":idf{index} * {weight} * (:k1 + 1) / ({weight} + :k1)" for index, weight in enumerate(weights)
        )
        rows = self.read(
            f"""
            SELECT t.card_id, (0.0 + {total_score})
                * CASE WHEN instr(t.question_norm, :phrase) > 0 THEN 2 + 4.0 * length(:phrase) / length(t.question_norm)
                       WHEN instr(t.answer_norm, :phrase) > 0 THEN 1.3 ELSE 1 END
                * h.matched / :term_count AS score
            FROM (
                SELECT doc, {counts}, {matched} AS matched FROM card_fts_terms
                WHERE term IN ({', '.join(f':term{index}' for index in range(len(terms)))})
                GROUP BY doc HAVING matched >= :required
            ) h JOIN card_text t ON t.id = h.doc {f"WHERE t.deck IN {in_scope}" if scope else ""}
            ORDER BY score DESC, t.position LIMIT :limit
            """,
            params,
        )
        return [(card_id, score) for card_id, score in rows]

    # Card state and the log.

    def card_state(self, card_id: str) -> CardState | None:
        """Return the stored state of ``card_id``, or None when the database has never seen the card."""
        rows = self.read(f"SELECT {_STATE_COLUMNS} FROM card WHERE card_id = ?", (card_id,))
        return state_from_row(rows[0]) if rows else None

    def drill_weights_input(self) -> dict[str, tuple[int, float | None, int | None, int, int]]:
        """Return (state, stability, last review µs, lapses, suspended) of every collection card ever rated or
        suspended, by id: what drill weights need, in one query."""
        return {
            row[0]: row[1:]
            for row in self.read(
                "SELECT card_id, state, stability, last_review_us, lapses, suspended FROM card "
                "WHERE position IS NOT NULL AND (state > 0 OR suspended = 1)"
            )
        }

    def answers_since(self, since_us: int) -> int:
        """Return how many answers (reviews and drills) were logged at or after ``since_us``."""
        return int(self.read("SELECT count(*) FROM review_log WHERE reviewed_us >= ?", (since_us,))[0][0])

    def undo_review(self, log_id: int) -> str | None:
        """Delete the review-mode rating ``log_id`` and restore the card's state from before it.

        Returns the card id, or None when the rating is gone or the card has moved since (nothing is changed).
        """
        with self.transaction() as tx:
            rows = self.read(
                "SELECT card_id, reviewed_us, undo_state FROM review_log WHERE id = ? AND undo_state IS NOT NULL",
                (log_id,),
            )
            if not rows:
                return None
            card_id, reviewed_us, undo_state = rows[0]
            current = self.card_state(card_id)
            if current is None or current.last_review is None or to_us(current.last_review) != reviewed_us:
                return None
            self._db.execute("DELETE FROM review_log WHERE id = ?", (log_id,))
            before = json.loads(undo_state)
            restored = CardState.from_dict(before) if before is not None else CardState(card_id)
            # Suspension is not part of a rating: keep whatever it is now.
            tx.put_card_state(replace(restored, suspended=current.suspended))
            return card_id

    def history(self, card_id: str) -> list[ReviewRecord]:
        """Return every logged answer of ``card_id``, oldest first."""
        rows = self.read(
            f"SELECT {_LOG_COLUMNS} FROM review_log WHERE card_id = ? ORDER BY reviewed_us, id", (card_id,)
        )
        return [_record_from_row(row) for row in rows]

    def schedule_records(self) -> list[ReviewRecord]:
        """Return the answers that moved the schedule (reviews, and drills that moved it), in log order."""
        rows = self.read(
            f"SELECT {_LOG_COLUMNS} FROM review_log WHERE mode = 'review' "
            "OR drill_id IN (SELECT id FROM drill WHERE moved_schedule = 1) ORDER BY id"
        )
        return [_record_from_row(row) for row in rows]

    def setting(self, key: str) -> Any:
        """Return the JSON value stored under ``key``, or None."""
        rows = self.read("SELECT value FROM setting WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else None

    def put_setting(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable ``value`` under ``key`` (None deletes it)."""
        with self.transaction() as tx:
            tx.put_setting(key, value)

    # Exams and the daily limits (tutor.engine.exam_book, tutor.engine.study).

    def card_states(self, card_ids: Sequence[str]) -> dict[str, CardState]:
        """Return the stored states of those of ``card_ids`` the database has seen, by id."""
        found: dict[str, CardState] = {}
        ids = list(card_ids)
        # SQLite limits the parameters of one statement; 500 stays far below every build's limit.
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            rows = self.read(f"SELECT {_STATE_COLUMNS} FROM card WHERE card_id IN ({','.join('?' * len(chunk))})", chunk)
            found.update((row[0], state_from_row(row)) for row in rows)
        return found

    def first_reviews_since(self, since_us: int) -> list[str]:
        """Return the cards rated for the first time (a review of a new card) since ``since_us``."""
        rows = self.read(
            "SELECT card_id FROM review_log WHERE reviewed_us >= ? AND +state_before = 0 AND +mode = 'review'",
            (since_us,),
        )
        return [card_id for (card_id,) in rows]

    def review_cards_rated_since(self, since_us: int) -> int:
        """Return how many answers in review were given to cards in the review state since ``since_us``."""
        rows = self.read(
            "SELECT count(*) FROM review_log WHERE reviewed_us >= ? AND +state_before = 2 AND +mode = 'review'",
            (since_us,),
        )
        return int(rows[0][0])

    # The queue and the statistics (tutor.engine.queue, tutor.engine.stats): aggregated in SQL over indexes.

    def due_cards(
        self, now_us: int, decks: Sequence[str] | None = None, *, max_reviews: int | None = None
    ) -> list[tuple[str, int, int]]:
        """Return (card id, state, due µs) of the scheduled cards due at ``now_us`` in queue order: learning and
        relearning first (earliest due first), then reviews by elapsed time over stability, largest first
        (lowest retrievability first: see :mod:`tutor.engine.queue`), the first ``max_reviews`` of them when
        given (SQLite keeps the best of a sort without ordering every due card)."""
        scope = _in_decks(decks)
        learning = self.read(
            f"SELECT card_id, state, due_us FROM card WHERE {_DUE} AND state != 2{scope} ORDER BY due_us, position",
            [now_us, *(decks or ())],
        )
        reviews = self.read(
            f"""
            SELECT card_id, state, due_us FROM card WHERE {_DUE} AND state = 2{scope}
            ORDER BY -max(0, (? - last_review_us) / {DAY_US}) / stability, due_us, position LIMIT ?
            """,
            [now_us, *(decks or ()), now_us, -1 if max_reviews is None else max_reviews],
        )
        return learning + reviews

    def new_cards(self, limit: int, decks: Sequence[str] | None = None) -> list[str]:
        """Return the ids of the first ``limit`` new, unsuspended cards in collection order."""
        rows = self.read(
            f"SELECT card_id FROM card WHERE {_NEW}{_in_decks(decks)} ORDER BY position LIMIT ?",
            [*(decks or ()), limit],
        )
        return [card_id for (card_id,) in rows]

    def due_counts(self, now_us: int, decks: Sequence[str] | None = None) -> list[tuple[int, int]]:
        """Return (state, cards) of the scheduled cards :meth:`due_cards` returns, without reading them."""
        return self.read(
            f"SELECT state, count(*) FROM card WHERE {_DUE}{_in_decks(decks)} GROUP BY state",
            [now_us, *(decks or ())],
        )

    def new_count(self, limit: int, decks: Sequence[str] | None = None) -> int:
        """Return how many ids :meth:`new_cards` returns with ``limit``, without reading them."""
        rows = self.read(
            f"SELECT count(*) FROM (SELECT 1 FROM card WHERE {_NEW}{_in_decks(decks)} LIMIT ?)",
            [*(decks or ()), limit],
        )
        return int(rows[0][0])

    def deck_state_counts(self, now_us: int) -> list[tuple[str, int, int, int]]:
        """Return (deck, new, learning or relearning due, review due) of every deck with cards, in collection
        order (unsuspended cards only)."""
        # Two reads of the card_deck index in deck order (new cards; due ones by state), no sort of every card.
        new = dict(
            self.read(
                f"SELECT deck, count(*) FROM card WHERE {_NEW} GROUP BY deck"
            )
        )
        due: dict[str, list[int]] = {}
        for deck, state, count in self.read(
            f"SELECT deck, state, count(*) FROM card WHERE {_DUE} GROUP BY deck, state",
            (now_us,),
        ):
            due.setdefault(deck, [0, 0])[state == 2] += count
        decks = self.read(
            "SELECT d.name FROM deck d JOIN deck_total n ON n.deck = d.name WHERE n.cards > 0 ORDER BY d.position, d.name"
        )
        return [(deck, new.get(deck, 0), *due.get(deck, (0, 0))) for (deck,) in decks]

    def answers_by_deck_since(self, since_us: int) -> dict[str, int]:
        """Return how many answers each deck's cards got since ``since_us``, by deck."""
        return dict(
            self.read(
                "SELECT c.deck, count(*) FROM review_log r JOIN card c ON c.card_id = r.card_id "
                "WHERE r.reviewed_us >= ? GROUP BY c.deck",
                (since_us,),
            )
        )

    def review_totals(self) -> list[tuple[str, int, int, int]]:
        """Return the running totals of the log: (mode, state before, rating, answers)."""
        return self.read("SELECT mode, state_before, rating, answers FROM review_totals")

    def answers_per_day(self, shift_us: int, first: int, last: int) -> list[tuple[int, int, int]]:
        """Return (day number, reviews, drills) of each day from ``first`` to ``last``, a day being
        ``(time + shift_us) // DAY_US``."""
        # One range of the time index per day, counted where it lies: grouping the answers by a computed day
        # sorted every answer of the month (~80,000 on a busy log).
        return self.read(
            f"""
            WITH RECURSIVE day (n) AS (SELECT :first UNION ALL SELECT n + 1 FROM day WHERE n < :last)
            SELECT n,
                (SELECT count(*) FROM review_log
                 WHERE reviewed_us >= n * {DAY_US} - :shift AND reviewed_us < (n + 1) * {DAY_US} - :shift
                 AND +mode = 'review'),
                (SELECT count(*) FROM review_log
                 WHERE reviewed_us >= n * {DAY_US} - :shift AND reviewed_us < (n + 1) * {DAY_US} - :shift
                 AND +mode = 'drill')
            FROM day
            """,
            {"first": first, "last": last, "shift": shift_us},
        )

    def cards_by_state(self, leech_lapses: int) -> list[tuple[int, int, int, int]]:
        """Return (state, suspended, cards, leeches among them) over the collection's cards."""
        # Grouped in the order of the card_new index: no sort.
        return self.read(
            "SELECT state, suspended, count(*), sum(lapses >= ?) FROM card WHERE position IS NOT NULL "
            "GROUP BY state, suspended",
            (leech_lapses,),
        )

    def due_per_day(self, shift_us: int, today: int, until_us: int) -> dict[int, int]:
        """Return the unsuspended cards due before ``until_us`` by day number (overdue ones on ``today``)."""
        # As answers_per_day: one range of the card_due index per day.
        rows = self.read(
            f"""
            WITH RECURSIVE day (n) AS (
                SELECT :today UNION ALL SELECT n + 1 FROM day WHERE (n + 1) * {DAY_US} - :shift < :until
            )
            SELECT n, (
                SELECT count(*) FROM card
                WHERE due_us >= CASE WHEN n = :today THEN -9223372036854775807 ELSE n * {DAY_US} - :shift END
                AND due_us < min((n + 1) * {DAY_US} - :shift, :until)
                AND state > 0 AND suspended = 0 AND position IS NOT NULL
            ) AS due FROM day
            """,
            {"today": today, "shift": shift_us, "until": until_us},
        )
        return {day: count for day, count in rows if count}
