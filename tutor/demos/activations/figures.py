"""What the activations demo draws: every function on one set of axes, their derivatives, and a table.

Shared by the terminal renderer and the Textual view: the plots are charts (data), drawn by either.
"""

from rich.table import Table

from tutor.demos.activations.compute import SATURATION, ActivationsResult
from tutor.demos.charts import Chart, Curve

COLORS = ("red", "orange", "yellow", "green", "cyan", "blue", "magenta", "white", 208, 141)
"""Plot colour of each activation, in ACTIVATIONS order (plotext names or 256-colour codes)."""

MAX_POINTS = 400
"""Samples drawn per curve: a terminal plot is at most a few hundred braille dots wide."""


def _thin(values: tuple[float, ...]) -> list[float]:
    stride = max(1, len(values) // MAX_POINTS)
    return list(values[::stride]) + ([values[-1]] if (len(values) - 1) % stride else [])


def functions_chart(result: ActivationsResult) -> Chart:
    """Every activation over the interval on one set of axes."""
    xs = _thin(result.xs)
    curves = tuple(
        Curve(xs, _thin(curve.values), color, curve.name) for curve, color in zip(result.curves, COLORS, strict=True)
    )
    return Chart(title=f"激活函数 activations on [{result.lo:g}, {result.hi:g}]", curves=curves)


def derivatives_chart(result: ActivationsResult) -> Chart:
    """Every derivative (by autograd) on one set of axes."""
    xs = _thin(result.xs)
    curves = tuple(
        Curve(xs, _thin(curve.derivatives), color, curve.name + "′")
        for curve, color in zip(result.curves, COLORS, strict=True)
    )
    return Chart(title="导数 derivatives by autograd", curves=curves)


def _interval(interval: tuple[float, float], result: ActivationsResult) -> str:
    first, last = interval
    if first == result.lo and last == result.hi:
        return "everywhere"
    if first == result.lo:
        return f"x ≤ {last:.3g}"
    if last == result.hi:
        return f"x ≥ {first:.3g}"
    return f"[{first:.3g}, {last:.3g}]"


def summary_table(result: ActivationsResult) -> Table:
    """Range, derivative range, saturation and the autograd check of each activation."""
    table = Table(
        title=f"Over [{result.lo:g}, {result.hi:g}] ({len(result.xs)} samples)",
        caption=f"saturated: |f′| < {SATURATION:g}; check: max |autograd − closed form| of f′",
    )
    table.add_column("function")
    table.add_column("formula", overflow="fold")  # a formula cut short says something else
    table.add_column("range of f", justify="right")
    table.add_column("range of f′", justify="right")
    table.add_column("saturated")
    table.add_column("check", justify="right")
    for curve, color in zip(result.curves, COLORS, strict=True):
        style = f"color({color})" if isinstance(color, int) else color
        saturated = ", ".join(_interval(interval, result) for interval in curve.saturated) or "—"
        table.add_row(
            f"[{style}]{curve.name}[/]",
            curve.formula,
            f"[{curve.minimum:.3g}, {curve.maximum:.3g}]",
            f"[{curve.grad_min:.3g}, {curve.grad_max:.3g}]",
            saturated,
            f"{curve.autograd_error:.1e}",
        )
    return table
