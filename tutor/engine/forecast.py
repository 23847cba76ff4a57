"""Forecasts of the days until an exam: a simulated learner studies by the engine's own scheduling.

The learner of the simulation answers every card that is due on a study day, and introduces new cards up to the
day's limit (raised for the exams as :mod:`tutor.engine.exam` says). A new card's first answer is good; after
that the learner recalls a card with the probability py-fsrs predicts at that moment
(``Scheduler.get_card_retrievability``) and answers good when recalled, again when not. Each answer is
scheduled by :func:`tutor.engine.scheduling.review` (py-fsrs, with the engine's seeded fuzz) and then by
:func:`tutor.engine.exam.toward_deadlines`, exactly as a rating of the app is. Several runs on fixed seeds give
the expected load of each day and a high estimate (the 90th percentile of the runs).
"""

import heapq
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from fsrs import Scheduler

from tutor.engine import scheduling
from tutor.engine.exam import Deadline, exam_new_quota, new_allowance, toward_deadlines
from tutor.engine.records import CardState

SESSION_OFFSET = timedelta(hours=5)
"""The simulated learner starts each study day this long after it begins (9:00 when days start at 4)."""
HIGH_QUANTILE = 0.9
"""A day's high estimate: the load that nine runs in ten stay within."""


@dataclass(frozen=True)
class SimCard:
    """A card as the simulation starts from it."""

    card_id: str
    """The card."""
    deck: str
    """Its deck (which scheduler applies)."""
    state: CardState
    """Its state now."""
    deadlines: tuple[Deadline, ...] = ()
    """The exams ahead it belongs to."""


@dataclass(frozen=True)
class SimExam:
    """An exam as the simulation needs it for the new-card limit."""

    day_index: int
    """Its study day, counted from today (0)."""
    cards: frozenset[str]
    """Its cards."""


@dataclass(frozen=True)
class DayLoad:
    """The forecast of one study day."""

    day: date
    """The study day."""
    reviews: float
    """Answers expected that day (all cards: reviews, learning steps and first answers of new cards)."""
    high: int
    """Nine runs in ten give this many answers or fewer."""
    new: float
    """New cards expected to be introduced that day."""
    review_cards: float
    """Of the answers, those to cards in the review state (what the maximum reviews per day limits)."""
    review_cards_high: int
    """Nine runs in ten give this many answers to review cards or fewer."""

    def to_dict(self) -> dict[str, Any]:
        """Return the day as plain data."""
        return {
            "day": self.day.isoformat(),
            "reviews": self.reviews,
            "high": self.high,
            "new": self.new,
            "review_cards": self.review_cards,
            "review_cards_high": self.review_cards_high,
        }


@dataclass(frozen=True)
class Forecast:
    """What the simulated days give, up to the start of the exam day."""

    days: tuple[DayLoad, ...]
    """Each study day from today to the day before the exam."""
    share_ready: float
    """Mean over runs of the share of the exam's cards at or above the target on the exam day."""
    knowledge: float
    """Mean over runs and the exam's cards of the retrievability on the exam day (a card never seen: 0)."""
    answers: float
    """Mean total of answers over the days."""
    runs: int
    """Simulated runs."""
    retention: float | None = None
    """The desired retention simulated, when comparing retentions."""
    per_run: tuple[tuple[int, ...], ...] = field(default=(), repr=False)
    """Answers per day of each run."""

    @property
    def peak(self) -> float:
        """The highest expected daily load."""
        return max((day.reviews for day in self.days), default=0.0)

    @property
    def peak_high(self) -> int:
        """The highest daily high estimate."""
        return max((day.high for day in self.days), default=0)

    def overloaded(self, max_reviews: int) -> list[DayLoad]:
        """Return the days whose answers to review cards may go above ``max_reviews`` (the high estimate)."""
        return [day for day in self.days if day.review_cards_high > max_reviews]

    def to_dict(self) -> dict[str, Any]:
        """Return the forecast as plain data."""
        return {
            "retention": self.retention,
            "runs": self.runs,
            "share_ready": self.share_ready,
            "knowledge": self.knowledge,
            "answers": self.answers,
            "peak": self.peak,
            "peak_high": self.peak_high,
            "days": [day.to_dict() for day in self.days],
        }


