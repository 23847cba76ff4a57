"""Scheduling follows py-fsrs exactly; previews, lapses and leeches."""

import random
from datetime import timedelta, timezone

import pytest
from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler

from engine_support import T0
from tutor.engine.records import LEECH_LAPSES, CardState
from tutor.engine.scheduling import replay
from tutor.engine.study import Study
from tutor.errors import BadInputError

# (rating, time since the first review): learning steps, graduation, a lapse and relearning, long intervals
# where the fuzz applies, a same-day review of a review card, and an overdue review.
SEQUENCE = [
    ("good", timedelta(0)),
    ("good", timedelta(minutes=10)),
    ("good", timedelta(days=3)),
    ("hard", timedelta(days=9)),
    ("again", timedelta(days=25)),
    ("good", timedelta(days=25, minutes=12)),
    ("easy", timedelta(days=29)),
    ("good", timedelta(days=29, hours=5)),
    ("good", timedelta(days=70)),
    ("again", timedelta(days=200)),
    ("again", timedelta(days=200, minutes=10)),
    ("good", timedelta(days=200, minutes=25)),
    ("easy", timedelta(days=240)),
]


def reference_schedule(card_id: str, scheduler: Scheduler) -> list[FsrsCard]:
    """py-fsrs itself over SEQUENCE, its fuzz seeded as the engine documents (card id / review count)."""
    card = FsrsCard(card_id=1, due=T0)
    cards = []
    for index, (rating, offset) in enumerate(SEQUENCE):
        random.seed(f"{card_id}/{index}")
        card, _ = scheduler.review_card(card, Rating[rating.capitalize()], review_datetime=T0 + offset)
        cards.append(card)
    return cards


def assert_same(state, card: FsrsCard) -> None:
    assert state.state == card.state.name.lower()
    assert state.step == card.step
    assert state.stability == card.stability
    assert state.difficulty == card.difficulty
    assert state.due == card.due
    assert state.last_review == card.last_review


def test_schedule_over_a_sequence_of_ratings_equals_py_fsrs(study, clock):
    expected = reference_schedule("a1", Scheduler())
    for (rating, offset), card in zip(SEQUENCE, expected):
        clock.set(T0 + offset)
        assert_same(study.rate("a1", rating), card)
        assert_same(study.card_state("a1"), card)


def test_the_fuzz_makes_intervals_differ_from_the_unfuzzed_ones_somewhere(study, clock):
    # Guards the test above: it must exercise the fuzz, not only short intervals that are never fuzzed.
    fuzzed = reference_schedule("a1", Scheduler())
    plain = reference_schedule("a1", Scheduler(enable_fuzzing=False))
    assert any(a.due != b.due for a, b in zip(fuzzed, plain))


def test_a_deck_with_its_own_desired_retention_is_scheduled_by_py_fsrs_with_that_retention(study, clock):
    study.set_deck_retention("beta", 0.8)
    expected = reference_schedule("b1", Scheduler(desired_retention=0.8))
    for (rating, offset), card in zip(SEQUENCE, expected):
        clock.set(T0 + offset)
        assert_same(study.rate("b1", rating), card)
    # The other deck keeps the default.
    assert study.settings.retention_for("alpha") == 0.9


def test_the_same_history_gives_the_same_schedule_in_another_data_directory(tmp_path, clock, small_library):
    dues = []
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        clock.set(T0)
        with Study.open(tmp_path / name, small_library, tz=timezone.utc) as study:
            for rating, offset in SEQUENCE:
                clock.set(T0 + offset)
                study.rate("a2", rating)
            dues.append(study.card_state("a2").due)
    assert dues[0] == dues[1]


def test_next_intervals_preview_exactly_what_each_rating_does(study, clock):
    for rating, offset in SEQUENCE[:9]:
        clock.set(T0 + offset)
        study.rate("a1", rating)
    clock.advance(days=30)
    preview = study.next_intervals("a1")
    assert list(preview) == ["again", "hard", "good", "easy"]
    for rating, interval in preview.items():
        after = study.rate("a1", rating)
        assert after.due - clock.now == interval
        assert study.undo() == "a1"
    assert preview["again"] < preview["hard"] <= preview["good"] <= preview["easy"]


def test_a_new_card_previews_py_fsrs_learning_steps(study):
    preview = study.next_intervals("a3")
    assert preview["again"] == timedelta(minutes=1)
    assert preview["good"] == timedelta(minutes=10)


def lapse(study, clock, card_id: str) -> None:
    """Forget a review card (again), then relearn it back into review (good)."""
    clock.advance(days=5)
    study.rate(card_id, "again")
    clock.advance(minutes=10)
    study.rate(card_id, "good")


def test_a_card_is_a_leech_at_eight_lapses(study, clock):
    study.rate("a1", "easy")
    assert study.card_state("a1").state == "review"
    for count in range(1, LEECH_LAPSES + 1):
        lapse(study, clock, "a1")
        state = study.card_state("a1")
        assert state.lapses == count
        assert state.leech == (count >= LEECH_LAPSES)
    assert study.card_state("a1").to_dict()["leech"] is True


def test_again_on_a_learning_card_is_not_a_lapse(study, clock):
    study.rate("a1", "again")
    clock.advance(minutes=1)
    study.rate("a1", "again")
    assert study.card_state("a1").lapses == 0


def test_rating_an_unknown_card_is_refused(study):
    with pytest.raises(BadInputError, match="unknown card id 'zz'"):
        study.rate("zz", "good")


def test_a_rating_is_logged_with_its_duration_and_mode(study, clock):
    study.rate("a1", "good", duration_ms=4200)
    (record,) = study.history("a1")
    assert (record.rating, record.mode, record.duration_ms, record.reviewed_at) == ("good", "review", 4200, T0)
    assert record.state_before == "new"


def test_card_state_round_trips_through_its_dict(study):
    state = study.rate("a1", "good")
    assert CardState.from_dict(state.to_dict()) == state


def test_a_deck_retention_outside_the_allowed_range_is_refused(study):
    with pytest.raises(BadInputError, match="from 0.7 to 0.99, not 1.5"):
        study.set_deck_retention("alpha", 1.5)


def test_py_fsrs_still_draws_its_fuzz_from_the_global_random_generator():
    # The engine reseeds the global generator around each review because py-fsrs offers no other way in. If a
    # new py-fsrs takes a generator (or draws from its own), pass a seeded random.Random to it instead.
    import inspect

    import fsrs.scheduler

    assert fsrs.scheduler.random is random.random
    assert not {"rng", "random", "generator", "seed"} & set(inspect.signature(Scheduler).parameters)


def test_a_review_leaves_the_global_random_generator_as_it_found_it():
    random.seed(12345)
    expected = random.random()
    random.seed(12345)
    states = replay(Scheduler(), CardState("a1"), [(T0 + after, rating) for rating, after in SEQUENCE])
    assert states[-1].reps == len(SEQUENCE)
    assert random.random() == expected
