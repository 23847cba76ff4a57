"""The end of a drill: the score overall and by tag, each question's feedback, and the schedule decision."""

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Collapsible, Footer, Header, Static

from tutor.app.format import RATING_LOOKS
from tutor.app.screens.drill import grade_summary
from tutor.app.widgets.markdown_view import MarkdownView
from tutor.errors import TutorError
from tutor.questions.render import plain_line
from tutor.questions.terminal_text import terminal_text
from tutor.vocabulary import rating_for_score


def score_bar(score: float, width: int = 20) -> Text:
    """A bar of ``width`` cells filled in proportion to ``score`` (0 to 1), with the percentage."""
    filled = round(score * width)
    style = RATING_LOOKS[rating_for_score(score).label].colour
    return Text.assemble(("█" * filled, style), ("░" * (width - filled), "dim"), f" {100 * score:.0f}%")


def tag_table(report) -> Table:
    """The report by tag, weakest first."""
    table = Table(title="按标签 by tag (weakest first)", title_justify="left", title_style="bold", box=None)
    table.add_column("tag")
    table.add_column("answered", justify="right")
    table.add_column("score")
    for tag in report.by_tag:
        table.add_row(Text(terminal_text(tag.tag)), f"{tag.answered}/{tag.questions}", score_bar(tag.score))
    return table


class DrillReportScreen(Screen):
    """Shows the report; the learner chooses whether the answers move the schedule (by default they do not)."""

    BINDINGS = [
        Binding("k", "finish(False)", "Keep schedule"),
        Binding("a", "finish(True)", "Apply to schedule"),
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
    ]

    def __init__(self, drill, answers: dict[str, str], *, shown: int | None = None, feedback_each: bool) -> None:
        super().__init__()
        self.drill = drill
        """The engine's Drill, finished here."""
        self.shown = len(drill.questions) if shown is None else shown
        """How many questions the learner was shown: the report covers those, not the whole plan."""
        self._answers = answers
        self._feedback_each = feedback_each

    def compose(self) -> ComposeResult:
        report = self.drill.report(shown=self.shown)
        grades = {grade.card_id: grade for grade in report.grades}
        yield Header()
        with VerticalScroll(id="report"):
            overall = Text("练习结果 drill done   ", style="bold")
            overall.append(f"answered {report.answered}/{report.questions}   ")
            overall.append_text(score_bar(report.score))
            yield Static(overall, id="report-overall")
            yield Static(tag_table(report), id="report-tags")
            yield Static(Text("每题 each question", style="bold"), classes="report-heading")
            for number, card in enumerate(self.drill.questions[: report.questions], start=1):
                grade = grades.get(card.id)
                mark = "跳过 skipped" if grade is None else f"{100 * grade.score:.0f}%"
                title = Text(terminal_text(f"{number}. {mark} · {plain_line(card.question)}"))
                # Under exam conditions the learner has seen no feedback yet: open each question's.
                with Collapsible(title=title, collapsed=self._feedback_each, classes="report-question"):
                    if grade is None:
                        yield Static(Text("skipped: not answered (scores 0)", style="dim"))
                    else:
                        yield Static(grade_summary(grade))
                        yield Static(Text("your answer: ", style="bold") + Text(self._answers.get(card.id, "")))
                    yield MarkdownView(card.answer, classes="report-reference")
        # Under the report, outside its scroll: the choice is on screen at any size.
        with Vertical(id="report-choice"):
            yield Static("按这些答案调整复习计划？ Apply these answers to the schedule? (default: no)", id="report-question")
            with Horizontal(id="report-decision"):
                yield Button("k Keep schedule", id="keep", compact=True)
                yield Button("a Apply to schedule", id="apply", variant="warning", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "drill report"
        # Focus the report, not the buttons at its end: focusing them would scroll the score out of sight.
        self.query_one("#report").focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "finish":
            return not self.drill.finished
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id in ("keep", "apply"):
            event.stop()
            self.action_finish(event.button.id == "apply")

    def action_finish(self, move_schedule: bool) -> None:
        """End the drill, moving the schedule only when the learner asked for it."""
        if self.drill.finished:
            return
        try:
            report = self.drill.finish(move_schedule=move_schedule)
        except TutorError as error:
            self.notify(str(error), title="drill", severity="error")
            return
        message = (
            f"schedule moved by {report.answered} answers" if report.moved_schedule else "schedule left as it was"
        )
        self.query_one("#report-question", Static).update(Text(message + " · escape: home", style="bold"))
        self.query_one("#keep").display = False
        self.query_one("#apply").display = False
        self.notify(message)
        self.refresh_bindings()

    def action_back(self) -> None:
        # Leaving without a choice keeps the schedule, the drill's default.
        self.action_finish(False)
        self.app.pop_screen()
