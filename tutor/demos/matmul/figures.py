"""What the matmul demo draws: GFLOP/s against size for every engine, the roofline, and the tables behind them.

Shared by the terminal renderer and the Textual view: the plots are charts (data), drawn by either.
"""

import math
from rich.console import Group
from rich.table import Table
from rich.text import Text

from tutor.demos.charts import Chart, Curve, Ticks, log10, log_ticks
from tutor.demos.matmul.compute import COPIES, GPU_DTYPES, TRANSFERS, MatmulResult

GPU_COLORS = {"fp32": "blue", "tf32": "cyan", "bf16": "magenta", "fp16": "red", COPIES: "white"}
"""Plot colour of each GPU row."""

ROOF_COLORS = {("cpu", "fp32"): "orange", **{("gpu", key): GPU_COLORS[key] for key in GPU_DTYPES}}
"""Plot colour of each roofline."""


def rates_chart(result: MatmulResult) -> Chart:
    """log10 GFLOP/s against log2 n for Python, NumPy, torch on the CPU and each GPU row."""
    series: list[tuple[str, str, list[int], list[float]]] = [
        ("python", "yellow", [row.n for row in result.python], [row.gflops for row in result.python]),
    ]
    for label, color, attribute in (("numpy", "green", "numpy_gflops"), ("torch cpu", "orange", "torch_gflops")):
        rows = [row for row in result.cpu if getattr(row, attribute) is not None]
        series.append((label, color, [row.n for row in rows], [getattr(row, attribute) for row in rows]))
    for key in (*GPU_DTYPES, COPIES):
        rows = [row for row in result.cuda or () if row.gflops(key) is not None]
        if rows:
            series.append((f"cuda {key}", GPU_COLORS[key], [row.n for row in rows], [row.gflops(key) for row in rows]))
    series = [entry for entry in series if entry[2]]
    values = [value for _, _, _, ys in series for value in ys]
    curves = tuple(Curve([math.log2(n) for n in ns], log10(ys), color, label) for label, color, ns, ys in series)
    sizes = sorted({n for _, _, ns, _ in series for n in ns})
    return Chart(
        title="每秒浮点运算 GFLOP/s = 2n³/t (log scale) against matrix size n",
        curves=curves,
        xlabel="n",
        xticks=Ticks([math.log2(n) for n in sizes], [str(n) for n in sizes]),
        yticks=log_ticks(min(values), max(values)),
    )


def roofline_chart(result: MatmulResult) -> Chart:
    """Each device's roofline (log10 GFLOP/s against log10 flops per byte) and the timed sizes on it."""
    roofs = result.roofs
    intensities = [ai for roof in roofs for _, ai, _ in roof.points]
    ridges = [roof.ridge_intensity for roof in roofs if roof.ridge_intensity is not None]
    low = min(intensities + ridges) / 2
    high = max(intensities + ridges) * 2
    xs = [low * (high / low) ** (step / 40) for step in range(41)]
    values = []
    curves = []
    for roof in roofs:
        color = ROOF_COLORS[(roof.device, roof.dtype)]
        ceiling = [roof.ceiling(x) for x in xs]
        curves.append(Curve(log10(xs), log10(ceiling), color, f"{roof.device} {roof.dtype} roof"))
        curves.append(Curve(log10([ai for _, ai, _ in roof.points]), log10([rate for _, _, rate in roof.points]),
                            color, joined=False))
        values += ceiling + [rate for _, _, rate in roof.points]
    ticks = range(math.floor(math.log10(low)), math.ceil(math.log10(high)) + 1)
    return Chart(
        title="屋顶线 roofline: GFLOP/s against flop/byte; dots: the sizes timed",
        curves=tuple(curves),
        xlabel="算术强度 arithmetic intensity (flop/byte)",
        xticks=Ticks([float(t) for t in ticks], [f"1e{t}" for t in ticks]),
        yticks=log_ticks(min(values), max(values)),
    )


