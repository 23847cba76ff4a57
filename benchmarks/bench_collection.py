"""Whole commands on a large collection in the store (not a test: run it and read the table).

    python benchmarks/bench_collection.py [--cards 100000] [--log-rows 1000000] [--runs 5] [--data DIR]

Builds a data directory with 100,000 imported cards (50 Q/A files of 2,000 cards, imported with `tutor import`)
and 1,000,000 review-log rows over a year (80% of the cards studied), then times whole processes, each as its
median over the runs minus the median of `tutor --help` measured in the same run (wall time, and beside it
CPU time, user + system, which a machine busy with other work disturbs less): `due --json`, `rate`,
`show`, `list --deck D --json` (one deck of 2,000 cards), `stats --json`, `search 卷积 --json`; the app's first
frame (headless, absolute); the import of one 100,000-card Q/A file into an empty data directory (absolute);
the peak memory (RSS) of `due --json`; the database's size.

With ``--data DIR`` the data directory is built in DIR the first time and reused as it is afterwards (for
profiling single commands against it with ``TUTOR_HOME=DIR``); the import is then timed in a temporary folder.

tutor's modules are compiled to bytecode first (``compileall``, as installing the package does), so that a
``PYTHONDONTWRITEBYTECODE`` environment does not make every timed process compile tutor's source again.

Goals on a 2-core machine: every command within 150 ms of `--help`; first frame under 1 s; the import under
30 s; `due` under 150 MB.
"""

import argparse
import compileall
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import tutor
from tutor.engine.days import DAY_US, from_us, to_us
from tutor.engine.records import CardState, ReviewRecord
from tutor.engine.store import Store
from tutor.locations import database_path
from tutor.vocabulary import RATINGS, STATES

TUTOR = [sys.executable, "-m", "tutor"]
NOW = datetime(2025, 6, 1, 12, 0, tzinfo=timezone.utc)
FILES = 50
TOPICS = ("卷积", "池化", "梯度", "注意力", "归一化", "正则化", "优化器", "损失函数", "激活函数", "循环网络",
          "量化", "剪枝", "蒸馏", "并行", "通信", "显存", "算子", "编译", "调度", "缓存")
