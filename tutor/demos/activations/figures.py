"""What the activations demo draws: every function on one set of axes, their derivatives, and a table.

Shared by the terminal renderer and the Textual view; the plot functions draw on any plotext figure.
"""

from typing import Any

from rich.table import Table

from tutor.demos.activations.compute import SATURATION, ActivationsResult

COLORS = ("red", "orange", "yellow", "green", "cyan", "blue", "magenta", "white", 208, 141)
"""Plot colour of each activation, in ACTIVATIONS order (plotext names or 256-colour codes)."""

MAX_POINTS = 400
"""Samples drawn per curve: a terminal plot is at most a few hundred braille dots wide."""


def _thin(values: tuple[float, ...]) -> list[float]:
    stride = max(1, len(values) // MAX_POINTS)
    return list(values[::stride]) + ([values[-1]] if (len(values) - 1) % stride else [])


def draw_functions(figure: Any, result: ActivationsResult) -> None:
    """Draw every activation over the interval on one set of axes."""
    figure.clear_data()
    xs = _thin(result.xs)
    for curve, color in zip(result.curves, COLORS, strict=True):
        figure.plot(xs, _thin(curve.values), color=color, marker="braille", label=curve.name)
    figure.title(f"activations on [{result.lo:g}, {result.hi:g}]")


def draw_derivatives(figure: Any, result: ActivationsResult) -> None:
    """Draw every derivative (by autograd) on one set of axes."""
    figure.clear_data()
    xs = _thin(result.xs)
    for curve, color in zip(result.curves, COLORS, strict=True):
        figure.plot(xs, _thin(curve.derivatives), color=color, marker="braille", label=curve.name + "′")
    figure.title("derivatives by autograd")


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
    table.add_column("formula")
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
