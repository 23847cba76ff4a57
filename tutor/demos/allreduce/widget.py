"""The all-reduce demo in the app: the ranks run in a thread worker, then the ring plays frame by frame."""

from tutor.demos.allreduce.compute import Result
from tutor.demos.allreduce.frames import MAX_ANIMATED_RANKS, ring_frames, step_table, summary
from tutor.demos.view import DemoView, Part


class AllreduceView(DemoView):
    """The ring, animated step by step with the partial sums, then the bytes, the check and the bench."""

    DEFAULT_CSS = """
    AllreduceView > .demo-text {
        padding: 0 1;
    }
    """

    demo_name = "allreduce"
    parts = (Part("ring"), Part("summary"))

    def draw(self, result: Result) -> None:
        """Show the numbers and start playing the frames (or the step table when p is too wide to draw)."""
        self.show_text("summary", summary(result))
        if result.world_size > MAX_ANIMATED_RANKS:
            self.stop_frames()
            self.show_text("ring", step_table(result))
            return
        self.play_frames(ring_frames(result), lambda frame: self.show_text("ring", frame))
