"""Importing a large Anki package: 30,000 cards with 300,000 review-log rows (goal: under 60 s).

The package is built from the current-Anki fixture (``tests/questions/fixtures/anki/modern.apkg``: Anki's own
schema 18 collection, zstd-compressed): its notes, cards and review log are replaced by 20,000 Basic notes,
3,000 "Basic (and reversed card)" notes (two cards each) and 2,000 Cloze notes (two deletions each), in two
decks, with HTML in the fields, and ten answers per card over a year. Then ``tutor import`` runs as a whole
process into an empty data directory (the reader, the decks written, every answer logged and every card's
FSRS state replayed), and again, to time a re-import that changes nothing.

    python benchmarks/bench_anki.py
"""

import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import zstandard

from tutor.questions.readers import anki_package

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "questions" / "fixtures" / "anki" / "modern.apkg"
BASIC, REVERSED, CLOZE = 20_000, 3_000, 2_000
ANSWERS_PER_CARD = 10
START_MS = 1_735_700_000_000  # 2025-01-01
DAY_MS = 86_400_000
GOAL_S = 60.0


def build_package(path: Path, seed: int = 0) -> tuple[int, int]:
    """Write the benchmark package to ``path``; return its numbers of cards and review-log rows."""
    rng = random.Random(seed)
    with zipfile.ZipFile(FIXTURE) as archive:
        collection = zstandard.ZstdDecompressor().stream_reader(archive.read("collection.anki21b")).read()
        meta = archive.read("meta")
    work = Path(tempfile.mkdtemp())
    db_path = work / "collection.anki21b"
    db_path.write_bytes(collection)
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA journal_mode = DELETE")
    db.create_collation("unicase", anki_package.unicase)
    types = dict(db.execute("SELECT name, id FROM notetypes"))
    decks = [deck_id for (deck_id,) in db.execute("SELECT id FROM decks WHERE id != 1 ORDER BY id")]
    db.execute("DELETE FROM notes")
    db.execute("DELETE FROM cards")
    db.execute("DELETE FROM revlog")
    notes, cards = [], []
    note_id = card_id = 1_600_000_000_000

    def add(kind: str, fields: list[str], ordinals: list[int], tags: str) -> None:
        nonlocal note_id, card_id
        note_id += 1
        notes.append((note_id, f"g{note_id:x}", types[kind], 0, -1, f" {tags} ", "\x1f".join(fields), fields[0],
                      0, 0, ""))
        for ordinal in ordinals:
            card_id += 1
            cards.append((card_id, note_id, decks[note_id % len(decks)], ordinal, 0, -1, 2, 2, 30, 20, 2500,
                          ANSWERS_PER_CARD, 1, 0, 0, 0, 0, ""))

    for index in range(BASIC):
        add("Basic", [f"第 {index} 题：什么是<b>卷积</b>第 {index % 97} 种用法？",
                      f"用卷积核滑动做加权求和<br>参数共享&nbsp;&amp; 局部连接 {index}<ul><li>步长</li><li>填充</li></ul>"],
            [0], "cnn 第3章")
    for index in range(REVERSED):
        add("Basic (and reversed card)", [f"术语 {index}", f"定义 {index}：\\(x_{index % 9}^2\\)"], [0, 1], "terms")
    for index in range(CLOZE):
        add("Cloze", [f"{{{{c1::反向传播 {index}}}}}用{{{{c2::链式法则::求导}}}}计算梯度", "见第 3 章"], [0, 1], "backprop")
    db.executemany("INSERT INTO notes VALUES (?,?,?,?,?,?,?,?,?,?,?)", notes)
    db.executemany("INSERT INTO cards VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", cards)
    revlog, used = [], set()
    for row in cards:
        moment = START_MS + rng.randrange(30 * DAY_MS)
        interval = 1
        for answer in range(ANSWERS_PER_CARD):
            ease = rng.choices([1, 2, 3, 4], weights=[1, 2, 6, 1])[0]
            kind = 0 if answer == 0 else (2 if ease == 1 else 1)
            while moment in used:  # revlog.id is a millisecond time and unique
                moment += 1
            used.add(moment)
            revlog.append((moment, row[0], -1, ease, interval, 0, 2500, rng.randrange(2000, 20000), kind))
            interval = 1 if ease == 1 else max(1, int(interval * rng.uniform(1.5, 3.0)))
            moment += interval * DAY_MS // 3 + rng.randrange(DAY_MS // 4) + 1
    db.executemany("INSERT INTO revlog VALUES (?,?,?,?,?,?,?,?,?)", revlog)
    db.commit()
    db.execute("VACUUM")
    db.close()
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("meta", meta)
        archive.writestr("collection.anki21b", zstandard.compress(db_path.read_bytes()))
        archive.writestr("collection.anki2", b"")
        archive.writestr("media", zstandard.compress(b""))
    shutil.rmtree(work)
    return len(cards), len(revlog)


def timed_import(package: Path, home: Path) -> tuple[float, float, str]:
    """Run ``tutor import PACKAGE --json`` in a fresh process; return its wall time, its CPU time (user and
    system: what it costs a machine no one else is using) and its output."""
    env = {**os.environ, "TUTOR_HOME": str(home)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "tutor", "import", str(package), "--json"], env=env, capture_output=True, text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"import failed: {result.stderr.strip()}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return elapsed, cpu, result.stdout


def main() -> int:
    import json

    work = Path(tempfile.mkdtemp(prefix="bench-anki-"))
    try:
        package = work / "large.apkg"
        started = time.perf_counter()
        cards, rows = build_package(package)
        print(f"package: {cards:,} cards, {rows:,} review-log rows, {package.stat().st_size / 2**20:.1f} MiB "
              f"(built in {time.perf_counter() - started:.1f} s)")
        first, cpu, output = timed_import(package, work / "home")
        reports = json.loads(output)
        added = sum(report["added"] for report in reports)
        reviews = sum(report["reviews_added"] for report in reports)
        print(f"import: {first:.1f} s ({cpu:.1f} s of CPU) for {added:,} cards and {reviews:,} reviews "
              f"(goal: under {GOAL_S:.0f} s); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        again, cpu, output = timed_import(package, work / "home")
        print(f"re-import (nothing changes): {again:.1f} s ({cpu:.1f} s of CPU), reviews added "
              f"{sum(report['reviews_added'] for report in json.loads(output))}")
        return 0 if first < GOAL_S else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
