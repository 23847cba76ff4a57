"""Charts drawn by plotext: Chinese text lines up by terminal cells, bars are to scale, the size is kept."""

import pytest
from rich.cells import cell_len
from textual.app import App, ComposeResult

from tutor.demos.charts import Bars, Chart, Curve, Rule, Ticks, limits, render
from tutor.demos.plot import Plot


def labelled(word: str) -> Chart:
    """A chart with ``word`` in every place text goes: title, x ticks, legend, x label."""
    return Chart(
        title=f"{word} title",
        bars=Bars([0, 1, 2], ([138, 15, 40],), ("magenta",), (f"{word} bars",)),
        curves=(Curve([0, 1, 2], [100, 60, 20], "red", f"{word} line"),),
        rules=(Rule(80),),
        xlabel=f"{word} x",
        xticks=Ticks([0, 1, 2], [f"{word}0", "new", f"{word}2"]),
    )


@pytest.mark.parametrize(("width", "height"), [(80, 24), (60, 20), (100, 30)])
def test_chinese_labels_take_the_cells_of_ascii_labels_of_the_same_width(width, height):
    # 学习 takes four cells, like "abcd": with every label measured in cells, the two charts differ only in those
    # words. plotext before 6 counted characters: the Chinese chart's frame, ticks and bars moved two cells left.
    assert cell_len("学习") == cell_len("abcd") == 4
    chinese = render(labelled("学习"), width, height).plain
    ascii_ = render(labelled("abcd"), width, height).plain
    assert "学习 title" in chinese and "学习 bars" in chinese and "学习0" in chinese and "学习 x" in chinese
    assert chinese.replace("学习", "abcd") == ascii_
    for line in chinese.split("\n"):
        assert cell_len(line) == width


def frame_columns(text: str) -> list[list[int]]:
    """The cell (not character) position of every frame glyph on each line."""
    columns = []
    for line in text.split("\n"):
        cells, found = 0, []
        for character in line:
            if character in "│┤├┌┐└┘┬┴":
                found.append(cells)
            cells += cell_len(character)
        columns.append(found)
    return columns


def bar_rows(text: str) -> list[int]:
    """Rows of full blocks of each bar, left to right, read from the plot's text."""
    lines = [line for line in text.split("\n") if "█" in line]
    width = max(len(line) for line in lines)
    counts = [sum(1 for line in lines if len(line) > col and line[col] == "█") for col in range(width)]
    # Neighbouring columns with blocks are one bar: take each bar's tallest column.
    bars, current = [], 0
    for count in counts + [0]:
        if count:
            current = max(current, count)
        elif current:
            bars.append(current)
            current = 0
    return bars


@pytest.mark.parametrize(("width", "height"), [(80, 24), (60, 16), (100, 30)])
def test_bars_are_to_scale(width, height):
    values = [138, 15, 40, 69]
    chart = Chart(bars=Bars(range(len(values)), (values,), ("magenta",)), yticks=Ticks([0, 138]))
    text = render(chart, width, height).plain
    rows = bar_rows(text)
    assert len(rows) == len(values)
    canvas = height - 3  # frame above and below, x ticks
    # Each bar fills every row its value reaches: its value over the largest, in canvas rows, rounded up.
    for value, measured in zip(values, rows):
        assert value / max(values) * canvas <= measured < value / max(values) * canvas + 1
    assert rows[1] < rows[2] < rows[3] < rows[0]


def test_the_legend_is_written_under_the_plot_within_the_chart_size():
    many = Chart(
        bars=Bars([0, 1], ([1, 2],), ("blue",), ("柱 bars",)),
        curves=tuple(Curve([0, 1], [i, i + 1], "red", f"曲线{i}") for i in range(10)),
    )
    lines = render(many, 60, 22).plain.split("\n")
    assert len(lines) == 22
    assert {cell_len(line) for line in lines} == {60}
    legend = "\n".join(lines[-2:])  # eleven entries take two lines of 60 cells
    assert "██ 柱 bars" in legend and "━━ 曲线0" in legend and "━━ 曲线9" in legend
    assert "└" in lines[-4]  # the plot (its frame, then the x ticks) ends right above it


def test_a_title_wider_than_the_plot_is_cut_not_left_out():
    text = render(Chart(title="很长的标题 " * 10, curves=(Curve([0, 1], [0, 1], "red"),)), 40, 12).plain
    first = text.split("\n")[0]
    assert first.strip().startswith("很长的标题") and first.rstrip().endswith("…")
    assert cell_len(first) == 40


def test_a_size_too_small_for_a_frame_is_blank():
    assert render(Chart(title="t"), 5, 3).plain == "     \n     \n     "


def test_a_curve_needs_as_many_x_as_y():
    with pytest.raises(ValueError, match="as many x as y"):
        Curve([1, 2], [1], "red")


class Host(App):
    def compose(self) -> ComposeResult:
        yield Plot(id="plot")


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_the_plot_widget_draws_its_chart_at_its_own_size_and_again_when_resized(size):
    app = Host()
    async with app.run_test(size=size) as pilot:
        plot = app.query_one(Plot)
        assert plot.drawn().plain == ""
        plot.show_chart(labelled("学习"))
        await pilot.pause()
        lines = plot.drawn().plain.split("\n")
        assert (len(lines), {cell_len(line) for line in lines}) == (size[1], {size[0]})
        await pilot.resize_terminal(size[0] - 20, size[1] - 4)
        await pilot.pause()
        lines = plot.drawn().plain.split("\n")
        assert (len(lines), {cell_len(line) for line in lines}) == (size[1] - 4, {size[0] - 20})
        # What the screen shows is that text, with the frame's corner in the top-right cell of the title's row below.
        row = plot.render_lines(plot.region.reset_offset)[1].text
        assert row.rstrip().endswith("┐")


def test_y_ticks_inside_the_data_leave_the_x_axis_on_the_data():
    # plotext 6.1 alone would take the x range from the points inside the y ticks' span (here only x = 6 and a
    # stretch of the line): render sets both ranges itself, so the x axis still reads 4 … 6.
    chart = Chart(curves=(Curve([4, 5, 6], [-2.2, 1.8, 0.0], "red"),), yticks=Ticks([-2, -1, 0, 1]))
    lines = render(chart, 50, 10).plain.split("\n")
    ticks = lines[-1].split()
    assert (ticks[0], ticks[-1]) == ("4.00", "6.00")
    assert "-2┤" in lines[-3] and "1┤" in lines[1] + lines[2]


def test_the_ranges_hold_the_data_the_bars_with_their_width_and_the_ticks():
    chart = Chart(
        bars=Bars([0, 1, 2], ([3, 1, 2], [1, 1, 1]), ("green", "blue")),
        curves=(Curve([0.5, 1.5], [-1, 2], "red"), Curve([0, 9], [100, 200], "cyan", right=True)),
        rules=(Rule(7),),
        xticks=Ticks([-1, 2]),
    )
    xlim, ylim = limits(chart)
    assert xlim == pytest.approx((-1, 9))  # a tick at -1, the right-axis curve to 9
    assert ylim == pytest.approx((-1, 7))  # the curve's -1, the rule at 7; the right axis is its own
    assert limits(Chart(bars=Bars([0, 1], ([1, 1],), ("green",))))[0] == pytest.approx((-0.4, 1.4))
    assert limits(Chart(xlim=(0, 1), ylim=(2, 3)))[0:2] == ((0, 1), (2, 3))
