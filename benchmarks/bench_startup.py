"""Whole-process time of `tutor list --json` over a bare `python -c pass` (goal: under 150 ms above it), and of
a demo refusing a bad parameter (goal: under 300 ms in all, since it is refused before torch loads).

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


def median_seconds(argv: list[str], runs: int, env: dict, code: int = 0) -> float:
    """Return the median wall time of ``runs`` runs of ``argv`` (after one warm-up run), which exit ``code``."""
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        assert done.returncode == code, (argv, done.returncode)
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
        refused = median_seconds([sys.executable, "-m", "tutor", "demo", "matmul", "--max-n", "32768"], args.runs,
                                 env, code=2)
    overhead_ms = (listing - bare) * 1000
    print(f"python -c pass:        {bare * 1000:7.1f} ms")
    print(f"tutor list --json:     {listing * 1000:7.1f} ms")
    print(f"above the interpreter: {overhead_ms:7.1f} ms (goal < 150 ms): {'met' if overhead_ms < 150 else 'NOT met'}")
    print(f"a refused demo parameter (tutor demo matmul --max-n 32768): {refused * 1000:7.1f} ms in all, "
          f"{(refused - bare) * 1000:.1f} ms above the interpreter (goal < 300 ms in all): "
          f"{'met' if refused < 0.3 else 'NOT met'}")


if __name__ == "__main__":
    main()
