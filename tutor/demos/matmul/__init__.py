"""Matrix multiply timing: pure Python, NumPy and torch on the CPU, and torch on a CUDA GPU when present."""

from typing import Any

from tutor.demos.declaration import Demo, Parameter
from tutor.demos.memory import TORCH_PROCESS_BYTES, available_memory, check_memory

HOST_MATRICES = 4
"""n × n float32 matrices in host memory at the largest size: the two inputs (NumPy shares torch's), the
product, and the previous repetition's product not yet freed."""


def matmul_memory(values: dict[str, Any]) -> float:
    """Return the bytes a matmul run needs on the host at its largest size."""
    return TORCH_PROCESS_BYTES + HOST_MATRICES * 4 * values["max_n"] ** 2


def check_matmul(values: dict[str, Any], available: float | None = None) -> None:
    """Refuse a largest size whose matrices would not fit in the memory a demo may take.

    Raises:
        DemoParameterError: naming max_n, what it needs and what is allowed.
    """
    n = values["max_n"]
    detail = f"250 MB for torch + {HOST_MATRICES} float32 matrices of {n} × {n}"
    check_memory(matmul_memory(values), ("max_n",), detail, available_memory() if available is None else available)


DEMO = Demo(
    name="matmul",
    title="矩阵乘法",
    summary="Matrix multiply timing: pure Python vs NumPy vs torch on CPU, and on the GPU when present",
    parameters=(
        Parameter("budget", float, 3.0, "seconds of timing per device (start-up and warm-up not counted)", 0.1, 600.0,
                  label="计时秒数"),
        Parameter("max_n", int, 8192, "largest matrix size tried", 64, 32768, label="最大矩阵"),
    ),
    check=check_matmul,
)
"""The matmul demo as ``tutor demo`` and the app offer it."""
