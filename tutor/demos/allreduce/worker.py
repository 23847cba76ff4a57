"""One rank of the all-reduce demo: run the ring on this rank's vector, check it against gloo's all_reduce,
and (with bench) time the methods.

Runs as ``python -m tutor.demos.allreduce.worker`` in a process ``launch.py`` started, which reads the
report this writes; or inside the process torchrun started, where every rank gathers all the reports.
"""

import argparse
import json
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

TRACE_VALUES_LIMIT = 64
"""Vectors up to this length have their values recorded after every step (the animation's partial sums)."""


def rank_input(seed: int, rank: int, elements: int):
    """Return rank ``rank``'s input vector: ``elements`` standard normal float32 values from (seed, rank)."""
    import numpy as np

    return np.random.default_rng([seed, rank]).standard_normal(elements, dtype=np.float32)


@contextmanager
def process_group(init_method: str, rank: int, world_size: int, timeout_s: float) -> Iterator[None]:
    """Join the gloo process group for the duration of the block, and always leave it.

    ``timeout_s`` bounds every collective and point-to-point wait, so a rank whose peer has died fails
    instead of waiting forever.
    """
    import torch  # about a second to import: only in the ranks
    import torch.distributed as dist

    # p ranks share the machine's cores: intra-op threads in each would only contend with the other ranks.
    torch.set_num_threads(1)
    dist.init_process_group(
        "gloo", init_method=init_method, rank=rank, world_size=world_size, timeout=timedelta(seconds=timeout_s)
    )
    try:
        yield
    finally:
        dist.destroy_process_group()


def rank_report(job: dict[str, Any]) -> dict[str, Any]:
    """Run the demo on this rank of the current process group and return what it saw.

    Args:
        job: ``elements``, ``seed``, ``segment_bytes``, ``bench`` (as ``compute`` sets them); optionally
            ``bench_sizes`` and ``bench_rounds`` (benchmarks/bench_allreduce.py narrows the bench).

    Returns:
        ``rank``, ``input`` (or None when too long to record), ``steps`` (one dict per ring step: ``index``,
        ``phase``, ``sends``, ``receives``, ``bytes_sent``, ``buffer``), ``max_abs_error`` against
        torch.distributed.all_reduce, and on rank 0 with bench, ``bench``.
    """
    import torch
    import torch.distributed as dist

    from tutor.demos.allreduce.bench import BENCH_SIZES, measure_alpha_beta, time_allreduces
    from tutor.demos.allreduce.ring import ring_allreduce

    rank = dist.get_rank()
    elements = job["elements"]
    original = torch.from_numpy(rank_input(job["seed"], rank, elements))
    reference = original.clone()
    dist.all_reduce(reference)
    result = original.clone()
    record = elements <= TRACE_VALUES_LIMIT
    buffers: list[list[float]] = []
    stats = ring_allreduce(
        result,
        segment_bytes=job["segment_bytes"],
        on_step=(lambda step: buffers.append(result.tolist())) if record else None,
    )
    steps = [
        {
            "index": step.index,
            "phase": step.phase,
            "sends": step.sends,
            "receives": step.receives,
            "bytes_sent": sent,
            "buffer": buffers[step.index] if record else None,
        }
        for step, sent in zip(stats.steps, stats.bytes_per_step)
    ]
    report: dict[str, Any] = {
        "rank": rank,
        "input": original.tolist() if record else None,
        "steps": steps,
        "max_abs_error": float((result - reference).abs().max()),
    }
    if job["bench"]:
        alpha, beta = measure_alpha_beta()
        rows = time_allreduces(
            tuple(job.get("bench_sizes") or BENCH_SIZES),
            segment_bytes=job["segment_bytes"],
            rounds=job.get("bench_rounds"),
        )
        if rank == 0:
            report["bench"] = {"alpha_s": alpha, "beta_bytes_per_s": beta, "rows": rows}
    return report


def torchrun_reports(job: dict[str, Any], timeout_s: float) -> list[dict[str, Any]]:
    """Run as the rank torchrun started (env:// rendezvous) and return every rank's report, on every rank."""
    import torch.distributed as dist

    rank, world_size = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    with process_group("env://", rank, world_size, timeout_s):
        reports: list[Any] = [None] * world_size
        dist.all_gather_object(reports, rank_report(job))
    return reports


def one_line(error: BaseException) -> str:
    """Return ``error`` as one line: its type and the first line of its message (C++ errors run to pages)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = f"{type(error).__name__}: {lines[0]}" if lines else type(error).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def _exit_with_launcher() -> None:
    """End this process as soon as the launcher's end of our stdin closes: when it dies, no rank outlives it."""

    def watch() -> None:
        # os.read, not sys.stdin: a daemon thread blocked in a buffered reader aborts the interpreter at exit.
        while os.read(sys.stdin.fileno(), 4096):
            pass
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="launcher-watch").start()


def main(argv: list[str] | None = None) -> int:
    """Run one rank for ``launch.py``; write the report (or ``{"error": one line}``) to ``--report``."""
    # The launcher stops the ranks itself; Ctrl-C is its to handle, not a traceback per rank.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parser = argparse.ArgumentParser(prog="python -m tutor.demos.allreduce.worker")
    parser.add_argument("--rank", type=int, required=True)
    parser.add_argument("--world-size", type=int, required=True)
    parser.add_argument("--init-method", required=True)
    parser.add_argument("--timeout", type=float, required=True)
    parser.add_argument("--job", required=True, help="the job as JSON")
    parser.add_argument("--report", required=True, help="file the report is written to")
    args = parser.parse_args(argv)
    _exit_with_launcher()
    try:
        with process_group(args.init_method, args.rank, args.world_size, args.timeout):
            report = rank_report(json.loads(args.job))
    except Exception as error:  # any failure reaches the launcher as one line
        report, status = {"error": one_line(error)}, 1
    else:
        status = 0
    with open(args.report, "w", encoding="utf-8") as stream:
        json.dump(report, stream)
    return status


if __name__ == "__main__":
    sys.exit(main())
