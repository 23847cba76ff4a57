"""What the LSTM demo draws: ‖∂L/∂x_t‖ against t on a log scale, and the forget-bias sweep.

Shared by the terminal renderer and the Textual view: the plots are charts (data), drawn by either.
"""

import math

from rich.table import Table

from tutor.demos.charts import Chart, Curve, log10, log_ticks
from tutor.demos.lstm.compute import LstmResult

COLORS = {"rnn": "red", "lstm": "green", "gru": "cyan"}
"""Plot colour of each network."""

SWEEP_COLORS = ("red", "orange", "yellow", "green", "cyan", "blue", "magenta", "white")
"""Plot colours of the sweep's curves, smallest bias first."""

FRAMES = 60
"""Frames of the backward flow (about 2.4 s at :data:`tutor.demos.charts.FPS`)."""


def _floor(curves: list[tuple[float, ...]]) -> float:
    """Smallest positive value: exact zeros (underflow) are drawn there."""
    positive = [value for curve in curves for value in curve if value > 0]
    return min(positive) if positive else 1e-300


def frame_starts(result: LstmResult, frames: int) -> list[int]:
    """Return the first t shown in each animation frame: the gradient flows back from t = T to t = 1."""
    return sorted({round(result.steps - (result.steps - 1) * k / (frames - 1)) for k in range(frames)}, reverse=True)


def flow_chart(result: LstmResult, first: int = 1) -> Chart:
    """log10 ‖∂L/∂x_t‖ of the three networks for t = first … T, on axes fixed for the whole run."""
    curves = {"rnn": result.rnn, "lstm": result.lstm, "gru": result.gru}
    floor = _floor(list(curves.values()))
    lowest = min(log10(curve, floor)[i] for curve in curves.values() for i in range(result.steps))
    highest = max(log10(curve, floor)[i] for curve in curves.values() for i in range(result.steps))
    ts = range(first, result.steps + 1)
    drawn = []
    for name, curve in curves.items():
        label = f"lstm (B={result.forget_bias:g})" if name == "lstm" else name
        drawn.append(Curve(ts, log10(curve[first - 1 :], floor), COLORS[name], label))
    return Chart(
        title=f"梯度回传 ‖∂L/∂x_t‖, H = {result.hidden}, mean of {result.seeds} seeds, float64 (L on the last output)",
        curves=tuple(drawn),
        xlabel="t",
        xlim=(1, result.steps),
        ylim=(lowest - 0.5, highest + 0.5),
        yticks=log_ticks(10**lowest, 10**highest),
    )


def sweep_chart(result: LstmResult) -> Chart:
    """The LSTM's log10 ‖∂L/∂x_t‖ for each forget bias of the sweep."""
    norms = [point.norms for point in result.sweep]
    floor = _floor(norms)
    ts = range(1, result.steps + 1)
    curves = tuple(
        Curve(ts, log10(point.norms, floor), color, f"B={point.forget_bias:g}")
        for point, color in zip(result.sweep, SWEEP_COLORS, strict=False)
    )
    lowest = min(min(curve.ys) for curve in curves)
    highest = max(max(log10(curve, floor)) for curve in norms)
    return Chart(
        title="遗忘门偏置 LSTM: ‖∂L/∂x_t‖ as the forget-gate bias B = b_ih,f + b_hh,f grows",
        curves=curves,
        xlabel="t",
        yticks=log_ticks(10**lowest, 10**highest),
    )


def sweep_table(result: LstmResult) -> Table:
    """Forget gate σ(B) and the share of the gradient that reaches t = 1, for each bias."""
    table = Table(
        title=f"How much gradient reaches t = 1 of {result.steps}",
        caption="PyTorch's default draws both bias vectors around 0: B ≈ 0, f ≈ ½, "
        "and the cell passes back about half its gradient each step",
    )
    table.add_column("network")
    table.add_column("forget gate f = σ(B)", justify="right")
    table.add_column("‖∂L/∂x_1‖ / ‖∂L/∂x_T‖", justify="right")
    for name, curve in (("rnn (tanh)", result.rnn), ("gru", result.gru)):
        table.add_row(name, "—", _ratio(curve))
    for point in result.sweep:
        gate = 1 / (1 + math.exp(-point.forget_bias))
        mark = " ◀" if point.forget_bias == result.forget_bias else ""
        table.add_row(f"lstm, B = {point.forget_bias:g}{mark}", f"{gate:.4f}", _ratio(point.norms))
    if all(point.forget_bias != result.forget_bias for point in result.sweep):
        gate = 1 / (1 + math.exp(-result.forget_bias))
        table.add_row(f"lstm, B = {result.forget_bias:g} ◀", f"{gate:.4f}", _ratio(result.lstm))
    if result.rnn_float32_zero_before:
        table.add_row(
            "rnn in float32",
            "—",
            f"exactly 0 for t ≤ {result.rnn_float32_zero_before} (seed 0): underflow",
        )
    return table


def _ratio(curve: tuple[float, ...]) -> str:
    return f"{curve[0] / curve[-1]:.2e}" if curve[-1] > 0 else "—"
