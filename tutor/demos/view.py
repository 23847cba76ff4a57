"""The Textual side shared by the demos: compute in a thread worker, show progress, then draw.

Each demo's ``widget.py`` subclasses :class:`DemoView`: it names its demo and its parts (plots and text, top to
bottom) and fills them in ``draw`` from the computed result. The compute function runs in a thread so the app
keeps answering keys while torch works. :func:`make_view` builds the view of any demo by its name.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from rich.console import RenderableType
from rich.text import Text
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from tutor.demos.charts import Chart
from tutor.demos.plot import Plot
from tutor.demos.registry import get_demo
from tutor.errors import TutorError


@dataclass(frozen=True)
class Part:
    """One piece of a demo's view: a plot of a fixed height, or text (a table, a picture) as tall as it is."""

    name: str
    """Its name in ``draw`` (the widget's id is ``<demo>-<name>``)."""
    plot_height: int = 0
    """Rows of a plot; 0 for text."""


class DemoView(VerticalScroll):
    """A demo in the app: a status line, a loading indicator while computing, then the demo's own parts."""

    DEFAULT_CSS = """
    DemoView {
        height: 1fr;
    }
    DemoView > #demo-status {
        height: auto;
        padding: 0 1;
    }
    DemoView > #demo-loading {
        height: 3;
    }
    DemoView > .demo-text {
        height: auto;
    }
    """

    demo_name: ClassVar[str]
    """Registry name of the demo this view shows."""
    parts: ClassVar[tuple[Part, ...]] = ()
    """What the view shows under the status line, top to bottom."""
    views: ClassVar[dict[str, type["DemoView"]]] = {}
    """Every demo's view class by demo name (filled as the widget modules are imported)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "demo_name" in cls.__dict__:  # a demo's own view, not a shared base
            DemoView.views[cls.demo_name] = cls

    def __init__(self, params: dict[str, Any], **kwargs: Any) -> None:
        """Create the view; ``params`` are checked against the registry (defaults fill the rest).

        Raises:
            DemoParameterError: an unknown parameter or a value out of bounds.
        """
        super().__init__(**kwargs)
        self.params = get_demo(self.demo_name).resolve(params)
        self.result: Any = None
        self._animation: Timer | None = None

    def compose(self) -> Iterable[Widget]:
        """Status line and loading indicator, then the demo's parts."""
        yield Static(id="demo-status")
        yield LoadingIndicator(id="demo-loading")
        for part in self.parts:
            if part.plot_height:
                plot = Plot(id=f"{self.demo_name}-{part.name}")
                plot.styles.height = part.plot_height
                yield plot
            else:
                yield Static(id=f"{self.demo_name}-{part.name}", classes="demo-text")

    def draw(self, result: Any) -> None:
        """Show ``result`` in the parts; subclasses implement it."""
        raise NotImplementedError

    def show_chart(self, part: str, chart: Chart) -> None:
        """Draw ``chart`` in the plot called ``part``."""
        self.query_one(f"#{self.demo_name}-{part}", Plot).show_chart(chart)

    def show_text(self, part: str, renderable: RenderableType) -> None:
        """Show ``renderable`` (a table, a Rich picture) in the text part called ``part``."""
        self.query_one(f"#{self.demo_name}-{part}", Static).update(renderable)

    def on_mount(self) -> None:
        """Start the first computation."""
        self.recompute(self.params)

    def recompute(self, params: dict[str, Any]) -> None:
        """Compute again with ``params`` (checked against the registry); a running computation is dropped.

        Raises:
            DemoParameterError: an unknown parameter or a value out of bounds.
        """
        self.params = get_demo(self.demo_name).resolve(params)
        self.query_one("#demo-loading").display = True
        self.set_status("计算中 computing with " + ", ".join(f"{k}={v}" for k, v in self.params.items()) + " …")
        self.run_worker(
            partial(self._compute, dict(self.params)),
            name=self.demo_name,
            group="compute",
            exclusive=True,
            thread=True,
            exit_on_error=False,
        )

    def _compute(self, params: dict[str, Any]) -> Any:
        return get_demo(self.demo_name).module("compute").compute(**params, **self.compute_extras())

    def compute_extras(self) -> dict[str, Any]:
        """Extra keyword arguments for compute (a progress callback, say); none by default."""
        return {}

    def play_frames(self, timed: Iterable[tuple[Any, float]], show: Callable[[Any], None]) -> None:
        """Call ``show`` on each frame of ``timed`` and keep it for its seconds, replacing any running animation.

        ``timed`` is an animation as :mod:`tutor.demos.animation` describes it (``steady(frames)`` for one tick
        of its clock each).
        """
        self.stop_frames()
        pending = iter(timed)

        def next_frame() -> None:
            self._animation = None
            frame = next(pending, None)
            if frame is None:
                return
            show(frame[0])
            self._animation = self.set_timer(frame[1], next_frame)

        next_frame()

    def stop_frames(self) -> None:
        """Stop the running animation, if any, on the frame it shows."""
        if self._animation is not None:
            self._animation.stop()
            self._animation = None

    def set_status(self, text: str, style: str = "") -> None:
        """Show one line above the result (plain text: brackets in it are not markup)."""
        self.query_one("#demo-status", Static).update(Text(text, style=style))

    def report_progress(self, text: str) -> None:
        """Show progress from the worker thread (safe to call from it)."""
        self.app.call_from_thread(self.set_status, text)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Draw the result when the worker finishes, or show why it failed."""
        if event.worker.group != "compute":
            return
        if event.state is WorkerState.SUCCESS:
            self.query_one("#demo-loading").display = False
            self.result = event.worker.result
            self.set_status("")
            self.draw(self.result)
        elif event.state is WorkerState.ERROR:
            self.query_one("#demo-loading").display = False
            error = event.worker.error
            # A TutorError is a message for the learner (a bad parameter); anything else is a failure.
            text = str(error) if isinstance(error, TutorError) else f"failed: {error!r}"
            self.set_status(text, style="red")


def make_view(name: str, params: dict[str, Any]) -> DemoView:
    """Return the view of demo ``name`` for ``params``: its ``widget`` module is imported (torch with it).

    Raises:
        DemoParameterError: no such demo, an unknown parameter or a value out of bounds.
    """
    demo = get_demo(name)
    demo.module("widget")  # defines the demo's view class, which registers itself
    return DemoView.views[demo.name](params)
