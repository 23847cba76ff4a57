"""The descent demo in a plain terminal: the paths drawn step by step, then the tables and the SGD noise."""

from rich.console import Console, Group

from tutor.demos.animation import play_live, steady
from tutor.demos.charts import plot_width, render
from tutor.demos.descent import figures
from tutor.demos.descent.compute import DescentResult


def show(result: DescentResult, console: Console) -> None:
    """Animate the optimizers' paths on the contour plot, then print the rates and the minibatch results.

    When the console is not a terminal (a pipe, a file) only the final frame is printed.
    """
    width = plot_width(console)
    steps = figures.frame_steps(result, figures.FRAMES)
    if console.is_terminal:
        play_live(console, steady(steps), lambda step: render(figures.paths_chart(result, step), width, 24))
    else:
        console.print(render(figures.paths_chart(result, steps[-1]), width, 24))
    console.print(figures.rates_table(result))
    console.print(Group(render(figures.minibatch_chart(result), width, 18), figures.minibatch_table(result)))
