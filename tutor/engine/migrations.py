"""The database schema, as an ordered list of named migrations recorded in ``PRAGMA user_version``.

Each migration is a function of a connection; ``user_version`` is the number applied so far. A migration runs in
its own ``BEGIN IMMEDIATE`` transaction together with the version bump, so a crash or a second process starting
at the same moment never leaves a half-migrated file. Never edit a released migration: append a new one.
"""

import sqlite3
from collections.abc import Callable

APPLICATION_ID = 0x54555452
"""``PRAGMA application_id`` of a tutor database ("TUTR"): tells our file from any other SQLite file."""


def m001_initial(db: sqlite3.Connection) -> None:
    """Card scheduling state, the review log, drills and settings."""
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    # One row per card the content has ever had: new cards (state 0) included, so the queue, counts and stats
    # are single-table queries. position is the card's place in corpus order, NULL once the card has left the
    # content (its row and history stay). state: 0 new, then py-fsrs's State (1 learning, 2 review,
    # 3 relearning). Times are integer microseconds since the epoch (UTC).
    db.execute(
        """
        CREATE TABLE card (
            card_id TEXT PRIMARY KEY,
            deck TEXT NOT NULL,
            position INTEGER,
            state INTEGER NOT NULL DEFAULT 0 CHECK (state BETWEEN 0 AND 3),
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due_us INTEGER,
            last_review_us INTEGER,
            reps INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            suspended INTEGER NOT NULL DEFAULT 0
        ) WITHOUT ROWID
        """
    )
    # Covering indexes: the queue and the forecast read due cards by time, and new cards by position, from the
    # index alone (the table's key, card_id, is part of every index of a WITHOUT ROWID table).
    db.execute(
        "CREATE INDEX card_due ON card (due_us, state, suspended, position, deck, last_review_us, stability)"
    )
    # Also covers the count of cards by state (lapses tells leeches).
    db.execute("CREATE INDEX card_new ON card (state, suspended, position, deck, lapses)")
    db.execute(
        """
        CREATE TABLE drill (
            id INTEGER PRIMARY KEY,
            started_us INTEGER NOT NULL,
            deadline_us INTEGER,
            decks TEXT NOT NULL,
            tags TEXT NOT NULL,
            seed INTEGER NOT NULL,
            finished_us INTEGER,
            moved_schedule INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    # Append-only: a row is never rewritten. The one exception is undo, which deletes the rating it undoes
    # (a mistaken keypress is not a review). undo_state holds the card's state (JSON) before a review-mode
    # rating, so undo restores it exactly; it is NULL for drill answers, which undo does not touch.
    db.execute(
        """
        CREATE TABLE review_log (
            id INTEGER PRIMARY KEY,
            card_id TEXT NOT NULL,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            reviewed_us INTEGER NOT NULL,
            duration_ms INTEGER,
            mode TEXT NOT NULL CHECK (mode IN ('review', 'drill')),
            state_before INTEGER NOT NULL,
            drill_id INTEGER REFERENCES drill (id),
            score REAL,
            undo_state TEXT
        )
        """
    )
    db.execute("CREATE INDEX review_log_card ON review_log (card_id, reviewed_us)")
    # Covers answers per day and new cards today, so those read no table.
    db.execute("CREATE INDEX review_log_time ON review_log (reviewed_us, mode, state_before)")
    # Running totals of the log, kept by triggers in the same transaction as each insert or delete: the
    # all-time counts and true retention of stats read a few rows instead of a million.
    db.execute(
        """
        CREATE TABLE review_totals (
            mode TEXT NOT NULL,
            state_before INTEGER NOT NULL,
            rating INTEGER NOT NULL,
            answers INTEGER NOT NULL,
            PRIMARY KEY (mode, state_before, rating)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TRIGGER review_log_count AFTER INSERT ON review_log BEGIN
            INSERT INTO review_totals (mode, state_before, rating, answers)
            VALUES (new.mode, new.state_before, new.rating, 1)
            ON CONFLICT (mode, state_before, rating) DO UPDATE SET answers = answers + 1;
        END
        """
    )
    db.execute(
        """
        CREATE TRIGGER review_log_uncount AFTER DELETE ON review_log BEGIN
            UPDATE review_totals SET answers = answers - 1
            WHERE mode = old.mode AND state_before = old.state_before AND rating = old.rating;
        END
        """
    )
    db.execute("CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


def m002_collection(db: sqlite3.Connection) -> None:
    """The cards themselves: decks, card text, tags and the full-text index, so the store is the collection."""
    # origin: 'packaged' (synced from the package's content files) or 'imported' (the learner's notes).
    # content_hash is the digest of what was last synced or imported, so an unchanged deck is never re-read.
    # position orders the decks: packaged decks in file order first, then imported ones in import order.
    db.execute(
        """
        CREATE TABLE deck (
            name TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            origin TEXT NOT NULL CHECK (origin IN ('packaged', 'imported')),
            source TEXT,
            content_hash TEXT,
            position INTEGER NOT NULL
        )
        """
    )
    # One row per card of the collection; a card that leaves its deck loses this row (its ``card`` row and
    # history stay). id is the rowid of the full-text index. position is the card's place in collection order,
    # the same number as card.position. tags, key_points, demos and errata are JSON lists. The *_norm columns
    # hold the normalised text (NFKC, lower case) and *_terms the number of search tokens: search reads them
    # to apply its phrase bonus and length normalisation without re-tokenising any card.
    db.execute(
        """
        CREATE TABLE card_text (
            id INTEGER PRIMARY KEY,
            card_id TEXT NOT NULL UNIQUE,
            deck TEXT NOT NULL REFERENCES deck (name),
            position INTEGER NOT NULL,
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            source_file TEXT,
            source_line INTEGER,
            tags TEXT NOT NULL,
            key_points TEXT NOT NULL,
            demos TEXT NOT NULL,
            errata TEXT NOT NULL,
            question_terms INTEGER NOT NULL,
            answer_terms INTEGER NOT NULL,
            question_norm TEXT NOT NULL,
            answer_norm TEXT NOT NULL
        )
        """
    )
    # Covers listing a deck in order and the per-deck length sums of search.
    db.execute("CREATE INDEX card_text_deck ON card_text (deck, position, question_terms, answer_terms)")
    db.execute("CREATE INDEX card_text_position ON card_text (position)")
    db.execute(
        """
        CREATE TABLE card_tag (
            tag TEXT NOT NULL,
            text_id INTEGER NOT NULL REFERENCES card_text (id) ON DELETE CASCADE,
            PRIMARY KEY (tag, text_id)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX card_tag_text ON card_tag (text_id)")
    # The search tokens of tutor.questions.text.tokens, pre-tokenised and joined by spaces: the ascii tokenizer
    # then splits on spaces only ('.' kept for numbers such as 0.5; every other byte of a token is a CJK
    # character or a lower-case letter or digit). Contentless: the card text lives in card_text.
    db.execute(
        "CREATE VIRTUAL TABLE card_fts USING fts5 (question, answer, content='', tokenize=\"ascii tokenchars '.'\")"
    )
    # Term occurrences per card and field, read by search to score with BM25F (see tutor.engine.search_sql).
    db.execute("CREATE VIRTUAL TABLE card_fts_terms USING fts5vocab (card_fts, instance)")


def m003_counts(db: sqlite3.Connection) -> None:
    """Per-deck totals kept by triggers, an index for per-deck queue counts, and the index's vocabulary."""
    # Cards and search tokens of each deck, kept in the transaction of every change to card_text, as
    # review_totals is for the log: the deck list, the collection's size and search's average field lengths
    # read a row per deck instead of every card. A deck that loses its cards keeps a row of zeros.
    db.execute(
        """
        CREATE TABLE deck_total (
            deck TEXT PRIMARY KEY,
            cards INTEGER NOT NULL,
            question_terms INTEGER NOT NULL,
            answer_terms INTEGER NOT NULL
        ) WITHOUT ROWID
        """
    )
    db.execute(
        "INSERT INTO deck_total (deck, cards, question_terms, answer_terms) "
        "SELECT deck, count(*), sum(question_terms), sum(answer_terms) FROM card_text GROUP BY deck"
    )
    add = """
        INSERT INTO deck_total (deck, cards, question_terms, answer_terms)
        VALUES (new.deck, 1, new.question_terms, new.answer_terms)
        ON CONFLICT (deck) DO UPDATE SET cards = cards + 1, question_terms = question_terms + excluded.question_terms,
            answer_terms = answer_terms + excluded.answer_terms;
    """
    remove = """
        UPDATE deck_total SET cards = cards - 1, question_terms = question_terms - old.question_terms,
            answer_terms = answer_terms - old.answer_terms
        WHERE deck = old.deck;
    """
    db.execute(f"CREATE TRIGGER card_text_count AFTER INSERT ON card_text BEGIN {add} END")
    db.execute(f"CREATE TRIGGER card_text_uncount AFTER DELETE ON card_text BEGIN {remove} END")
    db.execute(
        f"CREATE TRIGGER card_text_recount AFTER UPDATE OF deck, question_terms, answer_terms ON card_text "
        f"BEGIN {remove} {add} END"
    )
    # The home screen's counts per deck: new cards, and cards due by state, each read in deck order from the
    # index alone (card_due and card_new order by time and position, so grouping by deck needed a sort).
    db.execute("CREATE INDEX card_deck ON card (state, suspended, deck, due_us, position)")
    # Each term of the full-text index with the number of cards holding it: the "did you mean" vocabulary of
    # a search that found nothing, without tokenising every card again.
    db.execute("CREATE VIRTUAL TABLE card_fts_docs USING fts5vocab (card_fts, row)")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (m001_initial, m002_collection, m003_counts)
"""Every migration in order; ``PRAGMA user_version`` counts how many a file has had."""


def migrate(db: sqlite3.Connection) -> int:
    """Apply the migrations ``db`` has not had yet, each in its own immediate transaction.

    ``db`` must be in autocommit mode (``isolation_level=None``). Returns the schema version reached.
    """
    for number, migration in enumerate(MIGRATIONS, start=1):
        if db.execute("PRAGMA user_version").fetchone()[0] >= number:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the write lock.
            if db.execute("PRAGMA user_version").fetchone()[0] < number:
                migration(db)
                db.execute(f"PRAGMA user_version = {number}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    return len(MIGRATIONS)
