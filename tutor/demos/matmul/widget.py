"""The matmul demo in the app: timing runs in a worker with its progress shown, then the plot and tables."""

from typing import Any

from rich.console import Group

from tutor.demos.matmul import figures
from tutor.demos.matmul.compute import MatmulResult
from tutor.demos.view import DemoView, Part


class MatmulView(DemoView):
    """Summary, GFLOP/s plot, CPU and GPU tables, roofline plot and table; the status line names the size being
    timed."""

    demo_name = "matmul"
    parts = (Part("summary"), Part("rates", 20), Part("tables"), Part("roofline", 20), Part("roofline-table"))

    def compute_extras(self) -> dict[str, Any]:
        """Report each size as it is timed (the worker thread calls this)."""
        return {"progress": lambda line: self.report_progress("timing " + line + " …")}

    def draw(self, result: MatmulResult) -> None:
        """Fill the summary, the plots and the tables."""
        self.show_text("summary", figures.summary(result))
        self.show_chart("rates", figures.rates_chart(result))
        gpu = figures.gpu_table(result)
        self.show_text("tables", Group(figures.cpu_table(result), *([gpu] if gpu is not None else [])))
        self.show_chart("roofline", figures.roofline_chart(result))
        self.show_text("roofline-table", figures.roofline_table(result))