def summary(result: MatmulResult) -> Group:
    """Threads, the CPU peak's parts, the GPU (or why there is none), per dtype the best rate and its share of
    the dense peak, the crossovers, the budget spent and any warning."""
    lines = [Text(f"torch.utils.benchmark.Timer with num_threads={result.threads} (torch.get_num_threads()); "
                  f"CPU timings took {result.cpu_spent:.1f} s of a {result.budget:g} s budget")]
    peak = result.cpu_peak
    if peak is None:
        lines.append(Text("CPU peak: unknown (no fma flag or no clock in /proc/cpuinfo)"))
    else:
        lines.append(Text(
            f"CPU peak (float32): {peak.cores} cores × {peak.ghz:.3g} GHz ({peak.clock_source}) × {peak.fma_units} FMA "
            f"units (assumed) × {peak.lanes} lanes × 2 = {peak.gflops:.1f} GFLOP/s"
        ))
    rates = [rate for row in result.cpu for rate in (row.torch_gflops, row.numpy_gflops) if rate is not None]
    best_cpu = max(rates, default=0.0)
    if peak is not None and best_cpu > peak.gflops:
        # Seen in virtual machines: cpu MHz is the nominal clock and the cores boost above it.
        implied = best_cpu / (peak.cores * peak.fma_units * peak.lanes * 2)
        lines.append(Text(
            f"The best run ({best_cpu:.1f} GFLOP/s) beats this estimate: the cores ran at {implied:.2f} GHz or more, "
            f"above the {peak.ghz:.3g} GHz that /proc/cpuinfo reports (boost clock).",
            style="yellow",
        ))
    if result.python and rates:
        lines.append(Text(f"pure Python → best BLAS: ×{best_cpu / result.python[-1].gflops:,.0f}"))
    if result.cuda is None:
        message = f"No CUDA GPU on this machine ({result.no_gpu_reason}): CPU results only."
        lines.append(Text(message, style="bold yellow"))
    else:
        lines.append(Text(
            f"GPU: {result.gpu_name}; warm-up {result.gpu_warmup_seconds:.1f} s (outside the budget), "
            f"timings {result.gpu_spent:.1f} s of {result.budget:g} s"
        ))
        for key in (*GPU_DTYPES, COPIES):
            best = result.best(key)
            if best is None:
                continue
            n, rate = best
            share = result.peak_share(key, rate)
            of_peak = "" if share is None else f", {100 * share:.0f}% of the dense peak"
            lines.append(Text(f"  {key:>16}: {rate / 1e3:,.1f} TFLOP/s at n = {n}{of_peak}"))
        lines.append(Text(
            f"GPU beats torch on the CPU from n = {_size(result.crossover_n)} (inputs already on the GPU), "
            f"from n = {_size(result.crossover_n_with_copies)} counting the copies there and back"
        ))
    if result.busy:
        lines.append(Text(
            f"Warning: the machine was busy (load {result.load_average:.1f} on {result.cpu_count} CPUs); with every "
            "thread in use each parallel region waits for descheduled threads, so these times read high.",
            style="bold red",
        ))
    return Group(*lines)


def _size(n: int | None) -> str:
    return "— (not within the sizes timed)" if n is None else str(n)


def _percent(gflops: float | None, peak_gflops: float | None) -> str:
    if gflops is None or not peak_gflops:
        return ""
    return f" ({100 * gflops / peak_gflops:.0f}%)"


def _rate(gflops: float | None, peak_gflops: float | None) -> str:
    return "" if gflops is None else f"{gflops:.3g}{_percent(gflops, peak_gflops)}"


