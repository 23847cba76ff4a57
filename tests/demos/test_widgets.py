"""Each demo's Textual view computes in a thread worker, draws the result and recomputes on request."""

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static
from textual_plotext import PlotextPlot

from tutor.demos.registry import all_demos, get_demo
from tutor.errors import DemoParameterError, TutorError

# Small parameters: the views are what is tested here, the numbers are tested beside each compute module.
SMALL = {
    "descent": {"kappa": 10.0, "max_steps": 200},
    "activations": {"points": 101},
    "lstm": {"steps": 20, "hidden": 4, "seeds": 1},
    "matmul": {"budget": 0.1, "max_n": 64},
    "allreduce": {"world_size": 2, "elements": 4},
}

# What each view draws into: its plots, or (allreduce) the Statics that hold the ring and the numbers.
DRAWN = {
    "descent": (PlotextPlot, 2),
    "activations": (PlotextPlot, 2),
    "lstm": (PlotextPlot, 2),
    "matmul": (PlotextPlot, 2),
    "allreduce": (Static, 2),
}


def drawn_text(widget) -> str:
    """The text a plot or a Static shows now."""
    return widget.plt.build() if isinstance(widget, PlotextPlot) else str(widget.render())


class Host(App):
    """Mounts one demo view."""

    def __init__(self, name: str, params: dict) -> None:
        super().__init__()
        self.view = get_demo(name).module("widget").make_widget(params)

    def compose(self) -> ComposeResult:
        yield self.view


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("name", list(SMALL))
async def test_view_computes_in_a_worker_and_draws_its_plots(name):
    app = Host(name, SMALL[name])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        view = app.view
        assert view.result is not None
        assert type(view.result).__module__ == f"tutor.demos.{name}.compute"
        assert view.params == get_demo(name).resolve(SMALL[name])
        assert not view.query_one("#demo-loading").display
        await pilot.pause(0.3)  # let an animation draw a few frames
        kind, count = DRAWN[name]
        # The view's own loading and status lines are Statics too: only the children it composed count.
        widgets = [widget for widget in view.query(kind) if widget.id and widget.id.startswith(f"{name}-")]
        assert len(widgets) == count
        for widget in widgets:
            assert drawn_text(widget).strip(), f"{name}: #{widget.id} is empty"


def test_every_demo_has_a_view_test():
    assert sorted(SMALL) == sorted(DRAWN) == sorted(demo.name for demo in all_demos())


async def test_recompute_uses_the_new_parameters():
    app = Host("activations", {"points": 11})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.view.recompute({"lo": -2, "hi": 3, "points": 11})
        await settle(pilot)
        assert app.view.result.to_dict()["range"] == [-2.0, 3.0]


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
        get_demo("activations").module("widget").make_widget({"lo": 4, "hi": 1})


def test_an_unknown_parameter_is_refused_before_anything_runs():
    with pytest.raises(DemoParameterError, match="has no parameter 'width'"):
        get_demo("lstm").module("widget").make_widget({"width": 3})
