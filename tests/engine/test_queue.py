"""The review queue: order, daily limits across day boundaries, undo, suspension, content changes."""

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from engine_support import T0, make_library
from fsrs import Card as FsrsCard
from fsrs import Scheduler, State

from tutor.engine.study import Study
from tutor.errors import UnknownDeckError


def kinds(queue) -> list[tuple[str, str]]:
    return [(entry.card_id, entry.kind) for entry in queue]


def test_a_fresh_queue_is_the_first_new_cards_in_corpus_order(study):
    assert kinds(study.queue()) == [(i, "new") for i in ("a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3")]


def test_learning_cards_come_first_then_reviews_then_new_cards(study, clock):
    clock.set(T0 - timedelta(days=40))
    study.rate("b1", "easy")  # review, due in about 8 days: overdue by now
    clock.set(T0 - timedelta(minutes=30))
    study.rate("a3", "again")  # learning, due 1 minute later
    clock.set(T0 - timedelta(minutes=20))
    study.rate("a5", "good")  # learning, due 10 minutes later
    clock.set(T0 - timedelta(minutes=5))
    study.rate("b2", "easy")
    study.rate("b2", "again")  # relearning, due in 10 minutes: not due yet
    clock.set(T0)
    assert kinds(study.queue()) == [
        ("a3", "learning"),
        ("a5", "learning"),
        ("b1", "review"),
        ("a1", "new"),
        ("a2", "new"),
        ("a4", "new"),
        ("b3", "new"),
    ]


def test_due_reviews_come_lowest_retrievability_first_as_py_fsrs_computes_it(data_dir, clock):
    ids = [f"r{i}" for i in range(8)]
    library = make_library(deck=ids)
    with Study.open(data_dir, library, tz=timezone.utc) as study:
        # Different stabilities (ratings) and different times since the last review.
        for index, card_id in enumerate(ids):
            clock.set(T0 - timedelta(days=90 - 7 * index))
            study.rate(card_id, ("easy", "good")[index % 2])
            if index % 2:
                clock.advance(minutes=10)
                study.rate(card_id, "good")
            if index % 3 == 0:
                clock.advance(days=12)
                study.rate(card_id, "hard")
        clock.set(T0 + timedelta(days=60))
        queue = study.queue()
        assert {entry.kind for entry in queue} == {"review"}
        scheduler = Scheduler()

        def recall(card_id: str) -> float:
            state = study.card_state(card_id)
            card = FsrsCard(state=State.Review, stability=state.stability, last_review=state.last_review)
            return scheduler.get_card_retrievability(card, current_datetime=clock.now)

        retrievabilities = [recall(entry.card_id) for entry in queue]
        assert len(queue) == len(ids)
        assert retrievabilities == sorted(retrievabilities)
        assert len(set(retrievabilities)) > 4


def test_new_cards_stop_at_the_daily_limit_and_return_after_the_day_boundary(study, clock):
    study.update_settings(new_per_day=3, day_start_hour=4)
    for entry in study.queue():
        study.rate(entry.card_id, "easy")  # straight to review, due days later
    assert study.queue() == []
    clock.set(datetime(2025, 3, 4, 3, 59, tzinfo=timezone.utc))  # still Monday's study day
    assert study.queue() == []
    clock.set(datetime(2025, 3, 4, 4, 0, tzinfo=timezone.utc))  # Tuesday's begins at 4:00
    assert kinds(study.queue()) == [("a4", "new"), ("a5", "new"), ("b1", "new")]


def test_the_day_boundary_is_at_the_hour_in_the_learners_time_zone(data_dir, small_library, clock):
    shanghai = ZoneInfo("Asia/Shanghai")  # UTC+8: 4:00 there is 20:00 UTC the day before
    clock.set(datetime(2025, 3, 3, 12, 0, tzinfo=timezone.utc))
    with Study.open(data_dir, small_library, tz=shanghai) as study:
        study.update_settings(new_per_day=2)
        for entry in study.queue():
            study.rate(entry.card_id, "easy")
        clock.set(datetime(2025, 3, 3, 19, 59, tzinfo=timezone.utc))
        assert study.queue() == []
        clock.set(datetime(2025, 3, 3, 20, 0, tzinfo=timezone.utc))
        assert kinds(study.queue()) == [("a3", "new"), ("a4", "new")]


def test_ratings_of_cards_already_seen_do_not_use_up_the_new_card_limit(study, clock):
    study.update_settings(new_per_day=2)
    study.rate("a1", "again")
    clock.advance(minutes=1)
    study.rate("a1", "again")
    clock.advance(minutes=1)
    study.rate("a1", "again")
    clock.advance(minutes=1)
    assert kinds(study.queue()) == [("a1", "learning"), ("a2", "new")]


