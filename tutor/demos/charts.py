"""Charts as data, drawn by plotext as Rich text: one home for plotting, shared by the demos' terminal renderers,
the Textual :class:`tutor.demos.plot.Plot` widget and the app's screens.

A view builds a :class:`Chart` (its curves, bars, rules, ticks and title: data that tests can read) and
:func:`render` draws it at a size. plotext (6 and later) measures text in terminal cells, so Chinese titles,
labels and ticks line up. Its public API draws on one figure, ``plotext.figure``: :func:`render` draws there one
chart at a time, under a lock, from a cleared figure, and returns the text it built.
"""

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.text import Text

Color = str | int
"""A plotext colour: a name (red, orange, yellow, green, cyan, blue, magenta, white, gray) or a 256-colour code."""

MARKER = "braille"
"""Marker of the curves: a braille dot is 2 × 4 dots to a cell, the finest curve a terminal draws."""

THEME = "simple"
"""plotext's theme without colours on the frame or the canvas: the terminal's own foreground and background."""


def _floats(values: Sequence[float]) -> tuple[float, ...]:
    return tuple(float(value) for value in values)


@dataclass(frozen=True)
class Curve:
    """A line through points, or the points alone."""

    xs: tuple[float, ...]
    """x of each point."""
    ys: tuple[float, ...]
    """y of each point, as many as ``xs``."""
    color: Color
    """Colour of the line and of its legend entry."""
    label: str = ""
    """Legend entry (none when empty)."""
    right: bool = False
    """Plotted against the right y axis (a second unit) instead of the left one."""
    joined: bool = True
    """Points joined by lines (a curve); False: a dot at each point and no line (measurements)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "xs", _floats(self.xs))
        object.__setattr__(self, "ys", _floats(self.ys))
        if len(self.xs) != len(self.ys):
            raise ValueError(f"a curve needs as many x as y, not {len(self.xs)} and {len(self.ys)}")


@dataclass(frozen=True)
class Bars:
    """Vertical bars at ``xs``, one series stacked on the one before it."""

    xs: tuple[float, ...]
    """Centre of each bar."""
    heights: tuple[tuple[float, ...], ...]
    """One sequence of heights per series (as many as ``xs``), the first at the bottom."""
    colors: tuple[Color, ...]
    """Colour of each series."""
    labels: tuple[str, ...] = ()
    """Legend entry of each series (none when empty)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "xs", _floats(self.xs))
        object.__setattr__(self, "heights", tuple(_floats(series) for series in self.heights))
        object.__setattr__(self, "colors", tuple(self.colors))
        object.__setattr__(self, "labels", tuple(self.labels))
        if any(len(series) != len(self.xs) for series in self.heights):
            raise ValueError("every series of bars needs one height per x")
        if len(self.colors) != len(self.heights):
            raise ValueError("bars need one colour per series")

    def tops(self) -> tuple[float, ...]:
        """Height of each stack: the sum of its series."""
        return tuple(sum(column) for column in zip(*self.heights)) if self.heights else ()


@dataclass(frozen=True)
class Rule:
    """A horizontal line across the whole plot."""

    y: float
    """Where it crosses the y axis."""
    color: Color = "gray"
    """Its colour."""


