"""Matrix multiply timing with torch.utils.benchmark: pure Python, NumPy and torch on the CPU, torch on CUDA.

Every size n multiplies two n × n float32 matrices; GFLOP/s = 2n³ / t / 10⁹ with t the median time of
torch.utils.benchmark.Timer.blocked_autorange. The Timer runs its statement on one thread unless told
otherwise, so it is given ``num_threads=torch.get_num_threads()`` and the count is reported (NumPy's BLAS
keeps its own thread pool, which uses every core by default).

Sizes double from 64 while the next one is predicted to fit in what is left of the budget (each device has
its own). On a CUDA GPU the rows are float32 (IEEE, TF32 off), TF32 (switched on for that row only), bfloat16
and float16, plus float32 including the copies of both inputs to the GPU and of the product back.
"""

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.benchmark import Timer

from tutor.demos.matmul.peaks import CpuPeak, gpu_peak_tflops, read_cpu_peak

PYTHON_SIZES = (16, 32, 64)
"""Sizes of the pure-Python triple loop (n = 64 takes a few tenths of a second)."""

FIRST_SIZE = 64
"""Smallest size timed by NumPy and torch."""

GPU_DTYPES = ("fp32", "tf32", "bf16", "fp16")
"""The GPU rows, besides float32 with copies."""

COPIES = "fp32_with_copies"
"""Key of the GPU row that includes the host-device copies."""

BLAS_SETTLE = 0.2
"""Seconds to wait after timing NumPy. OpenBLAS's worker threads keep spinning for about 0.1 s after a call,
waiting for more work; torch timed in that window finds its cores taken and reads up to ten times slower."""


@dataclass(frozen=True)
class PythonRow:
    """The pure-Python triple loop at one size."""

    n: int
    """Matrix size."""
    seconds: float
    """Median time of one product."""

    @property
    def gflops(self) -> float:
        """2n³ / t / 10⁹."""
        return gflops(self.n, self.seconds)


@dataclass(frozen=True)
class CpuRow:
    """torch and NumPy on the CPU at one size."""

    n: int
    """Matrix size."""
    torch_seconds: float
    """Median time of torch.matmul."""
    numpy_seconds: float
    """Median time of numpy.matmul."""

    @property
    def torch_gflops(self) -> float:
        """2n³ / t / 10⁹ for torch."""
        return gflops(self.n, self.torch_seconds)

    @property
    def numpy_gflops(self) -> float:
        """2n³ / t / 10⁹ for NumPy."""
        return gflops(self.n, self.numpy_seconds)


@dataclass(frozen=True)
class CudaRow:
    """torch on the GPU at one size."""

    n: int
    """Matrix size."""
    seconds: dict[str, float | None]
    """Median time per row key (GPU_DTYPES and COPIES); None where the GPU does not support the dtype."""

    def gflops(self, key: str) -> float | None:
        """2n³ / t / 10⁹ for one row key, None where not measured."""
        seconds = self.seconds.get(key)
        return None if seconds is None else gflops(self.n, seconds)


@dataclass(frozen=True)
class MatmulResult:
    """Everything the matmul demo measured."""

    threads: int
    """torch's intra-op threads, given to every Timer."""
    python: tuple[PythonRow, ...]
    """The pure-Python triple loop."""
    cpu: tuple[CpuRow, ...]
    """torch and NumPy on the CPU, by doubling size."""
    cpu_peak: CpuPeak | None
    """The CPU's float32 peak, None when it cannot be read."""
    gpu_name: str | None
    """torch.cuda.get_device_name(), None without a GPU."""
    gpu_peak_tflops: dict[str, float] | None
    """Dense peak TFLOP/s per dtype, None for an unknown GPU or none."""
    cuda: tuple[CudaRow, ...] | None
    """GPU rows, None without a GPU."""
    no_gpu_reason: str | None
    """Why there are no GPU rows, in plain words."""
    load_average: float | None
    """The machine's 1-minute load average when the timing ended (None where the OS has none)."""
    cpu_count: int
    """Logical CPUs of the machine."""

    @property
    def busy(self) -> bool:
        """Other work competed for the cores: with every thread in use, each parallel region then waits for
        a descheduled thread, and small sizes can read a thousand times slower."""
        return self.load_average is not None and self.load_average > self.cpu_count

    @property
    def crossover_n(self) -> int | None:
        """Smallest size from which the GPU (float32, inputs already there) beats torch on the CPU."""
        return crossover(self.cpu, self.cuda, "fp32")

    @property
    def crossover_n_with_copies(self) -> int | None:
        """The same, counting the copies to the GPU and back."""
        return crossover(self.cpu, self.cuda, COPIES)

    def to_dict(self) -> dict:
        """Return the JSON contract (``cpu``, ``cpu_peak_gflops``, ``cuda``) with the rest of the measurements."""
        return {
            "threads": self.threads,
            "dtype": "float32",
            "cpu": [
                {
                    "n": row.n,
                    "torch_gflops": row.torch_gflops,
                    "numpy_gflops": row.numpy_gflops,
                    "torch_seconds": row.torch_seconds,
                    "numpy_seconds": row.numpy_seconds,
                }
                for row in self.cpu
            ],
            "python": [{"n": row.n, "gflops": row.gflops, "seconds": row.seconds} for row in self.python],
            "cpu_peak_gflops": None if self.cpu_peak is None else self.cpu_peak.gflops,
            "cpu_peak": None if self.cpu_peak is None else self.cpu_peak.to_dict(),
            "cuda": None
            if self.cuda is None
            else [
                {"n": row.n}
                | {f"{key}_gflops": row.gflops(key) for key in (*GPU_DTYPES, COPIES)}
                | {f"{key}_seconds": row.seconds.get(key) for key in (*GPU_DTYPES, COPIES)}
                for row in self.cuda
            ],
            "gpu_name": self.gpu_name,
            "gpu_peak_tflops": self.gpu_peak_tflops,
            "crossover_n": self.crossover_n,
            "crossover_n_with_copies": self.crossover_n_with_copies,
            "no_gpu_reason": self.no_gpu_reason,
            "load_average": self.load_average,
            "cpu_count": self.cpu_count,
        }