def cpu_table(result: MatmulResult) -> Table:
    """GFLOP/s of torch and NumPy (and the share of the CPU's peak) per size, Python's beside it."""
    peak = None if result.cpu_peak is None else result.cpu_peak.gflops
    table = Table(title="CPU, float32: GFLOP/s (share of peak)")
    table.add_column("n", justify="right")
    table.add_column("pure Python", justify="right")
    table.add_column("NumPy", justify="right")
    table.add_column("torch", justify="right")
    table.add_column("torch / NumPy time", justify="right")
    python = {row.n: row for row in result.python}
    cpu = {row.n: row for row in result.cpu}
    for n in sorted({*python, *cpu}):
        row = cpu.get(n)
        py = f"{python[n].gflops:.3g}" if n in python else ""
        if row is None:
            table.add_row(str(n), py, "", "", "")
            continue
        both = row.torch_seconds is not None and row.numpy_seconds is not None
        table.add_row(
            str(n),
            py,
            _rate(row.numpy_gflops, peak),
            _rate(row.torch_gflops, peak),
            f"{row.torch_seconds / row.numpy_seconds:.2f}" if both else "",
        )
    return table


def gpu_table(result: MatmulResult) -> Table | None:
    """GFLOP/s per GPU row and size, with the share of the dense peak, and the copies' GB/s; None without a GPU."""
    if result.cuda is None:
        return None
    peaks = result.gpu_peak_tflops or {}
    table = Table(title=f"{result.gpu_name}: GFLOP/s (share of dense peak)",
                  caption="tf32 is switched on for its row only; copies: both inputs to the GPU and the product "
                  "back (float32, pageable); the last column adds them to the fp32 product. Empty: not timed "
                  "at that size (skipped while latency-bound, or past the budget)")
    table.add_column("n", justify="right")
    for key in (*GPU_DTYPES, TRANSFERS, COPIES):
        table.add_column("copies GB/s" if key == TRANSFERS else key, justify="right")
    for row in result.cuda:
        cells = []
        for key in (*GPU_DTYPES, COPIES):
            value = row.gflops(key)
            peak = peaks.get("fp32" if key == COPIES else key)
            peak_gflops = None if peak is None else peak * 1e3
            supported = key == COPIES or key in row.seconds
            cells.append("n/a" if not supported else "" if value is None else f"{value:,.0f}{_percent(value, peak_gflops)}")
        copies = row.copy_gbps
        cells.insert(len(GPU_DTYPES), "" if copies is None else f"{copies:.1f}")
        table.add_row(str(row.n), *cells)
    return table


def roofline_table(result: MatmulResult) -> Table:
    """Per device and dtype: measured bandwidth, peak, the ridge (intensity and size), and the largest size
    timed with its intensity and share of the roofline's ceiling there."""
    table = Table(title="Roofline: below the ridge a product is memory-bound, above it compute-bound",
                  caption="intensity of an n × n product = 2n³ / (3n² × bytes per element); GB/s: measured "
                  "memory bandwidth, from one large copy on the device; top n: the largest size timed")
    for header in ("device", "GB/s", "peak GFLOP/s", "ridge flop/B", "ridge n", "top n", "flop/B",
                   "GFLOP/s (of roof)"):
        # Folded, never cut with an ellipsis, where the table is narrower than its words (the app's side pane).
        table.add_column(header, justify="left" if header == "device" else "right", overflow="fold")
    for roof in result.roofs:
        peak = "unknown" if roof.peak_gflops is None else f"{roof.peak_gflops:,.0f}"
        ridge = "" if roof.ridge_intensity is None else f"{roof.ridge_intensity:,.1f}"
        ridge_n = "" if roof.ridge_n is None else f"{roof.ridge_n:,.0f}"
        cells = ["", "", ""]
        if roof.points:
            n, ai, rate = roof.points[-1]
            cells = [str(n), f"{ai:,.0f}", f"{rate:,.0f}{_percent(rate, roof.ceiling(ai))}"]
        table.add_row(f"{roof.device} {roof.dtype}", f"{roof.bandwidth_gbps:,.1f}", peak, ridge, ridge_n, *cells)
    return table
