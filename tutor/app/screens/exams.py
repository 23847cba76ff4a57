"""Exams: each exam's countdown and readiness, the cards at risk, and the way to add, plan, drill or remove one."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, SelectionList, Static

from tutor.errors import TutorError
from tutor.questions.terminal_text import terminal_text

AT_RISK_SHOWN = 8
"""Cards at risk listed under the table (the weakest first)."""


class ExamsScreen(Screen):
    """The learner's exams over :attr:`Study.exams`; the selected row's cards at risk are listed below."""

    BINDINGS = [
        Binding("a", "add", "Add exam"),
        Binding("p", "plan", "Plan"),
        Binding("d", "drill", "Exam drill"),
        Binding("x", "remove", "Remove"),
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="exams-body"):
            yield Static(
                "考试 exams: reviews that would come after an exam too late are brought forward, and its new cards "
                "are introduced in time. a adds one; enter or p shows the plan.",
                id="exams-intro",
            )
            yield DataTable(id="exams-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="exams-risk")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "exams"
        table = self.query_one("#exams-table", DataTable)
        for label in ("exam", "date", "days", "ready", "cards", "unseen", "new/day"):
            table.add_column(label, key=label)
        self.refresh_exams()
        table.focus()

    def on_screen_resume(self) -> None:
        self.refresh_exams()

    def refresh_exams(self) -> None:
        """Redraw the table from the engine."""
        exams = self.app.study.exams
        table = self.query_one("#exams-table", DataTable)
        selected = table.cursor_row
        table.clear()
        self._readiness = {exam.name: exams.readiness(exam.name) for exam in exams.all()}
        for name, ready in self._readiness.items():
            table.add_row(
                terminal_text(name),
                ready.exam.day.isoformat(),
                Text(str(ready.days_left) if ready.days_left >= 0 else "over", justify="right"),
                Text(f"{100 * ready.share:.0f}% ≥ {ready.exam.retention:g}", justify="right"),
                Text(str(ready.cards), justify="right"),
                Text(str(ready.unseen), justify="right"),
                Text(str(ready.new_per_day), justify="right"),
                key=name,
            )
        if table.row_count:
            table.move_cursor(row=min(max(selected, 0), table.row_count - 1))
        self._show_risk()

    def _selected(self) -> str | None:
        table = self.query_one("#exams-table", DataTable)
        if not table.row_count:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_risk()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_plan()

    def _show_risk(self) -> None:
        name = self._selected()
        risk = self.query_one("#exams-risk", Static)
        if name is None:
            risk.update(Text("no exam yet: press a to add one", style="dim"))
            return
        ready = self._readiness[name]
        text = Text(f"{len(ready.at_risk)} cards below {ready.exam.retention:g} on the day", style="bold")
        for card in ready.at_risk[:AT_RISK_SHOWN]:
            question = terminal_text(self.app.library.card(card.card_id).question).splitlines()[0][:60]
            text.append(f"\n{100 * card.retrievability:3.0f}%  ", style="red" if card.state == "new" else "yellow")
            text.append(f"{card.card_id}  ", style="cyan")
            text.append(question)
        if len(ready.at_risk) > AT_RISK_SHOWN:
            text.append(f"\n… and {len(ready.at_risk) - AT_RISK_SHOWN} more (d drills the weakest)", style="dim")
        risk.update(text)

    def action_add(self) -> None:
        """Open the form of a new exam."""
        self.app.push_screen(ExamFormScreen(), lambda added: self.refresh_exams() if added else None)

    def action_plan(self) -> None:
        """Show the plan of the selected exam."""
        from tutor.app.screens.exam_plan import ExamPlanScreen

        name = self._selected()
        if name is not None:
            self.app.push_screen(ExamPlanScreen(name))

    def action_drill(self) -> None:
        """Drill the selected exam's cards with the lowest retrievability on its day."""
        from tutor.app.screens.drill import DrillScreen

        name = self._selected()
        if name is None:
            return
        try:
            drill = self.app.study.start_drill(exam=name, count=20)
        except TutorError as error:
            self.notify(str(error), title="exam drill", severity="error")
            return
        self.app.push_screen(DrillScreen(drill))

    def action_remove(self) -> None:
        """Remove the selected exam (reviews already brought forward stay where they are)."""
        name = self._selected()
        if name is None:
            return
        self.app.study.exams.remove(name)
        self.notify(f"removed exam {terminal_text(name)}", title="exams")
        self.refresh_exams()

    def action_back(self) -> None:
        self.app.pop_screen()


class ExamFormScreen(ModalScreen[bool]):
    """A new exam: name, date, decks, tags and the target; dismissed with True once the engine accepts it."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("escape", "cancel", "Cancel"),
    ]

    def compose(self) -> ComposeResult:
        study = self.app.study
        with VerticalScroll(id="exam-form"):
            yield Label("新考试 new exam", classes="form-title")
            with Horizontal(classes="form-row"):
                yield Label("name")
                yield Input(placeholder="期末考试", id="exam-name", compact=True)
            with Horizontal(classes="form-row"):
                yield Label("date")
                yield Input(placeholder="YYYY-MM-DD", id="exam-date", compact=True)
            with Horizontal(classes="form-row"):
                yield Label("target")
                yield Input(f"{study.settings.desired_retention:g}", id="exam-retention", type="number", compact=True)
            with Horizontal(classes="form-row"):
                yield Label("tags")
                yield Input(placeholder="all (or: cnn rnn …)", id="exam-tags", compact=True)
            yield SelectionList(
                *[(terminal_text(f"{deck.name} ({deck.card_count})"), deck.name) for deck in self.app.library.decks],
                id="exam-decks",
            )
            yield Button("Add exam (ctrl+s)", id="exam-save", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#exam-decks").border_title = "decks (none: all)"
        self.query_one("#exam-name", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_save()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        """Add the exam; a refused value is one line in a notification and the form stays."""
        retention = self.query_one("#exam-retention", Input).value.strip()
        try:
            target = float(retention) if retention else None
        except ValueError:
            self.notify(f"the target must be a number, not {retention!r}", title="exam", severity="error")
            return
        try:
            self.app.study.exams.add(
                self.query_one("#exam-name", Input).value,
                self.query_one("#exam-date", Input).value,
                decks=list(self.query_one("#exam-decks", SelectionList).selected),
                tags=self.query_one("#exam-tags", Input).value.replace(",", " ").split(),
                retention=target,
            )
        except TutorError as error:
            self.notify(str(error), title="exam", severity="error")
            return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
