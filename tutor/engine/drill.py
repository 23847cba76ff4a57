"""Exam drills: N questions weighted towards the learner's weak cards, typed answers graded, a report by tag.

Every answer is logged at once (mode drill) so a drill cut short keeps what was answered. Whether the drill
also moves the schedule is decided when it ends (default: it does not), in one transaction.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tutor.clock import now
from tutor.engine.days import to_us
from tutor.engine.records import LEECH_LAPSES
from tutor.engine.store import Store, Transaction
from tutor.errors import BadInputError
from tutor.questions.card import Card

if TYPE_CHECKING:
    # The grader compiles a few hundred patterns and reads the glossary: only a drill's answer needs it, not
    # the queue and ratings that import this module.
    from tutor.engine.grading import Grade

UNTAGGED = "untagged"
"""The tag a card without tags is reported under."""
_FLOOR = 0.1
"""Weight every card keeps, so well-known cards still turn up now and then."""


@dataclass(frozen=True)
class DrillOptions:
    """What a drill asks: how many questions, the time limit, and where they come from. The command line's
    flags and the drill form both build one; it refuses a bad count or time limit with one clear line."""

    count: int = 20
    """Number of questions."""
    minutes: float | None = None
    """Time limit in minutes; None: no limit."""
    decks: tuple[str, ...] = ()
    """Only cards of these decks; empty: every deck."""
    tags: tuple[str, ...] = ()
    """Only cards with one of these tags; empty: every tag."""
    exam: str | None = None
    """Drill this exam's cards instead, those with the lowest retrievability on its day."""
    seed: int | None = None
    """Makes the draw reproducible (the tests' snapshots); None draws afresh, saved with the drill."""

    def __post_init__(self) -> None:
        # Lists from argparse or the form are kept as tuples: the value stays frozen and hashable.
        object.__setattr__(self, "decks", tuple(self.decks or ()))
        object.__setattr__(self, "tags", tuple(self.tags or ()))
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise BadInputError(f"a drill needs at least one question, not {self.count}")
        if self.minutes is not None and not 0 < self.minutes < math.inf:
            raise BadInputError(f"a drill's time limit must be more than 0 minutes, not {self.minutes:g}")

    @classmethod
    def from_text(cls, count: str, minutes: str, **fields: Any) -> "DrillOptions":
        """Return the options for a count and a time limit typed as text (blank minutes: no limit).

        Raises:
            BadInputError: the count is not a whole number, or the minutes not a number; or either is out of range.
        """
        try:
            questions = int(count.strip())
        except ValueError:
            raise BadInputError(f"questions must be a whole number, not {count.strip()!r}") from None
        try:
            limit = float(minutes) if minutes.strip() else None
        except ValueError:
            raise BadInputError(f"minutes must be a number, not {minutes.strip()!r}") from None
        return cls(count=questions, minutes=limit, **fields)


def weakness(state: str, lapses: int, retrievability: float, *, leech_at: int = LEECH_LAPSES) -> float:
    """Return a card's drill weight: higher for never seen, low retrievability and many lapses.

    A card never seen (state new) weighs as one forgotten; lapses add up to half again, capped at ``leech_at``
    (the learner's leech threshold).
    """
    if state == "new":
        return _FLOOR + 1.0
    return _FLOOR + (1.0 - retrievability) + 0.5 * min(lapses, leech_at) / leech_at


def pick_weighted(items: Sequence[str], weights: Sequence[float], count: int, rng: random.Random) -> list[str]:
    """Draw ``count`` distinct items, each draw with probability proportional to its weight among those left.

    Efraimidis and Spirakis's one-pass method: each item gets the key ``Exp(1) / weight`` and the smallest keys
    win; for ``count`` 1 an item is drawn with probability ``weight / sum(weights)``.
    """
    keys = [(rng.expovariate(1.0) / weight, index) for index, weight in enumerate(weights)]
    keys.sort()
    return [items[index] for _, index in keys[:count]]


