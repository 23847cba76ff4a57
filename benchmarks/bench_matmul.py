"""Benchmark: torch CPU matmul against NumPy at n = 2048, float32 (goal: torch within 10% of NumPy's time).

Both are timed with torch.utils.benchmark.Timer.blocked_autorange on every torch thread
(torch.get_num_threads()); NumPy's BLAS keeps its own pool, all cores by default. Run from the repository root:

    python benchmarks/bench_matmul.py [--n 2048] [--min-run-time 3] [--rounds 3] [--threads T]

Rounds alternate torch and NumPy so that a change in the machine's load hits both. The load average is
printed: above the CPU count, other work competes for the cores and the figures mean little; the minimum
(the least disturbed run) is printed beside the median for that reason.
"""

import argparse
import os
import time

GOAL = 1.10
"""torch's time may be at most this multiple of NumPy's."""


def main() -> None:
    """Time both, print medians, minima, GFLOP/s, the ratio and whether the goal is met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2048, help="matrix size (default 2048)")
    parser.add_argument("--min-run-time", type=float, default=3.0, help="seconds per measurement (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of both (default 3)")
    parser.add_argument("--threads", type=int, default=0, help="threads for both libraries (default: all)")
    args = parser.parse_args()
    if args.threads:
        # The BLAS libraries read these when they load, so before the imports below.
        for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ[variable] = str(args.threads)

    import numpy as np
    import torch
    from torch.utils.benchmark import Timer

    threads = torch.get_num_threads()
    generator = torch.Generator().manual_seed(0)
    a = torch.randn(args.n, args.n, generator=generator)
    b = torch.randn(args.n, args.n, generator=generator)
    a_np, b_np = a.numpy().copy(), b.numpy().copy()
    timers = {
        "torch": Timer("torch.matmul(a, b)", globals={"torch": torch, "a": a, "b": b}, num_threads=threads),
        "numpy": Timer("np.matmul(a, b)", globals={"np": np, "a": a_np, "b": b_np}, num_threads=threads),
    }
    times: dict[str, list[float]] = {name: [] for name in timers}
    for _ in range(args.rounds):
        for name, timer in timers.items():
            times[name].extend(timer.blocked_autorange(min_run_time=args.min_run_time).times)
            # OpenBLAS's threads spin for about 0.1 s after a call and would slow whatever runs next.
            time.sleep(0.5)

    flops = 2.0 * args.n**3
    print(f"n = {args.n}, float32, torch {torch.__version__} ({threads} threads), numpy {np.__version__}")
    print(f"torch BLAS: {'MKL' if torch.backends.mkl.is_available() else 'other'}; "
          f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    medians, minima = {}, {}
    for name, samples in times.items():
        medians[name], minima[name] = float(np.median(samples)), min(samples)
        low, high = np.percentile(samples, [25, 75])
        print(f"{name:>6}: median {medians[name] * 1e3:8.2f} ms (IQR {low * 1e3:.2f}–{high * 1e3:.2f}), "
              f"min {minima[name] * 1e3:8.2f} ms, {len(samples)} runs: "
              f"{flops / medians[name] / 1e9:6.1f} GFLOP/s at the median, {flops / minima[name] / 1e9:6.1f} at best")
    ratio = medians["torch"] / medians["numpy"]
    verdict = "met" if ratio <= GOAL else "NOT met"
    print(f"torch / numpy time: {ratio:.3f} at the median (goal ≤ {GOAL:.2f}: {verdict}), "
          f"{minima['torch'] / minima['numpy']:.3f} at best")


if __name__ == "__main__":
    main()
