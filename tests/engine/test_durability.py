"""Nothing lost: a process killed mid-rating, and several processes writing the same data directory."""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tutor.locations import database_path

# A learner (or a script) rating cards as fast as it can, printing each rating's number once rate() returned.
RATER = r"""
import sys
from datetime import timezone
from pathlib import Path

from tutor.engine.study import Study
from tutor.questions.card import Card
from tutor.questions.deck import Deck
from tutor.questions.library import Library

ids = [f"w{i}" for i in range(20)]
cards = tuple(Card(id=card_id, deck="w", question="q", answer="a") for card_id in ids)
library = Library(decks=(Deck(name="w", title="w", cards=cards),))
data_dir, start, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
with Study.open(data_dir, library, tz=timezone.utc) as study:
    for n in range(start, start + count):
        study.rate(ids[n % len(ids)], ("again", "hard", "good", "easy")[n % 4], duration_ms=n)
        print(n + 1, flush=True)
        if n % 10 == 0:
            study.stats()
            study.queue()
"""


def rater(data_dir: Path, start: int, count: int) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items() if key != "TUTOR_NOW"}
    return subprocess.Popen(
        [sys.executable, "-c", RATER, str(data_dir), str(start), str(count)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def check_consistent(data_dir: Path) -> int:
    """Assert the database is sound and every card's state agrees with its log; return the log size."""
    db = sqlite3.connect(database_path(data_dir))
    assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    rows = db.execute("SELECT count(*) FROM review_log").fetchone()[0]
    reps = dict(db.execute("SELECT card_id, reps FROM card"))
    logged = dict(db.execute("SELECT card_id, count(*) FROM review_log GROUP BY card_id"))
    assert {card_id: count for card_id, count in reps.items() if count} == logged
    assert db.execute("SELECT sum(answers) FROM review_totals").fetchone()[0] == rows
    db.close()
    return rows


def test_a_process_killed_mid_rating_loses_at_most_that_rating(data_dir):
    rng = random.Random(0)
    rows = 0
    for _ in range(4):
        process = rater(data_dir, rows, 100_000)
        # Let it rate for a while, then kill it at an arbitrary moment, most likely inside a rating.
        seen = [process.stdout.readline() for _ in range(30 + rng.randrange(30))]
        assert all(seen), process.stderr.read()
        time.sleep(rng.uniform(0, 0.02))
        process.send_signal(signal.SIGKILL)
        rest = process.stdout.read().split()
        process.wait()
        assert process.returncode == -signal.SIGKILL
        acknowledged = int((rest or seen)[-1])  # line n: rating n had returned, so it was committed
        rows = check_consistent(data_dir)
        assert acknowledged <= rows <= acknowledged + 1
    # The database still opens and takes ratings.
    process = rater(data_dir, rows, 3)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert check_consistent(data_dir) == rows + 3


def test_concurrent_writers_on_a_new_data_directory_never_fail(data_dir):
    per_process = 120
    processes = [rater(data_dir, index * per_process, per_process) for index in range(3)]
    for process in processes:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        assert "locked" not in err
        assert len(out.split()) == per_process
    assert check_consistent(data_dir) == 3 * per_process
