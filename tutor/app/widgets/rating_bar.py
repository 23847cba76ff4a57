"""The four rating buttons of a review, each with the interval it would give: "Good · 3d"."""

from datetime import timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Button

from tutor.app.format import RATING_LOOKS, interval
from tutor.vocabulary import Rating


def rating_label(rating: Rating, span: timedelta | None) -> str:
    """Return a button's label, its key and name, e.g. "3 Good · 3d" (no interval when unknown)."""
    label = f"{int(rating)} {rating.label.capitalize()}"
    return label if span is None else f"{label} · {interval(span)}"


class RatingBar(Horizontal):
    """Four buttons whose ids are ``rate-again`` … ``rate-easy``; the screen handles their presses."""

    def compose(self) -> ComposeResult:
        for rating in Rating:
            name = rating.label
            yield Button(rating_label(rating, None), id=f"rate-{name}", variant=RATING_LOOKS[name].variant, compact=True)

    def show_intervals(self, intervals: dict[str, timedelta]) -> None:
        """Label each button with the interval its rating would give."""
        for rating in Rating:
            name = rating.label
            self.query_one(f"#rate-{name}", Button).label = rating_label(rating, intervals.get(name))
