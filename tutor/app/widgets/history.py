"""A card's schedule and review history, as the browse preview and the card screen show them."""

from datetime import datetime, timedelta

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from tutor.app.format import RATING_LOOKS, due_text, interval


def schedule_text(state, now: datetime) -> Text:
    """One line: the card's state and when it is next due (with stability and lapses once it has them)."""
    if state.suspended:
        return Text("suspended · press s to unsuspend", style="bold yellow")
    line = Text()
    line.append(f"{state.state}", style="bold")
    line.append(f" · next due {due_text(state.due, now)}")
    if state.due is not None:
        line.append(f" ({state.due:%Y-%m-%d %H:%M} UTC)", style="dim")
    if state.stability is not None:
        line.append(f" · stability {state.stability:.1f}d")
    if state.lapses:
        line.append(f" · {state.lapses} lapses")
    if state.leech:
        line.append(" · leech", style="bold red")
    return line


def history_table(records, *, limit: int = 12) -> Table | Text:
    """The most recent ``limit`` reviews, newest first; a dim line when there are none."""
    if not records:
        return Text("no reviews yet", style="dim")
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="dim")
    table.add_column("when (UTC)")
    table.add_column("mode")
    table.add_column("rating")
    table.add_column("time", justify="right")
    table.add_column("score", justify="right")
    for record in list(reversed(records))[:limit]:
        seconds = "" if record.duration_ms is None else interval(timedelta(milliseconds=record.duration_ms))
        score = "" if record.score is None else f"{100 * record.score:.0f}%"
        table.add_row(
            f"{record.reviewed_at:%Y-%m-%d %H:%M}",
            record.mode,
            Text(record.rating, style=RATING_LOOKS[record.rating].colour),
            seconds,
            score,
        )
    return table


class CardHistory(Static):
    """The schedule line and history table of one card, read from the engine."""

    DEFAULT_CSS = """
    CardHistory { height: auto; }
    """

    def show(self, state, records, now: datetime) -> None:
        """Draw ``state`` (CardState) and ``records`` (ReviewRecord list, oldest first)."""
        title = Text(f"复习记录 history · {len(records)} reviews", style="bold")
        self.update(Group(title, schedule_text(state, now), history_table(records)))
