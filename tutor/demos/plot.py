"""A Textual widget that shows a :class:`tutor.demos.charts.Chart`, drawn by plotext at the widget's size.

It stands in for textual-plotext's ``PlotextPlot``, which pins plotext below 6 (where Chinese labels misalign):
the chart is data, and the widget draws it again only when the chart or its size changes.
"""

from rich.console import RenderableType
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from tutor.demos.charts import Chart, render


class Plot(Widget):
    """One chart, filling the widget; empty until :meth:`show_chart` gives it one."""

    DEFAULT_CSS = """
    Plot {
        width: 1fr;
        height: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id, classes=classes)
        self.chart: Chart | None = None
        """The chart shown (None: nothing yet)."""
        self._drawn: tuple[Chart, Size, Text] | None = None

    def show_chart(self, chart: Chart) -> None:
        """Show ``chart`` in place of the one before."""
        self.chart = chart
        self.refresh()

    def drawn(self) -> Text:
        """The text the chart draws at the widget's size now (empty before it has a chart or a size)."""
        size = self.content_region.size
        if self.chart is None or not size.area:
            return Text()
        # By identity: a chart of thousands of points is not compared value by value at every repaint.
        if self._drawn is None or self._drawn[0] is not self.chart or self._drawn[1] != size:
            self._drawn = (self.chart, size, render(self.chart, size.width, size.height))
        return self._drawn[2]

    def render(self) -> RenderableType:
        """The chart at the widget's size; Textual calls it on every repaint, so the drawing is kept."""
        return self.drawn()
