"""Matrix multiply timing: pure Python, NumPy and torch on the CPU, torch on a CUDA GPU, and the roofline.

Every size n multiplies two n × n matrices; GFLOP/s = 2n³ / t / 10⁹ with t the time of one product. The
sizes and repetitions come from ``planner.plan`` within a budget per device: each series climbs from n = 64,
its next size predicted from its own times, and is timed only as often as its size needs.

CPU: torch.utils.benchmark.Timer, given ``num_threads=torch.get_num_threads()`` (the Timer runs on one
thread unless told; NumPy's BLAS keeps its own pool, which uses every core). GPU: CUDA context, cuBLAS
handles and one product per dtype are warmed up before the budget starts; each product is then timed alone
between two CUDA events and the median kept. The rows are float32 (IEEE, TF32 off), TF32 (on for its row
only), bfloat16 and float16, and the copies a product needs from and to the host (both inputs there, the
product back, float32 from pageable memory); "fp32 with copies" adds them to the float32 product.
Memory bandwidth, for the roofline, is measured by one large copy on each device.
"""

import os
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch.utils.benchmark import Timer

from tutor.demos.matmul import planner, roofline
from tutor.demos.matmul.peaks import CpuPeak, gpu_peak_tflops, read_cpu_peak

PYTHON_SIZES = (16, 32, 64)
"""Sizes of the pure-Python triple loop (n = 64 takes a few tenths of a second)."""

PYTHON_MIN_RUN_S = 0.05
"""Timer.blocked_autorange's least block for the pure-Python loop (outside the budget: a second at most)."""

FIRST_SIZE = planner.FIRST_SIZE
"""Smallest size timed by NumPy and torch."""

GPU_DTYPES = ("fp32", "tf32", "bf16", "fp16")
"""The GPU's product rows."""

TRANSFERS = "copies"
"""Key of the GPU row that times the copies of both inputs to the GPU and of the product back."""

COPIES = "fp32_with_copies"
"""Key of the derived row: the float32 product plus its copies."""

CPU_SERIES = ("torch", "numpy")
"""The CPU's rows."""

BLAS_SETTLE = 0.2
"""Seconds to wait after timing NumPy. OpenBLAS's worker threads keep spinning for about 0.1 s after a call,
waiting for more work; torch timed in that window finds its cores taken and reads up to ten times slower."""

GPU_MEMORY_SHARE = 0.8
"""Share of the GPU's free memory a size's three matrices may take."""

BANDWIDTH_REPETITIONS = 5
"""Timed copies of each bandwidth measurement (the median is kept)."""

