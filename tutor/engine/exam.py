"""Exams: a dated goal over some decks and tags, how ready the learner is for it, and scheduling towards it.

FSRS schedules for long-term memory: a card's next review may fall a week after the exam while, on the exam
day, the card would be recalled with a probability below what the learner wants. For cards of an exam that is
still ahead:

* **Readiness** is py-fsrs's retrievability of each card at the start of the exam's study day, from its state
  now and without further reviews (``Scheduler.get_card_retrievability``); a card never seen counts as 0.
* **Bringing reviews forward**: after a rating, when FSRS puts the next review after the exam and the card's
  retrievability on the exam day would be below the exam's target, the review is moved to the start of the
  study day ``n`` days before the exam, where ``n`` is the most whole days the card's new stability keeps the
  retrievability at the target. Any review that day leaves fewer than ``n`` days to the exam, and a recalled
  card's stability only grows, so the card is at the target on the day. Cards already safe keep FSRS's due.
  Once the exam has begun nothing is moved: FSRS's own schedule resumes, and the log is never touched.
* **New cards in time**: an exam's unseen cards are spread over the days left, so that all are introduced
  :data:`LEARN_LEAD_DAYS` days before it; the day's new-card limit is raised to that need (never above the
  learner's cap) and exam cards come first.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING, Any

from tutor.engine.days import day_start, local
from tutor.engine.records import CardState
from tutor.engine.settings import RETENTION_RANGE
from tutor.errors import BadInputError

if TYPE_CHECKING:
    from fsrs import Scheduler

    from tutor.questions.card import Card

LEARN_LEAD_DAYS = 3
"""An exam's new cards are all introduced this many days before it, so that each is reviewed again after its
first day before the exam (a card learnt the day before would count as ready without being remembered)."""
NAME_MAX = 40
"""Longest exam name (it is shown on one line of the home screen)."""


@dataclass(frozen=True)
class Exam:
    """A dated exam over some decks and tags."""

    name: str
    """The learner's name for it (unique), e.g. 期末考试."""
    day: date
    """The exam's date (local); readiness is measured at the start of that study day."""
    decks: tuple[str, ...] = ()
    """Decks it covers (all decks when empty)."""
    tags: tuple[str, ...] = ()
    """Of those, only cards carrying one of these tags (all when empty)."""
    retention: float = 0.9
    """Target retrievability of each card on the exam day."""

    def covers(self, card: "Card") -> bool:
        """True when the exam covers ``card``: it is in one of its decks and carries one of its tags (any deck or
        tag when it names none), as :meth:`tutor.questions.library.Library.select` chooses them."""
        return (not self.decks or card.deck in self.decks) and (not self.tags or bool(set(self.tags) & set(card.tags)))

    def to_dict(self) -> dict[str, Any]:
        """Return the exam as plain data (as stored and as ``--json`` prints it)."""
        return {
            "name": self.name,
            "date": self.day.isoformat(),
            "decks": list(self.decks),
            "tags": list(self.tags),
            "retention": self.retention,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Exam":
        """Build an exam from :meth:`to_dict`'s data."""
        return cls(
            name=str(data["name"]),
            day=date.fromisoformat(data["date"]),
            decks=tuple(data.get("decks") or ()),
            tags=tuple(data.get("tags") or ()),
            retention=float(data.get("retention", 0.9)),
        )


def check_name(name: str) -> str:
    """Return the exam name stripped of surrounding spaces.

    Raises:
        BadInputError: empty, too long, or holding control characters.
    """
    name = name.strip()
    if not name:
        raise BadInputError("an exam needs a name")
    if len(name) > NAME_MAX:
        raise BadInputError(f"an exam name has at most {NAME_MAX} characters, not {len(name)}")
    if any(not char.isprintable() for char in name):
        raise BadInputError("an exam name cannot hold control characters")
    return name


def parse_day(text: str) -> date:
    """Parse an exam date written YYYY-MM-DD.

    Raises:
        BadInputError: not such a date.
    """
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadInputError(f"the exam date must be a date written YYYY-MM-DD, not {text!r}") from None


def check_retention(value: float) -> float:
    """Return ``value`` when it is a target retention the learner may choose.

    Raises:
        BadInputError: out of :data:`RETENTION_RANGE`.
    """
    low, high = RETENTION_RANGE
    if not low <= value <= high:
        raise BadInputError(f"the exam's target retention must be from {low} to {high}, not {value}")
    return value


def study_date(moment: datetime, *, hour: int, tz: tzinfo | None) -> date:
    """Return the local date of the study day holding ``moment`` (a day starts at ``hour``)."""
    return local(day_start(moment, hour=hour, tz=tz), tz).date()


def exam_start(day: date, *, hour: int, tz: tzinfo | None) -> datetime:
    """Return (in UTC) the start of the study day ``day``: when readiness for an exam that day is measured."""
    naive = datetime(day.year, day.month, day.day, hour)
    aware = naive.replace(tzinfo=tz) if tz is not None else naive.astimezone()
    return aware.astimezone(timezone.utc)


def _recall(scheduler: "Scheduler", stability: float, last_review: datetime, at: datetime) -> float:
    # py-fsrs (~15 ms to import) comes with the scheduler passed in: the queue's exam checks never need it.
    from tutor.engine.scheduling import recall_probability

    return recall_probability(scheduler, stability, last_review, at)


def safe_days(scheduler: "Scheduler", stability: float, target: float, horizon: int) -> int:
    """Return the most whole days (up to ``horizon``) after a review at which py-fsrs still predicts a
    retrievability of at least ``target`` for a card of ``stability`` (retrievability falls with time)."""
    origin = datetime(2000, 1, 1, tzinfo=timezone.utc)
    low, high = 0, horizon
    while low < high:
        middle = (low + high + 1) // 2
        if _recall(scheduler, stability, origin, origin + timedelta(days=middle)) >= target:
            low = middle
        else:
            high = middle - 1
    return low


@dataclass(frozen=True)
class Deadline:
    """An exam a card belongs to, as the scheduler needs it."""

    start: datetime
    """When the exam's study day starts (UTC)."""
    target: float
    """Retrievability the card should have then."""


def toward_deadlines(scheduler: "Scheduler", state: CardState, deadlines: Iterable[Deadline], at: datetime) -> CardState:
    """Return ``state`` (just scheduled by FSRS at ``at``) with its due brought forward where an exam ahead
    needs it (see the module docstring); otherwise ``state`` itself."""
    if state.state != "review" or state.due is None or state.stability is None or state.last_review is None:
        return state
    due = state.due
    for deadline in deadlines:
        if deadline.start <= at or state.due <= deadline.start:
            continue
        if _recall(scheduler, state.stability, state.last_review, deadline.start) >= deadline.target:
            continue
        # R(exam) < target means more than n whole days are left, so the new due is at least a day after `at`.
        days = safe_days(scheduler, state.stability, deadline.target, (deadline.start - at).days)
        due = min(due, deadline.start - timedelta(days=max(days, 1)))
    return state if due == state.due else replace(state, due=due)


def exam_new_quota(unseen: int, days_left: int) -> int:
    """Return the new cards per day an exam ``days_left`` days away needs so that its ``unseen`` cards are all
    introduced :data:`LEARN_LEAD_DAYS` days before it (at least one day is always left to introduce them)."""
    if unseen <= 0:
        return 0
    return math.ceil(unseen / max(1, days_left - LEARN_LEAD_DAYS))


def new_allowance(new_per_day: int, exam_need: int, cap: int) -> int:
    """Return the day's new-card limit: the learner's, raised to what the exams need, up to ``cap``."""
    return max(new_per_day, min(cap, exam_need))


@dataclass(frozen=True)
class CardOutlook:
    """A card of an exam and its predicted retrievability on the exam day."""

    card_id: str
    """The card."""
    deck: str
    """Its deck."""
    state: str
    """Its state now (new, learning, review, relearning)."""
    retrievability: float
    """py-fsrs's retrievability at the start of the exam day from the state now; 0 for a card never seen."""

    def to_dict(self) -> dict[str, Any]:
        """Return the outlook as plain data."""
        return {"id": self.card_id, "deck": self.deck, "state": self.state, "retrievability": self.retrievability}


def outlook(
    cards: Sequence[tuple[str, str]],
    states: dict[str, CardState],
    schedulers: dict[str, "Scheduler"],
    start: datetime,
) -> list[CardOutlook]:
    """Return each card's outlook at ``start``: ``cards`` are (id, deck), ``states`` the stored states (a card
    missing there is new), ``schedulers`` py-fsrs's scheduler of each deck."""
    result = []
    for card_id, deck in cards:
        state = states.get(card_id) or CardState(card_id)
        recall = 0.0
        if state.state != "new" and state.stability is not None and state.last_review is not None:
            recall = _recall(schedulers[deck], state.stability, state.last_review, start)
        result.append(CardOutlook(card_id, deck, state.state, recall))
    return result


@dataclass(frozen=True)
class Readiness:
    """How ready the learner is for an exam now."""

    exam: Exam
    """The exam."""
    days_left: int
    """Study days from today to the exam day (0: the exam is today; negative: it is over)."""
    cards: int
    """Unsuspended cards the exam covers."""
    ready: int
    """Of those, how many are at or above the target retrievability on the exam day."""
    unseen: int
    """Of those, how many were never studied."""
    new_per_day: int
    """New cards a day the exam needs from today to introduce its unseen cards in time."""
    at_risk: tuple[CardOutlook, ...]
    """The cards below the target, lowest retrievability first."""

    @property
    def share(self) -> float:
        """The share of the exam's cards at or above the target (1 for an exam without cards)."""
        return self.ready / self.cards if self.cards else 1.0

    def countdown(self) -> str:
        """The home screen's line, e.g. ``期末考试 · 12 天 · 83% ready``."""
        if self.days_left < 0:
            return f"{self.exam.name} · over"
        when = "今天 today" if self.days_left == 0 else f"{self.days_left} 天"
        return f"{self.exam.name} · {when} · {100 * self.share:.0f}% ready"

    def to_dict(self) -> dict[str, Any]:
        """Return the readiness as plain data."""
        return {
            **self.exam.to_dict(),
            "days_left": self.days_left,
            "cards": self.cards,
            "ready": self.ready,
            "share": self.share,
            "unseen": self.unseen,
            "new_per_day": self.new_per_day,
            "at_risk": [card.to_dict() for card in self.at_risk],
        }


def readiness(exam: Exam, outlooks: Sequence[CardOutlook], days_left: int, introduced_today: int = 0) -> Readiness:
    """Return the readiness for ``exam`` from its cards' outlooks; ``introduced_today`` of its cards were first
    studied today (they count towards today's need, so the need stays the same all day)."""
    risky = sorted((card for card in outlooks if card.retrievability < exam.retention), key=lambda card: card.retrievability)
    unseen = sum(card.state == "new" for card in outlooks)
    return Readiness(
        exam=exam,
        days_left=days_left,
        cards=len(outlooks),
        ready=len(outlooks) - len(risky),
        unseen=unseen,
        new_per_day=exam_new_quota(unseen + introduced_today, days_left) if days_left > 0 else 0,
        at_risk=tuple(risky),
    )