def gflops(n: int, seconds: float) -> float:
    """Return 2n³ / seconds / 10⁹: an n × n product takes n³ multiplies and n³ adds."""
    return 2.0 * n**3 / seconds / 1e9


def python_matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    """Multiply two matrices given as lists of rows with three nested Python loops."""
    rows, inner, cols = len(a), len(b), len(b[0])
    product = [[0.0] * cols for _ in range(rows)]
    for i in range(rows):
        for j in range(cols):
            total = 0.0
            for k in range(inner):
                total += a[i][k] * b[k][j]
            product[i][j] = total
    return product


def crossover(cpu: tuple[CpuRow, ...], cuda: tuple[CudaRow, ...] | None, key: str) -> int | None:
    """Return the smallest size from which the GPU row ``key`` is faster than torch on the CPU at every
    size both measured, or None when it never is (or there is no GPU)."""
    if cuda is None:
        return None
    gpu_times = {row.n: row.seconds.get(key) for row in cuda}
    common = [row for row in cpu if gpu_times.get(row.n) is not None]
    found = None
    for row in reversed(common):
        if gpu_times[row.n] < row.torch_seconds:
            found = row.n
        else:
            break
    return found


def _median(stmt: str, names: dict, threads: int, min_run_time: float) -> float:
    timer = Timer(stmt=stmt, globals=names, num_threads=threads)
    return timer.blocked_autorange(min_run_time=min_run_time).median


def _predicted_cost(n: int, seconds_per_flop: float, min_run_time: float, runs: int) -> float:
    """Seconds blocked_autorange will take for ``runs`` statements at size n: the warm-up estimate and the
    measured block each take at least one product, and the block at least min_run_time."""
    one = 2.0 * n**3 * seconds_per_flop
    return runs * (one + max(one, min_run_time)) + BLAS_SETTLE


def _time_python(threads: int, min_run_time: float) -> tuple[PythonRow, ...]:
    rows = []
    generator = np.random.default_rng(0)
    for n in PYTHON_SIZES:
        a = generator.standard_normal((n, n)).tolist()
        b = generator.standard_normal((n, n)).tolist()
        seconds = _median("python_matmul(a, b)", {"python_matmul": python_matmul, "a": a, "b": b}, threads,
                          min_run_time)
        rows.append(PythonRow(n=n, seconds=seconds))
    return tuple(rows)


def _sizes(max_n: int) -> Iterator[int]:
    n = FIRST_SIZE
    while n <= max_n:
        yield n
        n *= 2


