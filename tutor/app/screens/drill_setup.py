"""Drill setup: which decks and tags, how many questions, a time limit, and when to see the feedback."""


from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, RadioButton, RadioSet, SelectionList, Static

from tutor.errors import BadInputError, TutorError


class DrillSetupScreen(Screen):
    """A form over :meth:`Study.start_drill`; the command line's ``--deck/--tag/--count/--minutes`` fill it.

    ``seed`` makes the draw of questions reproducible (the tests' snapshots); None draws afresh each time.
    """

    BINDINGS = [
        Binding("ctrl+s", "start", "Start"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(
        self,
        decks: list[str] | None = None,
        tags: list[str] | None = None,
        count: int = 20,
        minutes: float | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        self._seed = seed
        self._decks = set(decks or ())
        self._tags = set(tags or ())
        self._count = count
        self._minutes = minutes

    def compose(self) -> ComposeResult:
        library = self.app.library
        tag_counts = library.tag_counts()
        yield Header()
        with VerticalScroll(id="drill-setup"):
            yield Static(
                "考试练习 drill: questions weighted towards your weak cards; type each answer and it is graded "
                "against the card's key points. Nothing selected means everything.",
                id="drill-intro",
            )
            with Horizontal(id="drill-choices"):
                yield SelectionList(
                    *[(f"{deck.name} ({deck.card_count})", deck.name, deck.name in self._decks) for deck in library.decks],
                    id="drill-decks",
                )
                yield SelectionList(
                    *[(f"{tag} ({count})", tag, tag in self._tags) for tag, count in sorted(tag_counts.items())],
                    id="drill-tags",
                )
            with Horizontal(id="drill-numbers"):
                yield Label("题数 questions")
                yield Input(str(self._count), id="drill-count", type="integer")
                yield Label("分钟 minutes")
                yield Input(
                    "" if self._minutes is None else f"{self._minutes:g}",
                    placeholder="no limit",
                    id="drill-minutes",
                    type="number",
                )
            with RadioSet(id="drill-feedback"):
                yield RadioButton("feedback after each question", value=True, id="feedback-each")
                yield RadioButton("feedback at the end (exam conditions)", id="feedback-end")
            yield Button("Start drill (ctrl+s)", id="drill-start", variant="primary", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "drill"
        self.query_one("#drill-decks").border_title = "decks"
        self.query_one("#drill-tags").border_title = "tags"
        # The count is what a learner changes most; enter in it starts the drill.
        self.query_one("#drill-count", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "drill-start":
            event.stop()
            self.action_start()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_start()

    def _numbers(self) -> tuple[int, float | None]:
        count_text = self.query_one("#drill-count", Input).value.strip()
        minutes_text = self.query_one("#drill-minutes", Input).value.strip()
        try:
            count = int(count_text)
        except ValueError:
            raise BadInputError(f"questions must be a whole number, not {count_text!r}") from None
        try:
            minutes = float(minutes_text) if minutes_text else None
        except ValueError:
            raise BadInputError(f"minutes must be a number, not {minutes_text!r}") from None
        return count, minutes

    def action_start(self) -> None:
        """Start the drill with the form's choices, replacing this screen."""
        from tutor.app.screens.drill import DrillScreen

        decks = list(self.query_one("#drill-decks", SelectionList).selected) or None
        tags = list(self.query_one("#drill-tags", SelectionList).selected) or None
        feedback_each = self.query_one("#feedback-each", RadioButton).value
        try:
            count, minutes = self._numbers()
            drill = self.app.study.start_drill(decks=decks, tags=tags, count=count, minutes=minutes, seed=self._seed)
        except TutorError as error:
            self.notify(str(error), title="drill", severity="error")
            return
        self.app.switch_screen(DrillScreen(drill, feedback_each=feedback_each))

    def action_back(self) -> None:
        self.app.pop_screen()
