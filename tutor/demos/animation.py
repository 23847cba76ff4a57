"""The one clock of the demos' animations: frames a second, and how a run of frames plays in a terminal.

An animation is a sequence of ``(frame, seconds)``: what to draw and how long it stays. The terminal renderers
play it with :func:`play_live`; the app's views with :meth:`tutor.demos.view.DemoView.play_frames`. Both read
the seconds from the frames, so a demo's pace is the same in either.
"""

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from rich.console import Console, RenderableType
from rich.live import Live

FPS = 25
"""Frames per second of every moving picture (a chunk crossing the ring, a path growing, a gradient flowing)."""

FRAME_S = 1.0 / FPS
"""Seconds one frame of a steady animation stays on screen."""

Frame = TypeVar("Frame")


def steady(frames: Iterable[Frame]) -> Iterator[tuple[Frame, float]]:
    """Each of ``frames`` for one tick of the clock."""
    return ((frame, FRAME_S) for frame in frames)


def play_live(console: Console, timed: Iterable[tuple[Any, float]], draw: Callable[[Any], RenderableType]) -> None:
    """Play ``timed`` frames in place on a terminal: ``draw(frame)`` for each, shown for its seconds."""
    with Live(console=console, auto_refresh=False) as live:
        for frame, seconds in timed:
            started = time.perf_counter()
            live.update(draw(frame), refresh=True)
            time.sleep(max(0.0, seconds - (time.perf_counter() - started)))
