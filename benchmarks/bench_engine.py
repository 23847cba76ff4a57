"""Benchmark of the learning engine on a large synthetic collection (not a test: run it and read the figures).

    python benchmarks/bench_engine.py [--cards 100000] [--log-rows 1000000]

Builds a data directory with 100,000 cards (80% already studied, spread over learning, review and
relearning, about a tenth of them due) and 1,000,000 review-log rows over a year, then times what a learner
waits for. Goals on a 2-core machine: the review queue under 50 ms, a rating under 10 ms (median, durable on
disk), stats under 500 ms.
"""

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

from tutor.engine.days import DAY_US, from_us, to_us
from tutor.engine.records import RATINGS, STATES, CardState, ReviewRecord
from tutor.engine.store import Store
from tutor.engine.study import Study
from tutor.questions.card import Card
from tutor.questions.deck import Deck
from tutor.questions.library import Library

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
GOALS_MS = {"queue": 50.0, "rate (median)": 10.0, "stats": 500.0}


def synthetic_library(cards: int, decks: int = 10) -> Library:
    """Return a library of ``cards`` short cards spread over ``decks`` decks."""
    per_deck = cards // decks
    return Library(
        decks=tuple(
            Deck(
                name=f"deck{d}",
                title=f"deck {d}",
                cards=tuple(
                    Card(id=f"d{d}-{i}", deck=f"deck{d}", question=f"问题 {i}", answer="答案", tags=(f"t{i % 7}",))
                    for i in range(per_deck)
                ),
            )
            for d in range(decks)
        )
    )


def fill(data_dir: Path, library: Library, log_rows: int, rng: random.Random) -> int:
    """Write synthetic scheduling state and review log straight into an opened database; return the due count."""
    now_us = to_us(NOW)
    ids = [card.id for card in library.cards]
    studied = ids[: int(len(ids) * 0.8)]
    states, due = [], 0
    for card_id in studied:
        state = rng.choices((1, 2, 3), weights=(1, 98, 1))[0]
        stability = rng.lognormvariate(2.5, 1.2)
        if state == 2:
            interval_us = int(max(1.0, stability * rng.uniform(0.8, 1.2)) * DAY_US)
            # Reviewed some time within its interval, or a little past it: about a tenth is overdue.
            last = now_us - int(rng.uniform(0.0, 1.1) * interval_us)
            due_us = last + interval_us
        else:
            last = now_us - rng.randrange(DAY_US)
            due_us = last + rng.randrange(1, 20) * 60_000_000
        due += due_us <= now_us
        states.append(
            CardState(
                card_id=card_id,
                state=STATES[state],
                step=0 if state != 2 else None,
                stability=stability,
                difficulty=rng.uniform(1, 10),
                due=from_us(due_us),
                last_review=from_us(last),
                reps=rng.randint(1, 30),
                lapses=rng.choice((0, 0, 0, 1, 2, 9)),
            )
        )
    start = now_us - 365 * DAY_US
    records = (
        ReviewRecord(
            id=0,
            card_id=rng.choice(studied),
            rating=rng.choices(RATINGS, weights=(10, 15, 65, 10))[0],
            reviewed_at=from_us(start + rng.randrange(365 * DAY_US)),
            duration_ms=rng.randrange(2_000, 30_000),
            mode="review" if rng.random() < 0.9 else "drill",
            state_before=rng.choices(STATES, weights=(8, 8, 80, 4))[0],
        )
        for _ in range(log_rows)
    )
    with Store.open(data_dir) as store, store.transaction() as tx:
        tx.put_card_states(states)
        tx.append_reviews(records)
    return due


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    """Return the wall times of ``repeat`` calls of ``action``, in milliseconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--log-rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    import os

    os.environ["TUTOR_NOW"] = NOW.isoformat()
    rng = random.Random(args.seed)
    library = synthetic_library(args.cards)
    with tempfile.TemporaryDirectory() as folder:
        data_dir = Path(folder)
        start = time.perf_counter()
        Study.open(data_dir, library).close()  # gives every content card its row
        print(f"first open (adds {args.cards:,} content cards): {(time.perf_counter() - start) * 1000:.0f} ms")
        start = time.perf_counter()
        due = fill(data_dir, library, args.log_rows, rng)
        print(f"built {args.cards:,} cards ({due:,} due) and {args.log_rows:,} log rows "
              f"in {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        study = Study.open(data_dir, library, tz=timezone.utc)
        print(f"open (content unchanged since the last open): {(time.perf_counter() - start) * 1000:.1f} ms")
        with study:
            queue = study.queue()
            queue_ms = timed(study.queue, 10)
            print(f"queue: {len(queue):,} entries")
            due_ids = [entry.card_id for entry in queue[:200]]
            ratings = iter(rng.choice(("again", "hard", "good", "easy")) for _ in due_ids)
            cards = iter(due_ids)
            rate_ms = timed(lambda: study.rate(next(cards), next(ratings), duration_ms=5000), len(due_ids))
            stats = study.stats()
            stats_ms = timed(study.stats, 5)
            print(f"stats: reviews_total={stats.reviews_total:,} retention={stats.retention:.3f}")
            counts_ms = timed(study.deck_counts, 5)
            drill_ms = timed(lambda: study.start_drill(count=20, seed=1), 3)

    figures = {
        "queue": statistics.median(queue_ms),
        "rate (median)": statistics.median(rate_ms),
        "stats": statistics.median(stats_ms),
        "deck counts": statistics.median(counts_ms),
        "drill start": statistics.median(drill_ms),
    }
    print(f"{'measure':<16}{'median ms':>10}{'goal ms':>9}")
    for name, value in figures.items():
        goal = GOALS_MS.get(name)
        verdict = "" if goal is None else ("  ok" if value < goal else "  OVER")
        print(f"{name:<16}{value:>10.1f}{goal if goal else '':>9}{verdict}")
    print(f"rate: p90 {statistics.quantiles(rate_ms, n=10)[-1]:.1f} ms, max {max(rate_ms):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
