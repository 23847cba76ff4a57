"""The descent demo in a plain terminal: the paths drawn step by step, then the tables and the SGD noise."""

import time

from rich.console import Console, Group
from rich.live import Live

from tutor.demos.charts import new_figure, to_text
from tutor.demos.descent import figures
from tutor.demos.descent.compute import DescentResult

FPS = 25
"""Animation frames per second."""

FRAMES = 90
"""Frames of the path animation (about 3.6 s)."""


def show(result: DescentResult, console: Console) -> None:
    """Animate the optimizers' paths on the contour plot, then print the rates and the minibatch results.

    When the console is not a terminal (a pipe, a file) only the final frame is printed.
    """
    width = max(60, min(console.width, 140))
    figure = new_figure(width, 24)
    steps = figures.frame_steps(result, FRAMES)
    if console.is_terminal:
        figures.draw_paths(figure, result, steps[0])
        with Live(to_text(figure), console=console, auto_refresh=False, transient=False) as live:
            for step in steps:
                started = time.perf_counter()
                figures.draw_paths(figure, result, step)
                live.update(to_text(figure), refresh=True)
                time.sleep(max(0.0, 1.0 / FPS - (time.perf_counter() - started)))
    else:
        figures.draw_paths(figure, result, steps[-1])
        console.print(to_text(figure))
    console.print(figures.rates_table(result))
    noise = new_figure(width, 18)
    figures.draw_minibatch(noise, result)
    console.print(Group(to_text(noise), figures.minibatch_table(result)))
