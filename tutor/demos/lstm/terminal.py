"""The LSTM demo in a plain terminal: the gradient flowing back through time, then the forget-bias sweep."""

import time

from rich.console import Console
from rich.live import Live

from tutor.demos.charts import new_figure, to_text
from tutor.demos.lstm import figures
from tutor.demos.lstm.compute import LstmResult

FPS = 25
"""Animation frames per second."""

FRAMES = 60
"""Frames of the backward flow (about 2.4 s)."""


def show(result: LstmResult, console: Console) -> None:
    """Animate ‖∂L/∂x_t‖ growing back from t = T to t = 1, then print the sweep and its table.

    When the console is not a terminal only the final frame is printed.
    """
    width = max(60, min(console.width, 140))
    flow = new_figure(width, 22)
    if console.is_terminal:
        starts = figures.frame_starts(result, FRAMES)
        figures.draw_flow(flow, result, starts[0])
        with Live(to_text(flow), console=console, auto_refresh=False) as live:
            for first in starts:
                began = time.perf_counter()
                figures.draw_flow(flow, result, first)
                live.update(to_text(flow), refresh=True)
                time.sleep(max(0.0, 1.0 / FPS - (time.perf_counter() - began)))
    else:
        figures.draw_flow(flow, result)
        console.print(to_text(flow))
    sweep = new_figure(width, 20)
    figures.draw_sweep(sweep, result)
    console.print(to_text(sweep))
    console.print(figures.sweep_table(result))
