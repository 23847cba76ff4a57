"""Timings taken inside the ranks: the ring, gloo's own all_reduce and the parameter server, and the α and β
of the α-β model measured on the same processes.

As nccl-tests does, each timing is a run of back-to-back all-reduces divided by their number (so a barrier's
uneven release does not count), the slowest rank's, and the median over a few rounds; the three methods take
turns in each round so that other load on the machine falls on all of them alike.
"""

import statistics
import time

from tutor.demos.allreduce.parameter_server import parameter_server_allreduce
from tutor.demos.allreduce.ring import ring_allreduce

BENCH_SIZES = tuple(1024 * 4**k for k in range(9))
"""Message sizes in bytes: 1 KB, 4 KB, … 64 MB (float32 vectors)."""

METHODS = ("ring", "gloo", "parameter_server")


def model_time(size: int, world_size: int, alpha: float, beta: float) -> float:
    """Return the α-β model's ring all-reduce time for ``size`` bytes: 2(p−1)α + 2(p−1)/p·V/β.

    2(p−1) steps each pay one message's latency α, and each rank sends 2(p−1)/p·V bytes at β bytes/s
    (the time of the additions is left out, as in the usual statement of the model).
    """
    steps = 2 * (world_size - 1)
    return steps * alpha + steps / world_size * size / beta


def bus_factor(world_size: int) -> float:
    """Return nccl-tests' all-reduce bus factor 2(p−1)/p: busbw = algbw · factor, comparable across p."""
    return 2 * (world_size - 1) / world_size


def iterations_for(size: int) -> int:
    """Return how many back-to-back all-reduces one timing of ``size`` bytes runs: many small, one large."""
    return max(1, min(20, (1 << 20) // size))


def rounds_for(size: int) -> int:
    """Return how many timings of ``size`` bytes the median is taken over."""
    return 3 if size > 16 << 20 else 5


def measure_alpha_beta(*, large_bytes: int = 16 << 20, shifts: int = 50) -> tuple[float, float]:
    """Measure the α-β model's constants between the ranks of the default process group.

    Both come from ring shifts, the ring's own step: every rank sends to its right neighbour while receiving
    from its left, so every link and every core is as busy as in the ring (on a machine with fewer cores than
    ranks a ping-pong between two ranks, the others idle, would measure a far smaller α).
    α (seconds per message) is the median time of ``shifts`` consecutive shifts of a 4-byte message.
    β (bytes per second per link) is V / (t − α) for the median shift of V = ``large_bytes``.

    Returns:
        (alpha, beta), the same on every rank.
    """
    import torch
    import torch.distributed as dist

    rank, world_size = dist.get_rank(), dist.get_world_size()
    right, left = (rank + 1) % world_size, (rank - 1) % world_size

    def shift(outgoing, incoming) -> None:
        receive = dist.irecv(incoming, left)
        send = dist.isend(outgoing, right)
        receive.wait()
        send.wait()

    tiny_out, tiny_in = torch.zeros(1), torch.zeros(1)
    shift(tiny_out, tiny_in)  # the first message on a pair sets up the connection: not timed
    dist.barrier()
    latencies = []
    for _ in range(shifts):
        start = time.perf_counter()
        shift(tiny_out, tiny_in)
        latencies.append(time.perf_counter() - start)
    # the median: a rank descheduled by other load on the machine stalls a few shifts, not the typical one
    latency = statistics.median(latencies)
    outgoing = torch.ones(large_bytes // 4)
    incoming = torch.empty_like(outgoing)
    durations = []
    for _ in range(5):
        dist.barrier()
        start = time.perf_counter()
        shift(outgoing, incoming)
        durations.append(time.perf_counter() - start)
    measured = torch.tensor([latency, statistics.median(durations)], dtype=torch.float64)
    dist.all_reduce(measured, op=dist.ReduceOp.MAX)  # a shift is over when its slowest rank is done
    alpha, duration = float(measured[0]), float(measured[1])
    return alpha, large_bytes / max(duration - alpha, 1e-9)


def time_allreduces(sizes: tuple[int, ...], *, segment_bytes: int, rounds: int | None = None) -> list[dict[str, float]]:
    """Time the three all-reduce methods at each size (bytes of float32); every rank takes part.

    ``rounds`` fixes the number of timings per size (default: ``rounds_for(size)``).

    Returns:
        One row per size: ``bytes`` and ``ring_s``, ``gloo_s``, ``parameter_server_s`` (seconds per
        all-reduce: median over rounds of the slowest rank), the same on every rank.
    """
    import torch
    import torch.distributed as dist

    rows = []
    for size in sizes:
        # The vector is summed over and over: its values grow (to inf at worst), which costs no time.
        work = torch.randn(size // 4)
        runs = {
            "ring": lambda: ring_allreduce(work, segment_bytes=segment_bytes),
            "gloo": lambda: dist.all_reduce(work),
            "parameter_server": lambda: parameter_server_allreduce(work),
        }
        for method in METHODS:  # connections and allocations on first use: not timed
            runs[method]()
        count, timings = iterations_for(size), rounds or rounds_for(size)
        times = torch.zeros(timings, len(METHODS), dtype=torch.float64)
        for timing in range(timings):
            for column, method in enumerate(METHODS):
                dist.barrier()
                start = time.perf_counter()
                for _ in range(count):
                    runs[method]()
                times[timing, column] = (time.perf_counter() - start) / count
        dist.all_reduce(times, op=dist.ReduceOp.MAX)
        row: dict[str, float] = {"bytes": size}
        for column, method in enumerate(METHODS):
            row[f"{method}_s"] = float(times[:, column].median())
        rows.append(row)
    return rows
