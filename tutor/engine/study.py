"""The one object the app and the command line study through: a learner's data directory and its collection.

:class:`Study` ties the collection, the scheduler, the queue, drills, stats and the optimizer together; screens
and commands call it and draw what it returns. It runs no SQL: it asks the store. Every method reads the time from
:func:`tutor.clock.now`, so ``TUTOR_NOW`` replays a schedule.
"""

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta, tzinfo
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tutor.clock import now
from tutor.engine.days import day_start, from_us, to_us
from tutor.engine.collection import Collection, open_collection
from tutor.engine.queue import DeckCounts, QueueEntry, build_queue, deck_counts, queue_counts
from tutor.engine.records import CardState, ReviewRecord
from tutor.engine.settings import DECK_RETENTION_PREFIX, StudySettings, apply_text
from tutor.engine.store import Store, Transaction
from tutor.errors import BadInputError, UnknownCardError
from tutor.vocabulary import STATES, Rating

# Each command imports only what it uses: py-fsrs, the exam forecast, drills, the optimizer and the deck-file
# reader (yaml) are imported by the methods that need them, so `tutor due` and the app's first frame do not
# pay for them (~100 ms together).
if TYPE_CHECKING:
    from tutor.engine.drill import Drill, DrillOptions
    from tutor.engine.exam_book import ExamBook
    from tutor.engine.history import HistoryImport, PastReview
    from tutor.engine.optimize import OptimizeResult
    from tutor.engine.stats import Stats
    from tutor.questions.card import Card
    from tutor.questions.library import Library

_SETTINGS_KEY = "settings"


