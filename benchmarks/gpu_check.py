"""Check the matmul demo on a CUDA GPU against an independent reference, in one command (under 5 minutes).

    python benchmarks/gpu_check.py

1. Runs ``tutor demo matmul --json`` with its defaults in a fresh process, as a learner would, and times it
   from start to end (goal: under 30 s, with every dtype timed up to at least n = 8192).
2. Times ``torch.matmul`` here with CUDA events on random data at n = 4096 and 8192 in each dtype: three
   warm-up products, then one pair of events around 20 back-to-back products (a different method from the
   demo's, which times each product alone and keeps the median).
3. Prints both side by side with the share of the dense peak (goals: the demo within 10% of the reference;
   bf16 at least 60% of the dense peak on an H100 or H200).

Exit status: 0 when every goal is met, 1 when one is missed (the table says which), 2 when this machine has
no CUDA GPU: then nothing is checked, and a line says why.
"""

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = (4096, 8192)
"""Sizes compared with the reference."""
DTYPES = ("fp32", "tf32", "bf16", "fp16")
"""The demo's GPU rows."""
WARM_UP = 3
"""Untimed products before each reference measurement."""
PRODUCTS = 20
"""Products between the reference's two events."""
DEMO_SECONDS_GOAL = 30.0
"""The whole demo, start-up included, with its defaults."""
AGREEMENT_GOAL = 0.10
"""Largest relative difference between the demo's and the reference's rate."""
BF16_PEAK_SHARE_GOAL = 0.60
"""Share of the dense bf16 peak the demo should reach on an H100 or H200."""


def reference_tflops(dtype_key: str, n: int) -> float:
    """TFLOP/s of torch.matmul at size n, timed with CUDA events around PRODUCTS back-to-back products."""
    import torch

    dtype = {"fp32": torch.float32, "tf32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}[dtype_key]
    a = torch.randn(n, n, device="cuda", dtype=dtype)
    b = torch.randn(n, n, device="cuda", dtype=dtype)
    # The boolean switch exists in every torch version; the demo uses the newer fp32_precision.
    previous = torch.backends.cuda.matmul.allow_tf32
    torch.backends.cuda.matmul.allow_tf32 = dtype_key == "tf32"
    try:
        for _ in range(WARM_UP):
            torch.matmul(a, b)
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(PRODUCTS):
            torch.matmul(a, b)
        end.record()
        torch.cuda.synchronize()
    finally:
        torch.backends.cuda.matmul.allow_tf32 = previous
    seconds = start.elapsed_time(end) / 1e3 / PRODUCTS
    return 2.0 * n**3 / seconds / 1e12


def run_demo() -> tuple[dict, float]:
    """Run ``tutor demo matmul --json`` with its defaults; return its data and its wall-clock seconds."""
    started = time.perf_counter()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    done = subprocess.run([sys.executable, "-m", "tutor", "demo", "matmul", "--json"], capture_output=True,
                          text=True, env=env, timeout=240)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"gpu_check: the demo failed (exit {done.returncode}): {done.stderr.strip()}")
    return json.loads(done.stdout), seconds


def compare(demo: dict, demo_seconds: float, reference: Callable[[str, int], float]) -> tuple[list[str], list[str]]:
    """Return the table's lines and the goals missed, from the demo's JSON, its wall-clock seconds and the
    reference's TFLOP/s for (dtype, n)."""
    name = demo["gpu_name"]
    peaks = demo["gpu_peak_tflops"] or {}
    rows = {row["n"]: row for row in demo["cuda"]}
    failures = []
    lines = [f"{name}: the demo with its defaults (budget {demo['budget']:g} s per device) took {demo_seconds:.1f} s "
             f"(goal under {DEMO_SECONDS_GOAL:g} s); GPU warm-up {demo['gpu_warmup_seconds']:.1f} s, "
             f"GPU timings {demo['gpu_spent']:.1f} s; memory bandwidth {demo['gpu_bandwidth_gbps']:,.0f} GB/s"]
    if demo_seconds >= DEMO_SECONDS_GOAL:
        failures.append(f"the demo took {demo_seconds:.1f} s")
    lines.append(f"{'dtype':>6} {'n':>6} {'demo TFLOP/s':>13} {'reference':>10} {'demo/ref':>9} {'of peak':>8}  "
                 f"{'largest n timed':>15}")
    for key in DTYPES:
        largest = max((n for n, row in rows.items() if row.get(f"{key}_seconds") is not None), default=None)
        if largest is None or largest < max(SIZES):
            failures.append(f"{key} timed only up to n = {largest}")
        for n in SIZES:
            expected = reference(key, n)
            measured = rows.get(n, {}).get(f"{key}_gflops")
            demo_tflops = None if measured is None else measured / 1e3
            ratio = None if demo_tflops is None else demo_tflops / expected
            share = None if demo_tflops is None or key not in peaks else demo_tflops / peaks[key]
            if ratio is None or abs(ratio - 1) > AGREEMENT_GOAL:
                failures.append(f"{key} at n = {n}: demo {demo_tflops} against {expected:.1f} TFLOP/s")
            if key == "bf16" and n == max(SIZES) and ("H100" in name or "H200" in name):
                if share is None or share < BF16_PEAK_SHARE_GOAL:
                    failures.append(f"bf16 at n = {n} reached {share} of the dense peak")
            lines.append(f"{key:>6} {n:>6} {'—' if demo_tflops is None else f'{demo_tflops:,.1f}':>13} "
                         f"{expected:>10,.1f} {'—' if ratio is None else f'{ratio:.2f}':>9} "
                         f"{'—' if share is None else f'{100 * share:.0f}%':>8}  {largest!s:>15}")
    lines.append(f"crossover (fp32, GPU beats torch on the CPU): n = {demo['crossover_n']}; "
                 f"with the copies: n = {demo['crossover_n_with_copies']}")
    return lines, failures


def main() -> int:
    import torch

    if not torch.cuda.is_available():
        build = "a CPU-only build" if torch.version.cuda is None else f"built for CUDA {torch.version.cuda}"
        print(f"gpu_check: no CUDA GPU here (torch {torch.__version__}, {build}): nothing was checked. "
              "Run this on a machine with an NVIDIA GPU.")
        return 2
    demo, demo_seconds = run_demo()
    lines, failures = compare(demo, demo_seconds, reference_tflops)
    print("\n".join(lines))
    if failures:
        print("goals missed: " + "; ".join(failures))
        return 1
    print("every goal met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
