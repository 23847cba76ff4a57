"""Plotext figures as Rich text, shared by the demos' terminal renderers.

The Textual views draw on a PlotextPlot's own figure instead; the drawing functions of each demo take either,
because both are plotext figure objects.
"""

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.text import Text

FPS = 25
"""Frames per second of the demos' animated plots, in the terminal and in the app."""


def plot_width(console: Console) -> int:
    """Return the width of a terminal plot: the console's, kept between 60 (readable) and 140 (not sprawling)."""
    return max(60, min(console.width, 140))


def new_figure(width: int, height: int) -> Any:
    """Return an empty plotext figure of ``width`` × ``height`` characters, without background colours."""
    # plotext's module-level API draws on one global figure, and its figure class is private: textual-plotext's
    # public Plot is that figure as an object of our own, the same class a PlotextPlot widget draws on, so the
    # terminal and the app run the same drawing code. Importing it costs about 0.4 s (it loads Textual), next to
    # the seconds of torch that a demo's terminal run has already spent.
    from textual_plotext import Plot

    figure = Plot()
    figure.plot_size(width, height)
    figure.theme("clear")
    return figure


def to_text(figure: Any) -> Text:
    """Render a plotext figure to Rich text (plotext builds ANSI escape sequences)."""
    return Text.from_ansi(figure.build())


def play(console: Console, figure: Any, frames: Sequence[Any], draw: Callable[[Any, Any], None]) -> None:
    """Animate ``figure`` in place on a terminal: ``draw(figure, frame)`` for each frame, :data:`FPS` a second."""
    draw(figure, frames[0])
    with Live(to_text(figure), console=console, auto_refresh=False) as live:
        for frame in frames:
            started = time.perf_counter()
            draw(figure, frame)
            live.update(to_text(figure), refresh=True)
            time.sleep(max(0.0, 1.0 / FPS - (time.perf_counter() - started)))


def log_ticks(lowest: float, highest: float) -> tuple[list[float], list[str]]:
    """Return y ticks for data plotted as log10: integer positions between two positive values, labelled 1e-6.

    The views plot log10 of the data on a linear axis instead of using plotext's log scale, which takes the
    logarithm again each time the figure is built (a Textual widget builds it at every repaint).
    """
    # Inside the data's range: plotext puts a tick outside it below the frame.
    low = math.ceil(math.log10(lowest))
    high = math.floor(math.log10(highest))
    stride = max(1, math.ceil((high - low) / 8))
    exponents = range(low, high + 1, stride)
    return [float(e) for e in exponents], [f"1e{e}" for e in exponents]


def log10(values: "list[float] | tuple[float, ...]", floor: float = 1e-300) -> list[float]:
    """Return log10 of each value, with values below ``floor`` (zeros) drawn at ``floor``."""
    return [math.log10(max(value, floor)) for value in values]
