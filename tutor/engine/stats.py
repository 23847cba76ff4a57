"""Statistics from the review log and the schedule, aggregated in SQL by the store so they stay fast on a large log."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tutor.engine.days import DAY_US, local, to_us
from tutor.engine.records import LEECH_LAPSES
from tutor.engine.store import Store
from tutor.vocabulary import STATES, Rating, State

_EPOCH_DATE = date(1970, 1, 1)


@dataclass(frozen=True)
class DayCount:
    """Answers given on one study day."""

    day: date
    """The study day (a day starts at the configured hour, local time)."""
    reviews: int
    """Ratings given in review."""
    drills: int
    """Answers given in drills."""

    def to_dict(self) -> dict[str, Any]:
        """Return the count as plain data."""
        return {"day": self.day.isoformat(), "reviews": self.reviews, "drills": self.drills}


@dataclass(frozen=True)
class Stats:
    """The learner's statistics."""

    reviews_total: int
    """Every answer in the log, reviews and drills."""
    drills_total: int
    """Of those, the answers given in drills."""
    per_day: tuple[DayCount, ...]
    """The last study days, oldest first, today last (days without answers included)."""
    retention: float | None
    """True retention: the share of reviews of cards in the review state that were not rated again
    (None before the first such review)."""
    retention_reviews: int
    """How many reviews ``retention`` is measured over."""
    by_state: dict[str, int]
    """Content cards by state: new, learning, review and relearning count the cards not suspended;
    suspended counts the suspended ones; leech counts the leeches among all (it overlaps the others)."""
    forecast: tuple[int, ...]
    """Cards due on each of the coming study days; the first is today, overdue cards included."""

    def to_dict(self) -> dict[str, Any]:
        """Return the statistics as plain data (the JSON of ``tutor stats``)."""
        return {
            "reviews_total": self.reviews_total,
            "drills_total": self.drills_total,
            "per_day": [day.to_dict() for day in self.per_day],
            "retention": self.retention,
            "retention_reviews": self.retention_reviews,
            "by_state": dict(self.by_state),
            "forecast": list(self.forecast),
        }


def _day_shift_us(now: datetime, hour: int, tz) -> int:
    """Microseconds to add to a UTC instant so that whole days since the epoch count study days.

    The local offset is today's: across a daylight-saving change, old days may be split an hour off.
    """
    offset = local(now, tz).utcoffset() or timedelta(0)
    return (offset - timedelta(hours=hour)) // timedelta(microseconds=1)


def compute_stats(
    store: Store, *, now: datetime, day_start_hour: int, tz=None, days: int = 30, leech_threshold: int = LEECH_LAPSES
) -> Stats:
    """Return the statistics at ``now`` over the cards of the content.

    Args:
        day_start_hour: local hour at which study days start.
        tz: time zone of the learner (None: the system's).
        days: how many study days ``per_day`` and ``forecast`` cover.
    """
    shift = _day_shift_us(now, day_start_hour, tz)
    today = (to_us(now) + shift) // DAY_US
    first = today - days + 1
    totals = store.review_totals()
    reviews_total = sum(answers for _, _, _, answers in totals)
    drills_total = sum(answers for mode, _, _, answers in totals if mode == "drill")
    # True retention: reviews of cards in the review state, passed when recalled.
    retained = [(rating, answers) for mode, state, rating, answers in totals if mode == "review" and state == State.REVIEW]
    retention_reviews = sum(answers for _, answers in retained)
    recalled = sum(answers for rating, answers in retained if Rating(rating).recalled)
    per_day = tuple(
        DayCount(day=_EPOCH_DATE + timedelta(days=day), reviews=reviews, drills=drills)
        for day, reviews, drills in store.answers_per_day(shift, first, today)
    )
    by_state = {name: 0 for name in STATES}
    by_state["suspended"] = 0
    by_state["leech"] = 0
    for state, suspended, count, leeches in store.cards_by_state(leech_threshold):
        by_state["suspended" if suspended else STATES[state]] += count
        by_state["leech"] += leeches
    due = store.due_per_day(shift, today, (today + days) * DAY_US - shift)
    return Stats(
        reviews_total=reviews_total,
        drills_total=drills_total,
        per_day=per_day,
        retention=recalled / retention_reviews if retention_reviews else None,
        retention_reviews=retention_reviews,
        by_state=by_state,
        forecast=tuple(due.get(day, 0) for day in range(today, today + days)),
    )