_TORCH_DTYPES = {"fp32": torch.float32, "tf32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}


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
    """torch and NumPy on the CPU at one size (None where the planner did not time that series there)."""

    n: int
    """Matrix size."""
    torch_seconds: float | None
    """Mean time of torch.matmul."""
    numpy_seconds: float | None
    """Mean time of numpy.matmul."""

    @property
    def torch_gflops(self) -> float | None:
        """2n³ / t / 10⁹ for torch."""
        return None if self.torch_seconds is None else gflops(self.n, self.torch_seconds)

    @property
    def numpy_gflops(self) -> float | None:
        """2n³ / t / 10⁹ for NumPy."""
        return None if self.numpy_seconds is None else gflops(self.n, self.numpy_seconds)


@dataclass(frozen=True)
class CudaRow:
    """torch on the GPU at one size."""

    n: int
    """Matrix size."""
    seconds: dict[str, float | None]
    """Median time per row key (GPU_DTYPES and TRANSFERS); None where not timed at this size, no key for a
    dtype the GPU does not support."""

    def time(self, key: str) -> float | None:
        """Seconds of one row key, COPIES included (the float32 product plus the copies), None where not timed."""
        if key == COPIES:
            product, copies = self.seconds.get("fp32"), self.seconds.get(TRANSFERS)
            return None if product is None or copies is None else product + copies
        return self.seconds.get(key)

    def gflops(self, key: str) -> float | None:
        """2n³ / t / 10⁹ for a product row or COPIES, None where not timed."""
        seconds = None if key == TRANSFERS else self.time(key)
        return None if seconds is None else gflops(self.n, seconds)

    @property
    def copy_gbps(self) -> float | None:
        """GB/s of the copies: 3n² float32 values (two inputs in, the product out) over their time."""
        seconds = self.seconds.get(TRANSFERS)
        return None if seconds is None else 3 * 4 * self.n**2 / seconds / 1e9


@dataclass(frozen=True)
class Roof:
    """One device and dtype on the roofline: its ceiling and where each timed size lands."""

    device: str
    """``cpu`` or ``gpu``."""
    dtype: str
    """``fp32``, ``tf32``, ``bf16`` or ``fp16``."""
    peak_gflops: float | None
    """Dense peak, None where unknown."""
    bandwidth_gbps: float
    """Measured memory bandwidth, GB/s."""
    points: tuple[tuple[int, float, float], ...]
    """(n, flops per byte, GFLOP/s reached) per timed size."""

    @property
    def ridge_intensity(self) -> float | None:
        """Flops per byte where bandwidth × intensity meets the peak."""
        return None if self.peak_gflops is None else roofline.ridge_intensity(self.peak_gflops, self.bandwidth_gbps)

    @property
    def ridge_n(self) -> float | None:
        """The size whose intensity is the ridge's: smaller products are memory-bound."""
        if self.peak_gflops is None:
            return None
        return roofline.ridge_size(self.peak_gflops, self.bandwidth_gbps, roofline.BYTES_PER_ELEMENT[self.dtype])

    def ceiling(self, flops_per_byte: float) -> float:
        """GFLOP/s the roofline allows at an intensity (the bandwidth line alone where the peak is unknown)."""
        peak = float("inf") if self.peak_gflops is None else self.peak_gflops
        return roofline.attainable(flops_per_byte, peak, self.bandwidth_gbps)

    def to_dict(self) -> dict:
        """Plain dict for the JSON output."""
        return {
            "device": self.device,
            "dtype": self.dtype,
            "peak_gflops": self.peak_gflops,
            "bandwidth_gbps": self.bandwidth_gbps,
            "ridge_intensity": self.ridge_intensity,
            "ridge_n": self.ridge_n,
            "points": [{"n": n, "intensity": ai, "gflops": rate, "ceiling_gflops": self.ceiling(ai)}
                       for n, ai, rate in self.points],
        }


@dataclass(frozen=True)
class MatmulResult:
    """Everything the matmul demo measured."""

    threads: int
    """torch's intra-op threads, given to every Timer."""
    budget: float
    """Seconds of timing allowed per device."""
    python: tuple[PythonRow, ...]
    """The pure-Python triple loop."""
    cpu: tuple[CpuRow, ...]
    """torch and NumPy on the CPU, by growing size."""
    cpu_spent: float
    """Seconds the CPU's timings took (the budget is spent on these)."""
    cpu_bandwidth_gbps: float
    """The CPU's memory bandwidth, GB/s, from a copy of roofline.CPU_COPY_BYTES."""
    cpu_peak: CpuPeak | None
    """The CPU's float32 peak, None when it cannot be read."""
    gpu_name: str | None
    """torch.cuda.get_device_name(), None without a GPU."""
    gpu_peak_tflops: dict[str, float] | None
    """Dense peak TFLOP/s per dtype, None for an unknown GPU or none."""
    cuda: tuple[CudaRow, ...] | None
    """GPU rows by growing size, None without a GPU."""
    gpu_spent: float | None
    """Seconds the GPU's timings took, None without a GPU."""
    gpu_warmup_seconds: float | None
    """Seconds of the warm-up before the GPU's budget (context, cuBLAS handles, one product per dtype)."""
    gpu_bandwidth_gbps: float | None
    """The GPU's memory bandwidth, GB/s, from a device-to-device copy of roofline.GPU_COPY_BYTES."""
    gpu_stopped: dict[str, str] | None
    """Why each GPU row stopped climbing (see planner.Plan.stopped)."""
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

    def _cpu_points(self, series: str) -> list[tuple[int, float]]:
        return [(row.n, getattr(row, f"{series}_seconds")) for row in self.cpu
                if getattr(row, f"{series}_seconds") is not None]

    def _gpu_points(self, key: str) -> list[tuple[int, float]]:
        return [(row.n, row.seconds[key]) for row in self.cuda or () if row.seconds.get(key) is not None]

    @property
    def crossover_n(self) -> int | None:
        """Smallest size from which the GPU (float32, inputs already there) beats torch on the CPU."""
        if self.cuda is None:
            return None
        return planner.crossover([self._cpu_points("torch")], [self._gpu_points("fp32")])

    @property
    def crossover_n_with_copies(self) -> int | None:
        """The same, counting the copies to the GPU and back."""
        if self.cuda is None:
            return None
        return planner.crossover([self._cpu_points("torch")], [self._gpu_points("fp32"), self._gpu_points(TRANSFERS)])

    def best(self, key: str) -> tuple[int, float] | None:
        """The GPU row's fastest size and its GFLOP/s, None where never timed."""
        rates = [(row.gflops(key), row.n) for row in self.cuda or () if row.gflops(key) is not None]
        if not rates:
            return None
        rate, n = max(rates)
        return n, rate

    def peak_share(self, key: str, gflops_value: float) -> float | None:
        """``gflops_value`` as a share of the GPU row's dense peak (float32's for COPIES), None where unknown."""
        peak = (self.gpu_peak_tflops or {}).get("fp32" if key == COPIES else key)
        return None if not peak else gflops_value / (peak * 1e3)

    @property
    def roofs(self) -> tuple[Roof, ...]:
        """The CPU's float32 roofline (torch's sizes) and, with a GPU, one per dtype."""
        cpu_peak = None if self.cpu_peak is None else self.cpu_peak.gflops
        roofs = [Roof(
            device="cpu", dtype="fp32", peak_gflops=cpu_peak, bandwidth_gbps=self.cpu_bandwidth_gbps,
            points=tuple((row.n, roofline.intensity(row.n, 4), row.torch_gflops) for row in self.cpu
                         if row.torch_gflops is not None),
        )]
        if self.cuda is not None and self.gpu_bandwidth_gbps is not None:
            for key in GPU_DTYPES:
                peak = (self.gpu_peak_tflops or {}).get(key)
                points = tuple((row.n, roofline.intensity(row.n, roofline.BYTES_PER_ELEMENT[key]), row.gflops(key))
                               for row in self.cuda if row.gflops(key) is not None)
                if points:
                    roofs.append(Roof(device="gpu", dtype=key, peak_gflops=None if peak is None else peak * 1e3,
                                      bandwidth_gbps=self.gpu_bandwidth_gbps, points=points))
        return tuple(roofs)

    def to_dict(self) -> dict:
        """Return the JSON contract (``cpu``, ``cpu_peak_gflops``, ``cuda``) with the rest of the measurements."""
        keys = (*GPU_DTYPES, TRANSFERS, COPIES)
        return {
            "threads": self.threads,
            "budget": self.budget,
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
            "cpu_spent": self.cpu_spent,
            "cpu_bandwidth_gbps": self.cpu_bandwidth_gbps,
            "python": [{"n": row.n, "gflops": row.gflops, "seconds": row.seconds} for row in self.python],
            "cpu_peak_gflops": None if self.cpu_peak is None else self.cpu_peak.gflops,
            "cpu_peak": None if self.cpu_peak is None else self.cpu_peak.to_dict(),
            "cuda": None
            if self.cuda is None
            else [
                {"n": row.n, "copies_gbps": row.copy_gbps}
                | {f"{key}_gflops": row.gflops(key) for key in keys if key != TRANSFERS}
                | {f"{key}_seconds": row.time(key) for key in keys}
                for row in self.cuda
            ],
            "gpu_name": self.gpu_name,
            "gpu_peak_tflops": self.gpu_peak_tflops,
            "gpu_spent": self.gpu_spent,
            "gpu_warmup_seconds": self.gpu_warmup_seconds,
            "gpu_bandwidth_gbps": self.gpu_bandwidth_gbps,
            "gpu_stopped": self.gpu_stopped,
            "gpu_best": None if self.cuda is None else {
                key: None if (best := self.best(key)) is None else
                {"n": best[0], "gflops": best[1], "peak_share": self.peak_share(key, best[1])}
                for key in (*GPU_DTYPES, COPIES)
            },
            "crossover_n": self.crossover_n,
            "crossover_n_with_copies": self.crossover_n_with_copies,
            "roofline": [roof.to_dict() for roof in self.roofs],
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


def _time_python(threads: int) -> tuple[PythonRow, ...]:
    rows = []
    generator = np.random.default_rng(0)
    for n in PYTHON_SIZES:
        a = generator.standard_normal((n, n)).tolist()
        b = generator.standard_normal((n, n)).tolist()
        timer = Timer(stmt="python_matmul(a, b)", globals={"python_matmul": python_matmul, "a": a, "b": b},
                      num_threads=threads)
        rows.append(PythonRow(n=n, seconds=timer.blocked_autorange(min_run_time=PYTHON_MIN_RUN_S).median))
    return tuple(rows)


def _cpu_measure(threads: int) -> planner.Measure:
    """measure(key, n, runs) for the planner: torch or NumPy on the CPU, timed by Timer.timeit(runs)."""
    generator = torch.Generator().manual_seed(0)

    def measure(key: str, n: int, runs: int) -> tuple[float, float]:
        started = time.perf_counter()
        a = torch.randn(n, n, generator=generator)
        b = torch.randn(n, n, generator=generator)
        if key == "torch":
            timer = Timer("torch.matmul(a, b)", globals={"torch": torch, "a": a, "b": b}, num_threads=threads)
        else:
            timer = Timer("np.matmul(a, b)", globals={"np": np, "a": a.numpy(), "b": b.numpy()}, num_threads=threads)
        seconds = timer.timeit(runs).mean
        return seconds, time.perf_counter() - started

    return measure


def _time_cpu(budget: float, max_n: int, threads: int, progress: Callable[[str], None]) -> tuple[tuple[CpuRow, ...], float]:
    measure = _cpu_measure(threads)

    def reported(key: str, n: int, runs: int) -> tuple[float, float]:
        progress(f"CPU {key}: n = {n}")
        return measure(key, n, runs)

    # torch and NumPy one after the other, half the budget each: interleaved, every torch timing would
    # have to wait BLAS_SETTLE for NumPy's spinning threads.
    plans = {}
    for key in CPU_SERIES:
        plans[key] = planner.plan([planner.Series(key, 3)], reported, budget=budget / 2, max_n=max_n)
        if key == "numpy":
            time.sleep(BLAS_SETTLE)
    by_size: dict[int, dict[str, float]] = {}
    for key, plan in plans.items():
        for timing in plan.timings[key]:
            by_size.setdefault(timing.n, {})[key] = timing.seconds
    rows = tuple(CpuRow(n=n, torch_seconds=times.get("torch"), numpy_seconds=times.get("numpy"))
                 for n, times in sorted(by_size.items()))
    return rows, sum(plan.spent for plan in plans.values())


def _cpu_bandwidth(threads: int) -> float:
    """GB/s of a copy of CPU_COPY_BYTES between two float32 tensors, with every torch thread."""
    source = torch.ones(roofline.CPU_COPY_BYTES // 4)
    target = torch.empty_like(source)
    timer = Timer("target.copy_(source)", globals={"target": target, "source": source}, num_threads=threads)
    seconds = timer.timeit(BANDWIDTH_REPETITIONS).mean
    return roofline.copy_bandwidth(roofline.CPU_COPY_BYTES, seconds) / 1e9


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


def cuda_event_median(operation: Callable[[], object], runs: int) -> float:
    """Return the median seconds of ``runs`` calls of ``operation``, each between two CUDA events, after
    planner.WARM_UP_RUNS untimed calls."""
    for _ in range(planner.WARM_UP_RUNS):
        operation()
    pairs = [(torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)) for _ in range(runs)]
    for start, end in pairs:
        start.record()
        operation()
        end.record()
    torch.cuda.synchronize()
    return statistics.median(start.elapsed_time(end) for start, end in pairs) / 1e3


def _gpu_supported() -> dict[str, bool]:
    return {key: key != "bf16" or torch.cuda.is_bf16_supported() for key in GPU_DTYPES}


def _warm_up_cuda() -> float:
    """Create the CUDA context and cuBLAS handles and run one product per dtype; return the seconds it took."""
    started = time.perf_counter()
    device = torch.device("cuda")
    for key, supported in _gpu_supported().items():
        if not supported:
            continue
        a = torch.ones(256, 256, device=device, dtype=_TORCH_DTYPES[key])
        with fp32_matmul_precision("tf32" if key == "tf32" else "ieee"):
            torch.matmul(a, a)
    torch.ones(256, 256).to(device).cpu()
    torch.cuda.synchronize()
    return time.perf_counter() - started


def _cuda_measure() -> planner.Measure:
    """measure(key, n, runs) for the planner: one GPU row at one size, timed with CUDA events."""
    device = torch.device("cuda")
    generator = torch.Generator(device=device).manual_seed(0)

    def measure(key: str, n: int, runs: int) -> tuple[float, float] | None:
        started = time.perf_counter()
        dtype = _TORCH_DTYPES.get(key, torch.float32)
        needed = 3 * n * n * dtype.itemsize
        if needed > GPU_MEMORY_SHARE * torch.cuda.mem_get_info()[0]:
            # The caching allocator may hold the smaller sizes' blocks: hand them back and look again.
            torch.cuda.empty_cache()
            if needed > GPU_MEMORY_SHARE * torch.cuda.mem_get_info()[0]:
                return None
        if key == TRANSFERS:
            a, b = torch.ones(n, n), torch.ones(n, n)
            product = torch.empty(n, n, device=device)

            def operation() -> None:
                a.to(device)
                b.to(device)
                product.cpu()

            seconds = cuda_event_median(operation, runs)
        else:
            a = torch.randn(n, n, device=device, dtype=dtype, generator=generator)
            b = torch.randn(n, n, device=device, dtype=dtype, generator=generator)
            out = torch.empty(n, n, device=device, dtype=dtype)
            with fp32_matmul_precision("tf32" if key == "tf32" else "ieee"):
                seconds = cuda_event_median(lambda: torch.matmul(a, b, out=out), runs)
        return seconds, time.perf_counter() - started

    return measure


def _gpu_bandwidth() -> float:
    """GB/s of a device-to-device copy of GPU_COPY_BYTES."""
    source = torch.ones(roofline.GPU_COPY_BYTES // 4, device="cuda")
    target = torch.empty_like(source)
    seconds = cuda_event_median(lambda: target.copy_(source), BANDWIDTH_REPETITIONS)
    return roofline.copy_bandwidth(roofline.GPU_COPY_BYTES, seconds) / 1e9


def _time_cuda(budget: float, max_n: int, progress: Callable[[str], None]) -> tuple[tuple[CudaRow, ...], planner.Plan]:
    measure = _cuda_measure()
    supported = _gpu_supported()

    def reported(key: str, n: int, runs: int) -> tuple[float, float] | None:
        progress(f"GPU {key}: n = {n}")
        return measure(key, n, runs)

    series = [planner.Series(key, 3) for key in GPU_DTYPES if supported[key]] + [planner.Series(TRANSFERS, 2)]
    plan = planner.plan(series, reported, budget=budget, max_n=max_n)
    sizes = sorted({timing.n for timings in plan.timings.values() for timing in timings})
    rows = []
    for n in sizes:
        # A dtype the GPU lacks has no key at all ("n/a"); None is "not timed at this size".
        seconds: dict[str, float | None] = {}
        for key, timings in plan.timings.items():
            seconds[key] = next((timing.seconds for timing in timings if timing.n == n), None)
        rows.append(CudaRow(n=n, seconds=seconds))
    torch.cuda.empty_cache()
    return tuple(rows), plan


def compute(*, budget: float, max_n: int, progress: Callable[[str], None] | None = None) -> MatmulResult:
    """Time matrix multiplies on the CPU (and the GPU when torch sees one) within ``budget`` seconds each.

    Args:
        budget: seconds of timing per device; the CUDA warm-up, the pure-Python loop and the bandwidth
            copies are outside it, and the first size of each series is always timed.
        max_n: largest matrix size tried.
        progress: called with a short line before each size (the app shows it); optional.
    """
    report = progress or (lambda line: None)
    threads = torch.get_num_threads()
    report("pure Python")
    python = _time_python(threads)
    cpu, cpu_spent = _time_cpu(budget, max_n, threads, report)
    report("CPU memory bandwidth")
    cpu_bandwidth = _cpu_bandwidth(threads)
    name = cuda = gpu_spent = warmup = gpu_bandwidth = stopped = reason = None
    if torch.cuda.is_available():
        name = torch.cuda.get_device_name()
        report("GPU warm-up (CUDA context, cuBLAS)")
        warmup = _warm_up_cuda()
        cuda, plan = _time_cuda(budget, max_n, report)
        gpu_spent, stopped = plan.spent, plan.stopped
        report("GPU memory bandwidth")
        gpu_bandwidth = _gpu_bandwidth()
    else:
        reason = "torch.cuda.is_available() is False"
        if torch.version.cuda is None:
            reason += f" (this torch {torch.__version__} is a CPU-only build)"
    return MatmulResult(
        threads=threads,
        budget=budget,
        python=python,
        cpu=cpu,
        cpu_spent=cpu_spent,
        cpu_bandwidth_gbps=cpu_bandwidth,
        cpu_peak=read_cpu_peak(),
        gpu_name=name,
        gpu_peak_tflops=None if name is None else gpu_peak_tflops(name),
        cuda=cuda,
        gpu_spent=gpu_spent,
        gpu_warmup_seconds=warmup,
        gpu_bandwidth_gbps=gpu_bandwidth,
        gpu_stopped=stopped,
        no_gpu_reason=reason,
        load_average=os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        cpu_count=os.cpu_count() or 1,
    )
