"""The activations demo in the app: the functions, their derivatives and the summary table."""

from tutor.demos.activations import figures
from tutor.demos.activations.compute import ActivationsResult
from tutor.demos.view import DemoView, Part


class ActivationsView(DemoView):
    """Two plots (f and f′ of every activation) and the table of ranges and saturation."""

    demo_name = "activations"
    parts = (Part("functions", 22), Part("derivatives", 22), Part("table"))

    def draw(self, result: ActivationsResult) -> None:
        """Fill both plots and the table."""
        self.show_chart("functions", figures.functions_chart(result))
        self.show_chart("derivatives", figures.derivatives_chart(result))
        self.show_text("table", figures.summary_table(result))
