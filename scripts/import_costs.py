"""Show what each module costs to import when running a tutor command (``python -X importtime``, summarised).

    python scripts/import_costs.py [tutor arguments...]     # default: list --json

Prints the 20 most expensive imports (cumulative microseconds) and whether torch, numpy or textual loaded.
"""

import os
import subprocess
import sys
import tempfile


def main() -> None:
    argv = sys.argv[1:] or ["list", "--json"]
    with tempfile.TemporaryDirectory() as home:
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "tutor", *argv],
            capture_output=True,
            text=True,
            env={**os.environ, "TUTOR_HOME": home},
        )
    rows = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _own, cumulative, name = line.removeprefix("import time:").split("|")
        rows.append((int(cumulative), name.strip()))
    rows.sort(reverse=True)
    for cumulative, name in rows[:20]:
        print(f"{cumulative / 1000:8.1f} ms  {name}")
    loaded = {name.split(".")[0] for _, name in rows}
    print("heavy modules loaded:", sorted(loaded & {"torch", "numpy", "textual"}) or "none")


if __name__ == "__main__":
    main()
