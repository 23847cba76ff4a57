"""Drill setup: which decks and tags, how many questions, a time limit, and when to see the feedback."""


from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, RadioButton, RadioSet, SelectionList, Static

from tutor.engine.drill import DrillOptions
from tutor.errors import TutorError


class DrillSetupScreen(Screen):
    """A form over :meth:`Study.start_drill`, filled from ``options`` (the command line's
    ``--deck/--tag/--count/--minutes``; their seed, if any, is kept for the drill it starts)."""

    BINDINGS = [
        Binding("ctrl+s", "start", "Start"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, options: DrillOptions | None = None) -> None:
        super().__init__()
        self._options = options or DrillOptions()

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
                    *[(f"{deck.name} ({deck.card_count})", deck.name, deck.name in self._options.decks) for deck in library.decks],
                    id="drill-decks",
                )
                yield SelectionList(
                    *[(f"{tag} ({count})", tag, tag in self._options.tags) for tag, count in sorted(tag_counts.items())],
                    id="drill-tags",
                )
            with Horizontal(id="drill-numbers"):
                yield Label("题数 questions")
                yield Input(str(self._options.count), id="drill-count", type="integer")
                yield Label("分钟 minutes")
                yield Input(
                    "" if self._options.minutes is None else f"{self._options.minutes:g}",
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

    def action_start(self) -> None:
        """Start the drill with the form's choices, replacing this screen."""
        from tutor.app.screens.drill import DrillScreen

        feedback_each = self.query_one("#feedback-each", RadioButton).value
        try:
            options = DrillOptions.from_text(
                self.query_one("#drill-count", Input).value,
                self.query_one("#drill-minutes", Input).value,
                decks=self.query_one("#drill-decks", SelectionList).selected,
                tags=self.query_one("#drill-tags", SelectionList).selected,
                seed=self._options.seed,
            )
            drill = self.app.study.start_drill(options)
        except TutorError as error:
            self.notify(str(error), title="drill", severity="error")
            return
        self.app.switch_screen(DrillScreen(drill, feedback_each=feedback_each))

    def action_back(self) -> None:
        self.app.pop_screen()
