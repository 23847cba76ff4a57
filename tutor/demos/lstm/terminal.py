"""The LSTM demo in a plain terminal: the gradient flowing back through time, then the forget-bias sweep."""

from rich.console import Console

from tutor.demos.charts import new_figure, play, plot_width, to_text
from tutor.demos.lstm import figures
from tutor.demos.lstm.compute import LstmResult


def show(result: LstmResult, console: Console) -> None:
    """Animate ‖∂L/∂x_t‖ growing back from t = T to t = 1, then print the sweep and its table.

    When the console is not a terminal only the final frame is printed.
    """
    width = plot_width(console)
    flow = new_figure(width, 22)
    if console.is_terminal:
        starts = figures.frame_starts(result, figures.FRAMES)
        play(console, flow, starts, lambda plot, first: figures.draw_flow(plot, result, first))
    else:
        figures.draw_flow(flow, result)
        console.print(to_text(flow))
    sweep = new_figure(width, 20)
    figures.draw_sweep(sweep, result)
    console.print(to_text(sweep))
    console.print(figures.sweep_table(result))