ASPECTS = ("作用", "原理", "缺点", "计算量", "参数量", "实现方式", "适用场景", "历史", "变体", "常见误区")
FIRST_FRAME = """
import time
start = time.perf_counter()
import asyncio, os
from pathlib import Path
from tutor.app.app import build_app

async def main():
    app = build_app(Path(os.environ["TUTOR_HOME"]))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "HomeScreen", app.screen
        print(time.perf_counter() - start, time.process_time())

asyncio.run(main())
"""
PEAK_RSS = """
import resource, subprocess, sys
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def qa_file(path: Path, first: int, count: int, rng: random.Random) -> None:
    """Write ``count`` Q/A cards numbered from ``first``: Chinese questions and answers of some length."""
    lines = []
    for number in range(first, first + count):
        topic, aspect = rng.choice(TOPICS), rng.choice(ASPECTS)
        other = rng.choice(TOPICS)
        lines.append(f"问：第 {number} 题：{topic}的{aspect}是什么？")
        # About 190 bytes a card: 100,000 cards stay under the import's 20 MB limit on a file.
        lines.append(f"答：{topic}的{aspect}与{other}有关；实验 {number % 97} 中批大小 {2 ** (number % 8)} 最好。")
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")


def fill(data_dir: Path, log_rows: int, rng: random.Random) -> list[str]:
    """Give 80% of the cards a schedule and append ``log_rows`` answers over a year; return the due ids."""
    now_us = to_us(NOW)
    with Store.open(data_dir) as store:
        ids = [card_id for card_id, _ in store.card_decks()]
        studied = ids[: int(len(ids) * 0.8)]
        states, due = [], []
        for card_id in studied:
            stability = rng.lognormvariate(2.5, 1.2)
            interval_us = int(max(1.0, stability * rng.uniform(0.8, 1.2)) * DAY_US)
            last = now_us - int(rng.uniform(0.0, 1.1) * interval_us)
            if last + interval_us <= now_us:
                due.append(card_id)
            states.append(
                CardState(card_id=card_id, state="review", stability=stability, difficulty=rng.uniform(1, 10),
                          due=from_us(last + interval_us), last_review=from_us(last), reps=rng.randint(1, 30),
                          lapses=rng.choice((0, 0, 0, 1, 2, 9)))
            )
        start = now_us - 365 * DAY_US
        records = (
            ReviewRecord(id=0, card_id=rng.choice(studied), rating=rng.choices(RATINGS, weights=(10, 15, 65, 10))[0],
                         reviewed_at=from_us(start + rng.randrange(365 * DAY_US)), duration_ms=rng.randrange(2_000, 30_000),
                         mode="review" if rng.random() < 0.9 else "drill",
                         state_before=rng.choices(STATES, weights=(8, 8, 80, 4))[0])
            for _ in range(log_rows)
        )
        with store.transaction() as tx:
            tx.put_card_states(states)
            tx.append_reviews(records)
    return due


def build(data: Path, root: Path, args: argparse.Namespace, rng: random.Random, env: dict) -> list[str]:
    """Import the cards into ``data``, fill the log and return the ids of the cards due."""
    per_file = args.cards // FILES
    files = []
    for index in range(FILES):
        path = root / f"notes-{index:02d}.txt"
        qa_file(path, index * per_file, per_file, rng)
        files.append(path)
    start = time.perf_counter()
    subprocess.run([*TUTOR, "import", *map(str, files), "--json"], stdout=subprocess.DEVNULL, env=env, check=True)
    print(f"imported {args.cards:,} cards in {FILES} files: {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    due = fill(data, args.log_rows, rng)
    print(f"{args.log_rows:,} log rows and {int(args.cards * 0.8):,} schedules: {time.perf_counter() - start:.1f} s"
          f" ({len(due):,} cards due)")
    return due


def reviews_due(data: Path) -> list[str]:
    """Return the ids of the reviews due at ``NOW`` in a data directory built before (for a reused one)."""
    with Store.open(data) as store:
        return [card_id for card_id, state, _ in store.due_cards(to_us(NOW)) if state == 2]


def run_seconds(argv: list[str], env: dict) -> float:
    return run_times(argv, env)[0]


def run_times(argv: list[str], env: dict) -> tuple[float, float]:
    """Run ``argv``; return its wall time and its CPU time (user + system), in seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, env=env, check=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def median_ms(argvs: list[list[str]], env: dict) -> tuple[float, float]:
    """The median wall and CPU times of running each of ``argvs`` once, in ms (after a warm-up run of the
    first). On a machine shared with other work the CPU time is the steadier of the two."""
    run_times(argvs[0], env)
    times = [run_times(argv, env) for argv in argvs]
    return tuple(statistics.median(column) * 1000 for column in zip(*times))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--log-rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--data", type=Path, help="build the data directory here once and reuse it afterwards")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    compileall.compile_dir(Path(tutor.__file__).parent, quiet=1)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        data = args.data or root / "data"
        env = {**os.environ, "TUTOR_HOME": str(data), "TUTOR_NOW": NOW.isoformat()}
        if database_path(data).exists():
            due = reviews_due(data)
            print(f"reusing {data} ({len(due):,} cards due)")
        else:
            due = build(data, root, args, rng, env)

        runs = args.runs
        help_ms = median_ms([[*TUTOR, "--help"]] * runs, env)
        figures = {
            "due --json": median_ms([[*TUTOR, "due", "--json"]] * runs, env),
            "rate ID good": median_ms([[*TUTOR, "rate", card_id, "good"] for card_id in due[: runs + 1]], env),
            "show ID": median_ms([[*TUTOR, "show", card_id] for card_id in due[-runs - 1 :]], env),
            "list --deck D --json": median_ms([[*TUTOR, "list", "--deck", "notes-07", "--json"]] * runs, env),
            "stats --json": median_ms([[*TUTOR, "stats", "--json"]] * runs, env),
            "search 卷积 --json": median_ms([[*TUTOR, "search", "卷积", "--json"]] * runs, env),
        }
        frames = []
        for _ in range(runs):
            result = subprocess.run([sys.executable, "-c", FIRST_FRAME], env=env, capture_output=True, text=True,
                                    check=True)
            frames.append(tuple(float(value) * 1000 for value in result.stdout.split()[-2:]))
        peak = subprocess.run([sys.executable, "-c", PEAK_RSS, *TUTOR, "due", "--json"], env=env, capture_output=True,
                              text=True, check=True)
        rss_mb = int(peak.stdout.strip()) / 1024
        size_mb = sum(
            path.stat().st_size for path in data.glob(database_path(data).name + "*")
        ) / 2**20

        big = root / "big.txt"
        qa_file(big, 0, args.cards, rng)
        fresh = {**env, "TUTOR_HOME": str(root / "fresh")}
        import_s = run_seconds([*TUTOR, "import", str(big), "--json"], fresh)

    print(
        f"\n`tutor --help`: {help_ms[0]:.0f} ms wall, {help_ms[1]:.0f} ms CPU (medians of {runs}); "
        f"cards {args.cards:,}, log rows {args.log_rows:,}\n"
    )
    print(f"| {'measure':<26} | {'median':>10} | {'above --help':>12} | {'CPU above':>10} | {'goal':>14} | met |")
    print(f"|{'-' * 28}|{'-' * 12}|{'-' * 14}|{'-' * 12}|{'-' * 16}|-----|")
    for name, (wall, cpu) in figures.items():
        above, cpu_above = wall - help_ms[0], cpu - help_ms[1]
        print(
            f"| {name:<26} | {wall:>7.0f} ms | {above:>9.0f} ms | {cpu_above:>7.0f} ms | {'< 150 ms above':>14} "
            f"| {'yes' if above < 150 else 'NO':>3} |"
        )
    frame, frame_cpu = (statistics.median(column) for column in zip(*frames))
    rows = [
        ("app first frame (headless)", f"{frame:.0f} ms", f"{frame_cpu:.0f} ms CPU", "< 1000 ms", frame < 1000),
        (f"import {args.cards:,}-card Q/A file", f"{import_s:.1f} s", "", "< 30 s", import_s < 30),
        ("peak RSS of due --json", f"{rss_mb:.0f} MB", "", "< 150 MB", rss_mb < 150),
        ("database size", f"{size_mb:.0f} MB", "", "", None),
    ]
    for name, value, cpu, goal, met in rows:
        verdict = "" if met is None else ("yes" if met else "NO")
        print(f"| {name:<26} | {value:>10} | {'':>12} | {cpu:>10} | {goal:>14} | {verdict:>3} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
