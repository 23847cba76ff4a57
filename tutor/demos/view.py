"""The Textual side shared by the demos: compute in a thread worker, show progress, then draw.

Each demo's ``widget.py`` subclasses :class:`DemoView`, composes its plots and tables and fills them in
``draw``. The compute function runs in a thread so the app keeps answering keys while torch works.
"""

from collections.abc import Callable, Iterable, Sequence
from functools import partial
from typing import Any, ClassVar

from rich.text import Text
from textual.containers import VerticalScroll
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from tutor.demos.charts import FPS
from tutor.demos.registry import get_demo
from tutor.errors import TutorError


class DemoView(VerticalScroll):
    """A demo in the app: a status line, a loading indicator while computing, then the demo's own widgets."""

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
    """

    demo_name: ClassVar[str]
    """Registry name of the demo this view shows."""

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
        """Status line and loading indicator, then the demo's widgets."""
        yield Static(id="demo-status")
        yield LoadingIndicator(id="demo-loading")
        yield from self.compose_result()

    def compose_result(self) -> Iterable[Widget]:
        """The widgets that show a result; subclasses yield theirs."""
        return ()

    def draw(self, result: Any) -> None:
        """Show ``result`` in the widgets of ``compose_result``; subclasses implement it."""
        raise NotImplementedError

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

    def play_frames(self, frames: Sequence[Any], show: Callable[[Any], None]) -> None:
        """Call ``show`` on each of ``frames`` in turn, ``FPS`` a second, replacing any running animation."""
        if self._animation is not None:
            self._animation.stop()
        pending = list(frames)

        def next_frame() -> None:
            show(pending.pop(0))
            if not pending and self._animation is not None:
                self._animation.stop()
                self._animation = None

        self._animation = self.set_interval(1.0 / FPS, next_frame)

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
