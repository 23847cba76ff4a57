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

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from tutor.engine.days import from_us, to_us
from tutor.engine.migrations import APPLICATION_ID, MIGRATIONS, migrate
from tutor.engine.records import MODES, RATINGS, STATES, CardState, ReviewRecord
from tutor.errors import StoreError
from tutor.locations import database_path

BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for another process's transaction (each of ours lasts milliseconds)."""

Connection = sqlite3.Connection
"""The open transaction :meth:`Store.write` yields; callers hand it back to the store's methods, never run SQL on it."""

_SQLITE_MAGIC = b"SQLite format 3\x00"
_LIBRARY_KEY = "library_fingerprint"
"""Setting holding a digest of the content last synced into the card table."""
_STATE_COLUMNS = "card_id, state, step, stability, difficulty, due_us, last_review_us, reps, lapses, suspended"
_LOG_COLUMNS = "id, card_id, rating, reviewed_us, duration_ms, mode, state_before, drill_id, score"


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
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    # Reading the schema reads page 1 in full, which finds most corruption before anything is written.
    tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
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

    def read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one query and return all its rows."""
        with self._lock:
            try:
                return self._db.execute(sql, params).fetchall()
            except sqlite3.Error as error:
                raise _error(self.path, error) from None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """Run the block as one ``BEGIN IMMEDIATE`` transaction: committed at the end, rolled back on error."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise _error(self.path, error) from None
            try:
                yield self._db
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

    def sync_library(self, entries: Sequence[tuple[str, str]]) -> None:
        """Make the ``card`` table match the content: ``entries`` is (card id, deck) of every card in corpus order.

        New content cards get a row (state new); cards that left the content keep their row and history with
        no position, so the queue and stats leave them out. A fingerprint of the content skips the work when
        nothing changed since the last open.
        """
        digest = hashlib.sha256()
        for card_id, deck in entries:
            digest.update(f"{card_id}\t{deck}\n".encode())
        fingerprint = digest.hexdigest()
        if self.setting(_LIBRARY_KEY) == fingerprint:
            return
        with self.write() as db:
            current = {
                card_id: (deck, position)
                for card_id, deck, position in db.execute(
                    "SELECT card_id, deck, position FROM card WHERE position IS NOT NULL"
                )
            }
            wanted = {card_id: (deck, position) for position, (card_id, deck) in enumerate(entries)}
            db.executemany(
                "UPDATE card SET position = NULL WHERE card_id = ?",
                ((card_id,) for card_id in current.keys() - wanted.keys()),
            )
            db.executemany(
                "INSERT INTO card (card_id, deck, position) VALUES (?, ?, ?) "
                "ON CONFLICT (card_id) DO UPDATE SET deck = excluded.deck, position = excluded.position",
                (
                    (card_id, deck, position)
                    for card_id, (deck, position) in wanted.items()
                    if current.get(card_id) != (deck, position)
                ),
            )
            db.execute(
                "INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (_LIBRARY_KEY, json.dumps(fingerprint))
            )

    # Card state and the log. The ``db`` argument is the connection of an open write() block.

    @staticmethod
    def start_drill(
        db: sqlite3.Connection, started_us: int, deadline_us: int | None, decks: str, tags: str, seed: int
    ) -> int:
        """Record a drill that starts now and return its id (decks and tags comma-separated, empty for all)."""
        cursor = db.execute(
            "INSERT INTO drill (started_us, deadline_us, decks, tags, seed) VALUES (?, ?, ?, ?, ?)",
            (started_us, deadline_us, decks, tags, seed),
        )
        return int(cursor.lastrowid)

    @staticmethod
    def finish_drill(db: sqlite3.Connection, drill_id: int, finished_us: int, moved_schedule: bool) -> None:
        """Record that drill ``drill_id`` ended, and whether it moved the schedule of the cards it asked."""
        db.execute(
            "UPDATE drill SET finished_us = ?, moved_schedule = ? WHERE id = ?",
            (finished_us, int(moved_schedule), drill_id),
        )

    def card_state(self, card_id: str, db: sqlite3.Connection | None = None) -> CardState | None:
        """Return the stored state of ``card_id``, or None when the database has never seen the card."""
        sql = f"SELECT {_STATE_COLUMNS} FROM card WHERE card_id = ?"
        rows = db.execute(sql, (card_id,)).fetchall() if db is not None else self.read(sql, (card_id,))
        return state_from_row(rows[0]) if rows else None

    @staticmethod
    def put_card_state(db: sqlite3.Connection, state: CardState, deck: str) -> None:
        """Store the state of a card (its deck and position are kept; ``deck`` is for a card not yet synced)."""
        db.execute(
            f"INSERT INTO card (deck, {_STATE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT (card_id) DO UPDATE SET state = excluded.state, step = excluded.step, "
            "stability = excluded.stability, difficulty = excluded.difficulty, due_us = excluded.due_us, "
            "last_review_us = excluded.last_review_us, reps = excluded.reps, lapses = excluded.lapses, "
            "suspended = excluded.suspended",
            (deck, *_state_row(state)),
        )

    @staticmethod
    def append_review(
        db: sqlite3.Connection,
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
        """Append one answer to the log and return its id.

        With ``undoable``, ``undo_state`` is what undo restores (None: the card had no stored state).
        """
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        undo = None
        if undoable:
            undo = json.dumps(undo_state.to_dict() if undo_state is not None else None)
        cursor = db.execute(
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

    def undo_review(self, log_id: int) -> str | None:
        """Delete the review-mode rating ``log_id`` and restore the card's state from before it.

        Returns the card id, or None when the rating is gone or the card has moved since (nothing is changed).
        """
        with self.write() as db:
            rows = db.execute(
                "SELECT card_id, reviewed_us, undo_state FROM review_log WHERE id = ? AND undo_state IS NOT NULL",
                (log_id,),
            ).fetchall()
            if not rows:
                return None
            card_id, reviewed_us, undo_state = rows[0]
            current = self.card_state(card_id, db)
            if current is None or current.last_review is None or to_us(current.last_review) != reviewed_us:
                return None
            db.execute("DELETE FROM review_log WHERE id = ?", (log_id,))
            before = json.loads(undo_state)
            restored = CardState.from_dict(before) if before is not None else CardState(card_id)
            # Suspension is not part of a rating: keep whatever it is now.
            db.execute(
                f"UPDATE card SET ({_STATE_COLUMNS}) = (?,?,?,?,?,?,?,?,?,?) WHERE card_id = ?",
                (*_state_row(replace(restored, suspended=current.suspended)), card_id),
            )
            return card_id

    def history(self, card_id: str) -> list[ReviewRecord]:
        """Return every logged answer of ``card_id``, oldest first."""
        rows = self.read(
            f"SELECT {_LOG_COLUMNS} FROM review_log WHERE card_id = ? ORDER BY reviewed_us, id", (card_id,)
        )
        return [_record_from_row(row) for row in rows]

    def records(self, sql_where: str = "", params: Sequence[Any] = ()) -> list[ReviewRecord]:
        """Return log records matching an optional ``WHERE`` clause, in log order."""
        where = f"WHERE {sql_where}" if sql_where else ""
        rows = self.read(f"SELECT {_LOG_COLUMNS} FROM review_log {where} ORDER BY id", params)
        return [_record_from_row(row) for row in rows]

    def setting(self, key: str) -> Any:
        """Return the JSON value stored under ``key``, or None."""
        rows = self.read("SELECT value FROM setting WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else None

    def put_setting(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable ``value`` under ``key`` (None deletes it)."""
        with self.write() as db:
            if value is None:
                db.execute("DELETE FROM setting WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (key, json.dumps(value)))

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
