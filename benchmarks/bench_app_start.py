"""Time from a fresh interpreter to the app's first drawn home screen (goal: under 1 s), headless.

    python benchmarks/bench_app_start.py [--runs 5]

Each run starts a new Python process that imports tutor, builds the app the way `tutor` does and waits for
the first frame of the home screen in Textual's headless test driver; torch must not be imported by then.
"""

import argparse
import statistics
import subprocess
import sys
import tempfile

PROBE = """
import time
start = time.perf_counter()
import asyncio, os, sys
from pathlib import Path
from tutor.app.app import build_app

async def main():
    app = build_app(Path(os.environ["TUTOR_HOME"]))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        elapsed = time.perf_counter() - start
        assert type(app.screen).__name__ == "HomeScreen", app.screen
    print(elapsed, "torch" in sys.modules)

asyncio.run(main())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    times = []
    with tempfile.TemporaryDirectory() as home:
        for _ in range(args.runs):
            result = subprocess.run(
                [sys.executable, "-c", PROBE],
                capture_output=True,
                text=True,
                check=True,
                env={"TUTOR_HOME": home, "PATH": ""},
            )
            seconds, torch_loaded = result.stdout.split()
            if torch_loaded == "True":
                sys.exit("torch was imported before the first frame")
            times.append(float(seconds))
    median = statistics.median(times)
    print(f"first frame of the home screen: median {median * 1000:.0f} ms, min {min(times) * 1000:.0f} ms "
          f"over {args.runs} runs (goal < 1000 ms): {'met' if median < 1 else 'NOT met'}")


if __name__ == "__main__":
    main()
