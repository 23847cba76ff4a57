"""Horizontal bar charts drawn with Rich text: every bar to scale at any width, labels aligned by terminal cells.

The plots elsewhere are plotext charts (``tutor.demos.charts``), whose bars stand upright; plotext 6.1's
horizontal bars take their length range from the bar positions and draw every bar full. Here a bar's length is
its value over the largest, in eighths of a cell, and labels are padded by their width on screen (Rich counts
a CJK character as two).
"""

from dataclasses import dataclass

from rich.cells import cell_len
from rich.console import Group
from rich.text import Text
from textual.widgets import Static

_EIGHTHS = " ▏▎▍▌▋▊▉"
"""Partial blocks, index = eighths of a cell filled."""


@dataclass(frozen=True)
class Bar:
    """One bar of a chart."""

    label: str
    """What the bar counts (drawn left of it, as is)."""
    value: float
    """Its length, in the chart's unit; negative values draw as 0."""
    style: str = "magenta"
    """Rich style of the bar."""
    text: str | None = None
    """What is written after the bar (default: the value, as a whole number)."""


def bar_cells(value: float, maximum: float, width: int) -> str:
    """The blocks of a bar of ``value`` out of ``maximum`` in ``width`` cells, to the nearest eighth of a cell."""
    if width <= 0 or maximum <= 0 or value <= 0:
        return ""
    eighths = round(min(value, maximum) / maximum * width * 8)
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def bar_chart(title: str, bars: list[Bar], width: int, maximum: float | None = None) -> Group:
    """A titled chart of ``bars`` fitting ``width`` cells; ``maximum`` is the full length (default: the largest)."""
    labels = [bar.label for bar in bars]
    texts = [bar.text if bar.text is not None else f"{bar.value:.0f}" for bar in bars]
    label_width = max((cell_len(label) for label in labels), default=0)
    text_width = max((cell_len(text) for text in texts), default=0)
    room = max(1, width - label_width - text_width - 2)
    top = maximum if maximum is not None else max((bar.value for bar in bars), default=0)
    lines = [Text(title, style="bold", overflow="ellipsis", no_wrap=True)]
    for bar, label, text in zip(bars, labels, texts):
        line = Text(no_wrap=True, overflow="crop")
        line.append(label + " " * (label_width - cell_len(label) + 1))
        blocks = bar_cells(bar.value, top, room)
        line.append(blocks, style=bar.style)
        line.append(" " * (room - cell_len(blocks) + 1))
        line.append(text, style="bold")
        lines.append(line)
    return Group(*lines)


class BarChart(Static):
    """A horizontal bar chart that redraws to scale whenever its width changes."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._title = ""
        self._bars: list[Bar] = []
        self._maximum: float | None = None

    def show(self, title: str, bars: list[Bar], maximum: float | None = None) -> None:
        """Draw ``bars`` under ``title``; ``maximum`` is a full-length bar (default: the largest value)."""
        self._title, self._bars, self._maximum = title, list(bars), maximum
        self.refresh()

    def render(self):
        return bar_chart(self._title, self._bars, self.content_region.width or self.size.width, self._maximum)
