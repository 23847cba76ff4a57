"""The all-reduce demo: run the ring in p real processes (or as one rank under torchrun) and return what
happened, step by step.

Everything shown comes from the ranks' own records: which chunk each sent and received, the bytes handed to
each send, the vector after each step (short vectors), the error against torch.distributed.all_reduce, and
with bench the timings. Only the bookkeeping of whose inputs a chunk holds is derived here, from those records.
"""

import os
from dataclasses import dataclass
from typing import Any

from tutor.demos.allreduce.bench import bus_factor, model_time
from tutor.demos.allreduce.launch import WorkerError, run_local
from tutor.demos.allreduce.ring import SEGMENT_BYTES
from tutor.demos.allreduce.schedule import chunk_bounds
from tutor.errors import DemoParameterError

RUN_TIMEOUT_S = 120.0
"""Time limit of a demo run without bench (also each collective's limit inside the ranks)."""
BENCH_TIMEOUT_S = 900.0
"""Time limit of a run with bench: 1 KB to 64 MB, three methods, a few rounds each."""
STARTUP_S_PER_RANK = 2.0
"""Added to the time limit per rank: starting them is what grows with p."""
TORCHRUN_VARIABLES = ("MASTER_ADDR", "MASTER_PORT", "RANK", "WORLD_SIZE")
"""Set by torchrun for each process it starts: their presence means this process is one rank of many."""


@dataclass(frozen=True)
class Transfer:
    """What one rank did in one step."""

    rank: int
    """The rank."""
    sends: int
    """Chunk it sent to its right neighbour."""
    to: int
    """Its right neighbour, (rank+1) mod p."""
    receives: int
    """Chunk it received from its left neighbour."""
    source: int
    """Its left neighbour, (rank−1) mod p."""
    bytes_sent: int
    """Bytes it handed to isend in this step."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank, "sends": self.sends, "to": self.to,
            "receives": self.receives, "from": self.source, "bytes_sent": self.bytes_sent,
        }


@dataclass(frozen=True)
class Step:
    """One step of the ring, over all ranks."""

    index: int
    """0 … 2(p−1)−1."""
    phase: str
    """``reduce-scatter`` or ``all-gather``."""
    transfers: tuple[Transfer, ...]
    """One per rank, by rank."""
    holders: tuple[tuple[tuple[int, ...], ...], ...]
    """``holders[r][c]``: the ranks whose inputs are summed in chunk c on rank r after this step."""
    buffers: tuple[tuple[float, ...], ...] | None
    """Each rank's vector after this step (the partial sums), or None for long vectors."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "phase": self.phase,
            "transfers": [transfer.to_dict() for transfer in self.transfers],
            "holders": [[list(ranks) for ranks in chunks] for chunks in self.holders],
            "buffers": [list(buffer) for buffer in self.buffers] if self.buffers is not None else None,
        }


@dataclass(frozen=True)
class Trace:
    """The run, step by step: what the animation plays."""

    chunk_bounds: tuple[int, ...]
    """p+1 offsets: chunk c is elements [b[c], b[c+1])."""
    inputs: tuple[tuple[float, ...], ...] | None
    """Each rank's input vector, or None for long vectors."""
    steps: tuple[Step, ...]
    """The 2(p−1) steps."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "chunk_bounds": list(self.chunk_bounds),
            "inputs": [list(values) for values in self.inputs] if self.inputs is not None else None,
            "steps": [step.to_dict() for step in self.steps],
        }


@dataclass(frozen=True)
class BenchRow:
    """Seconds per all-reduce of the three methods at one size (slowest rank, median over rounds)."""

    bytes: int
    """Size of each rank's vector in bytes (float32)."""
    ring_s: float
    """The ring (ring.py)."""
    gloo_s: float
    """torch.distributed.all_reduce on gloo."""
    parameter_server_s: float
    """Reduce to rank 0 and broadcast back, by send/recv."""
    model_s: float
    """The α-β model's ring time 2(p−1)α + 2(p−1)/p·V/β."""
    world_size: int
    """p, for the bus factor."""

    def algbw(self, method: str) -> float:
        """Algorithm bandwidth of ``method`` (``ring``, ``gloo``, ``parameter_server``): bytes / time."""
        return self.bytes / getattr(self, f"{method}_s")

    def busbw(self, method: str) -> float:
        """Bus bandwidth as nccl-tests defines it: algbw · 2(p−1)/p."""
        return self.algbw(method) * bus_factor(self.world_size)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "bytes": self.bytes, "ring_s": self.ring_s, "gloo_s": self.gloo_s,
            "parameter_server_s": self.parameter_server_s, "model_s": self.model_s,
        }
        for method in ("ring", "gloo", "parameter_server"):
            data[f"{method}_algbw"] = self.algbw(method)
            data[f"{method}_busbw"] = self.busbw(method)
        return data


