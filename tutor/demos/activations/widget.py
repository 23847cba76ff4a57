"""The activations demo in the app: the functions, their derivatives and the summary table."""

from collections.abc import Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot

from tutor.demos.activations import figures
from tutor.demos.activations.compute import ActivationsResult
from tutor.demos.view import DemoView


class ActivationsView(DemoView):
    """Two plots (f and f′ of every activation) and the table of ranges and saturation."""

    DEFAULT_CSS = """
    ActivationsView > PlotextPlot {
        height: 22;
    }
    ActivationsView > Static {
        height: auto;
    }
    """

    demo_name = "activations"

    def compose_result(self) -> Iterable[Widget]:
        """Function plot, derivative plot, table."""
        yield PlotextPlot(id="activations-functions")
        yield PlotextPlot(id="activations-derivatives")
        yield Static(id="activations-table")

    def draw(self, result: ActivationsResult) -> None:
        """Fill both plots and the table."""
        functions = self.query_one("#activations-functions", PlotextPlot)
        figures.draw_functions(functions.plt, result)
        functions.refresh()
        derivatives = self.query_one("#activations-derivatives", PlotextPlot)
        figures.draw_derivatives(derivatives.plt, result)
        derivatives.refresh()
        self.query_one("#activations-table", Static).update(figures.summary_table(result))


def make_widget(params: dict[str, Any]) -> ActivationsView:
    """Return the activations view for ``params`` (checked against the registry; defaults fill the rest)."""
    return ActivationsView(params)
