"""The review queue: what to study now, in order, and the per-deck counts of the home screen.

Order: learning and relearning cards that are due (earliest first), then due review cards (lowest
retrievability first), then new cards in corpus order up to what is left of the daily limit.

The whole order is one SQL query over indexed columns. Retrievability needs no per-card Python: py-fsrs's
``R = (1 + F·t/S)^-w20`` (t whole days since the last review, S stability) decreases as ``t/S`` grows, and
F and w20 are the same for every card (desired retention does not enter R). So "lowest retrievability
first" is "largest t/S first", which SQLite sorts; a test checks the order against py-fsrs.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tutor.engine.days import from_us, to_us
from tutor.engine.store import Store
from tutor.vocabulary import STATES


@dataclass(frozen=True)
class QueueEntry:
    """One card of the queue."""

    card_id: str
    """The card to show."""
    kind: str
    """new, learning, review or relearning."""
    due: datetime
    """When it became due (for a new card: now)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as the JSON of ``tutor due``: id, kind, due."""
        return {"id": self.card_id, "kind": self.kind, "due": self.due.isoformat()}


@dataclass(frozen=True)
class DeckCounts:
    """What a deck has for today (the home screen)."""

    new: int
    """New cards that today's limit still lets in."""
    learning: int
    """Learning and relearning cards due now."""
    due: int
    """Review cards due now."""
    reviewed_today: int = 0
    """Ratings given to the deck's cards since the study day began."""

    def to_dict(self) -> dict[str, int]:
        """Return the counts as plain data."""
        return {"new": self.new, "learning": self.learning, "due": self.due, "reviewed_today": self.reviewed_today}


def new_left(store: Store, day_start: datetime, new_per_day: int) -> int:
    """Return how many new cards today's limit still lets in: ``new_per_day`` less those first rated (in review)
    since ``day_start``."""
    return max(0, new_per_day - len(store.first_reviews_since(to_us(day_start))))


def build_queue(
    store: Store,
    *,
    now: datetime,
    day_start: datetime,
    new_per_day: int,
    decks: list[str] | None = None,
    max_reviews: int | None = None,
) -> list[QueueEntry]:
    """Return the queue at ``now`` over the content cards (all decks, or those named).

    Args:
        day_start: start of the current study day; new cards rated since then count against ``new_per_day``.
        max_reviews: the most review cards to return (today's maximum less the reviews done): all when None.
    """
    rows = store.due_cards(to_us(now), decks, max_reviews=max_reviews)
    queue = [QueueEntry(card_id, STATES[state], from_us(due_us)) for card_id, state, due_us in rows]
    remaining = new_left(store, day_start, new_per_day)
    if remaining:
        queue.extend(QueueEntry(card_id, "new", now) for card_id in store.new_cards(remaining, decks))
    return queue


def queue_counts(
    store: Store,
    *,
    now: datetime,
    day_start: datetime,
    new_per_day: int,
    decks: list[str] | None = None,
) -> dict[str, int]:
    """Return how many entries of each kind (the states' names) :func:`build_queue` returns with these
    arguments, counted by the store instead of read and ordered."""
    counts = dict.fromkeys(STATES, 0)
    for state, count in store.due_counts(to_us(now), decks):
        counts[STATES[state]] = count
    remaining = new_left(store, day_start, new_per_day)
    counts["new"] = store.new_count(remaining, decks) if remaining else 0
    return counts


def deck_counts(store: Store, *, now: datetime, day_start: datetime, new_per_day: int) -> dict[str, DeckCounts]:
    """Return today's counts of every deck of the content, in corpus order."""
    remaining = new_left(store, day_start, new_per_day)
    counts: dict[str, dict[str, int]] = {}
    for deck, new, learning, due in store.deck_state_counts(to_us(now)):
        counts[deck] = {"new": new, "learning": learning, "due": due}
    reviewed = store.answers_by_deck_since(to_us(day_start))
    return {
        deck: DeckCounts(
            new=min(values["new"], remaining),
            learning=values["learning"],
            due=values["due"],
            reviewed_today=reviewed.get(deck, 0),
        )
        for deck, values in counts.items()
    }
