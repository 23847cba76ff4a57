"""One card in full: question, answer, errata and key points, its schedule and review history, its demos."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header

from tutor.app.widgets.card_view import CardView
from tutor.app.widgets.history import CardHistory
from tutor.clock import now
from tutor.errors import TutorError
from tutor.questions.card import Card


class CardScreen(Screen):
    """A card opened from browse or search."""

    BINDINGS = [
        Binding("d", "open_demo", "Demo"),
        # One key, two labels: check_action shows the one that applies to the card.
        Binding("s", "suspend", "Suspend"),
        Binding("s", "unsuspend", "Unsuspend"),
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
    ]

    def __init__(self, card: Card) -> None:
        super().__init__()
        self.card = card
        """The card shown."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="card-screen"):
            yield CardView(self.card, revealed=True, id="card")
            yield CardHistory(id="history")
        yield Footer()

    def on_mount(self) -> None:
        self._show_history()
        self.query_one("#card-screen").focus()

    def on_screen_resume(self) -> None:
        self._show_history()

    def _show_history(self) -> None:
        study = self.app.study
        self.query_one("#history", CardHistory).show(study.card_state(self.card.id), study.history(self.card.id), now())
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The footer offers only what applies to this card.
        return card_action_applies(self.app, self.card, action)

    def action_open_demo(self) -> None:
        from tutor.app.screens.demo import open_card_demos

        open_card_demos(self.app, self.card)

    def action_suspend(self) -> None:
        """Suspend the card: it leaves the queue and drills."""
        set_suspended(self.app, self.card, True)
        self._show_history()

    def action_unsuspend(self) -> None:
        """Put the suspended card back into the queue."""
        set_suspended(self.app, self.card, False)
        self._show_history()

    def action_back(self) -> None:
        self.app.pop_screen()


def card_action_applies(app, card: Card | None, action: str) -> bool:
    """Whether a card key (``open_demo``, ``suspend``, ``unsuspend``) applies to ``card``; True for other actions."""
    if action == "open_demo":
        return card is not None and bool(card.demos)
    if action in ("suspend", "unsuspend"):
        return card is not None and app.study.card_state(card.id).suspended == (action == "unsuspend")
    return True


def set_suspended(app, card: Card, suspended: bool) -> None:
    """Suspend or unsuspend ``card`` and say so; an engine refusal is a notification."""
    try:
        if suspended:
            app.study.suspend(card.id)
            app.notify(f"{card.id} suspended: press s again to undo")
        else:
            app.study.unsuspend(card.id)
            app.notify(f"{card.id} is back in the queue")
    except TutorError as error:
        app.notify(str(error), title="suspend", severity="error")
