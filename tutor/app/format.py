"""Short texts for intervals, due dates and shares ("3d", "in 2h", "92%"), and the colour of each rating, for the
screens and the command line.

No textual here: ``tutor due`` and ``tutor rate`` use these too.
"""

from datetime import datetime, timedelta
from typing import NamedTuple

from tutor.vocabulary import Rating


class RatingLook(NamedTuple):
    """How one rating is drawn."""

    colour: str
    """Rich colour of its name, score or bar."""
    variant: str
    """Textual button variant of its rating button (the theme's colour of the same meaning)."""


RATING_LOOKS = {
    Rating.AGAIN.label: RatingLook("red", "error"),
    Rating.HARD.label: RatingLook("yellow", "warning"),
    Rating.GOOD.label: RatingLook("green", "success"),
    Rating.EASY.label: RatingLook("blue", "primary"),
}
"""The look of each rating, by name, wherever ratings are shown."""


def interval(span: timedelta) -> str:
    """Return ``span`` in the unit a learner reads at a glance: 45s, 10m, 3h, 4d, 2.5mo, 1.2y."""
    seconds = max(span.total_seconds(), 0.0)
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{seconds / 60:.0f}m"
    if seconds < 86400:
        return f"{seconds / 3600:.0f}h"
    days = seconds / 86400
    if days < 30:
        return f"{days:.0f}d"
    if days < 365:
        return _trim(days / 30) + "mo"
    return _trim(days / 365) + "y"


def _trim(value: float) -> str:
    """One decimal below ten (2.5), none above (14), no trailing .0."""
    text = f"{value:.1f}" if value < 10 else f"{value:.0f}"
    return text[:-2] if text.endswith(".0") else text


def due_text(due: datetime | None, now: datetime) -> str:
    """Return when a card is due relative to ``now``: "now", "in 3d" or "2d ago"; "never seen" for None."""
    if due is None:
        return "never seen"
    if abs((due - now).total_seconds()) < 60:
        return "now"
    if due > now:
        return f"in {interval(due - now)}"
    return f"{interval(now - due)} ago"


def percent(share: float | None) -> str:
    """Return a share in [0, 1] as a whole percentage, or "—" when there is nothing to measure."""
    return "—" if share is None else f"{100 * share:.0f}%"