@dataclass(frozen=True)
class Ticks:
    """The ticks of one axis."""

    positions: tuple[float, ...]
    """Where the ticks are, in the data's unit."""
    labels: tuple[str, ...] | None = None
    """What each tick reads (default: its position)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "positions", _floats(self.positions))
        if self.labels is not None:
            object.__setattr__(self, "labels", tuple(self.labels))
            if len(self.labels) != len(self.positions):
                raise ValueError("ticks need one label per position")


@dataclass(frozen=True)
class Chart:
    """What one plot shows; :func:`render` draws it at any size."""

    title: str = ""
    """Line above the plot."""
    curves: tuple[Curve, ...] = ()
    """Lines, drawn over the bars in this order."""
    bars: Bars | None = None
    """Bars, drawn first."""
    rules: tuple[Rule, ...] = ()
    """Horizontal lines across the plot."""
    xlabel: str = ""
    """Line below the x axis."""
    xlim: tuple[float, float] | None = None
    """Shown x range (default: the data's)."""
    ylim: tuple[float, float] | None = None
    """Shown range of the left y axis (default: the data's)."""
    xticks: Ticks | None = None
    """x ticks (default: plotext's)."""
    yticks: Ticks | None = None
    """Ticks of the left y axis (default: plotext's)."""

    def legend(self) -> tuple[tuple[str, str, Color], ...]:
        """The legend's entries, bars first, in the order they are drawn: the sample (what the series looks
        like: a block, a line, dots), its label and its colour."""
        bars = self.bars
        blocks = [] if bars is None else [("██", label, color) for label, color in zip(bars.labels, bars.colors) if label]
        lines = (("━━" if curve.joined else "••", curve.label, curve.color) for curve in self.curves if curve.label)
        return (*blocks, *lines)


_LOCK = threading.Lock()
"""plotext's figure is one per process: one chart is drawn at a time."""


def render(chart: Chart, width: int, height: int) -> Text:
    """Draw ``chart`` in ``width`` × ``height`` terminal cells and return it as Rich text.

    The legend is written under the plot, a line or two: plotext's own legend is a box of two rows an entry
    inside the canvas, which in a plot of twenty rows hides a third of the data. Tiny sizes (where plotext has
    no room for a frame) give blank text of that size.
    """
    if width < 8 or height < 4:
        return Text("\n".join(" " * max(width, 0) for _ in range(max(height, 0))))
    # plotext costs about 0.25 s to import: only the views that draw load it.
    import plotext

    with _LOCK:
        legend = _legend_lines(plotext, chart.legend(), width)[: max(0, height - 4)]
        # The chart's size is the widget's or the console's, never capped at the size of the process's terminal.
        plotext.terminal.limit(False, False)
        figure = plotext.figure
        figure.clear()
        figure.theme(THEME)
        figure.plot_size(width, height - len(legend))
        _draw(figure, plotext, chart, width)
        # The built string ends with a newline: the last row is the plot's own, not an empty one.
        built = figure.build().string().rstrip("\n")
        figure.clear()
    return Text("\n").join([Text.from_ansi(built, no_wrap=True, end=""), *legend])


def _legend_lines(plotext: Any, entries: tuple[tuple[str, str, Color], ...], width: int) -> list[Text]:
    """The legend as lines of ``width`` cells (a long label cut): each label after its coloured sample."""
    lines: list[Text] = []
    line = Text()
    for sample, label, color in entries:
        entry = Text.from_ansi(plotext.colorize(sample, pixel=color).string(), end="") + Text(f" {label}")
        if line.cell_len and line.cell_len + 2 + entry.cell_len > width:
            lines.append(line)
            line = Text()
        if line.cell_len:
            line.append("  ")
        line.append_text(entry)
    if line.cell_len:
        lines.append(line)
    for line in lines:
        line.truncate(width, overflow="ellipsis", pad=True)
    return lines


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis: plotext leaves out a title wider than its plot."""
    fitted = Text(text)
    fitted.truncate(width, overflow="ellipsis")
    return fitted.plain


def _draw(figure: Any, plotext: Any, chart: Chart, width: int) -> None:
    if chart.bars is not None:
        bars = chart.bars
        bottoms = [0.0] * len(bars.xs)
        for index, (heights, color) in enumerate(zip(bars.heights, bars.colors, strict=True)):
            tops = [bottom + height for bottom, height in zip(bottoms, heights)]
            # Three sequences draw floating bars from bottom to top: each series stacked on the one before.
            signal = figure.bar(list(bars.xs), bottoms, tops, marker=plotext.marker("full", pixel=color))
            figure.draw(signal)
            bottoms = tops
        # Zero at the bottom edge of the lowest row, not its middle: a bar's rows are then its value to scale.
        figure.ruler("y").alignment(lim="edge")
    for curve in chart.curves:
        signal = figure.signal(
            list(curve.xs), list(curve.ys), marker=plotext.marker(MARKER if curve.joined else "dot", pixel=curve.color),
            yside="right" if curve.right else "left",
        )
        signal.lines(curve.joined)
        figure.draw(signal)
    for rule in chart.rules:
        figure.line(rule.y, "horizontal", pixel=rule.color)
    if chart.title:
        figure.title(_fit(chart.title, width))
    if chart.xlabel:
        figure.label(_fit(chart.xlabel, width), "x")
    # Both ranges are always set: plotext 6.1 computes one axis's automatic range only from the points inside the
    # other's ticks, so y ticks inside the data (1e-2 … 1e1 for data from 0.006 to 65) would move the x axis.
    xlim, ylim = limits(chart)
    figure.ruler("x").lim(*xlim)
    figure.ruler("y").lim(*ylim)
    for axis, ticks in (("x", chart.xticks), ("y", chart.yticks)):
        if ticks is not None:
            labels = list(ticks.labels) if ticks.labels is not None else None
            figure.ruler(axis).ticks(list(ticks.positions), labels)


BAR_WIDTH = 0.8
"""plotext's bar width, as a share of the closest spacing between bars."""


def _span(values: list[float]) -> tuple[float, float]:
    low, high = (min(values), max(values)) if values else (0.0, 1.0)
    return (low - 0.5, high + 0.5) if low == high else (low, high)


def limits(chart: Chart) -> tuple[tuple[float, float], tuple[float, float]]:
    """The shown x range and left-y range of ``chart``: its own, else everything it draws on them, ticks
    included (bars with their width and their base at 0)."""
    xs = [x for curve in chart.curves for x in curve.xs]
    ys = [y for curve in chart.curves if not curve.right for y in curve.ys]
    ys += [rule.y for rule in chart.rules]
    if chart.bars is not None and chart.bars.xs:
        centres = sorted(chart.bars.xs)
        gaps = [b - a for a, b in zip(centres, centres[1:]) if b > a]
        half = BAR_WIDTH * (min(gaps) if gaps else 1.0) / 2
        xs += [centres[0] - half, centres[-1] + half]
        ys += [0.0, *chart.bars.tops()]
    xs += list(chart.xticks.positions) if chart.xticks is not None else []
    ys += list(chart.yticks.positions) if chart.yticks is not None else []
    return chart.xlim or _span(xs), chart.ylim or _span(ys)


def plot_width(console: Console) -> int:
    """Return the width of a terminal plot: the console's, kept between 60 (readable) and 140 (not sprawling)."""
    return max(60, min(console.width, 140))


def log_ticks(lowest: float, highest: float) -> Ticks:
    """Return y ticks for data plotted as log10: integer positions between two positive values, labelled 1e-6.

    The views plot log10 of the data on a linear axis (their tables and tests read the same numbers).
    """
    # Inside the data's range: a tick outside it would stretch the axis past the data.
    low = math.ceil(math.log10(lowest))
    high = math.floor(math.log10(highest))
    stride = max(1, math.ceil((high - low) / 8))
    exponents = range(low, high + 1, stride)
    return Ticks(tuple(float(e) for e in exponents), tuple(f"1e{e}" for e in exponents))


def log10(values: "list[float] | tuple[float, ...]", floor: float = 1e-300) -> list[float]:
    """Return log10 of each value, with values below ``floor`` (zeros) drawn at ``floor``."""
    return [math.log10(max(value, floor)) for value in values]
