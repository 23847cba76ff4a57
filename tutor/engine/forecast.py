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


@dataclass(frozen=True)
class _Plan:
    """What every run of a simulation shares: the cards, their schedulers, the days and the new-card limits."""

    cards: Sequence[SimCard]
    schedulers: dict[str, Scheduler]
    now: datetime
    day_starts: Sequence[datetime]
    days: Sequence[date]
    exams: Sequence[SimExam]
    new_left_today: int
    new_per_day: int
    new_cap: int


@dataclass(frozen=True)
class _RunResult:
    """One run: answers, new cards and answers to review cards of each day, and the exam cards' recall."""

    loads: list[int]
    fresh: list[int]
    mature: list[int]
    recalls: list[float]


class _Run:
    """One simulated learner going through the plan's days with its own random answers."""

    def __init__(self, plan: _Plan, seed: int) -> None:
        self.plan = plan
        self.rng = random.Random(seed)
        self.states = [card.state for card in plan.cards]
        self.due_heap = [(state.due, index) for index, state in enumerate(self.states) if state.state != "new"]
        heapq.heapify(self.due_heap)
        self.unseen = [index for index, state in enumerate(self.states) if state.state == "new"]
        self.next_new = 0

    def allowance(self, index_day: int) -> int:
        """New cards the learner may introduce on day ``index_day``: today's remainder, then the raised limit."""
        plan = self.plan
        if index_day == 0:
            return plan.new_left_today
        left = [plan.cards[i].card_id for i in self.unseen[self.next_new :]]
        need = sum(
            exam_new_quota(sum(card_id in exam.cards for card_id in left), exam.day_index - index_day)
            for exam in plan.exams
            if exam.day_index > index_day
        )
        return new_allowance(plan.new_per_day, need, plan.new_cap)

    def study_day(self, index_day: int) -> tuple[int, int, int]:
        """Answer every card due on day ``index_day`` and the day's new ones, in time order; return the answers,
        the new cards and the answers to cards that were in review."""
        plan = self.plan
        end = plan.day_starts[index_day + 1]
        session = max(plan.now, min(plan.day_starts[index_day] + SESSION_OFFSET, end))
        events: list[tuple[datetime, int, int]] = []
        for _ in range(min(self.allowance(index_day), len(self.unseen) - self.next_new)):
            events.append((session, len(events), self.unseen[self.next_new]))
            self.next_new += 1
        introduced = order = len(events)
        while self.due_heap and self.due_heap[0][0] < end:
            due, index = heapq.heappop(self.due_heap)
            events.append((max(session, due), order, index))
            order += 1
        heapq.heapify(events)
        answers = matured = 0
        while events:
            at, _, index = heapq.heappop(events)
            card, state = plan.cards[index], self.states[index]
            matured += state.state == "review"
            state = self.answer(card, state, at)
            self.states[index] = state
            answers += 1
            if state.due < end:
                order += 1
                heapq.heappush(events, (max(at, state.due), order, index))
            else:
                heapq.heappush(self.due_heap, (state.due, index))
        return answers, introduced, matured

    def answer(self, card: SimCard, state: CardState, at: datetime) -> CardState:
        """The learner's answer at ``at`` (good on a new card, else good when recalled), scheduled as the app
        schedules a rating."""
        scheduler = self.plan.schedulers[card.deck]
        if state.state == "new":
            rating = "good"
        else:
            recall = scheduling.recall_probability(scheduler, state.stability, state.last_review, at)
            rating = "good" if self.rng.random() < recall else "again"
        state = scheduling.review(scheduler, state, rating, at)
        return toward_deadlines(scheduler, state, card.deadlines, at)

    def recall_at(self, moment: datetime, card_ids: frozenset[str]) -> list[float]:
        """The probability of recalling each card of ``card_ids`` at ``moment`` (0 for a card never seen)."""
        recalls = []
        for card, state in zip(self.plan.cards, self.states):
            if card.card_id not in card_ids:
                continue
            recall = 0.0
            if state.state != "new":
                scheduler = self.plan.schedulers[card.deck]
                recall = scheduling.recall_probability(scheduler, state.stability, state.last_review, moment)
            recalls.append(recall)
        return recalls

    def run(self, exam_cards: frozenset[str]) -> _RunResult:
        """Study every day of the plan; the recall of ``exam_cards`` is taken at the exam's start."""
        loads, fresh, mature = [], [], []
        for index_day in range(len(self.plan.days)):
            answers, introduced, matured = self.study_day(index_day)
            loads.append(answers)
            fresh.append(introduced)
            mature.append(matured)
        exam_start = self.plan.day_starts[len(self.plan.days)]
        return _RunResult(loads, fresh, mature, self.recall_at(exam_start, exam_cards))


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
    plan = _Plan(cards, schedulers, now, day_starts, days, exams, new_left_today, new_per_day, new_cap)
    results = [_Run(plan, seed + run).run(exam_cards) for run in range(runs)]
    shares = [sum(value >= target for value in r.recalls) / len(r.recalls) if r.recalls else 1.0 for r in results]
    knowledge = [statistics.fmean(r.recalls) if r.recalls else 1.0 for r in results]
    by_day = zip(days, *(zip(*(getattr(r, name) for r in results)) for name in ("loads", "fresh", "mature")))
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
            for day, counts, new, reviews in by_day
        ),
        share_ready=statistics.fmean(shares),
        knowledge=statistics.fmean(knowledge),
        answers=statistics.fmean(sum(r.loads) for r in results),
        runs=runs,
        retention=retention,
        per_run=tuple(tuple(r.loads) for r in results),
    )
