"""The all-reduce demo in the app: the ranks run in a thread worker, then the ring plays frame by frame."""

from collections.abc import Iterable, Iterator
from typing import Any

from rich.console import RenderableType
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Static

from tutor.demos.allreduce.compute import Result
from tutor.demos.allreduce.frames import MAX_ANIMATED_RANKS, ring_frames, step_table, summary
from tutor.demos.view import DemoView


class AllreduceView(DemoView):
    """The ring, animated step by step with the partial sums, then the bytes, the check and the bench."""

    DEFAULT_CSS = """
    AllreduceView > Static {
        height: auto;
        padding: 0 1;
    }
    """

    demo_name = "allreduce"

    def __init__(self, params: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(params, **kwargs)
        self._frames: Iterator[tuple[RenderableType, float]] = iter(())
        self._timer: Timer | None = None

    def compose_result(self) -> Iterable[Widget]:
        """The ring picture and the numbers below it."""
        yield Static(id="allreduce-ring")
        yield Static(id="allreduce-summary")

    def draw(self, result: Result) -> None:
        """Show the numbers and start playing the frames (or the step table when p is too wide to draw)."""
        self.query_one("#allreduce-summary", Static).update(summary(result))
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if result.world_size > MAX_ANIMATED_RANKS:
            self.query_one("#allreduce-ring", Static).update(step_table(result))
            return
        self._frames = ring_frames(result)
        self._next_frame()

    def _next_frame(self) -> None:
        """Show the next frame and schedule the one after it for when this one's time is up."""
        frame = next(self._frames, None)
        self._timer = None
        if frame is None:
            return
        renderable, seconds = frame
        self.query_one("#allreduce-ring", Static).update(renderable)
        self._timer = self.set_timer(seconds, self._next_frame)


def make_widget(params: dict[str, Any]) -> AllreduceView:
    """Return the all-reduce view for ``params`` (checked against the registry; defaults fill the rest)."""
    return AllreduceView(params)
