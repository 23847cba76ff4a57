"""What the descent demo draws: contour and paths, SGD noise by batch size, and the tables of rates.

Shared by the terminal renderer and the Textual view: the plots are charts (data), drawn by either.
"""

import math

from rich import box
from rich.table import Table

from tutor.demos.charts import Chart, Curve, log10, log_ticks
from tutor.demos.descent.compute import HEAVY_BALL_NOTE, DescentResult

COLORS = {"gd": "red", "momentum": "green", "nesterov": "cyan", "rmsprop": "magenta", "adam": "orange"}
"""Plot colour of each optimizer."""

CONTOUR_LEVELS = (1.0, 0.1, 0.01)
"""Contours drawn, as fractions of f at the start."""

BATCH_COLORS = ("red", "orange", "yellow", "green", "cyan", "blue")
"""Plot colours of the minibatch runs, smallest batch first."""

FRAMES = 90
"""Frames of the path animation (about 3.6 s at :data:`tutor.demos.charts.FPS`)."""


def frame_steps(result: DescentResult, frames: int) -> list[int]:
    """Return the step shown in each animation frame: dense at first, where the paths move most."""
    longest = max(len(run.path) for run in result.optimizers) - 1
    if longest <= 0:
        return [0]
    return sorted({round(longest * (k / (frames - 1)) ** 2) for k in range(frames)})


def _limits(result: DescentResult) -> tuple[float, float]:
    """Half-widths of the plot: the paths' extent, never less than the start's contour nor 3× more."""
    lam1, lamn = result.eigenvalues
    f0 = 0.5 * (lam1 * result.start[0] ** 2 + lamn * result.start[1] ** 2)
    ax, ay = math.sqrt(2 * f0 / lam1), math.sqrt(2 * f0 / lamn)
    px = max(abs(x) for run in result.optimizers for x, _ in run.path)
    py = max(abs(y) for run in result.optimizers for _, y in run.path)
    return 1.1 * min(max(ax, px), 3 * ax), 1.1 * min(max(ay, py), 3 * ay)


def paths_chart(result: DescentResult, step: int) -> Chart:
    """The contours of f and every optimizer's first ``step`` steps."""
    lam1, lamn = result.eigenvalues
    f0 = 0.5 * (lam1 * result.start[0] ** 2 + lamn * result.start[1] ** 2)
    angles = [2 * math.pi * i / 120 for i in range(121)]
    contours = []
    for level in CONTOUR_LEVELS:
        ax, ay = math.sqrt(2 * level * f0 / lam1), math.sqrt(2 * level * f0 / lamn)
        contours.append(Curve([ax * math.cos(t) for t in angles], [ay * math.sin(t) for t in angles], "gray"))
    paths = []
    for run in result.optimizers:
        points = run.path[: step + 1]
        paths.append(Curve([x for x, _ in points], [y for _, y in points], COLORS[run.name], run.name))
    wx, wy = _limits(result)
    return Chart(
        title=f"f = ½(x² + {result.kappa:g}·y²), κ = {result.kappa:g}: 第 {step} 步 step {step}",
        curves=(*contours, *paths),
        xlim=(-wx, wx),
        ylim=(-wy, wy),
    )


def minibatch_chart(result: DescentResult) -> Chart:
    """‖wₖ − w*‖ against the step for each batch size, on a log scale."""
    lowest, highest = math.inf, 0.0
    curves = []
    for run, color in zip(result.minibatch, BATCH_COLORS, strict=False):
        distances = [max(d, 1e-12) for d in run.distances]
        lowest, highest = min(lowest, *distances), max(highest, *distances)
        curves.append(Curve(range(1, len(distances) + 1), log10(distances), color, f"B={run.batch_size}"))
    return Chart(
        title=f"小批量 minibatch SGD on least squares (lr={result.minibatch_lr:.3g}): distance to w*",
        curves=tuple(curves),
        xlabel="步 step",
        yticks=log_ticks(lowest, highest),
    )


def rates_table(result: DescentResult) -> Table:
    """Steps to the tolerance and rates per step (the distance's ratio, step to step), measured and from the theory."""
    root = math.sqrt(result.kappa)
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  title=f"Quadratic, κ = {result.kappa:g}, tolerance {result.tol:g} (relative distance)",
                  caption=HEAVY_BALL_NOTE + f"\nGoh's optimal rates: GD (κ−1)/(κ+1) = "
                  f"{(result.kappa - 1) / (result.kappa + 1):.4f}, heavy ball (√κ−1)/(√κ+1) = "
                  f"{(root - 1) / (root + 1):.4f}.\nRMSprop and Adam rescale each coordinate, and this quadratic's "
                  "axes are the coordinates: they undo κ here, which they cannot do for a rotated valley.")
    # Narrow views wrap the call and the headers; names and numbers stay whole (a cut rate reads as another).
    table.add_column("optimizer", no_wrap=True)
    table.add_column("torch.optim call", overflow="fold", min_width=16)
    table.add_column("steps", justify="right", min_width=5)
    table.add_column("rate", justify="right", min_width=6)
    table.add_column("theory", justify="right", min_width=6)
    for run in result.optimizers:
        if run.diverged:
            steps = "diverged"
        elif run.steps_to_tol is None:
            steps = f"> {len(run.path) - 1}"
        else:
            steps = str(run.steps_to_tol)
        theory = "—" if run.rate_theory is None else f"{run.rate_theory:.4f}"
        # One keyword a line: a narrow view wraps the call between arguments, not inside a number.
        call = run.label.replace(", ", ",\n")
        table.add_row(f"[{COLORS[run.name]}]{run.name}[/]", call, steps, f"{run.rate_measured:.4f}", theory)
    return table


def minibatch_table(result: DescentResult) -> Table:
    """Gradient noise at the solution and where SGD hovers, by batch size."""
    table = Table(title="Minibatch SGD: the noise shrinks as the batch grows",
                  caption="noise theory: √(tr Σ / B · (N−B)/(N−1)) for B rows drawn without replacement")
    table.add_column("batch B", justify="right")
    table.add_column("gradient noise at w*", justify="right")
    table.add_column("theory", justify="right")
    table.add_column("hovers at ‖w − w*‖", justify="right")
    for run in result.minibatch:
        table.add_row(str(run.batch_size), f"{run.grad_noise:.3g}", f"{run.grad_noise_theory:.3g}",
                      f"{run.final_distance:.3g}")
    return table
