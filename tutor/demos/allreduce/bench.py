"""Timings taken inside the ranks: the ring, gloo's own all_reduce and the parameter server, and the α and β
of the α-β model measured on the same processes.

Every collective's time is the slowest rank's (an all-reduce is done when the last rank has the sum), and the
median over repetitions; the three methods take turns in each repetition so that other load on the machine
falls on all of them alike.
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


def repetitions(size: int) -> int:
    """Return how many timed repetitions a size gets: many for the fast small ones, at least three."""
    return max(3, min(30, (1 << 24) // size))


def measure_alpha_beta(*, large_bytes: int = 16 << 20, rounds: int = 50) -> tuple[float, float]:
    """Measure the α-β model's constants between the ranks of the default process group.

    α (seconds per message) is half the median round trip of a 4-byte ping-pong between ranks 0 and 1.
    β (bytes per second) comes from one ring step at full load: every rank sends ``large_bytes`` to its right
    neighbour while receiving as much from its left, as in each step of the ring, so the links and cores
    are as busy as the model assumes; β = V / (t − α).

    Returns:
        (alpha, beta) on every rank.
    """
    import torch
    import torch.distributed as dist

    rank, world_size = dist.get_rank(), dist.get_world_size()
    tiny = torch.zeros(1)
    trips = []
    dist.barrier()
    for _ in range(rounds):
        if rank == 0:
            start = time.perf_counter()
            dist.send(tiny, 1)
            dist.recv(tiny, 1)
            trips.append(time.perf_counter() - start)
        elif rank == 1:
            dist.recv(tiny, 0)
            dist.send(tiny, 0)
    dist.barrier()
    outgoing = torch.ones(large_bytes // 4)
    incoming = torch.empty_like(outgoing)
    shifts = []
    for _ in range(5):
        dist.barrier()
        start = time.perf_counter()
        receive = dist.irecv(incoming, (rank - 1) % world_size)
        send = dist.isend(outgoing, (rank + 1) % world_size)
        receive.wait()
        send.wait()
        shifts.append(time.perf_counter() - start)
    # rank 0 has the round trips; the shift is as slow as its slowest rank
    measured = torch.tensor([statistics.median(trips) / 2 if trips else 0.0, statistics.median(shifts)])
    dist.all_reduce(measured, op=dist.ReduceOp.MAX)
    alpha, shift = float(measured[0]), float(measured[1])
    return alpha, large_bytes / max(shift - alpha, 1e-9)


def time_allreduces(sizes: tuple[int, ...], *, segment_bytes: int) -> list[dict[str, float]]:
    """Time the three all-reduce methods at each size (bytes of float32); every rank takes part.

    Returns:
        One row per size: ``bytes`` and ``ring_s``, ``gloo_s``, ``parameter_server_s`` (median seconds of the
        slowest rank), the same on every rank.
    """
    import torch
    import torch.distributed as dist

    rows = []
    for size in sizes:
        original = torch.randn(size // 4)
        work = torch.empty_like(original)
        runs = {
            "ring": lambda: ring_allreduce(work, segment_bytes=segment_bytes),
            "gloo": lambda: dist.all_reduce(work),
            "parameter_server": lambda: parameter_server_allreduce(work),
        }
        count = repetitions(size)
        times = torch.zeros(count + 1, len(METHODS), dtype=torch.float64)
        for repetition in range(count + 1):  # repetition 0 warms up (connections, allocations) and is dropped
            for column, method in enumerate(METHODS):
                work.copy_(original)
                dist.barrier()
                start = time.perf_counter()
                runs[method]()
                times[repetition, column] = time.perf_counter() - start
        dist.all_reduce(times, op=dist.ReduceOp.MAX)
        row: dict[str, float] = {"bytes": size}
        for column, method in enumerate(METHODS):
            row[f"{method}_s"] = float(times[1:, column].median())
        rows.append(row)
    return rows