@dataclass(frozen=True)
class Bench:
    """The bench: constants of the α-β model and one row per size."""

    alpha_s: float
    """Latency per step: one ring shift of a 4-byte message, every rank sending at once."""
    beta_bytes_per_s: float
    """Bandwidth per link with every rank sending at once (a ring shift of 16 MB)."""
    rows: tuple[BenchRow, ...]
    """1 KB … 64 MB."""


@dataclass(frozen=True)
class Result:
    """What the all-reduce demo computed."""

    world_size: int
    """Number of ranks p."""
    elements: int
    """Length n of each rank's vector."""
    steps: int
    """Ring steps each rank completed: 2(p−1)."""
    bytes_sent_per_rank: tuple[int, ...]
    """Bytes each rank handed to isend, counted in the ranks."""
    max_abs_error: float
    """Largest difference between the ring's sum and torch.distributed.all_reduce's, over all ranks."""
    segment_bytes: int
    """Size of the pieces chunks travel in."""
    launcher: str
    """``local`` (processes started here) or ``torchrun``."""
    trace: Trace
    """The run step by step."""
    bench: Bench | None
    """Timings, when asked for."""

    @property
    def ideal_bytes_per_rank(self) -> float:
        """The bandwidth-optimal volume 2(p−1)/p·n·4 bytes, which ``bytes_sent_per_rank`` meets up to rounding."""
        return bus_factor(self.world_size) * self.elements * 4

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "world_size": self.world_size,
            "elements": self.elements,
            "steps": self.steps,
            "bytes_sent_per_rank": list(self.bytes_sent_per_rank),
            "ideal_bytes_per_rank": self.ideal_bytes_per_rank,
            "max_abs_error": self.max_abs_error,
            "segment_bytes": self.segment_bytes,
            "launcher": self.launcher,
            "trace": self.trace.to_dict(),
        }
        if self.bench is not None:
            data["bench"] = [row.to_dict() for row in self.bench.rows]
            data["alpha_beta"] = {"alpha_s": self.bench.alpha_s, "beta_bytes_per_s": self.bench.beta_bytes_per_s}
        return data


def under_torchrun() -> bool:
    """Return whether torchrun (or another env:// launcher) started this process as one rank."""
    return all(name in os.environ for name in TORCHRUN_VARIABLES)


def compute(
    *,
    world_size: int = 4,
    elements: int = 10,
    bench: bool = False,
    seed: int = 0,
    segment_bytes: int = SEGMENT_BYTES,
) -> Result:
    """Run ring all-reduce on ``world_size`` ranks, each holding ``elements`` random float32 values.

    Locally, starts the ranks as processes and waits for them; under torchrun (env:// variables present),
    this process is one rank, ``world_size`` comes from torchrun, and every rank returns the
    whole result.

    Args:
        world_size: p, at least 2.
        elements: n, at least 1 (need not be a multiple of p; may be smaller than p).
        bench: also time ring, gloo and parameter server from 1 KB to 64 MB and measure α and β.
        seed: seed of the input vectors (rank r's is drawn from (seed, r)).
        segment_bytes: pipeline grain of the ring.

    Raises:
        DemoParameterError: a parameter out of range.
        WorkerError: a rank failed, was killed, or ran out of time.
    """
    if world_size < 2:
        raise DemoParameterError.about("world_size", problem=f"must be at least 2, not {world_size}")
    if elements < 1:
        raise DemoParameterError.about("elements", problem=f"must be at least 1, not {elements}")
    if segment_bytes < 4:
        raise DemoParameterError.about("segment_bytes", problem=f"must be at least 4, not {segment_bytes}")
    job = {"elements": elements, "seed": seed, "segment_bytes": segment_bytes, "bench": bench}
    if under_torchrun():
        from tutor.demos.allreduce.worker import one_line, torchrun_reports

        timeout_s = time_limit(bench, int(os.environ["WORLD_SIZE"]))
        try:
            reports, launcher = torchrun_reports(job, timeout_s), "torchrun"
        except Exception as error:  # torch's errors (a peer that never joined, a closed connection): one line
            raise WorkerError(f"rank {os.environ['RANK']} failed: {one_line(error)}") from error
    else:
        timeout_s = time_limit(bench, world_size)
        reports, launcher = run_local(job, world_size=world_size, timeout_s=timeout_s), "local"
    return assemble(reports, elements=elements, segment_bytes=segment_bytes, launcher=launcher)


