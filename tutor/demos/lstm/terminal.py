"""The LSTM demo in a plain terminal: the gradient flowing back through time, then the forget-bias sweep."""

from rich.console import Console

from tutor.demos.animation import play_live, steady
from tutor.demos.charts import plot_width, render
from tutor.demos.lstm import figures
from tutor.demos.lstm.compute import LstmResult


def show(result: LstmResult, console: Console) -> None:
    """Animate ‖∂L/∂x_t‖ growing back from t = T to t = 1, then print the sweep and its table.

    When the console is not a terminal only the final frame is printed.
    """
    width = plot_width(console)
    if console.is_terminal:
        starts = figures.frame_starts(result, figures.FRAMES)
        play_live(console, steady(starts), lambda first: render(figures.flow_chart(result, first), width, 22))
    else:
        console.print(render(figures.flow_chart(result), width, 22))
    console.print(render(figures.sweep_chart(result), width, 20))
    console.print(figures.sweep_table(result))
