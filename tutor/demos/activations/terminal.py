"""The activations demo in a plain terminal: the functions, their derivatives and the summary table."""

from rich.console import Console

from tutor.demos.activations import figures
from tutor.demos.activations.compute import ActivationsResult
from tutor.demos.charts import new_figure, plot_width, to_text


def show(result: ActivationsResult, console: Console) -> None:
    """Print both plots and the table (nothing moves here, so there is no animation)."""
    width = plot_width(console)
    functions = new_figure(width, 22)
    figures.draw_functions(functions, result)
    console.print(to_text(functions))
    derivatives = new_figure(width, 18)
    figures.draw_derivatives(derivatives, result)
    console.print(to_text(derivatives))
    console.print(figures.summary_table(result))
