"""Stats against counts recomputed from the log and the card states; the optimizer gate and its result."""

import os
import random
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, timedelta, timezone

import pytest
from engine_support import T0, make_library
from fsrs import Optimizer, Rating, ReviewLog

from tutor.engine.optimize import MIN_REVIEWS, learnable_reviews
from tutor.engine.study import Study

IDS = [f"k{i}" for i in range(12)]


@pytest.fixture
def busy(data_dir, clock):
    """A study whose log spans 20 days of random ratings, a drill, a suspended card and a leech-to-be."""
    library = make_library(deck=IDS)
    rng = random.Random(3)
    with Study.open(data_dir, library, tz=timezone.utc) as study:
        for day in range(20):
            clock.set(T0 - timedelta(days=20 - day, hours=rng.randrange(10)))
            for card_id in rng.sample(IDS[:9], 4):
                study.rate(card_id, rng.choice(("again", "hard", "good", "good", "easy")))
                clock.advance(minutes=1)
        drill = study.start_drill(count=2, seed=1)
        for card in drill.questions:
            drill.answer(card.id, "a")
        drill.finish()
        study.suspend("k10")
        clock.set(T0)
        yield study


def test_reviews_total_and_per_day_match_a_count_of_the_log(busy):
    records = [record for card_id in IDS for record in busy.history(card_id)]
    stats = busy.stats()
    assert stats.reviews_total == len(records) == 82
    assert stats.drills_total == 2
    assert len(stats.per_day) == 30 and stats.per_day[-1].day == date(2025, 3, 3)
    # Study days start at 4:00 UTC here.
    reviews = [record for record in records if record.mode == "review"]
    expected = Counter((record.reviewed_at - timedelta(hours=4)).date() for record in reviews)
    assert {day.day: day.reviews for day in stats.per_day if day.reviews} == dict(expected)
    assert sum(day.drills for day in stats.per_day) == 2


def test_true_retention_is_the_pass_rate_of_reviews_of_cards_in_review(busy):
    records = [record for card_id in IDS for record in busy.history(card_id)]
    mature = [record for record in records if record.mode == "review" and record.state_before == "review"]
    stats = busy.stats()
    assert stats.retention_reviews == len(mature) > 10
    assert stats.retention == pytest.approx(sum(record.rating != "again" for record in mature) / len(mature))


def test_cards_by_state_count_the_content_cards(busy):
    states = [busy.card_state(card_id) for card_id in IDS]
    stats = busy.stats()
    expected = Counter("suspended" if state.suspended else state.state for state in states)
    assert {name: stats.by_state[name] for name in expected} == dict(expected)
    assert sum(stats.by_state[name] for name in ("new", "learning", "review", "relearning", "suspended")) == 12
    assert stats.by_state["leech"] == sum(state.leech for state in states)


def test_the_forecast_counts_due_cards_per_study_day_with_overdue_ones_today(busy, clock):
    states = [busy.card_state(card_id) for card_id in IDS]
    stats = busy.stats()
    start = datetime(2025, 3, 3, 4, tzinfo=timezone.utc)  # today's study day began at 4:00
    expected = [0] * 30
    for state in states:
        if state.due is not None and not state.suspended:
            day = max(0, (state.due - start) // timedelta(days=1))
            if day < 30:
                expected[day] += 1
    assert list(stats.forecast) == expected
    assert sum(expected) > 0


def test_stats_of_an_empty_log_have_no_retention(study):
    stats = study.stats().to_dict()
    assert stats["reviews_total"] == 0
    assert stats["retention"] is None
    assert stats["by_state"]["new"] == 8
    assert stats["forecast"] == [0] * 30


def test_undo_takes_the_rating_out_of_the_stats(study):
    study.rate("a1", "good")
    study.undo()
    assert study.stats().reviews_total == 0


def test_learnable_reviews_count_those_a_day_or_more_after_the_previous_one(study, clock):
    study.rate("a1", "good")
    clock.advance(minutes=10)
    study.rate("a1", "good")  # same day: not learnable
    clock.advance(days=1)
    study.rate("a1", "good")
    clock.advance(days=3)
    study.rate("a1", "again")
    study.rate("a2", "good")  # a first review: nothing to predict
    records = study.history("a1") + study.history("a2")
    assert learnable_reviews(records) == 2


def test_optimize_says_how_many_reviews_are_missing_without_loading_torch(tmp_path):
    script = (
        "import sys; from pathlib import Path; from tutor.engine.study import Study; "
        "from tutor.questions.library import Library; "
        f"s = Study.open(Path({str(tmp_path)!r}), Library(decks=())); r = s.optimize(); "
        "print(r.optimized, r.reviews, r.needed, 'torch' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=os.environ)
    assert result.stdout.split() == ["False", "0", str(MIN_REVIEWS), "False"]


def simulate_reviews(study, clock, cards: list[str], days: int, rng: random.Random) -> None:
    """A learner reviewing what is due each day for ``days`` days, remembering about 85% of the time."""
    for _ in range(days):
        for entry in study.queue():
            remembered = rng.random() < 0.85
            study.rate(entry.card_id, rng.choice(("good", "good", "easy", "hard")) if remembered else "again")
        clock.advance(days=1)


@pytest.mark.slow
def test_optimize_fits_the_parameters_py_fsrs_fits_to_the_same_reviews(data_dir, clock):
    # Just enough reviews for the optimizer (about 580 learnable): its time grows with them.
    ids = [f"o{i}" for i in range(120)]
    with Study.open(data_dir, make_library(deck=ids), tz=timezone.utc) as study:
        study.update_settings(new_per_day=60)
        simulate_reviews(study, clock, ids, 40, random.Random(11))
        records = [record for card_id in ids for record in study.history(card_id)]
        assert learnable_reviews(records) >= MIN_REVIEWS
        result = study.optimize()
        assert result.optimized
        records.sort(key=lambda record: record.id)
        # Cards numbered in the order of their first review, as the engine hands them to py-fsrs.
        numbers = {card_id: index for index, card_id in enumerate(dict.fromkeys(r.card_id for r in records))}
        logs = [
            ReviewLog(numbers[r.card_id], Rating[r.rating.capitalize()], r.reviewed_at, r.duration_ms) for r in records
        ]
        assert list(result.parameters) == pytest.approx(Optimizer(logs).compute_optimal_parameters())
        assert study.settings.parameters == result.parameters
