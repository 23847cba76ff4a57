"""Review histories brought from elsewhere (an Anki package): added to the log, the cards' FSRS state rebuilt.

Each answer becomes a review-mode row of the log, and the card's state is what py-fsrs gives when it replays
every answer that moved the card's schedule, the imported ones and any given in tutor, in time order, through
:func:`tutor.engine.scheduling.replay` (what a rating does, fuzz seeded the same way). So a card
Anki knew well is not new, and ``tutor optimize`` fits parameters on the imported answers.

An answer already in the log (the same card at the same microsecond) is not added again: importing a package
twice changes nothing, and an updated package adds only its new answers.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from fsrs import Scheduler

from tutor.engine import scheduling
from tutor.engine.days import from_us, to_us
from tutor.engine.records import CardState, ReviewRecord
from tutor.engine.settings import StudySettings
from tutor.engine.store import Store
from tutor.vocabulary import RATINGS


@dataclass(frozen=True)
class PastReview:
    """One answer given elsewhere."""

    card_id: str
    """The tutor card answered."""
    reviewed_at: datetime
    """When (aware UTC)."""
    rating: str
    """again, hard, good or easy."""
    duration_ms: int | None
    """How long the answer took, when known."""


@dataclass(frozen=True)
class HistoryImport:
    """What importing a history did."""

    added: int
    """Answers new to the log."""
    known: int
    """Answers the log already had."""
    cards: int
    """Cards whose state was rebuilt."""

    def to_dict(self) -> dict[str, int]:
        """Return the counts as plain data."""
        return {"reviews_added": self.added, "reviews_known": self.known, "cards_rescheduled": self.cards}


def import_history(
    store: Store, reviews: Sequence[PastReview], *, decks: Mapping[str, str], settings: StudySettings
) -> HistoryImport:
    """Add ``reviews`` to the log and rebuild the state of every card that got a new answer, in one transaction.

    Args:
        decks: each reviewed card's deck (for its desired retention, and for a card the store has not seen).
    """
    if any(review.rating not in RATINGS for review in reviews):
        raise ValueError("a rating must be again, hard, good or easy")
    by_card: dict[str, list[PastReview]] = defaultdict(list)
    for review in reviews:
        by_card[review.card_id].append(review)
    schedulers: dict[str, Scheduler] = {}
    known = 0
    records: list[ReviewRecord] = []
    rebuilt: dict[str, tuple[CardState, str]] = {}
    with store.transaction() as tx:
        logged = tx.scheduling_answers(by_card)
        for card_id, incoming in by_card.items():
            have = {reviewed_us for reviewed_us, _ in logged.get(card_id, ())}
            fresh = {}
            for review in incoming:
                moment = to_us(review.reviewed_at)
                if moment in have or moment in fresh:
                    known += 1
                else:
                    fresh[moment] = review
            if not fresh:
                continue
            answers = sorted(
                [(moment, rating, None) for moment, rating in logged.get(card_id, ())]
                + [(moment, review.rating, review) for moment, review in fresh.items()],
                key=lambda item: item[0],
            )
            deck = decks[card_id]
            if deck not in schedulers:
                schedulers[deck] = scheduling.make_scheduler(settings, deck)
            states = scheduling.replay(
                schedulers[deck], CardState(card_id), [(from_us(moment), rating) for moment, rating, _ in answers]
            )
            records.extend(
                ReviewRecord(
                    id=0,
                    card_id=card_id,
                    rating=rating,
                    reviewed_at=from_us(moment),
                    duration_ms=review.duration_ms,
                    mode="review",
                    state_before=before.state,
                )
                for (moment, rating, review), before in zip(answers, states)
                if review is not None
            )
            rebuilt[card_id] = (states[-1], deck)
        # In batches: one statement for every answer, one read of the cards' current states.
        tx.append_reviews(records)
        current = store.card_states(list(rebuilt))
        for card_id, (state, deck) in rebuilt.items():
            suspended = current[card_id].suspended if card_id in current else False
            tx.put_card_state(replace(state, suspended=suspended), deck)
    added = len(records)
    return HistoryImport(added=added, known=known, cards=len(rebuilt))