def time_limit(bench: bool, world_size: int) -> float:
    """Return the seconds a run may take (also each collective's limit inside the ranks)."""
    # every rank imports torch (a second or two of CPU each): on a small machine starting p ranks takes O(p)
    return (BENCH_TIMEOUT_S if bench else RUN_TIMEOUT_S) + STARTUP_S_PER_RANK * world_size


def assemble(reports: list[dict[str, Any]], *, elements: int, segment_bytes: int, launcher: str) -> Result:
    """Build the result from the ranks' reports (by rank), checking that neighbours agree on every transfer.

    Raises:
        WorkerError: the reports contradict each other (a rank received a chunk its neighbour did not send).
    """
    world_size = len(reports)
    step_counts = {len(report["steps"]) for report in reports}
    if len(step_counts) != 1:
        raise WorkerError(f"the ranks did different numbers of steps: {sorted(step_counts)}")
    holders = [[(rank,) for _ in range(world_size)] for rank in range(world_size)]
    steps = []
    for index in range(step_counts.pop()):
        records = [report["steps"][index] for report in reports]
        transfers = tuple(
            Transfer(
                rank=rank, sends=record["sends"], to=(rank + 1) % world_size,
                receives=record["receives"], source=(rank - 1) % world_size, bytes_sent=record["bytes_sent"],
            )
            for rank, record in enumerate(records)
        )
        before = [list(chunks) for chunks in holders]
        for transfer in transfers:
            sent = transfers[transfer.source].sends
            if sent != transfer.receives:
                raise WorkerError(
                    f"step {index}: rank {transfer.rank} received chunk {transfer.receives} "
                    f"but rank {transfer.source} sent chunk {sent}"
                )
            arriving = before[transfer.source][sent]
            if records[transfer.rank]["phase"] == "reduce-scatter":
                merged = tuple(sorted(set(before[transfer.rank][sent]) | set(arriving)))
            else:
                merged = arriving
            holders[transfer.rank][sent] = merged
        recorded = [record["buffer"] for record in records]
        steps.append(
            Step(
                index=index,
                phase=records[0]["phase"],
                transfers=transfers,
                holders=tuple(tuple(chunks) for chunks in holders),
                buffers=tuple(tuple(buffer) for buffer in recorded) if None not in recorded else None,
            )
        )
    inputs = [report["input"] for report in reports]
    bench = None
    measured = reports[0].get("bench")
    if measured is not None:
        alpha, beta = measured["alpha_s"], measured["beta_bytes_per_s"]
        rows = tuple(
            BenchRow(
                bytes=row["bytes"], ring_s=row["ring_s"], gloo_s=row["gloo_s"],
                parameter_server_s=row["parameter_server_s"],
                model_s=model_time(row["bytes"], world_size, alpha, beta), world_size=world_size,
            )
            for row in measured["rows"]
        )
        bench = Bench(alpha_s=alpha, beta_bytes_per_s=beta, rows=rows)
    return Result(
        world_size=world_size,
        elements=elements,
        steps=len(steps),
        bytes_sent_per_rank=tuple(sum(record["bytes_sent"] for record in report["steps"]) for report in reports),
        max_abs_error=max(report["max_abs_error"] for report in reports),
        segment_bytes=segment_bytes,
        launcher=launcher,
        trace=Trace(
            chunk_bounds=chunk_bounds(elements, world_size),
            inputs=tuple(tuple(values) for values in inputs) if None not in inputs else None,
            steps=tuple(steps),
        ),
        bench=bench,
    )
