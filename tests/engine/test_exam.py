"""Exams: readiness against py-fsrs, reviews brought forward before the date (and only then), new cards in time,
the plan and the exam drill."""

import math
from datetime import timedelta, timezone

import pytest
from fsrs import Card as FsrsCard
from fsrs import Scheduler, State

from engine_support import T0, make_library
from tutor.engine.exam import LEARN_LEAD_DAYS
from tutor.engine.exam_book import UnknownExamError
from tutor.vocabulary import STATES
from tutor.engine.study import Study
from tutor.errors import BadInputError, UnknownDeckError

EXAM_DAY = (T0 + timedelta(days=21)).date()
"""Three weeks after T0; with UTC study days starting at 4:00 the exam's day starts at 04:00 UTC."""
EXAM_START = T0.replace(hour=4) + timedelta(days=21)


def fsrs_card(state) -> FsrsCard:
    """py-fsrs's own card for a stored state."""
    return FsrsCard(
        state=State(STATES.index(state.state)),
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
    )


def learn(study, clock, card_id: str, days: list[int]) -> None:
    """Learn ``card_id`` at T0 (good, good after 10 minutes), then rate it good on each of ``days`` after T0."""
    clock.set(T0)
    study.rate(card_id, "good")
    clock.set(T0 + timedelta(minutes=10))
    study.rate(card_id, "good")
    for day in days:
        clock.set(T0 + timedelta(days=day))
        study.rate(card_id, "good")


def test_readiness_is_py_fsrs_retrievability_on_the_exam_day(study, clock):
    learn(study, clock, "a1", [])
    learn(study, clock, "a2", [3])
    learn(study, clock, "a3", [3, 10])
    clock.set(T0 + timedelta(days=11))
    study.exams.add("final", EXAM_DAY.isoformat(), decks=["alpha"], retention=0.9)
    ready = study.exams.readiness("final")
    expected = {}
    for card_id in ("a1", "a2", "a3", "a4", "a5"):
        state = study.card_state(card_id)
        # A card never seen counts as 0, as py-fsrs says of a card without a review.
        expected[card_id] = Scheduler().get_card_retrievability(fsrs_card(state), EXAM_START) if state.reps else 0.0
    assert ready.cards == 5 and ready.unseen == 2
    assert ready.ready == sum(value >= 0.9 for value in expected.values())
    assert {card.card_id: card.retrievability for card in ready.at_risk} == {
        card_id: value for card_id, value in expected.items() if value < 0.9
    }
    assert [card.retrievability for card in ready.at_risk] == sorted(card.retrievability for card in ready.at_risk)
    assert ready.days_left == 10
    assert ready.countdown() == f"final · 10 天 · {100 * ready.ready / 5:.0f}% ready"


def test_a_review_fsrs_puts_after_the_exam_too_late_is_brought_forward(data_dir, tmp_path, small_library, clock):
    # Target 0.97 while FSRS schedules for 0.9: the next review lands after the exam with recall below 0.97.
    with Study.open(tmp_path, small_library, tz=timezone.utc) as plain:
        learn(plain, clock, "a1", [3])
        fsrs_due = plain.card_state("a1").due
    with Study.open(data_dir, small_library, tz=timezone.utc) as study:
        clock.set(T0)
        study.exams.add("final", (T0 + timedelta(days=12)).date().isoformat(), retention=0.97)
        learn(study, clock, "a1", [3])
        state = study.card_state("a1")
    exam_start = T0.replace(hour=4) + timedelta(days=12)
    scheduler = Scheduler()
    assert fsrs_due > exam_start
    assert scheduler.get_card_retrievability(fsrs_card(state), exam_start) < 0.97
    # The most whole days py-fsrs keeps the card at 0.97 after a review, found by counting days one by one.
    probe = FsrsCard(state=State.Review, stability=state.stability, last_review=T0, due=T0)
    safe = max(day for day in range(30) if scheduler.get_card_retrievability(probe, T0 + timedelta(days=day)) >= 0.97)
    assert state.due == exam_start - timedelta(days=max(safe, 1))
    assert state.due > T0 + timedelta(days=3)
    # Reviewed then (recalled), the card is at the target on the day.
    clock.set(state.due + timedelta(hours=5))
    with Study.open(data_dir, small_library, tz=timezone.utc) as study:
        after = study.rate("a1", "good")
    assert scheduler.get_card_retrievability(fsrs_card(after), exam_start) >= 0.97


