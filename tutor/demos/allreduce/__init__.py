"""Ring all-reduce on torch.distributed (gloo), run in real worker processes.

- ``schedule``: which chunk every rank sends and receives at each step (pure arithmetic);
- ``ring``: the bandwidth-optimal ring, point-to-point sends of pipelined segments;
- ``parameter_server``: the naive baseline (reduce to rank 0, then broadcast);
- ``bench``: timings, bandwidths and the α-β model, measured inside the ranks;
- ``worker``: one rank (a subprocess, or the process torchrun started);
- ``launch``: starts, watches and always stops the local worker processes;
- ``compute``: the demo's entry point and its result; ``frames``, ``terminal``, ``widget``: the views.

This module declares the demo and checks the memory a run needs; it imports nothing heavy.
"""

from typing import Any

from tutor.demos.declaration import Demo, Parameter
from tutor.demos.memory import TORCH_PROCESS_BYTES, available_memory, check_memory

VECTORS_PER_RANK = 5
"""float32 vectors of n elements each rank holds at once: the input, the ring's result, the reference
all_reduce's copy and gloo's buffers (measured: p=16 at 64 MB took 8.7 GB, 544 MB a rank)."""

BENCH_ELEMENTS = 16 * 2**20
"""The bench's largest message (64 MB of float32), which each rank holds however small n is."""


def allreduce_memory(values: dict[str, Any]) -> float:
    """Return the bytes an all-reduce run needs: p processes with torch, each holding its vectors."""
    elements = max(values["elements"], BENCH_ELEMENTS) if values["bench"] else values["elements"]
    return values["world_size"] * (TORCH_PROCESS_BYTES + VECTORS_PER_RANK * 4 * elements)


def check_allreduce(values: dict[str, Any], available: float | None = None) -> None:
    """Refuse a number of ranks and a vector length that together would not fit in the memory a demo may take.

    Raises:
        DemoParameterError: naming world_size and elements, what they need and what is allowed.
    """
    elements = "64 MB for the bench" if values["bench"] else f"{4 * values['elements'] / 1e6:.3g} MB"
    detail = f"{values['world_size']} processes × (250 MB for torch + {VECTORS_PER_RANK} vectors of {elements})"
    check_memory(allreduce_memory(values), ("world_size", "elements"), detail,
                 available_memory() if available is None else available)


DEMO = Demo(
    name="allreduce",
    title="环形全归约",
    summary="Ring all-reduce over torch.distributed (gloo) in real worker processes",
    parameters=(
        Parameter("world_size", int, 4, "number of local worker processes p (each holds its own copy of the data)", 2,
                  16, label="进程数"),
        Parameter("elements", int, 10, "length n of each rank's float32 vector (16 Mi elements = 64 MB)", 1,
                  16 * 2**20, label="向量长度"),
        Parameter("bench", bool, False, "time ring vs gloo all_reduce vs parameter server, 1 KB to 64 MB",
                  label="测速"),
        Parameter("seed", int, 0, "random seed of the vectors", 0, 2**31 - 1, label="随机种子"),
    ),
    check=check_allreduce,
)
"""The all-reduce demo as ``tutor demo`` and the app offer it."""
