"""A drill's clock: the time left, ticking each second, with a message when it runs out."""

import time

from textual.message import Message
from textual.widgets import Static


def clock_text(seconds: float) -> str:
    """Return ``seconds`` (rounded up) as m:ss, or h:mm:ss from an hour."""
    whole = max(0, int(-(-seconds // 1)))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Countdown(Static):
    """Shows the time left of ``seconds`` (or "no time limit" for None) and posts :class:`Finished` at 0."""

    class Finished(Message):
        """The time is up."""

    def __init__(self, seconds: float | None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._seconds = seconds
        self._deadline: float | None = None
        self._finished = False

    def on_mount(self) -> None:
        if self._seconds is None:
            self.update("no time limit")
            return
        self._deadline = time.monotonic() + self._seconds
        self._timer = self.set_interval(1.0, self._tick)
        self._tick()

    @property
    def remaining(self) -> float | None:
        """Seconds left, or None without a limit."""
        if self._deadline is None:
            return None
        return max(0.0, self._deadline - time.monotonic())

    def stop(self) -> None:
        """Freeze the clock (the drill is over)."""
        if self._deadline is not None:
            self._timer.stop()

    def _tick(self) -> None:
        left = self.remaining
        self.update(f"⏱ {clock_text(left)} left")
        self.set_class(left < 60, "urgent")
        if left <= 0 and not self._finished:
            self._finished = True
            self._timer.stop()
            self.post_message(self.Finished())
