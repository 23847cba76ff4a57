"""The descent demo in the app: the paths animated on the contour plot, the rates and the SGD noise."""

from collections.abc import Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot

from tutor.demos.descent import figures
from tutor.demos.descent.compute import DescentResult
from tutor.demos.view import DemoView


class DescentView(DemoView):
    """Contour plot with each optimizer's path, drawn step by step, then the tables."""

    DEFAULT_CSS = """
    DescentView > PlotextPlot {
        height: 24;
    }
    DescentView > #descent-noise {
        height: 18;
    }
    DescentView > Static {
        height: auto;
    }
    """

    demo_name = "descent"

    def compose_result(self) -> Iterable[Widget]:
        """Path plot, rates table, minibatch plot and table."""
        yield PlotextPlot(id="descent-paths")
        yield Static(id="descent-rates")
        yield PlotextPlot(id="descent-noise")
        yield Static(id="descent-minibatch")

    def draw(self, result: DescentResult) -> None:
        """Fill the tables and the noise plot, and start the path animation."""
        self.query_one("#descent-rates", Static).update(figures.rates_table(result))
        self.query_one("#descent-minibatch", Static).update(figures.minibatch_table(result))
        noise = self.query_one("#descent-noise", PlotextPlot)
        figures.draw_minibatch(noise.plt, result)
        noise.refresh()
        self.play_frames(figures.frame_steps(result, figures.FRAMES), self._draw_paths)

    def _draw_paths(self, step: int) -> None:
        paths = self.query_one("#descent-paths", PlotextPlot)
        figures.draw_paths(paths.plt, self.result, step)
        paths.refresh()


def make_widget(params: dict[str, Any]) -> DescentView:
    """Return the descent view for ``params`` (checked against the registry; defaults fill the rest)."""
    return DescentView(params)
