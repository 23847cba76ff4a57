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
        Binding("s", "toggle_suspend", "Suspend"),
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

    def action_open_demo(self) -> None:
        from tutor.app.screens.demo import open_card_demos

        open_card_demos(self.app, self.card)

    def action_toggle_suspend(self) -> None:
        """Suspend the card (it leaves the queue and drills), or unsuspend it."""
        study = self.app.study
        try:
            if study.card_state(self.card.id).suspended:
                study.unsuspend(self.card.id)
                self.notify(f"{self.card.id} is back in the queue")
            else:
                study.suspend(self.card.id)
                self.notify(f"{self.card.id} suspended: press s again to undo")
        except TutorError as error:
            self.notify(str(error), title="suspend", severity="error")
        self._show_history()

    def action_back(self) -> None:
        self.app.pop_screen()
