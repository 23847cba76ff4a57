"""The LSTM demo in the app: the gradient flowing back through time, the forget-bias sweep and its table."""

from collections.abc import Iterable
from typing import Any

from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot

from tutor.demos.lstm import figures
from tutor.demos.lstm.compute import LstmResult
from tutor.demos.view import DemoView


class LstmView(DemoView):
    """‖∂L/∂x_t‖ of RNN, LSTM and GRU drawn from t = T back to 1, then the sweep of the forget bias."""

    DEFAULT_CSS = """
    LstmView > PlotextPlot {
        height: 22;
    }
    LstmView > Static {
        height: auto;
    }
    """

    demo_name = "lstm"

    def compose_result(self) -> Iterable[Widget]:
        """Flow plot, sweep plot, table."""
        yield PlotextPlot(id="lstm-flow")
        yield PlotextPlot(id="lstm-sweep")
        yield Static(id="lstm-table")

    def draw(self, result: LstmResult) -> None:
        """Fill the sweep plot and the table, and start the backward-flow animation."""
        sweep = self.query_one("#lstm-sweep", PlotextPlot)
        figures.draw_sweep(sweep.plt, result)
        sweep.refresh()
        self.query_one("#lstm-table", Static).update(figures.sweep_table(result))
        self.play_frames(figures.frame_starts(result, figures.FRAMES), self._draw_flow)

    def _draw_flow(self, first: int) -> None:
        flow = self.query_one("#lstm-flow", PlotextPlot)
        figures.draw_flow(flow.plt, self.result, first)
        flow.refresh()


def make_widget(params: dict[str, Any]) -> LstmView:
    """Return the LSTM view for ``params`` (checked against the registry; defaults fill the rest)."""
    return LstmView(params)