def _quantile(values: Sequence[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def simulate(
    cards: Sequence[SimCard],
    *,
    schedulers: dict[str, Scheduler],
    now: datetime,
    day_starts: Sequence[datetime],
    days: Sequence[date],
    exam_cards: frozenset[str],
    target: float,
    exams: Sequence[SimExam],
    new_left_today: int,
    new_per_day: int,
    new_cap: int,
    runs: int = 10,
    seed: int = 0,
    retention: float | None = None,
) -> Forecast:
    """Simulate the study days ``days`` (starting at ``day_starts``, one more start than days: the exam's) from
    ``now`` and return the load of each day and the readiness of ``exam_cards`` at the last start.

    Args:
        cards: every card studied, new ones in the order they would be introduced (exam cards first).
        new_left_today: new cards today's limit still lets in (what the queue shows now).
        new_per_day, new_cap: the learner's new-card limit and the exams' cap on raising it.
        runs, seed: runs of the simulation and the seed of the first (the others follow it).
    """
    exam_start = day_starts[len(days)]
    per_run: list[list[int]] = []
    new_per_run: list[list[int]] = []
    mature_per_run: list[list[int]] = []
    shares: list[float] = []
    knowledge: list[float] = []
    for run in range(runs):
        rng = random.Random(seed + run)
        states = [card.state for card in cards]
        due_heap = [(state.due, index) for index, state in enumerate(states) if state.state != "new"]
        heapq.heapify(due_heap)
        unseen = [index for index, state in enumerate(states) if state.state == "new"]
        next_new = 0
        loads, fresh, mature = [], [], []
        for index_day in range(len(days)):
            end = day_starts[index_day + 1]
            session = max(now, min(day_starts[index_day] + SESSION_OFFSET, end))
            if index_day == 0:
                allowance = new_left_today
            else:
                left = [cards[i].card_id for i in unseen[next_new:]]
                need = sum(
                    exam_new_quota(sum(card_id in exam.cards for card_id in left), exam.day_index - index_day)
                    for exam in exams
                    if exam.day_index > index_day
                )
                allowance = new_allowance(new_per_day, need, new_cap)
            events: list[tuple[datetime, int, int]] = []
            order = 0
            for _ in range(min(allowance, len(unseen) - next_new)):
                events.append((session, order, unseen[next_new]))
                order += 1
                next_new += 1
            introduced = order
            while due_heap and due_heap[0][0] < end:
                due, index = heapq.heappop(due_heap)
                events.append((max(session, due), order, index))
                order += 1
            heapq.heapify(events)
            answers = matured = 0
            while events:
                at, _, index = heapq.heappop(events)
                card = cards[index]
                state = states[index]
                scheduler = schedulers[card.deck]
                matured += state.state == "review"
                if state.state == "new":
                    rating = "good"
                else:
                    recall = scheduling.recall_probability(scheduler, state.stability, state.last_review, at)
                    rating = "good" if rng.random() < recall else "again"
                state = scheduling.review(scheduler, state, rating, at)
                state = toward_deadlines(scheduler, state, card.deadlines, at)
                states[index] = state
                answers += 1
                if state.due < end:
                    order += 1
                    heapq.heappush(events, (max(at, state.due), order, index))
                else:
                    heapq.heappush(due_heap, (state.due, index))
            loads.append(answers)
            fresh.append(introduced)
            mature.append(matured)
        per_run.append(loads)
        new_per_run.append(fresh)
        mature_per_run.append(mature)
        recalls = []
        for index, card in enumerate(cards):
            if card.card_id not in exam_cards:
                continue
            state = states[index]
            recall = 0.0
            if state.state != "new":
                recall = scheduling.recall_probability(schedulers[card.deck], state.stability, state.last_review, exam_start)
            recalls.append(recall)
        shares.append(sum(value >= target for value in recalls) / len(recalls) if recalls else 1.0)
        knowledge.append(statistics.fmean(recalls) if recalls else 1.0)
    loads_by_day = list(zip(*per_run)) if per_run and days else []
    new_by_day = list(zip(*new_per_run)) if new_per_run and days else []
    mature_by_day = list(zip(*mature_per_run)) if mature_per_run and days else []
    return Forecast(
        days=tuple(
            DayLoad(
                day,
                statistics.fmean(counts),
                _quantile(counts, HIGH_QUANTILE),
                statistics.fmean(new),
                statistics.fmean(reviews),
                _quantile(reviews, HIGH_QUANTILE),
            )
            for day, counts, new, reviews in zip(days, loads_by_day, new_by_day, mature_by_day)
        ),
        share_ready=statistics.fmean(shares),
        knowledge=statistics.fmean(knowledge),
        answers=statistics.fmean(sum(loads) for loads in per_run),
        runs=runs,
        retention=retention,
        per_run=tuple(tuple(loads) for loads in per_run),
    )

