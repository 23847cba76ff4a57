"""The matmul demo in the app: timing runs in a worker with its progress shown, then the plot and tables."""

from collections.abc import Iterable
from typing import Any

from rich.console import Group
from textual.widget import Widget
from textual.widgets import Static
from textual_plotext import PlotextPlot

from tutor.demos.matmul import figures
from tutor.demos.matmul.compute import MatmulResult
from tutor.demos.view import DemoView


class MatmulView(DemoView):
    """Summary, GFLOP/s plot, CPU and GPU tables, roofline plot and table; the status line names the size being
    timed."""

    DEFAULT_CSS = """
    MatmulView > PlotextPlot {
        height: 20;
    }
    MatmulView > Static {
        height: auto;
    }
    """

    demo_name = "matmul"

    def compose_result(self) -> Iterable[Widget]:
        """Summary, rate plot, tables, roofline plot and table."""
        yield Static(id="matmul-summary")
        yield PlotextPlot(id="matmul-rates")
        yield Static(id="matmul-tables")
        yield PlotextPlot(id="matmul-roofline")
        yield Static(id="matmul-roofline-table")

    def compute_extras(self) -> dict[str, Any]:
        """Report each size as it is timed (the worker thread calls this)."""
        return {"progress": lambda line: self.report_progress("timing " + line + " …")}

    def draw(self, result: MatmulResult) -> None:
        """Fill the summary, the plots and the tables."""
        self.query_one("#matmul-summary", Static).update(figures.summary(result))
        rates = self.query_one("#matmul-rates", PlotextPlot)
        figures.draw_rates(rates.plt, result)
        rates.refresh()
        gpu = figures.gpu_table(result)
        tables = [figures.cpu_table(result)] + ([gpu] if gpu is not None else [])
        self.query_one("#matmul-tables", Static).update(Group(*tables))
        roof = self.query_one("#matmul-roofline", PlotextPlot)
        figures.draw_roofline(roof.plt, result)
        roof.refresh()
        self.query_one("#matmul-roofline-table", Static).update(figures.roofline_table(result))


def make_widget(params: dict[str, Any]) -> MatmulView:
    """Return the matmul view for ``params`` (checked against the registry; defaults fill the rest)."""
    return MatmulView(params)
