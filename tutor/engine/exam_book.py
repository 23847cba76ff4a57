"""The learner's exams, kept in the store's settings: add, list, remove, readiness, the plan, and what the
review queue and the drills need from them. :class:`tutor.engine.study.Study` holds one as ``study.exams``."""

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from tutor.clock import now
from tutor.engine.days import day_start, to_us
from tutor.engine.exam import (
    Deadline,
    Exam,
    Readiness,
    check_name,
    check_retention,
    exam_new_quota,
    exam_start,
    new_allowance,
    outlook,
    parse_day,
    readiness,
    study_date,
    toward_deadlines,
)
from tutor.engine.records import CardState
from tutor.engine.settings import StudySettings
from tutor.engine.store import Store
from tutor.errors import BadInputError

# The queue and the home screen ask every exam book for today's new-card limit: py-fsrs and the forecast
# (~30 ms to import) load only when a card's recall or a plan is computed.
if TYPE_CHECKING:
    from fsrs import Scheduler

    from tutor.engine.forecast import Forecast, SimCard
    from tutor.questions.card import Card
    from tutor.questions.library import Library

EXAMS_KEY = "exams"
"""The setting holding the exams, a list of :meth:`Exam.to_dict` values."""
COMPARED_RETENTIONS = (0.80, 0.85, 0.90, 0.95)
"""Desired retentions ``tutor exam plan --compare-retention`` simulates."""
PLAN_HORIZON_DAYS = 366
"""A plan simulates at most this many days (an exam further away is planned for its last year)."""


class UnknownExamError(BadInputError):
    """No exam has the requested name."""