def test_the_queue_of_one_deck_holds_only_its_cards(study):
    assert kinds(study.queue(decks=["beta"])) == [("b1", "new"), ("b2", "new"), ("b3", "new")]


def test_an_unknown_deck_is_refused(study):
    with pytest.raises(UnknownDeckError):
        study.queue(decks=["gamma"])


def test_undo_restores_the_state_before_the_last_rating(study, clock):
    first = study.rate("a1", "good")
    clock.advance(minutes=10)
    study.rate("a1", "good")
    assert study.undo() == "a1"
    assert study.card_state("a1") == first
    assert [record.rating for record in study.history("a1")] == ["good"]
    assert study.undo() == "a1"
    assert study.card_state("a1").state == "new"
    assert study.history("a1") == []
    assert study.undo() is None


def test_undo_gives_back_the_new_card_slot(study):
    study.update_settings(new_per_day=1)
    study.rate("a1", "easy")
    assert study.queue() == []
    study.undo()
    assert kinds(study.queue()) == [("a1", "new")]


def test_undo_never_undoes_another_sessions_rating(study, data_dir, small_library):
    with Study.open(data_dir, small_library, tz=timezone.utc) as other:
        other.rate("a2", "good")
        assert study.undo() is None
        assert len(study.history("a2")) == 1


def test_undo_keeps_a_suspension_made_after_the_rating(study):
    study.rate("a1", "good")
    study.suspend("a1")
    assert study.undo() == "a1"
    assert study.card_state("a1").suspended


def test_a_suspended_card_leaves_the_queue_until_unsuspended(study, clock):
    study.rate("a1", "again")
    study.suspend("a1")
    study.suspend("a2")
    clock.advance(minutes=5)
    assert "a1" not in [entry.card_id for entry in study.queue()]
    assert "a2" not in [entry.card_id for entry in study.queue()]
    assert study.unsuspend("a1").suspended is False
    assert kinds(study.queue())[0] == ("a1", "learning")


def test_deck_counts_respect_the_new_card_limit_and_count_todays_ratings(study, clock):
    study.update_settings(new_per_day=4)
    study.rate("a1", "again")
    study.rate("b1", "easy")
    clock.advance(minutes=2)
    counts = study.deck_counts()
    assert list(counts) == ["alpha", "beta"]
    assert counts["alpha"].to_dict() == {"new": 2, "learning": 1, "due": 0, "reviewed_today": 1}
    assert counts["beta"].to_dict() == {"new": 2, "learning": 0, "due": 0, "reviewed_today": 1}
    assert study.reviews_today() == 2


def test_cards_that_leave_the_content_keep_their_history_and_come_back_with_it(data_dir, clock):
    first = make_library(deck=["x1", "x2", "x3"])
    second = make_library(deck=["x2", "x3", "x4"])
    with Study.open(data_dir, first, tz=timezone.utc) as study:
        study.rate("x1", "again")
        kept = study.card_state("x1")
    clock.advance(minutes=5)
    with Study.open(data_dir, second, tz=timezone.utc) as study:
        assert kinds(study.queue()) == [("x2", "new"), ("x3", "new"), ("x4", "new")]
        assert study.card_state("x1") == kept
        assert len(study.history("x1")) == 1
        assert study.stats().by_state["learning"] == 0
        assert study.stats().by_state["new"] == 3
    with Study.open(data_dir, first, tz=timezone.utc) as study:
        assert kinds(study.queue())[0] == ("x1", "learning")


def test_queue_entries_serialise_as_id_kind_and_due(study):
    entry = study.queue()[0]
    assert entry.to_dict() == {"id": "a1", "kind": "new", "due": T0.isoformat()}


@pytest.mark.parametrize("max_reviews", [1, 2, 100])
@pytest.mark.parametrize("decks", [None, ["alpha"], ["beta"]])
def test_queue_counts_are_the_kinds_of_the_queue(study, clock, max_reviews, decks):
    study.update_settings(new_per_day=3, max_reviews_per_day=max_reviews)
    clock.set(T0 - timedelta(days=40))
    study.rate("b1", "easy")  # a review, overdue by T0
    study.rate("a2", "easy")  # another
    clock.set(T0 - timedelta(minutes=30))
    study.rate("a3", "again")  # learning
    study.rate("b2", "easy")
    study.rate("b2", "again")  # relearning
    study.suspend("a4")
    clock.set(T0 + timedelta(hours=1))
    expected = dict.fromkeys(("new", "learning", "review", "relearning"), 0)
    for entry in study.queue(decks=decks):
        expected[entry.kind] += 1
    assert study.queue_counts(decks=decks) == expected
    assert sum(expected.values()) > 0