@dataclass(frozen=True)
class TagReport:
    """How the drill went on one tag."""

    tag: str
    """The tag (``untagged`` for cards without one)."""
    questions: int
    """Questions of the drill carrying the tag."""
    answered: int
    """Of those, how many were answered."""
    score: float
    """Mean score over the tag's questions; an unanswered question scores 0."""

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain data."""
        return {"tag": self.tag, "questions": self.questions, "answered": self.answered, "score": self.score}


@dataclass(frozen=True)
class DrillReport:
    """The result of a drill, overall and by tag."""

    drill_id: int
    """The drill's row in the database."""
    questions: int
    """Questions asked (shown to the learner, answered or skipped)."""
    answered: int
    """Questions answered."""
    score: float
    """Mean score over all questions (unanswered count as 0)."""
    by_tag: tuple[TagReport, ...]
    """One entry per tag, weakest first."""
    grades: tuple[Grade, ...]
    """The grade of each answer, in answer order."""
    moved_schedule: bool = False
    """True when the answers were applied to the schedule."""

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain data."""
        return {
            "drill_id": self.drill_id,
            "questions": self.questions,
            "answered": self.answered,
            "score": self.score,
            "by_tag": [tag.to_dict() for tag in self.by_tag],
            "grades": [grade.to_dict() for grade in self.grades],
            "moved_schedule": self.moved_schedule,
        }


@dataclass(frozen=True)
class _Answer:
    card: Card
    grade: Grade
    at: datetime


class Drill:
    """A running drill. Made by :meth:`tutor.engine.study.Study.start_drill`."""

    def __init__(
        self,
        store: Store,
        drill_id: int,
        questions: Sequence[Card],
        started_at: datetime,
        deadline: datetime | None,
        move_schedule: Callable[[Transaction, list[tuple[Card, str, datetime]]], None],
    ) -> None:
        self._store = store
        self.id = drill_id
        self.questions: tuple[Card, ...] = tuple(questions)
        """The questions in the order to ask them."""
        self.started_at = started_at
        self.deadline = deadline
        """When the time limit runs out (None: no limit)."""
        self._move_schedule = move_schedule
        self._answers: dict[str, _Answer] = {}
        self._finished = False
        self._moved = False

    def time_left(self) -> timedelta | None:
        """Return the time left before the limit (never negative), or None without a limit."""
        if self.deadline is None:
            return None
        return max(self.deadline - now(), timedelta(0))

    @property
    def expired(self) -> bool:
        """True when the time limit has run out."""
        return self.deadline is not None and now() >= self.deadline

    @property
    def finished(self) -> bool:
        """True once :meth:`finish` has run."""
        return self._finished

    def answer(self, card_id: str, text: str, duration_ms: int | None = None) -> Grade:
        """Grade the answer ``text`` to question ``card_id``, log it (mode drill) and return the grade.

        Raises:
            BadInputError: the card is not a question of this drill or was answered already, the drill is
                finished, or its time limit has run out.
        """
        if self._finished:
            raise BadInputError("the drill is finished")
        if self.expired:
            raise BadInputError("the drill's time limit has run out")
        card = next((card for card in self.questions if card.id == card_id), None)
        if card is None:
            raise BadInputError(f"card {card_id!r} is not a question of this drill")
        if card_id in self._answers:
            raise BadInputError(f"card {card_id!r} was already answered in this drill")
        from tutor.engine.grading import grade_answer

        grade = grade_answer(card, text)
        at = now()
        with self._store.transaction() as tx:
            state = tx.card_state(card_id)
            tx.append_review(
                card_id=card_id,
                rating=grade.rating,
                reviewed_us=to_us(at),
                duration_ms=duration_ms,
                mode="drill",
                state_before=state.state if state is not None else "new",
                drill_id=self.id,
                score=grade.score,
            )
        self._answers[card_id] = _Answer(card, grade, at)
        return grade

    def report(self, shown: int | None = None) -> DrillReport:
        """Return the report so far: overall score and a score per tag (weakest first).

        Args:
            shown: how many questions, in order, the learner was shown; the others are left out of the report
                (a drill ended early reports on what was asked, not on the whole plan). None: every question.
        """
        asked = self.questions if shown is None else self.questions[: max(shown, len(self._answers))]
        tags: dict[str, list[float | None]] = {}
        for card in asked:
            answer = self._answers.get(card.id)
            for tag in card.tags or (UNTAGGED,):
                tags.setdefault(tag, []).append(answer.grade.score if answer else None)
        by_tag = [
            TagReport(
                tag=tag,
                questions=len(scores),
                answered=sum(score is not None for score in scores),
                score=math.fsum(score or 0.0 for score in scores) / len(scores),
            )
            for tag, scores in tags.items()
        ]
        by_tag.sort(key=lambda report: (report.score, report.tag))
        grades = tuple(answer.grade for answer in self._answers.values())
        total = math.fsum(grade.score for grade in grades)
        return DrillReport(
            drill_id=self.id,
            questions=len(asked),
            answered=len(grades),
            score=total / len(asked) if asked else 0.0,
            by_tag=tuple(by_tag),
            grades=grades,
            moved_schedule=self._finished and self._moved,
        )

    def finish(self, move_schedule: bool = False) -> DrillReport:
        """End the drill and return its report.

        Args:
            move_schedule: also apply each answer's rating to the card's schedule, at the time it was given
                (the learner's choice; by default a drill leaves the schedule alone).
        """
        if self._finished:
            return self.report()
        answers = [(answer.card, answer.grade.rating, answer.at) for answer in self._answers.values()]
        # One transaction: the schedule never moves without the drill saying so (the optimizer relies on it).
        with self._store.transaction() as tx:
            if move_schedule:
                self._move_schedule(tx, answers)
            tx.finish_drill(self.id, finished_us=to_us(now()), moved_schedule=move_schedule)
        self._finished = True
        self._moved = move_schedule
        return self.report()