def test_a_card_already_safe_for_the_exam_keeps_fsrs_due(data_dir, tmp_path, small_library, clock):
    with Study.open(tmp_path, small_library, tz=timezone.utc) as plain:
        learn(plain, clock, "a1", [3])
        fsrs_due = plain.card_state("a1").due
    with Study.open(data_dir, small_library, tz=timezone.utc) as study:
        clock.set(T0)
        # An exam two days after the review at day 3: FSRS's next review comes later, and the card is safe.
        study.exams.add("quiz", (T0 + timedelta(days=5)).date().isoformat(), retention=0.9)
        learn(study, clock, "a1", [3])
        state = study.card_state("a1")
    exam_start = T0.replace(hour=4) + timedelta(days=5)
    assert fsrs_due > exam_start
    assert Scheduler().get_card_retrievability(fsrs_card(state), exam_start) >= 0.9
    assert state.due == fsrs_due


def test_after_the_exam_date_scheduling_is_fsrs_own_again(data_dir, tmp_path, small_library, clock):
    with Study.open(tmp_path, small_library, tz=timezone.utc) as plain:
        learn(plain, clock, "a1", [3, 14])
        fsrs_states = plain.history("a1"), plain.card_state("a1")
    with Study.open(data_dir, small_library, tz=timezone.utc) as study:
        clock.set(T0)
        study.exams.add("final", (T0 + timedelta(days=12)).date().isoformat(), retention=0.97)
        learn(study, clock, "a1", [3])
        clock.set(T0 + timedelta(days=14))
        state = study.rate("a1", "good")
        history = study.history("a1")
    # Day 14 is after the exam: the same rating gives py-fsrs's state (the earlier move changed only a due date).
    assert state.due - state.last_review == fsrs_states[1].due - fsrs_states[1].last_review
    assert [(r.rating, r.reviewed_at) for r in history] == [(r.rating, r.reviewed_at) for r in fsrs_states[0]]


def test_unseen_exam_cards_come_first_and_the_new_card_limit_rises_to_learn_them_in_time(study, clock):
    study.update_settings(new_per_day=1)
    days = 10
    study.exams.add("beta exam", (T0 + timedelta(days=days)).date().isoformat(), decks=["beta"])
    need = math.ceil(3 / (days - LEARN_LEAD_DAYS))
    assert study.exams.readiness("beta exam").new_per_day == need
    queue = study.queue()
    assert [entry.card_id for entry in queue] == ["b1", "b2", "b3"][:need]
    # Studying each day what the queue shows, every exam card is introduced LEARN_LEAD_DAYS days before it.
    for day in range(days - LEARN_LEAD_DAYS):
        clock.set(T0 + timedelta(days=day))
        for entry in study.queue():
            study.rate(entry.card_id, "good")
    assert all(study.card_state(card_id).state != "new" for card_id in ("b1", "b2", "b3"))


def test_the_exam_cap_limits_the_raised_new_card_limit(study, clock):
    study.update_settings(new_per_day=0, exam_new_cap=2)
    study.exams.add("soon", (T0 + timedelta(days=2)).date().isoformat())
    assert study.exams.readiness("soon").new_per_day == 8
    assert len(study.queue()) == 2


def test_the_max_reviews_per_day_caps_the_review_cards_of_the_queue(study, clock):
    for card_id in ("a1", "a2", "a3"):
        learn(study, clock, card_id, [])
    study.update_settings(max_reviews_per_day=2, new_per_day=0)
    clock.set(T0 + timedelta(days=30))
    assert [entry.kind for entry in study.queue()] == ["review", "review"]
    study.rate(study.queue()[0].card_id, "good")
    assert len(study.queue()) == 1


