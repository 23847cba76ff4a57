"""Play the all-reduce in a terminal: every chunk moving between ranks, step by step, with the partial sums."""

import os

from rich.console import Console

from tutor.demos.allreduce.compute import Result
from tutor.demos.allreduce.frames import MAX_ANIMATED_RANKS, ring_frame, ring_frames, step_table, summary
from tutor.demos.animation import play_live


def show(result: Result, console: Console) -> None:
    """Animate ``result`` with Rich Live, then print the numbers.

    Not on a terminal (a pipe, a file), nothing sleeps: the step table, the final state and the numbers.
    Under torchrun every rank holds the same result and only rank 0 draws it, so that the ranks sharing a
    terminal do not draw over each other.
    """
    if result.launcher == "torchrun" and os.environ.get("RANK", "0") != "0":
        return
    drawable = result.world_size <= MAX_ANIMATED_RANKS
    if console.is_terminal and drawable:
        play_live(console, ring_frames(result), lambda frame: frame)
    else:
        console.print(step_table(result))
        if drawable:
            console.print(ring_frame(result, len(result.trace.steps) - 1, 1.0))
    console.print(summary(result))