class Study:
    """A learner's study over their collection. Open with :meth:`open`; close it, or use it as a context manager."""

    def __init__(self, collection: Collection, tz: tzinfo | None) -> None:
        self.collection = collection
        """The decks and cards studied."""
        self._store: Store = collection.store
        self._tz = tz
        self._undo: list[int] = []

    @cached_property
    def exams(self) -> "ExamBook":
        """The learner's exams: readiness, plans, and the scheduling towards them."""
        from tutor.engine.exam_book import ExamBook

        return ExamBook(self._store, self.collection, lambda: self.settings, self._tz)

    @classmethod
    def open(cls, data_dir: Path, library: "Library | None" = None, *, tz: tzinfo | None = None) -> "Study":
        """Open the learner's collection in ``data_dir`` (creating it when needed).

        Args:
            library: decks to study instead of the packaged corpus and the learner's decks (tests).
            tz: the learner's time zone for day boundaries (None: the system's local time zone).

        Raises:
            StoreError: the database is not tutor's, is corrupt, or cannot be written.
        """
        return cls(open_collection(Path(data_dir), library), tz)

    @property
    def library(self) -> Collection:
        """The collection, under the name screens written for a loaded library use."""
        return self.collection

    def close(self) -> None:
        """Close the database (every rating is already on disk)."""
        self.collection.close()

    def __enter__(self) -> "Study":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        """The database file."""
        return self._store.path

    # Settings

    @property
    def settings(self) -> StudySettings:
        """The learner's settings (read from the database, so other processes' changes show)."""
        data = self._store.setting(_SETTINGS_KEY)
        return StudySettings.from_dict(data) if data else StudySettings()

    def update_settings(self, **changes: Any) -> StudySettings:
        """Change some settings (fields of :class:`StudySettings`) and return the new ones.

        Raises:
            BadInputError: a value is out of range or a field is unknown.
        """
        try:
            settings = replace(self.settings, **changes)
        except TypeError as error:
            raise BadInputError(f"unknown setting: {error}") from None
        self._store.put_setting(_SETTINGS_KEY, settings.to_dict())
        return settings

    def set_setting(self, key: str, text: str) -> StudySettings:
        """Set the ``tutor config`` key ``key`` from the learner's ``text`` and return the new settings.

        Raises:
            BadInputError: unknown key, bad value (one line naming the key).
            UnknownDeckError: ``desired_retention.DECK`` names no deck.
        """
        if key.startswith(DECK_RETENTION_PREFIX):
            self.library.deck(key[len(DECK_RETENTION_PREFIX) :])
        settings = apply_text(self.settings, key, text)
        self._store.put_setting(_SETTINGS_KEY, settings.to_dict())
        return settings

    def set_deck_retention(self, deck: str, retention: float | None) -> StudySettings:
        """Give ``deck`` its own desired retention (None: back to the default) and return the settings.

        Raises:
            UnknownDeckError: no deck has that name.
        """
        self.collection.deck(deck)
        settings = self.settings.with_deck_retention(deck, retention)
        self._store.put_setting(_SETTINGS_KEY, settings.to_dict())
        return settings

    # Cards

    def card(self, card_id: str) -> "Card":
        """Return the content card ``card_id``.

        Raises:
            UnknownCardError: no card of the collection has that id.
        """
        return self.collection.card(card_id)

    def card_state(self, card_id: str) -> CardState:
        """Return the scheduling state of ``card_id`` (also of a card that has left the content).

        Raises:
            UnknownCardError: the card is neither in the collection nor in the database.
        """
        state = self._store.card_state(card_id)
        if state is None:
            self._deck_of(card_id)
            state = CardState(card_id)
        return self._with_leech_threshold(state)

    def _with_leech_threshold(self, state: CardState) -> CardState:
        return replace(state, leech_at=self.settings.leech_threshold)

    def _deck_of(self, card_id: str) -> str:
        deck = self._store.card_deck(card_id)
        if deck is None:
            raise UnknownCardError(f"unknown card id {card_id!r} (see `tutor list` for ids)")
        return deck

    def history(self, card_id: str) -> list[ReviewRecord]:
        """Return every logged answer to ``card_id``, oldest first (kept after the card leaves the content)."""
        return self._store.history(card_id)

    def _scheduler(self, deck: str):
        from tutor.engine import scheduling

        return scheduling.make_scheduler(self.settings, deck)

    def import_history(self, reviews: Sequence["PastReview"]) -> "HistoryImport":
        """Add answers given elsewhere (an Anki package) to the log and rebuild their cards' FSRS state.

        Raises:
            UnknownCardError: a review is of a card the collection does not have.
        """
        decks = self._store.decks_of([review.card_id for review in reviews])
        for review in reviews:
            if review.card_id not in decks:
                raise UnknownCardError(f"unknown card id {review.card_id!r} (see `tutor list` for ids)")
        from tutor.engine.history import import_history

        return import_history(self._store, reviews, decks=decks, settings=self.settings)

    def _day_start(self, moment: datetime, settings: StudySettings) -> datetime:
        return day_start(moment, hour=settings.day_start_hour, tz=self._tz)

    # Reviewing

    def queue(self, *, decks: list[str] | None = None) -> list[QueueEntry]:
        """Return what to study now, in order: due learning cards, due reviews (lowest retrievability first),
        then new cards in corpus order up to what is left of today's limit.

        Raises:
            UnknownDeckError: a deck name is unknown.
        """
        self.collection.check_decks(decks)
        moment = now()
        start, new_limit, exam_first, reviews_left = self._limits(moment)
        queue = build_queue(
            self._store, now=moment, day_start=start, new_per_day=new_limit, decks=decks, max_reviews=reviews_left
        )
        kept = [entry for entry in queue if entry.kind != "new"]
        fresh = [entry.card_id for entry in queue if entry.kind == "new"]
        # The exams' unseen cards first, in the room the limit leaves (as many new cards as before).
        exam_decks = self._store.decks_of(exam_first) if decks else {}
        allowed = [card_id for card_id in exam_first if not decks or exam_decks.get(card_id) in decks]
        chosen = list(dict.fromkeys([*allowed, *fresh]))[: len(fresh)]
        return kept + [QueueEntry(card_id, "new", moment) for card_id in chosen]

    def queue_counts(self, *, decks: list[str] | None = None) -> dict[str, int]:
        """Return how many cards of each kind (new, learning, review, relearning) :meth:`queue` returns now,
        counted in SQL without reading or ordering them (the home screen's totals).

        Raises:
            UnknownDeckError: a deck name is unknown.
        """
        self.collection.check_decks(decks)
        moment = now()
        start, new_limit, _, reviews_left = self._limits(moment)
        counts = queue_counts(self._store, now=moment, day_start=start, new_per_day=new_limit, decks=decks)
        # As queue() keeps them: every learning card, the reviews up to today's maximum, the new cards (the
        # exams' unseen cards take the places of others, never more places).
        counts["review"] = min(counts["review"], reviews_left)
        return counts

    def _limits(self, moment: datetime) -> tuple[datetime, int, list[str], int]:
        """The study day's start, today's new-card limit, the exams' unseen cards (see
        :meth:`ExamBook.new_cards_today`) and how many more reviews today's maximum allows."""
        settings = self.settings
        start = self._day_start(moment, settings)
        new_limit, exam_first = self.exams.new_cards_today(settings)
        reviews_left = max(0, settings.max_reviews_per_day - self._store.review_cards_rated_since(to_us(start)))
        return start, new_limit, exam_first, reviews_left

    def next_intervals(self, card_id: str) -> dict[str, timedelta]:
        """Return, for again, hard, good and easy, how long until ``card_id`` would be due if rated so now.

        The preview is exact: rating the card now gives the interval shown (the fuzz is seeded per card).
        """
        from tutor.engine import scheduling

        return scheduling.preview(self._scheduler(self._deck_of(card_id)), self.card_state(card_id), now())

    def rate(self, card_id: str, rating: str | Rating, *, duration_ms: int | None = None) -> CardState:
        """Record a review of ``card_id`` now and return its new state; durable when this returns.

        Raises:
            UnknownCardError: no card of the collection has that id.
            BadInputError: not a rating, or a negative duration.
        """
        from tutor.engine import scheduling

        card = self.card(card_id)
        deck = card.deck
        name = Rating.parse(rating).label
        if duration_ms is not None and duration_ms < 0:
            raise BadInputError(f"an answer cannot take a negative time ({duration_ms} ms)")
        at = now()
        scheduler = self._scheduler(deck)
        with self._store.transaction() as tx:
            before = tx.card_state(card_id)
            current = before or CardState(card_id)
            after = self.exams.schedule(scheduler, card, scheduling.review(scheduler, current, name, at), at)
            tx.put_card_state(after, deck)
            log_id = tx.append_review(
                card_id=card_id,
                rating=name,
                reviewed_us=to_us(at),
                duration_ms=duration_ms,
                mode="review",
                state_before=current.state,
                undo_state=before,
                undoable=True,
            )
        self._undo.append(log_id)
        return self._with_leech_threshold(after)

    def undo(self) -> str | None:
        """Undo this session's last rating: remove it from the log and restore the card's previous state.

        Only ratings made through this object are undone, never another process's. Returns the card id, or
        None when there is nothing to undo (or the card has been scheduled again since, by a drill).
        """
        while self._undo:
            card_id = self._store.undo_review(self._undo.pop())
            if card_id is not None:
                return card_id
        return None

    def suspend(self, card_id: str) -> CardState:
        """Leave ``card_id`` out of the queue and of drills until unsuspended; return its state."""
        return self._set_suspended(card_id, True)

    def unsuspend(self, card_id: str) -> CardState:
        """Put a suspended card back into the queue; return its state."""
        return self._set_suspended(card_id, False)

    def _set_suspended(self, card_id: str, suspended: bool) -> CardState:
        deck = self._deck_of(card_id)
        with self._store.transaction() as tx:
            state = replace(tx.card_state(card_id) or CardState(card_id), suspended=suspended)
            tx.put_card_state(state, deck)
        return self._with_leech_threshold(state)

    def deck_counts(self) -> dict[str, DeckCounts]:
        """Return each deck's new, learning and due counts for now, and its ratings today (home screen)."""
        moment = now()
        settings = self.settings
        return deck_counts(
            self._store,
            now=moment,
            day_start=self._day_start(moment, settings),
            new_per_day=self.exams.new_cards_today(settings)[0],
        )

    def reviews_today(self) -> int:
        """Return how many answers (reviews and drills) were given since the study day began."""
        return self._store.answers_since(to_us(self._day_start(now(), self.settings)))

    # Drills

    def start_drill(self, options: "DrillOptions | None" = None, /, **changes: Any) -> "Drill":
        """Start a drill of ``options.count`` questions from its decks and tags (all when none), drawn with
        weights towards weakness (never seen, low retrievability, many lapses); suspended cards are left out.

        Args:
            options: what to drill (the defaults of :class:`DrillOptions` when None).
            changes: fields of :class:`DrillOptions` to set on ``options`` (``count=5, seed=1``).

        Raises:
            BadInputError: no card matches, or the count or time limit is refused.
            UnknownDeckError: a deck name is unknown.
            UnknownExamError: no exam has the name ``options.exam``.
        """
        from tutor.engine.drill import Drill, DrillOptions, pick_weighted

        options = replace(options or DrillOptions(), **changes)
        count, minutes, seed, exam = options.count, options.minutes, options.seed, options.exam
        decks, tags = list(options.decks) or None, list(options.tags) or None
        if exam is not None:
            held = self.exams.get(exam)
            decks, tags = list(held.decks) or None, list(held.tags) or None
        self.collection.check_decks(decks)
        # Ids and decks only: the text of the few cards drawn is read at the end.
        candidates = self._store.card_decks(decks=decks, tags=tags)
        moment = now()
        # What the weights need, of every card ever rated or suspended: one query, no per-card state objects.
        touched = self._store.drill_weights_input()
        candidates = [(card_id, deck) for card_id, deck in candidates if not (card_id in touched and touched[card_id][4])]
        if not candidates:
            raise BadInputError("no card to drill: no unsuspended card has the decks and tags asked for")
        if seed is None:
            seed = random.SystemRandom().randrange(2**31)
        if exam is not None:
            chosen = [card.id for card in self.exams.weakest(exam, count)]
        else:
            weights = self._drill_weights(candidates, touched, moment)
            chosen = pick_weighted([card_id for card_id, _ in candidates], weights, count, random.Random(seed))
        deadline = moment + timedelta(minutes=minutes) if minutes is not None else None
        with self._store.transaction() as tx:
            drill_id = tx.start_drill(
                started_us=to_us(moment),
                deadline_us=to_us(deadline) if deadline is not None else None,
                decks=decks or (),
                tags=tags or (),
                seed=seed,
            )
        cards = self._store.cards(chosen)
        return Drill(
            self._store,
            drill_id,
            [cards[card_id] for card_id in chosen],
            moment,
            deadline,
            self._apply_drill,
        )

    def _drill_weights(self, candidates: list[tuple[str, str]], touched: dict, moment: datetime) -> list[float]:
        """The drill weight of each (card id, deck) of ``candidates``, from what ``touched`` (the store's
        :meth:`drill_weights_input`) says of the cards studied."""
        from tutor.engine import scheduling
        from tutor.engine.drill import weakness

        settings = self.settings
        schedulers = {deck: scheduling.make_scheduler(settings, deck) for deck in {deck for _, deck in candidates}}
        weights = []
        for card_id, deck in candidates:
            state, stability, last_us, lapses, _ = touched.get(card_id, (0, None, None, 0, 0))
            recall = 0.0
            if state:
                recall = scheduling.recall_probability(schedulers[deck], stability, from_us(last_us), moment)
            weights.append(weakness(STATES[state], lapses, recall, leech_at=settings.leech_threshold))
        return weights

    def _apply_drill(self, tx: Transaction, answers: list[tuple["Card", str, datetime]]) -> None:
        """Move the schedule of drilled cards by their grades, at the time each answer was given."""
        from tutor.engine import scheduling

        settings = self.settings
        for card, rating, at in answers:
            current = tx.card_state(card.id) or CardState(card.id)
            # A card reviewed after the drill answer already has a newer schedule.
            if current.last_review is not None and current.last_review > at:
                continue
            scheduler = scheduling.make_scheduler(settings, card.deck)
            after = self.exams.schedule(scheduler, card, scheduling.review(scheduler, current, rating, at), at)
            tx.put_card_state(after, card.deck)

    # Statistics and optimization

    def stats(self, *, days: int = 30) -> "Stats":
        """Return reviews per day, true retention, cards by state and the due forecast for ``days`` days."""
        from tutor.engine.stats import compute_stats

        settings = self.settings
        return compute_stats(
            self._store,
            now=now(),
            day_start_hour=settings.day_start_hour,
            tz=self._tz,
            days=days,
            leech_threshold=settings.leech_threshold,
        )

    def optimize(self) -> "OptimizeResult":
        """Fit personal FSRS parameters to the reviews that moved the schedule, when there are enough, and
        save them for the ratings to come; otherwise say how many reviews are still needed."""
        from tutor.engine.optimize import fit_parameters

        result = fit_parameters(self._store.schedule_records())
        if result.optimized:
            self.update_settings(parameters=result.parameters)
        return result
