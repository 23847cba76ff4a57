"""The activations demo in a plain terminal: the functions, their derivatives and the summary table."""

from rich.console import Console

from tutor.demos.activations import figures
from tutor.demos.activations.compute import ActivationsResult
from tutor.demos.charts import plot_width, render


def show(result: ActivationsResult, console: Console) -> None:
    """Print both plots and the table (nothing moves here, so there is no animation)."""
    width = plot_width(console)
    console.print(render(figures.functions_chart(result), width, 22))
    console.print(render(figures.derivatives_chart(result), width, 18))
    console.print(figures.summary_table(result))
