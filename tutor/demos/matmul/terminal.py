"""The matmul demo in a plain terminal: the summary, the GFLOP/s plot, the roofline and the tables (timing is
already done)."""

from rich.console import Console

from tutor.demos.charts import new_figure, plot_width, to_text
from tutor.demos.matmul import figures
from tutor.demos.matmul.compute import MatmulResult


def show(result: MatmulResult, console: Console) -> None:
    """Print the summary, the plot of GFLOP/s against size, the CPU and GPU tables, and the roofline."""
    console.print(figures.summary(result))
    rates = new_figure(plot_width(console), 20)
    figures.draw_rates(rates, result)
    console.print(to_text(rates))
    console.print(figures.cpu_table(result))
    gpu = figures.gpu_table(result)
    if gpu is not None:
        console.print(gpu)
    roof = new_figure(plot_width(console), 20)
    figures.draw_roofline(roof, result)
    console.print(to_text(roof))
    console.print(figures.roofline_table(result))