class ExamBook:
    """The exams of a learner's data directory over a library."""

    def __init__(self, store: Store, library: "Library", settings: Callable[[], StudySettings], tz: tzinfo | None):
        self._store = store
        self._library = library
        self._settings = settings
        self._tz = tz

    # The list

    def all(self) -> list[Exam]:
        """Return every exam, earliest first."""
        stored = self._store.setting(EXAMS_KEY) or []
        return sorted((Exam.from_dict(item) for item in stored), key=lambda exam: (exam.day, exam.name))

    def get(self, name: str) -> Exam:
        """Return the exam called ``name``.

        Raises:
            UnknownExamError: no exam has that name.
        """
        for exam in self.all():
            if exam.name == name.strip():
                return exam
        known = ", ".join(exam.name for exam in self.all()) or "none yet: tutor exam add NAME --date YYYY-MM-DD"
        raise UnknownExamError(f"unknown exam {name!r} (exams: {known})")

    def add(
        self,
        name: str,
        day: str,
        *,
        decks: Sequence[str] = (),
        tags: Sequence[str] = (),
        retention: float | None = None,
    ) -> Exam:
        """Add an exam and bring forward the reviews of its cards that would come after it too late.

        Args:
            day: the date, YYYY-MM-DD; it must be after today's study day.
            retention: the target retrievability on the day (default: the learner's desired retention).

        Raises:
            BadInputError: a bad name or date, a date not in the future, an existing name, a retention out of
                range, or no card with those decks and tags.
            UnknownDeckError: a deck name is unknown.
        """
        name = check_name(name)
        when = parse_day(day)
        settings = self._settings()
        today = self.today(settings)
        if when <= today:
            raise BadInputError(f"the exam date {when.isoformat()} is not in the future (today is {today.isoformat()})")
        exams = self.all()
        if any(exam.name == name for exam in exams):
            raise BadInputError(f"an exam called {name!r} already exists (tutor exam remove {name} first)")
        target = check_retention(settings.desired_retention if retention is None else retention)
        exam = Exam(name, when, tuple(dict.fromkeys(decks)), tuple(dict.fromkeys(tags)), target)
        if not self.cards(exam):
            raise BadInputError(f"no card has the decks and tags of exam {name!r}")
        self._store.put_setting(EXAMS_KEY, [item.to_dict() for item in [*exams, exam]])
        self._bring_forward(exam, settings)
        return exam

    def remove(self, name: str) -> Exam:
        """Remove the exam called ``name`` and return it; reviews already moved stay where they are.

        Raises:
            UnknownExamError: no exam has that name.
        """
        exam = self.get(name)
        self._store.put_setting(EXAMS_KEY, [item.to_dict() for item in self.all() if item.name != exam.name])
        return exam

    def cards(self, exam: Exam) -> list["Card"]:
        """Return the content cards the exam covers, in corpus order (suspended ones too).

        Raises:
            UnknownDeckError: a deck of the exam has left the library.
        """
        return self._library.select(decks=list(exam.decks) or None, tags=list(exam.tags) or None)

    # Time

    def today(self, settings: StudySettings | None = None) -> date:
        """Return the date of the current study day."""
        settings = settings or self._settings()
        return study_date(now(), hour=settings.day_start_hour, tz=self._tz)

    def start(self, exam: Exam, settings: StudySettings | None = None) -> datetime:
        """Return when the exam's study day starts (UTC): the moment readiness is measured at."""
        settings = settings or self._settings()
        return exam_start(exam.day, hour=settings.day_start_hour, tz=self._tz)

    def upcoming(self, settings: StudySettings | None = None) -> list[Exam]:
        """Return the exams whose day has not begun, earliest first."""
        settings = settings or self._settings()
        moment = now()
        return [exam for exam in self.all() if self.start(exam, settings) > moment]

    # Readiness

    def _schedulers(self, settings: StudySettings) -> dict[str, "Scheduler"]:
        from tutor.engine import scheduling

        return {deck.name: scheduling.make_scheduler(settings, deck.name) for deck in self._library.decks}

    def _studied(self, exam: Exam) -> tuple[list["Card"], dict[str, CardState]]:
        """The exam's unsuspended cards and their stored states."""
        cards = self.cards(exam)
        states = self._store.card_states([card.id for card in cards])
        return [card for card in cards if not (card.id in states and states[card.id].suspended)], states

    def readiness(self, name: str) -> Readiness:
        """Return how ready the learner is for the exam called ``name`` now.

        Raises:
            UnknownExamError: no exam has that name.
        """
        return self._readiness(self.get(name), self._settings())

    def readiness_all(self) -> list[Readiness]:
        """Return the readiness of every exam whose day has not begun, earliest first (the home screen)."""
        settings = self._settings()
        return [self._readiness(exam, settings) for exam in self.upcoming(settings)]

    def _readiness(
        self, exam: Exam, settings: StudySettings, studied: tuple[list["Card"], dict[str, CardState]] | None = None
    ) -> Readiness:
        cards, states = studied or self._studied(exam)
        outlooks = outlook([(card.id, card.deck) for card in cards], states, self._schedulers(settings), self.start(exam, settings))
        introduced = set(self._introduced_today(settings)).intersection(card.id for card in cards)
        days_left = (exam.day - self.today(settings)).days
        return readiness(exam, outlooks, days_left, len(introduced))

    def _introduced_today(self, settings: StudySettings) -> list[str]:
        return self._store.first_reviews_since(to_us(day_start(now(), hour=settings.day_start_hour, tz=self._tz)))

    # What ratings, the queue and drills need

    def deadlines(self, card: "Card", at: datetime) -> list[Deadline]:
        """Return the deadlines of the exams ahead of ``at`` that cover ``card``."""
        settings = self._settings()
        deadlines = []
        for exam in self.all():
            start = self.start(exam, settings)
            if start > at and exam.covers(card):  # not self.cards(exam): this runs on every rating
                deadlines.append(Deadline(start, exam.retention))
        return deadlines

    def schedule(self, scheduler: "Scheduler", card: "Card", state: CardState, at: datetime) -> CardState:
        """Return the state FSRS just gave ``card`` at ``at``, with its due brought forward for the exams ahead."""
        return toward_deadlines(scheduler, state, self.deadlines(card, at), at)

    def new_cards_today(self, settings: StudySettings) -> tuple[int, list[str]]:
        """Return today's new-card limit (the learner's, raised for the exams ahead) and the unseen cards of
        those exams, earliest exam first, in corpus order."""
        need = 0
        first: dict[str, None] = {}
        for exam in self.upcoming(settings):
            cards, states = self._studied(exam)
            need += self._readiness(exam, settings, (cards, states)).new_per_day
            first.update((card.id, None) for card in cards if card.id not in states or states[card.id].state == "new")
        return new_allowance(settings.new_per_day, need, settings.exam_new_cap), list(first)

    def weakest(self, name: str, count: int) -> list["Card"]:
        """Return the ``count`` unsuspended cards of the exam with the lowest retrievability on its day (never
        seen first, then in corpus order among equals).

        Raises:
            UnknownExamError: no exam has that name.
        """
        exam = self.get(name)
        settings = self._settings()
        cards, states = self._studied(exam)
        outlooks = outlook([(card.id, card.deck) for card in cards], states, self._schedulers(settings), self.start(exam, settings))
        ranked = sorted(range(len(cards)), key=lambda index: (outlooks[index].retrievability, index))
        return [cards[index] for index in ranked[:count]]

    def _bring_forward(self, exam: Exam, settings: StudySettings) -> None:
        """Move the reviews of the exam's cards that FSRS put after it too late (as a rating would)."""
        moment = now()
        start = self.start(exam, settings)
        cards, states = self._studied(exam)
        schedulers = self._schedulers(settings)
        moved = []
        for card in cards:
            state = states.get(card.id)
            if state is None:
                continue
            after = toward_deadlines(schedulers[card.deck], state, [Deadline(start, exam.retention)], moment)
            if after is not state:
                moved.append((after, card.deck))
        if moved:
            with self._store.transaction() as tx:
                for state, deck in moved:
                    tx.put_card_state(state, deck)

    # The plan

    def plan(self, name: str, *, runs: int = 20, seed: int = 0) -> "Forecast":
        """Forecast the answers of each study day until the exam called ``name`` (every deck's cards, as the
        learner studies them) and the exam's readiness on its day.

        Raises:
            UnknownExamError: no exam has that name.
            BadInputError: the exam's day has begun.
        """
        exam = self.get(name)
        return self._simulate(exam, self._settings(), runs=runs, seed=seed)

    def compare_retention(
        self, name: str, retentions: Sequence[float] = COMPARED_RETENTIONS, *, runs: int = 8, seed: int = 0
    ) -> list["Forecast"]:
        """Forecast the exam's own cards under each desired retention (every deck and the exam's target set to
        it): the answers per day and the knowledge kept on the exam day.

        Raises:
            UnknownExamError: no exam has that name.
            BadInputError: the exam's day has begun.
        """
        exam = self.get(name)
        settings = self._settings()
        results = []
        for retention in retentions:
            changed = replace(settings, desired_retention=retention, deck_retention={})
            results.append(
                self._simulate(
                    replace(exam, retention=retention), changed, runs=runs, seed=seed, only_exam=True, retention=retention
                )
            )
        return results

    def _study_days(self, exam: Exam, settings: StudySettings) -> tuple[list[date], list[datetime]]:
        """The study days from today until ``exam`` (at most the plan's horizon), and when each begins, with
        one start more: the exam's day."""
        today = self.today(settings)
        days_left = min((exam.day - today).days, PLAN_HORIZON_DAYS)
        days = [today + timedelta(days=offset) for offset in range(days_left)]
        ends = [*days, today + timedelta(days=days_left)]
        return days, [exam_start(day, hour=settings.day_start_hour, tz=self._tz) for day in ends]

    def _sim_cards(
        self, cards: "list[Card]", exams: list[Exam], covered: dict[str, set[str]], settings: StudySettings
    ) -> "list[SimCard]":
        """``cards`` as the simulation starts from them, suspended ones left out, each with its exams' deadlines."""
        from tutor.engine.forecast import SimCard

        states = self._store.card_states([card.id for card in cards])
        starts = {item.name: self.start(item, settings) for item in exams}
        return [
            SimCard(
                card.id,
                card.deck,
                states.get(card.id) or CardState(card.id),
                tuple(Deadline(starts[item.name], item.retention) for item in exams if card.id in covered[item.name]),
            )
            for card in cards
            if not (card.id in states and states[card.id].suspended)
        ]

    def _simulate(
        self,
        exam: Exam,
        settings: StudySettings,
        *,
        runs: int,
        seed: int,
        only_exam: bool = False,
        retention: float | None = None,
    ) -> "Forecast":
        from tutor.engine.forecast import SimExam, simulate

        moment = now()
        start = self.start(exam, settings)
        if start <= moment:
            raise BadInputError(f"exam {exam.name!r} has begun: there is nothing left to plan")
        today = self.today(settings)
        days, day_starts = self._study_days(exam, settings)
        days_left = len(days)
        # The plan studies the whole library towards every exam ahead; a comparison, this exam's cards alone.
        exams = [exam] if only_exam else self.upcoming(settings)
        covered = {item.name: {card.id for card in self.cards(item)} for item in exams}
        limit, first = self.new_cards_today(settings) if not only_exam else (None, [])
        library_cards = self.cards(exam) if only_exam else list(self._library.cards)
        order = {card_id: index for index, card_id in enumerate(first)}
        cards = sorted(library_cards, key=lambda card: order.get(card.id, len(order)))
        sim_cards = self._sim_cards(cards, exams, covered, settings)
        introduced = len(self._introduced_today(settings))
        if only_exam:
            unseen = sum(card.state.state == "new" for card in sim_cards)
            limit = new_allowance(settings.new_per_day, exam_new_quota(unseen, days_left), settings.exam_new_cap)
        return simulate(
            sim_cards,
            schedulers=self._schedulers(settings),
            now=moment,
            day_starts=day_starts,
            days=days,
            exam_cards=frozenset(covered[exam.name]),
            target=exam.retention,
            exams=[SimExam((item.day - today).days, frozenset(covered[item.name])) for item in exams],
            new_left_today=max(0, limit - introduced),
            new_per_day=settings.new_per_day,
            new_cap=settings.exam_new_cap,
            runs=runs,
            seed=seed,
            retention=retention,
        )

