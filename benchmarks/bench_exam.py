"""Exam readiness: a simulated learner studies 150 cards for an exam 21 days away, with and without the exam set.

The learner works through the real engine (``Study.queue`` and ``Study.rate`` over a database in a temporary
folder, the clock moved with ``TUTOR_NOW``). Each day at 9:00 they answer everything the queue shows, and come
back whenever a card falls due before the day ends. A new card's first answer is good; afterwards a card is
recalled with the probability py-fsrs predicts at that moment (``Scheduler.get_card_retrievability``, drawn from
a fixed seed) and answered good, or again when forgotten. On the exam day, at the start of the study day, each
card's retrievability is computed with py-fsrs directly from the stored state.

Goal: with the exam set, at least 95% of the cards at the target (0.9) on the day, with no day busier than the
plan (``tutor exam plan``) showed on the first day.

Run: ``python benchmarks/bench_exam.py [--seed N] [--new-per-day N] [--retention R]``.
"""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fsrs import Card as FsrsCard
from fsrs import Scheduler, State

from tutor.vocabulary import STATES
from tutor.engine.study import Study
from tutor.questions.card import Card
from tutor.questions.deck import Deck
from tutor.questions.library import Library

CARDS = 150
DAYS = 21
START = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
"""The first study session (days start at 4:00 UTC: the study time zone is UTC)."""
EXAM = "期末考试"


def set_clock(moment: datetime) -> datetime:
    os.environ["TUTOR_NOW"] = moment.isoformat()
    return moment


def retrievability(scheduler: Scheduler, state, at: datetime) -> float:
    """py-fsrs's retrievability of a stored state (0 for a card never seen)."""
    if state.state == "new":
        return 0.0
    card = FsrsCard(
        state=State(STATES.index(state.state)), stability=state.stability, difficulty=state.difficulty,
        last_review=state.last_review, due=state.due,
    )
    return float(scheduler.get_card_retrievability(card, current_datetime=at))


def run(with_exam: bool, *, seed: int, new_per_day: int, retention: float) -> dict:
    """Study the 21 days and return what happened."""
    library = Library(
        decks=(Deck("exam", "exam", tuple(Card(id=f"c{i:03d}", deck="exam", question=f"q{i}", answer="a") for i in range(CARDS))),)
    )
    ids = [card.id for card in library.cards]
    rng = random.Random(seed)
    scheduler = Scheduler()
    with tempfile.TemporaryDirectory() as folder, Study.open(Path(folder), library, tz=timezone.utc) as study:
        set_clock(START)
        study.update_settings(new_per_day=new_per_day)
        plan = None
        if with_exam:
            study.exams.add(EXAM, (START + timedelta(days=DAYS)).date().isoformat(), retention=retention)
            plan = study.exams.plan(EXAM)
        per_day = []
        new_per_day_seen = []
        for day in range(DAYS):
            now = set_clock(START + timedelta(days=day))
            day_end = START.replace(hour=4) + timedelta(days=day + 1)
            answers = 0
            introduced = 0
            while True:
                queue = study.queue()
                if not queue:
                    # Come back when the next card falls due today (learning steps, reviews due later today).
                    dues = [state.due for state in (study.card_state(card_id) for card_id in ids)
                            if state.due is not None and now < state.due < day_end]
                    if not dues:
                        break
                    now = set_clock(min(dues))
                    continue
                entry = queue[0]
                state = study.card_state(entry.card_id)
                if state.state == "new":
                    rating = "good"
                    introduced += 1
                else:
                    rating = "good" if rng.random() < retrievability(scheduler, state, now) else "again"
                study.rate(entry.card_id, rating)
                answers += 1
                now = set_clock(now + timedelta(seconds=20))
            per_day.append(answers)
            new_per_day_seen.append(introduced)
        exam_start = START.replace(hour=4) + timedelta(days=DAYS)
        recalls = [retrievability(scheduler, study.card_state(card_id), exam_start) for card_id in ids]
    return {
        "ready": sum(value >= retention for value in recalls) / len(recalls),
        "mean_recall": sum(recalls) / len(recalls),
        "answers": sum(per_day),
        "per_day": per_day,
        "new": new_per_day_seen,
        "plan": plan,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--new-per-day", type=int, default=20, help="the learner's new cards per day (default 20)")
    parser.add_argument("--retention", type=float, default=0.9, help="the exam's target (default 0.9)")
    args = parser.parse_args()
    started = time.perf_counter()
    results = {}
    for with_exam in (False, True):
        results[with_exam] = run(with_exam, seed=args.seed, new_per_day=args.new_per_day, retention=args.retention)
    for with_exam, result in results.items():
        label = "exam set   " if with_exam else "no exam set"
        print(
            f"{label}: {100 * result['ready']:.1f}% of {CARDS} cards at >= {args.retention} on the exam day "
            f"(mean retrievability {result['mean_recall']:.3f}); {result['answers']} answers, "
            f"busiest day {max(result['per_day'])}"
        )
        print(f"  answers per day: {result['per_day']}")
        print(f"  new cards per day: {result['new']}")
    exam = results[True]
    plan = exam["plan"]
    highs = [day.high for day in plan.days]
    over = [(day, done, high) for day, (done, high) in enumerate(zip(exam["per_day"], highs)) if done > high]
    print(
        f"plan on day 0: busiest day {plan.peak:.1f} answers expected, {plan.peak_high} at most in 9 runs of 10; "
        f"{plan.answers:.0f} answers in all; {100 * plan.share_ready:.1f}% ready expected"
    )
    print(f"  plan's high per day: {highs}")
    print(f"  days busier than the plan's high: {over or 'none'}")
    goal = exam["ready"] >= 0.95 and max(exam["per_day"]) <= plan.peak_high
    print(f"goal (>= 95% ready, busiest day within the plan's): {'met' if goal else 'NOT met'}")
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0 if goal else 1


if __name__ == "__main__":
    sys.exit(main())
