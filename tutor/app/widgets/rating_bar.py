"""The four rating buttons of a review, each with the interval it would give: "Good · 3d"."""

from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button

from tutor.app.format import interval
from tutor.engine.records import RATINGS

_VARIANTS = {"again": "error", "hard": "warning", "good": "success", "easy": "primary"}


def rating_label(index: int, rating: str, span: timedelta | None) -> str:
    """Return a button's label, e.g. "3 Good · 3d" (no interval when unknown)."""
    label = f"{index} {rating.capitalize()}"
    return label if span is None else f"{label} · {interval(span)}"


class RatingBar(Horizontal):
    """Four buttons whose ids are ``rate-again`` … ``rate-easy``; the screen handles their presses."""

    def compose(self) -> ComposeResult:
        for index, rating in enumerate(RATINGS, start=1):
            yield Button(
                rating_label(index, rating, None), id=f"rate-{rating}", variant=_VARIANTS[rating], compact=True
            )

    def show_intervals(self, intervals: dict[str, timedelta]) -> None:
        """Label each button with the interval its rating would give."""
        for index, rating in enumerate(RATINGS, start=1):
            self.query_one(f"#rate-{rating}", Button).label = rating_label(index, rating, intervals.get(rating))
