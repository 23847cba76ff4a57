"""What the matmul demo draws: GFLOP/s against size for every engine, and the tables behind it.

Shared by the terminal renderer and the Textual view; the plot function draws on any plotext figure.
"""

import math
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text

from tutor.demos.charts import log10, log_ticks
from tutor.demos.matmul.compute import COPIES, GPU_DTYPES, MatmulResult

GPU_COLORS = {"fp32": "blue", "tf32": "cyan", "bf16": "magenta", "fp16": "red", COPIES: "white"}
"""Plot colour of each GPU row."""


def draw_rates(figure: Any, result: MatmulResult) -> None:
    """Draw log10 GFLOP/s against log2 n for Python, NumPy, torch on the CPU and each GPU row."""
    figure.clear_data()
    series: list[tuple[str, str, list[int], list[float]]] = [
        ("python", "yellow", [row.n for row in result.python], [row.gflops for row in result.python]),
        ("numpy", "green", [row.n for row in result.cpu], [row.numpy_gflops for row in result.cpu]),
        ("torch cpu", "orange", [row.n for row in result.cpu], [row.torch_gflops for row in result.cpu]),
    ]
    for key in (*GPU_DTYPES, COPIES):
        rows = [row for row in result.cuda or () if row.gflops(key) is not None]
        if rows:
            series.append((f"cuda {key}", GPU_COLORS[key], [row.n for row in rows], [row.gflops(key) for row in rows]))
    values = [value for _, _, _, ys in series for value in ys]
    for label, color, ns, ys in series:
        figure.plot([math.log2(n) for n in ns], log10(ys), color=color, marker="braille", label=label)
    sizes = sorted({n for _, _, ns, _ in series for n in ns})
    figure.xticks([math.log2(n) for n in sizes], [str(n) for n in sizes])
    figure.yticks(*log_ticks(min(values), max(values)))
    figure.title("GFLOP/s = 2n³/t (log scale) against matrix size n")
    figure.xlabel("n")


def summary(result: MatmulResult) -> Group:
    """Threads, the CPU peak's parts, the GPU (or why there is none), the crossover and any warning."""
    lines = [Text(f"torch.utils.benchmark.Timer with num_threads={result.threads} (torch.get_num_threads())")]
    peak = result.cpu_peak
    if peak is None:
        lines.append(Text("CPU peak: unknown (no fma flag or no clock in /proc/cpuinfo)"))
    else:
        lines.append(Text(
            f"CPU peak (float32): {peak.cores} cores × {peak.ghz:.3g} GHz ({peak.clock_source}) × {peak.fma_units} FMA "
            f"units (assumed) × {peak.lanes} lanes × 2 = {peak.gflops:.1f} GFLOP/s"
        ))
    best_cpu = max((max(row.torch_gflops, row.numpy_gflops) for row in result.cpu), default=0.0)
    if peak is not None and best_cpu > peak.gflops:
        # Seen in virtual machines: cpu MHz is the nominal clock and the cores boost above it.
        implied = best_cpu / (peak.cores * peak.fma_units * peak.lanes * 2)
        lines.append(Text(
            f"The best run ({best_cpu:.1f} GFLOP/s) beats this estimate: the cores ran at {implied:.2f} GHz or more, "
            f"above the {peak.ghz:.3g} GHz that /proc/cpuinfo reports (boost clock).",
            style="yellow",
        ))
    if result.python and result.cpu:
        best = max(max(row.torch_gflops, row.numpy_gflops) for row in result.cpu)
        lines.append(Text(f"pure Python → best BLAS: ×{best / result.python[-1].gflops:,.0f}"))
    if result.cuda is None:
        message = f"No CUDA GPU on this machine ({result.no_gpu_reason}): CPU results only."
        lines.append(Text(message, style="bold yellow"))
    else:
        lines.append(Text(f"GPU: {result.gpu_name}"))
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
    for n in sorted({*python, *(row.n for row in result.cpu)}):
        row = next((entry for entry in result.cpu if entry.n == n), None)
        py = f"{python[n].gflops:.3g}" if n in python else ""
        if row is None:
            table.add_row(str(n), py, "", "", "")
            continue
        table.add_row(
            str(n),
            py,
            f"{row.numpy_gflops:.3g}{_percent(row.numpy_gflops, peak)}",
            f"{row.torch_gflops:.3g}{_percent(row.torch_gflops, peak)}",
            f"{row.torch_seconds / row.numpy_seconds:.2f}",
        )
    return table


def gpu_table(result: MatmulResult) -> Table | None:
    """GFLOP/s per GPU row and size, with the share of the dense peak; None without a GPU."""
    if result.cuda is None:
        return None
    peaks = result.gpu_peak_tflops or {}
    table = Table(title=f"{result.gpu_name}: GFLOP/s (share of dense peak)",
                  caption="tf32 is switched on for its row only; the last column includes the host-device copies")
    table.add_column("n", justify="right")
    for key in (*GPU_DTYPES, COPIES):
        table.add_column(key, justify="right")
    for row in result.cuda:
        cells = []
        for key in (*GPU_DTYPES, COPIES):
            value = row.gflops(key)
            peak = peaks.get("fp32" if key == COPIES else key)
            peak_gflops = None if peak is None else peak * 1e3
            cells.append("n/a" if value is None else f"{value:,.0f}{_percent(value, peak_gflops)}")
        table.add_row(str(row.n), *cells)
    return table
