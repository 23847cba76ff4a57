"""A running drill: one question at a time under the clock, a typed answer, and the grade when the learner wants it."""

import time

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Label, Static, TextArea

from tutor.app.widgets.card_view import CardView
from tutor.app.format import RATING_LOOKS
from tutor.app.widgets.countdown import Countdown
from tutor.app.widgets.markdown_view import MarkdownView
from tutor.errors import TutorError
from tutor.questions.terminal_text import terminal_text




def grade_summary(grade) -> Group:
    """The score, then each key point: made with the answer's words, or missed with the reason.

    The learner's words are shown as evidence so that they can see why, and argue with it.
    """
    score = Text(f"得分 score {100 * grade.score:.0f}%", style=f"bold {RATING_LOOKS[grade.rating].colour}")
    # Nothing moves until the learner applies the drill to the schedule at the end: say so.
    score.append(f"   → rated {grade.rating} if you apply it to the schedule", style="dim")
    lines = [score]
    for result in grade.points:
        point = terminal_text(result.label)
        if result.made:
            line = Text("✓ ", style="green").append(point, style="green")
            line.append(f"  ← “{terminal_text(result.evidence)}”", style="dim")
        else:
            line = Text("✗ ", style="red").append(point, style="red")
            reason = {"missing": "not in your answer"}.get(result.reason or "", result.reason or "")
            line.append(f"  {reason}", style="yellow")
            if result.detail and result.reason != "negated":
                line.append(f": {terminal_text(result.detail)}", style="yellow")
            if result.evidence and result.reason != "missing":
                line.append(f"  ← “{terminal_text(result.evidence)}”", style="dim")
            if result.earned < 0:
                line.append(f"  {result.earned:+g} point: a wrong claim", style="bold red")
        lines.append(line)
    for index, number in enumerate(grade.misstated):
        line = Text("✗ ", style="red").append(terminal_text(number.explanation), style="red")
        line.append(f"  ← “{terminal_text(number.evidence)}”", style="dim")
        if index == 0:
            line.append(f"  {grade.misstated_cost:+g} point: a wrong number", style="bold red")
        lines.append(line)
    if grade.derived_points:
        lines.append(Text("(this card has no key points: they were taken from the reference answer)", style="dim"))
    return Group(*lines)


class EndDrillScreen(ModalScreen[bool]):
    """Asks before a drill with answers (or a typed answer) ends: True to end it, False to keep drilling."""

    BINDINGS = [
        Binding("k", "dismiss(False)", "Keep drilling"),
        Binding("escape", "dismiss(False)", "Keep drilling", show=False),
        Binding("e", "dismiss(True)", "End drill"),
    ]

    def __init__(self, answered: int, typed: bool) -> None:
        super().__init__()
        self._answered = answered
        self._typed = typed

    def compose(self) -> ComposeResult:
        what = f"{self._answered} answered"
        if self._typed:
            what += " · the answer you are typing will be lost"
        with Vertical(id="end-drill"):
            yield Label(Text("结束练习？ End the drill?", style="bold"))
            yield Label(Text(what, style="dim"))
            with Horizontal(id="end-drill-buttons"):
                yield Button("k 继续 Keep drilling", id="keep-drilling", variant="primary", compact=True)
                yield Button("e 结束 End drill", id="end-drill-now", variant="error", compact=True)

    def on_mount(self) -> None:
        self.query_one("#keep-drilling").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "end-drill-now")