@pytest.mark.parametrize(
    ("name", "day", "options", "message"),
    [
        ("final", "2025-03-01", {}, "the exam date 2025-03-01 is not in the future (today is 2025-03-03)"),
        ("final", "2025-03-03", {}, "is not in the future"),
        ("final", "03/04/2025", {}, "the exam date must be a date written YYYY-MM-DD, not '03/04/2025'"),
        ("  ", "2025-04-01", {}, "an exam needs a name"),
        ("final", "2025-04-01", {"retention": 1.0}, "target retention must be from 0.7 to 0.99, not 1.0"),
        ("final", "2025-04-01", {"tags": ["nothing"]}, "no card has the decks and tags of exam 'final'"),
    ],
)
def test_a_bad_exam_is_refused_with_one_line(study, name, day, options, message):
    with pytest.raises(BadInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        study.exams.add(name, day, **options)
    assert study.exams.all() == []


def test_an_exam_over_an_unknown_deck_or_a_second_exam_of_the_same_name_is_refused(study):
    with pytest.raises(UnknownDeckError, match="unknown deck 'gamma'"):
        study.exams.add("final", "2025-04-01", decks=["gamma"])
    study.exams.add("final", "2025-04-01")
    with pytest.raises(BadInputError, match="an exam called 'final' already exists"):
        study.exams.add("final", "2025-05-01")
    with pytest.raises(UnknownExamError, match="unknown exam 'midterm'"):
        study.exams.remove("midterm")
    assert study.exams.remove("final").name == "final"
    assert study.exams.all() == []


def test_adding_an_exam_brings_forward_reviews_already_scheduled_too_late(study, clock):
    learn(study, clock, "a1", [3])
    before = study.card_state("a1")
    study.exams.add("final", (T0 + timedelta(days=12)).date().isoformat(), retention=0.97)
    after = study.card_state("a1")
    assert after.due < T0.replace(hour=4) + timedelta(days=12) < before.due
    assert after.stability == before.stability and after.last_review == before.last_review


def test_an_exam_drill_asks_the_cards_weakest_on_the_exam_day(study, clock):
    learn(study, clock, "a1", [3, 10])
    learn(study, clock, "a2", [])
    learn(study, clock, "a3", [3])
    clock.set(T0 + timedelta(days=11))
    study.exams.add("final", EXAM_DAY.isoformat(), decks=["alpha"])
    ready = {card.card_id: card.retrievability for card in study.exams.readiness("final").at_risk}
    drill = study.start_drill(exam="final", count=3)
    # Never seen first (a4, a5, in corpus order), then the lowest retrievability on the day.
    seen = sorted(["a1", "a2", "a3"], key=lambda card_id: ready.get(card_id, 1.0))
    assert [card.id for card in drill.questions] == ["a4", "a5", seen[0]]


def test_the_plan_forecasts_each_day_until_the_exam_and_flags_days_over_the_maximum(study, clock):
    study.update_settings(max_reviews_per_day=1)
    study.exams.add("final", (T0 + timedelta(days=6)).date().isoformat())
    plan = study.exams.plan("final", runs=4)
    assert [day.day for day in plan.days] == [(T0 + timedelta(days=offset)).date() for offset in range(6)]
    # Day 0: the 8 new cards, each answered twice (the learning steps 1m and 10m), the same in every run.
    assert plan.days[0].new == 8 and plan.days[0].reviews == 16
    assert plan.answers == pytest.approx(sum(day.reviews for day in plan.days))
    assert plan.overloaded(1) == [day for day in plan.days if day.review_cards_high > 1]
    assert plan.overloaded(1)


def test_higher_desired_retention_costs_more_answers(study, clock):
    study.exams.add("final", (T0 + timedelta(days=21)).date().isoformat())
    results = study.exams.compare_retention("final", [0.8, 0.95], runs=3)
    assert [result.retention for result in results] == [0.8, 0.95]
    assert results[0].answers < results[1].answers


@pytest.mark.parametrize(
    ("decks", "tags"),
    [((), ()), (("aics-homework",), ()), ((), ("cnn",)), (("dl-interview", "aics-answers"), ("cnn", "attention"))],
)
def test_an_exam_covers_the_cards_the_library_selects_for_it(decks, tags):
    from tutor.engine.exam import Exam
    from tutor.questions.library import load_library

    library = load_library()
    exam = Exam("final", T0.date(), decks=decks, tags=tags)
    selected = {card.id for card in library.select(decks=list(decks) or None, tags=list(tags) or None)}
    assert {card.id for card in library.cards if exam.covers(card)} == selected
    assert selected
