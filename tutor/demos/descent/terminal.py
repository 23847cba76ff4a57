"""The descent demo in a plain terminal: the paths drawn step by step, then the tables and the SGD noise."""

from rich.console import Console, Group

from tutor.demos.charts import new_figure, play, plot_width, to_text
from tutor.demos.descent import figures
from tutor.demos.descent.compute import DescentResult


def show(result: DescentResult, console: Console) -> None:
    """Animate the optimizers' paths on the contour plot, then print the rates and the minibatch results.

    When the console is not a terminal (a pipe, a file) only the final frame is printed.
    """
    width = plot_width(console)
    figure = new_figure(width, 24)
    steps = figures.frame_steps(result, figures.FRAMES)
    if console.is_terminal:
        play(console, figure, steps, lambda plot, step: figures.draw_paths(plot, result, step))
    else:
        figures.draw_paths(figure, result, steps[-1])
        console.print(to_text(figure))
    console.print(figures.rates_table(result))
    noise = new_figure(width, 18)
    figures.draw_minibatch(noise, result)
    console.print(Group(to_text(noise), figures.minibatch_table(result)))
