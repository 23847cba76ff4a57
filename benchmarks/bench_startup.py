"""Whole-process time of `tutor list --json` over a bare `python -c pass` (goal: under 150 ms above it).

    python benchmarks/bench_startup.py [--runs 20]

Each command runs in a fresh interpreter; the figure is the difference of the medians.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def median_seconds(argv: list[str], runs: int, env: dict) -> float:
    """Return the median wall time of ``runs`` runs of ``argv`` (after one warm-up run)."""
    subprocess.run(argv, stdout=subprocess.DEVNULL, env=env, check=True)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, stdout=subprocess.DEVNULL, env=env, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "TUTOR_HOME": home}
        bare = median_seconds([sys.executable, "-c", "pass"], args.runs, env)
        listing = median_seconds([sys.executable, "-m", "tutor", "list", "--json"], args.runs, env)
    overhead_ms = (listing - bare) * 1000
    print(f"python -c pass:        {bare * 1000:7.1f} ms")
    print(f"tutor list --json:     {listing * 1000:7.1f} ms")
    print(f"above the interpreter: {overhead_ms:7.1f} ms (goal < 150 ms): {'met' if overhead_ms < 150 else 'NOT met'}")


if __name__ == "__main__":
    main()
