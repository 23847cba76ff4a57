"""The matmul demo in a plain terminal: the summary, the GFLOP/s plot, the roofline and the tables (timing is
already done)."""

from rich.console import Console

from tutor.demos.charts import plot_width, render
from tutor.demos.matmul import figures
from tutor.demos.matmul.compute import MatmulResult


def show(result: MatmulResult, console: Console) -> None:
    """Print the summary, the plot of GFLOP/s against size, the CPU and GPU tables, and the roofline."""
    console.print(figures.summary(result))
    console.print(render(figures.rates_chart(result), plot_width(console), 20))
    console.print(figures.cpu_table(result))
    gpu = figures.gpu_table(result)
    if gpu is not None:
        console.print(gpu)
    console.print(render(figures.roofline_chart(result), plot_width(console), 20))
    console.print(figures.roofline_table(result))
