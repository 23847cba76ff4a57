"""Review: the due cards one at a time; space shows the answer, 1–4 rate it, u undoes, and a summary ends it."""

import time
from collections import Counter
from datetime import timedelta

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Static

from tutor.app.format import RATING_LOOKS, interval
from tutor.app.widgets.card_view import CardView
from tutor.app.widgets.rating_bar import RatingBar
from tutor.errors import TutorError
from tutor.questions.card import Card
from tutor.vocabulary import RATINGS, Rating, shown_kind


class ReviewScreen(Screen):
    """A review session over the queue of ``decks`` (all decks when None)."""

    BINDINGS = [
        Binding("space", "reveal", "Show answer"),
        *(Binding(str(int(rating)), f"rate('{rating.label}')", rating.label.capitalize(), show=False) for rating in Rating),
        Binding("u", "undo", "Undo"),
        Binding("s", "suspend", "Suspend"),
        Binding("d", "open_demo", "Demo"),
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
    ]

    def __init__(self, decks: list[str] | None = None) -> None:
        super().__init__()
        self.decks = decks
        """The decks reviewed, or None for all."""
        self.card: Card | None = None
        """The card on screen, or None once the session is over."""
        self.rated: list[tuple[str, str]] = []
        """(card id, rating) of each rating of this session, in order."""
        self._shown_at = time.monotonic()
        self._started_at = time.monotonic()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="review-status")
        yield Static(id="review-leech")
        with Vertical(id="review-body"):
            yield CardView(id="review-card")
            yield Static(id="review-summary")
        yield Static("space 显示答案 show the answer", id="reveal-hint")
        yield RatingBar(id="ratings")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "review · " + (", ".join(self.decks) if self.decks else "all decks")
        self._next()

    @property
    def revealed(self) -> bool:
        """Whether the answer of the current card is showing."""
        return self.card is not None and self.query_one("#review-card", CardView).revealed

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The footer offers only what makes sense now: reveal before, ratings after, demo when one is linked.
        if action == "reveal":
            return self.card is not None and not self.revealed
        if action == "rate":
            return self.revealed
        if action == "suspend":
            return self.card is not None
        if action == "open_demo":
            return self.card is not None and bool(self.card.demos)
        if action == "undo":
            return bool(self.rated)
        return True

    def _next(self) -> None:
        queue = self.app.study.queue(decks=self.decks)
        self._show_counts(queue)
        if not queue:
            self._finish()
            return
        self._show(self.app.library.card(queue[0].card_id))

    def _show(self, card: Card) -> None:
        self.card = card
        self.query_one("#review-summary").display = False
        view = self.query_one("#review-card", CardView)
        view.display = True
        view.show(card, revealed=False)
        view.focus()
        state = self.app.study.card_state(card.id)
        leech = self.query_one("#review-leech", Static)
        leech.update(f"leech: forgotten {state.lapses} times. Rewrite the card in your own words, or suspend it (s)")
        leech.display = state.leech
        self.query_one("#reveal-hint").display = True
        self.query_one("#ratings").display = False
        self._shown_at = time.monotonic()
        self.refresh_bindings()

    def _show_counts(self, queue) -> None:
        kinds = Counter(shown_kind(entry.kind) for entry in queue)
        line = Text()
        line.append(f"新 new {kinds['new']}", style="blue")
        line.append("  ·  ")
        line.append(f"学习 learning {kinds['learning']}", style="red")
        line.append("  ·  ")
        line.append(f"复习 review {kinds['review']}", style="green")
        line.append(f"    done {len(self.rated)}", style="dim")
        self.query_one("#review-status", Static).update(line)

    def action_reveal(self) -> None:
        """Show the answer side and the ratings with their next intervals."""
        if self.card is None or self.revealed:
            return
        self.query_one("#review-card", CardView).reveal()
        self.query_one("#reveal-hint").display = False
        ratings = self.query_one("#ratings", RatingBar)
        ratings.show_intervals(self.app.study.next_intervals(self.card.id))
        ratings.display = True
        self.refresh_bindings()

    def action_rate(self, rating: str) -> None:
        """Record ``rating`` for the current card (durable before the next card shows), then move on."""
        if not self.revealed:
            return
        duration_ms = int(1000 * (time.monotonic() - self._shown_at))
        try:
            self.app.study.rate(self.card.id, rating, duration_ms=duration_ms)
        except TutorError as error:
            # Not recorded (the database refused it): stay on the card so the rating can be given again.
            self.notify(str(error), title="rating not saved", severity="error")
            return
        self.rated.append((self.card.id, rating))
        self._next()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        rating = (event.button.id or "").removeprefix("rate-")
        if rating in RATINGS:
            event.stop()
            self.action_rate(rating)

    def action_undo(self) -> None:
        """Take back the last rating of this session and show that card again."""
        if not self.rated:
            self.notify("nothing to undo in this session")
            return
        try:
            card_id = self.app.study.undo()
        except TutorError as error:
            self.notify(str(error), title="undo", severity="error")
            return
        if card_id is None:
            self.notify("nothing to undo")
            return
        self.rated.pop()
        self._show_counts(self.app.study.queue(decks=self.decks))
        self._show(self.app.library.card(card_id))
        self.notify(f"undid the rating of {card_id}")

    def action_suspend(self) -> None:
        """Suspend the current card (browse it to unsuspend) and move on."""
        if self.card is None:
            return
        try:
            self.app.study.suspend(self.card.id)
        except TutorError as error:
            self.notify(str(error), title="suspend", severity="error")
            return
        self.notify(f"{self.card.id} suspended: unsuspend it from browse (s)")
        self._next()

    def action_open_demo(self) -> None:
        """Open the card's demo; escape there comes back to this card as it was."""
        from tutor.app.screens.demo import open_card_demos

        if self.card is not None:
            open_card_demos(self.app, self.card)

    def _finish(self) -> None:
        self.card = None
        self.query_one("#review-card").display = False
        self.query_one("#reveal-hint").display = False
        self.query_one("#ratings").display = False
        summary = self.query_one("#review-summary", Static)
        summary.update(session_summary(self.rated, time.monotonic() - self._started_at))
        summary.display = True
        self.refresh_bindings()

    def action_back(self) -> None:
        self.app.pop_screen()


def session_summary(rated: list[tuple[str, str]], seconds: float) -> Table | Text:
    """The end of a session: how many cards, how each was rated, and the time taken."""
    if not rated:
        return Text("没有到期的卡片 nothing is due now. Come back later, or drill (d on home) to practise.")
    counts = Counter(rating for _, rating in rated)
    table = Table(title="本次复习 session done", title_justify="left", title_style="bold", box=None)
    table.add_column("")
    table.add_column("", justify="right")
    table.add_row("ratings", str(len(rated)))
    table.add_row("cards", str(len({card_id for card_id, _ in rated})))
    for rating in RATINGS:
        table.add_row(Text(rating, style=RATING_LOOKS[rating].colour), str(counts[rating]))
    recalled = sum(counts[rating.label] for rating in Rating if rating.recalled)
    table.add_row("recalled", f"{100 * recalled / len(rated):.0f}%")
    table.add_row("time", "under a minute" if seconds < 60 else interval(timedelta(seconds=seconds)))
    table.add_row("", "")
    table.add_row(Text("escape: back to home", style="dim"), "")
    return table