class DrillScreen(Screen):
    """Asks the drill's questions in order; the report screen replaces it at the end or when time is up."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "Submit / next"),
        Binding("ctrl+n", "skip", "Skip"),
        # escape, not a ctrl key: the answer box already uses ctrl+e (end of line) and most others.
        Binding("escape", "end", "End drill"),
    ]

    def __init__(self, drill, *, feedback_each: bool = True) -> None:
        super().__init__()
        self.drill = drill
        """The engine's running Drill."""
        self.feedback_each = feedback_each
        """Show the grade after each answer (True) or only in the report."""
        self.index = 0
        """Position of the current question."""
        self.answers: dict[str, str] = {}
        """The learner's text for each answered card id."""
        self._graded = False
        self._over = False
        self._shown_at = time.monotonic()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="drill-top"):
            yield Static(id="drill-progress")
            left = self.drill.time_left()
            yield Countdown(None if left is None else left.total_seconds(), id="drill-clock")
        with VerticalScroll(id="drill-body"):
            yield CardView(id="drill-question")
            yield TextArea(id="drill-answer", soft_wrap=True, show_line_numbers=False)
            yield Static(id="drill-grade")
            yield MarkdownView(id="drill-reference")
        with Horizontal(id="drill-actions"):
            yield Button("Submit (ctrl+s)", id="drill-submit", variant="primary", compact=True)
            yield Button("Skip (ctrl+n)", id="drill-skip", compact=True)
            yield Button("End drill (esc)", id="drill-end", variant="error", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "drill"
        self.query_one("#drill-answer", TextArea).border_title = "your answer 你的答案"
        self.query_one("#drill-reference").border_title = "参考答案 reference"
        self._ask()

    @property
    def card(self):
        """The current question's card."""
        return self.drill.questions[self.index]

    def _show_progress(self) -> None:
        self.query_one("#drill-progress", Static).update(
            f"question {self.index + 1} / {len(self.drill.questions)}   ·   answered {len(self.answers)}"
        )

    def _ask(self) -> None:
        self._graded = False
        self._show_progress()
        self.query_one("#drill-question", CardView).show(self.card, revealed=False)
        answer = self.query_one("#drill-answer", TextArea)
        answer.text = ""
        answer.read_only = False
        answer.focus()
        self.query_one("#drill-grade").display = False
        self.query_one("#drill-reference").display = False
        self.query_one("#drill-submit", Button).label = "Submit (ctrl+s)"
        self.query_one("#drill-skip").display = True
        self.query_one("#drill-body", VerticalScroll).scroll_home(animate=False)
        self._shown_at = time.monotonic()

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        action = {"drill-submit": "submit", "drill-skip": "skip", "drill-end": "end"}.get(event.button.id or "")
        if action:
            event.stop()
            await self.run_action(action)

    def action_submit(self) -> None:
        """Grade the answer (or, once graded, go on to the next question)."""
        if self._graded:
            self._advance()
            return
        text = self.query_one("#drill-answer", TextArea).text
        duration_ms = int(1000 * (time.monotonic() - self._shown_at))
        try:
            grade = self.drill.answer(self.card.id, text, duration_ms)
        except TutorError as error:
            self.notify(str(error), title="drill", severity="error")
            if self.drill.expired:
                self._report()
            return
        self.answers[self.card.id] = text
        if not self.feedback_each:
            self._advance()
            return
        self._graded = True
        self._show_progress()
        self.query_one("#drill-answer", TextArea).read_only = True
        grade_view = self.query_one("#drill-grade", Static)
        grade_view.update(grade_summary(grade))
        grade_view.display = True
        reference = self.query_one("#drill-reference", MarkdownView)
        reference.show(grade.reference)
        reference.display = True
        last = self.index + 1 >= len(self.drill.questions)
        self.query_one("#drill-submit", Button).label = "Report (ctrl+s)" if last else "Next (ctrl+s)"
        self.query_one("#drill-skip").display = False
        self.query_one("#drill-submit").focus()
        self.call_after_refresh(grade_view.scroll_visible, animate=False)

    def action_skip(self) -> None:
        """Leave this question unanswered (it scores 0) and go on."""
        if not self._graded:
            self._advance()

    def _advance(self) -> None:
        if self.index + 1 >= len(self.drill.questions):
            self._report()
            return
        self.index += 1
        self._ask()

    def on_countdown_finished(self, event: Countdown.Finished) -> None:
        event.stop()
        self.notify("time is up 时间到", severity="warning")
        # After the next refresh: a limit that runs out while the screen is still mounting must not replace the
        # screen under its own header.
        self.call_after_refresh(self._report)

    def action_end(self) -> None:
        """End the drill, asking first when that would throw away answers or a typed answer.

        With nothing answered and nothing typed there is nothing to report: the drill ends and the learner is
        back where the drill started from.
        """
        typed = not self._graded and bool(self.query_one("#drill-answer", TextArea).text.strip())
        if not self.answers and not typed:
            self._over = True
            self.drill.finish(move_schedule=False)
            self.app.pop_screen()
            return

        def chosen(end: bool | None) -> None:
            if end:
                self._report()

        self.app.push_screen(EndDrillScreen(len(self.answers), typed), chosen)

    def _report(self) -> None:
        from tutor.app.screens.drill_report import DrillReportScreen

        if self._over:
            return
        self._over = True
        self.query_one("#drill-clock", Countdown).stop()
        self.app.switch_screen(
            DrillReportScreen(self.drill, self.answers, shown=self.index + 1, feedback_each=self.feedback_each)
        )
