"""Benchmark of the grader against answers labelled by hand (not a test: run it and read the figures).

    python benchmarks/bench_grading.py [--split held-out|tune|all] [--show]

benchmarks/data/grading_answers.yaml holds typed answers to corpus cards in nine kinds (full, paraphrase,
English, partial, wrong, negated, off-topic, the question typed back, a wrong number), each with the score range
an examiner would give. They were written before the grader was tuned and are split by card: tune the grader on
the "tune" cards only and report on the "held-out" ones. Figures:

- within: share of answers whose score falls in the examiner's range (goal >= 0.85);
- false passes: share of wrong, negated, off-topic and echoed answers scoring >= 0.5 (goal <= 5%);
- false fails: share of correct answers (full, paraphrase, English) scoring < 0.5 (goal <= 10%);
- Spearman correlation of the scores with the middle of the examiners' ranges;
- grading time per answer (goal under 20 ms), after one warm-up pass.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

from tutor.engine.grading import grade_answer
from tutor.questions.library import load_library

DATA = Path(__file__).parent / "data" / "grading_answers.yaml"
CORRECT = {"full", "paraphrase", "english"}
SHOULD_FAIL = {"wrong", "negated", "off-topic", "echo"}
GOALS = {"within": 0.85, "false passes": 0.05, "false fails": 0.10, "ms per answer": 20.0}


def load_answers(path: Path = DATA) -> list[dict]:
    """Return the labelled answers as flat records: card, split, kind, low, high, text."""
    records = []
    for entry in yaml.safe_load(path.read_text(encoding="utf-8")):
        for kind, answer in entry["answers"].items():
            low, high = answer["range"]
            records.append(
                {"card": entry["card"], "split": entry["split"], "kind": kind, "low": low, "high": high,
                 "text": answer["text"]}
            )
    return records


def _ranks(values: list[float]) -> list[float]:
    """Ranks from 1, ties given their mean rank."""
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for position in range(start, end + 1):
            ranks[order[position]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman's rank correlation: Pearson's correlation of the ranks."""
    return statistics.correlation(_ranks(xs), _ranks(ys))


def measure(records: list[dict], cards: dict) -> dict:
    """Grade every record; return the figures of the report and each record's score."""
    for record in records:  # warm-up: the first call pays for lazy loading (glossary, patterns)
        grade_answer(cards[record["card"]], record["text"])
    started = time.perf_counter()
    scores = [grade_answer(cards[record["card"]], record["text"]).score for record in records]
    elapsed_ms = 1000 * (time.perf_counter() - started)
    within = [r["low"] - 1e-9 <= s <= r["high"] + 1e-9 for r, s in zip(records, scores)]
    fail_kind = [s for r, s in zip(records, scores) if r["kind"] in SHOULD_FAIL]
    correct = [s for r, s in zip(records, scores) if r["kind"] in CORRECT]
    return {
        "answers": len(records),
        "cards": len({r["card"] for r in records}),
        "within": sum(within) / len(records),
        "false passes": sum(s >= 0.5 for s in fail_kind) / len(fail_kind),
        "false fails": sum(s < 0.5 for s in correct) / len(correct),
        "spearman": spearman(scores, [(r["low"] + r["high"]) / 2 for r in records]),
        "ms per answer": elapsed_ms / len(records),
        "scores": scores,
        "within_each": within,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("held-out", "tune", "all"), default="held-out")
    parser.add_argument("--show", action="store_true", help="list the answers scored out of range")
    args = parser.parse_args()
    cards = {card.id: card for card in load_library().cards}
    records = [r for r in load_answers() if args.split == "all" or r["split"] == args.split]
    result = measure(records, cards)
    print(f"{result['answers']} answers to {result['cards']} cards ({args.split})")
    for name in ("within", "false passes", "false fails", "spearman", "ms per answer"):
        goal = GOALS.get(name)
        value = result[name]
        shown = f"{value:.2f}" if name in ("spearman", "ms per answer") else f"{100 * value:.1f}%"
        sense = "≥" if name == "within" else "<" if name == "ms per answer" else "≤"
        target = "" if goal is None else f"   goal {sense} {goal:g}" if name == "ms per answer" else f"   goal {sense} {100 * goal:g}%"
        print(f"  {name:14} {shown:>8}{target}")
    by_kind: dict[str, list[bool]] = {}
    for record, ok in zip(records, result["within_each"]):
        by_kind.setdefault(record["kind"], []).append(ok)
    print("  within by kind: " + ", ".join(f"{k} {sum(v)}/{len(v)}" for k, v in by_kind.items()))
    if args.show:
        for record, score, ok in zip(records, result["scores"], result["within_each"]):
            if not ok:
                print(f"{score:.2f} not in [{record['low']}, {record['high']}] {record['card']} {record['kind']}: "
                      f"{record['text']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
