"""The store's queries for imported review histories: which answers of a card the log already holds.

Owned by the store (it runs SQL on the store's connection, called by ``Transaction.scheduling_answers``); kept
apart from ``store.py`` because only the importer of review histories needs it.
"""

import sqlite3
from collections.abc import Iterable

from tutor.engine.records import RATINGS

# What moved a card's schedule: its review-mode ratings and the answers of drills that moved the schedule,
# the same rows the optimizer learns from.
_SCHEDULING = "(mode = 'review' OR drill_id IN (SELECT id FROM drill WHERE moved_schedule = 1))"
_CHUNK = 500  # well under SQLite's limit of bound parameters


def scheduling_answers(db: sqlite3.Connection, card_ids: Iterable[str]) -> dict[str, list[tuple[int, str]]]:
    """Return, for each of ``card_ids`` with answers in the log, its (time in µs, rating name) pairs that
    moved its schedule, oldest first."""
    found: dict[str, list[tuple[int, str]]] = {}
    ids = list(card_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT card_id, reviewed_us, rating FROM review_log WHERE card_id IN ({marks}) AND {_SCHEDULING} "
            "ORDER BY card_id, reviewed_us, id",
            chunk,
        )
        for card_id, reviewed_us, rating in rows:
            found.setdefault(card_id, []).append((reviewed_us, RATINGS[rating - 1]))
    return found
