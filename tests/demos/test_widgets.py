"""Each demo's Textual view computes in a thread worker, draws the result and recomputes on request."""

import io
import math

import pytest
from rich.console import Console
from textual.app import App, ComposeResult
from textual.widgets import Static

from tutor.demos.charts import MARKER
from tutor.demos.plot import Plot
from tutor.demos.registry import all_demos, get_demo
from tutor.demos.view import DemoView, make_view
from tutor.errors import DemoParameterError, TutorError

# Small parameters: the views are what is tested here, the numbers are tested beside each compute module.
SMALL = {
    "descent": {"kappa": 10.0, "max_steps": 200},
    "activations": {"points": 101},
    "lstm": {"steps": 20, "hidden": 4, "seeds": 1},
    "matmul": {"budget": 0.1, "max_n": 64},
    "allreduce": {"world_size": 2, "elements": 4},
}

BRAILLE = range(0x2801, 0x2900) if MARKER == "braille" else range(0)
"""Braille cells with at least one dot: what plotext draws a curve with (``MARKER``); no cell counts if the
marker changes, so the tests below fail until they are told what to look for."""


def shown(widget) -> str:
    """The text a plot or a Static shows now, as on the screen."""
    if isinstance(widget, Plot):
        return widget.drawn().plain
    text = io.StringIO()
    Console(file=text, width=118).print(widget.content)
    return text.getvalue()


def dots(text: str) -> int:
    return sum(ord(character) in BRAILLE for character in text)


def check_activations(view) -> None:
    # Each curve is f at the samples: relu against its closed form, not against the code that drew it.
    relu = next(curve for curve in view.query_one("#activations-functions", Plot).chart.curves if curve.label == "relu")
    assert relu.ys == tuple(max(x, 0.0) for x in relu.xs)
    assert relu.xs[0] == -10.0 and relu.xs[-1] == 10.0
    # Ten curves: the legend does not fit inside 22 rows, so it is written under the plot, every name in it.
    drawn = shown(view.query_one("#activations-functions", Plot))
    for name in ("sigmoid", "tanh", "relu", "gelu_tanh", "softplus"):
        assert f"━━ {name}" in drawn
    assert "range of f" in shown(view.query_one("#activations-table"))


def check_descent(view) -> None:
    chart = view.query_one("#descent-paths", Plot).chart
    paths = {curve.label: curve for curve in chart.curves if curve.label}
    assert sorted(paths) == sorted(run.name for run in view.result.optimizers)
    for run in view.result.optimizers:
        assert (paths[run.name].xs[0], paths[run.name].ys[0]) == pytest.approx(view.result.start)
    drawn = shown(view.query_one("#descent-paths", Plot))
    assert "κ = 10" in drawn
    for name in paths:
        assert name in drawn  # in the legend box
    # The noise plot: log10 of each run's distances, one curve per batch size.
    noise = view.query_one("#descent-noise", Plot).chart
    first = view.result.minibatch[0]
    assert noise.curves[0].ys[0] == pytest.approx(math.log10(first.distances[0]))
    assert "B=" in shown(view.query_one("#descent-noise", Plot))


def check_lstm(view) -> None:
    flow = view.query_one("#lstm-flow", Plot).chart
    assert [curve.label.split()[0] for curve in flow.curves] == ["rnn", "lstm", "gru"]
    assert flow.curves[0].ys[-1] == pytest.approx(math.log10(view.result.rnn[-1]))
    sweep = view.query_one("#lstm-sweep", Plot).chart
    assert len(sweep.curves) == len(view.result.sweep)
    assert "gru" in shown(view.query_one("#lstm-flow", Plot))


def check_matmul(view) -> None:
    rates = view.query_one("#matmul-rates", Plot).chart
    numpy = next(curve for curve in rates.curves if curve.label == "numpy")
    timed = [row for row in view.result.cpu if row.numpy_gflops is not None]
    assert numpy.xs == tuple(math.log2(row.n) for row in timed)
    assert numpy.ys == pytest.approx([math.log10(row.numpy_gflops) for row in timed])
    assert "numpy" in shown(view.query_one("#matmul-rates", Plot))
    assert "roof" in shown(view.query_one("#matmul-roofline", Plot))


def check_allreduce(view) -> None:
    assert "p=2 · n=4" in shown(view.query_one("#allreduce-ring"))
    summary = shown(view.query_one("#allreduce-summary"))
    assert "bytes" in summary


CHECKS = {
    "activations": check_activations,
    "descent": check_descent,
    "lstm": check_lstm,
    "matmul": check_matmul,
    "allreduce": check_allreduce,
}


class Host(App):
    """Mounts one demo view."""

    def __init__(self, name: str, params: dict) -> None:
        super().__init__()
        self.view = make_view(name, params)

    def compose(self) -> ComposeResult:
        yield self.view


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("name", list(SMALL))
async def test_view_computes_in_a_worker_and_draws_its_result(name):
    app = Host(name, SMALL[name])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = app.view
        assert view.result is not None
        assert type(view.result).__module__ == f"tutor.demos.{name}.compute"
        assert view.params == get_demo(name).resolve(SMALL[name])
        assert not view.query_one("#demo-loading").display
        await pilot.pause(0.3)  # let an animation draw a few frames
        # Every part is filled: each plot with a chart whose canvas has dots or bars, each text part with text.
        for part in type(view).parts:
            widget = view.query_one(f"#{name}-{part.name}")
            if part.plot_height:
                assert isinstance(widget, Plot) and widget.chart is not None, f"{name}: {part.name} has no chart"
                assert dots(shown(widget)) > 20, f"{name}: {part.name} draws no curve"
            else:
                assert isinstance(widget, Static) and shown(widget).strip(), f"{name}: {part.name} is empty"
        CHECKS[name](view)


def test_every_demo_has_a_view_and_a_view_test():
    names = sorted(demo.name for demo in all_demos())
    assert sorted(SMALL) == sorted(CHECKS) == names
    for name in names:
        make_view(name, SMALL[name])  # imports the widget module, which registers its view
        assert DemoView.views[name].demo_name == name


async def test_recompute_uses_the_new_parameters():
    app = Host("activations", {"points": 11})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.view.recompute({"lo": -2, "hi": 3, "points": 11})
        await settle(pilot)
        assert app.view.result.to_dict()["range"] == [-2.0, 3.0]
        assert app.view.query_one("#activations-functions", Plot).chart.curves[0].xs[-1] == 3.0


async def test_a_failed_computation_is_shown_as_one_line(monkeypatch):
    from tutor.demos.activations import compute

    def fail(**params):
        raise TutorError("the sampling failed")

    monkeypatch.setattr(compute, "compute", fail)
    app = Host("activations", {"points": 11})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.view.result is None
        status = str(app.view.query_one("#demo-status", Static).render())
        assert status == "the sampling failed"


def test_parameters_that_do_not_fit_together_are_refused_before_anything_runs():
    with pytest.raises(DemoParameterError, match="lo and hi must be in increasing order, not 4 and 1"):
        make_view("activations", {"lo": 4, "hi": 1})


def test_an_unknown_parameter_is_refused_before_anything_runs():
    with pytest.raises(DemoParameterError, match="has no parameter 'width'"):
        make_view("lstm", {"width": 3})
