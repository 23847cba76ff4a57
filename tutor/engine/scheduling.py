"""FSRS scheduling through py-fsrs, with interval fuzz that is random-looking but reproducible.

py-fsrs's ``Scheduler`` does all the arithmetic; this module only converts between our :class:`CardState` and
py-fsrs's ``Card`` and counts lapses (py-fsrs does not).

Fuzz: py-fsrs spreads review intervals by a few days (``enable_fuzzing``, on by default) so cards learnt together
do not stay due together. We keep that default, but py-fsrs draws the fuzz from the process-wide ``random``
generator, which would make a rating's outcome depend on whatever else ran before. A seeded ``random.Random``
of our own cannot be handed to it: py-fsrs 6.3.2's ``Scheduler`` takes no generator, and its module binds
``from random import random`` (the global generator's method) when it is imported. So, isolated here and nowhere
else, every review seeds that global generator from the card id and the card's review count, under a lock, and
restores its state afterwards; a test fails if py-fsrs stops drawing from it. The same card,
history and time always give the same schedule: the preview of the four ratings shows exactly what rating
will do, an undone rating redone gives the same due date, and ``TUTOR_NOW`` replays are exact. A test runs
py-fsrs itself, seeded the same way, and compares.
"""

import random
import threading
from collections.abc import Sequence
from datetime import datetime, timedelta

from fsrs import Card, Rating, Scheduler, State

from tutor.engine.records import CardState
from tutor.engine.settings import StudySettings
from tutor.vocabulary import RATINGS, STATES, Rating as OurRating

_FUZZ_LOCK = threading.Lock()


def make_scheduler(settings: StudySettings, deck: str) -> Scheduler:
    """Return py-fsrs's scheduler for cards of ``deck``: py-fsrs defaults, the deck's retention, the learner's
    learning steps, and the learner's fitted parameters when there are some."""
    options: dict = {
        "desired_retention": settings.retention_for(deck),
        "learning_steps": [timedelta(seconds=step) for step in settings.learning_steps],
        "relearning_steps": [timedelta(seconds=step) for step in settings.relearning_steps],
    }
    if settings.parameters is not None:
        options["parameters"] = settings.parameters
    return Scheduler(**options)


def fuzz_seed(card_id: str, reps: int) -> str:
    """Return the seed of the fuzz of a card's review number ``reps + 1``."""
    return f"{card_id}/{reps}"


def to_fsrs(state: CardState, at: datetime) -> Card:
    """Return py-fsrs's card for ``state``; a new card is py-fsrs's fresh card, due at ``at``."""
    if state.state == "new":
        return Card(card_id=0, due=at)
    return Card(
        card_id=0,
        state=State(STATES.index(state.state)),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


def _review(scheduler: Scheduler, state: CardState, rating: str, at: datetime) -> CardState:
    """:func:`review` without the lock and the saving of ``random``'s state (the caller holds and saves them)."""
    card = to_fsrs(state, at)
    random.seed(fuzz_seed(state.card_id, state.reps))
    given = OurRating.parse(rating)
    card, _ = scheduler.review_card(card, Rating(given), review_datetime=at)
    lapsed = state.state == "review" and given is OurRating.AGAIN
    # Built directly rather than with dataclasses.replace: a long imported history replays in half the time.
    return CardState(
        card_id=state.card_id,
        state=STATES[int(card.state)],
        step=card.step,
        stability=float(card.stability),
        difficulty=float(card.difficulty),
        due=card.due,
        last_review=card.last_review,
        reps=state.reps + 1,
        lapses=state.lapses + int(lapsed),
        suspended=state.suspended,
    )


def review(scheduler: Scheduler, state: CardState, rating: str, at: datetime) -> CardState:
    """Return the card's state after ``rating`` at time ``at`` (aware UTC), as py-fsrs schedules it.

    The fuzz is seeded from the card id and its review count (see the module docstring).
    """
    return replay(scheduler, state, [(at, rating)])[-1]


def replay(scheduler: Scheduler, state: CardState, answers: Sequence[tuple[datetime, str]]) -> list[CardState]:
    """Return ``state`` and the state after each of ``answers`` ((time, rating), in order), each as :func:`review`
    gives it; ``random``'s state is saved and restored once for them all (a long history replays fast)."""
    states = [state]
    with _FUZZ_LOCK:
        saved = random.getstate()
        try:
            for at, rating in answers:
                states.append(_review(scheduler, states[-1], rating, at))
        finally:
            random.setstate(saved)
    return states


def preview(scheduler: Scheduler, state: CardState, at: datetime) -> dict[str, timedelta]:
    """Return, for each rating, the interval until the card would be due again if rated so at ``at``."""
    return {rating: review(scheduler, state, rating, at).due - at for rating in RATINGS}


def recall_probability(scheduler: Scheduler, stability: float, last_review: datetime, at: datetime) -> float:
    """Return py-fsrs's retrievability at ``at`` of a card of this stability last reviewed at ``last_review``."""
    card = Card(card_id=0, state=State.Review, stability=stability, last_review=last_review, due=at)
    return float(scheduler.get_card_retrievability(card, current_datetime=at))