def _time_cpu(budget: float, max_n: int, threads: int, min_run_time: float,
              progress: Callable[[str], None]) -> tuple[CpuRow, ...]:
    started = time.perf_counter()
    rows: list[CpuRow] = []
    generator = torch.Generator().manual_seed(0)
    for n in _sizes(max_n):
        if rows:
            last = rows[-1]
            per_flop = max(last.torch_seconds, last.numpy_seconds) / (2.0 * last.n**3)
            if time.perf_counter() - started + _predicted_cost(n, per_flop, min_run_time, 2) > budget:
                break
        progress(f"CPU: n = {n}")
        a = torch.randn(n, n, generator=generator)
        b = torch.randn(n, n, generator=generator)
        a_np, b_np = a.numpy().copy(), b.numpy().copy()
        torch_seconds = _median("torch.matmul(a, b)", {"torch": torch, "a": a, "b": b}, threads, min_run_time)
        numpy_seconds = _median("np.matmul(a, b)", {"np": np, "a": a_np, "b": b_np}, threads, min_run_time)
        time.sleep(BLAS_SETTLE)
        rows.append(CpuRow(n=n, torch_seconds=torch_seconds, numpy_seconds=numpy_seconds))
    return tuple(rows)


@contextmanager
def fp32_matmul_precision(mode: str) -> Iterator[None]:
    """Set CUDA float32 matmuls to ``"ieee"`` or ``"tf32"`` for the block, then restore the setting."""
    matmul = torch.backends.cuda.matmul
    try:
        previous = matmul.fp32_precision
    except AttributeError:
        # torch before 2.9 has only the boolean switch.
        previous_flag = matmul.allow_tf32
        matmul.allow_tf32 = mode == "tf32"
        try:
            yield
        finally:
            matmul.allow_tf32 = previous_flag
        return
    matmul.fp32_precision = mode
    try:
        yield
    finally:
        matmul.fp32_precision = previous


def _time_cuda(budget: float, max_n: int, threads: int, min_run_time: float,
               progress: Callable[[str], None]) -> tuple[CudaRow, ...]:
    started = time.perf_counter()
    device = torch.device("cuda")
    dtypes = {"fp32": torch.float32, "tf32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
    supported = {key: key != "bf16" or torch.cuda.is_bf16_supported() for key in dtypes}
    rows: list[CudaRow] = []
    generator = torch.Generator().manual_seed(0)
    for n in _sizes(max_n):
        if rows:
            last = rows[-1]
            per_flop = max(s for s in last.seconds.values() if s is not None) / (2.0 * last.n**3)
            if time.perf_counter() - started + _predicted_cost(n, per_flop, min_run_time, 5) > budget:
                break
        progress(f"GPU: n = {n}")
        a_host = torch.randn(n, n, generator=generator)
        b_host = torch.randn(n, n, generator=generator)
        seconds: dict[str, float | None] = {}
        for key, dtype in dtypes.items():
            if not supported[key]:
                seconds[key] = None
                continue
            a, b = a_host.to(device, dtype), b_host.to(device, dtype)
            with fp32_matmul_precision("tf32" if key == "tf32" else "ieee"):
                seconds[key] = _median("torch.matmul(a, b)", {"torch": torch, "a": a, "b": b}, threads,
                                       min_run_time)
            del a, b
        with fp32_matmul_precision("ieee"):
            seconds[COPIES] = _median(
                "torch.matmul(a.to(device), b.to(device)).cpu()",
                {"torch": torch, "a": a_host, "b": b_host, "device": device},
                threads,
                min_run_time,
            )
        rows.append(CudaRow(n=n, seconds=seconds))
        torch.cuda.empty_cache()
    return tuple(rows)


def compute(*, budget: float, max_n: int, progress: Callable[[str], None] | None = None) -> MatmulResult:
    """Time matrix multiplies on the CPU (and the GPU when torch sees one) within ``budget`` seconds each.

    Args:
        budget: seconds of timing per device (the first size is always timed).
        max_n: largest matrix size tried.
        progress: called with a short line before each size (the app shows it); optional.
    """
    report = progress or (lambda line: None)
    threads = torch.get_num_threads()
    # A few dozen blocks per budget, at least 20 ms each so the timer's own cost stays negligible.
    min_run_time = max(0.02, budget / 60)
    report("pure Python")
    python = _time_python(threads, min_run_time)
    cpu = _time_cpu(budget, max_n, threads, min_run_time, report)
    if torch.cuda.is_available():
        name = torch.cuda.get_device_name()
        cuda = _time_cuda(budget, max_n, threads, min_run_time, report)
        reason = None
    else:
        name, cuda = None, None
        reason = "torch.cuda.is_available() is False"
        if torch.version.cuda is None:
            reason += f" (this torch {torch.__version__} is a CPU-only build)"
    return MatmulResult(
        threads=threads,
        python=python,
        cpu=cpu,
        cpu_peak=read_cpu_peak(),
        gpu_name=name,
        gpu_peak_tflops=None if name is None else gpu_peak_tflops(name),
        cuda=cuda,
        no_gpu_reason=reason,
        load_average=os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        cpu_count=os.cpu_count() or 1,
    )
