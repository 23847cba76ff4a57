"""Home: the decks with their new / learning / due counts, today's progress, and the way into everything else."""

from collections import Counter

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Static

from tutor.questions.terminal_text import terminal_text
from tutor.vocabulary import shown_kind

_ALL = "__all__"


class HomeScreen(Screen):
    """The first screen: press r to review what is due, or pick a deck and press enter to review only it."""

    BINDINGS = [
        Binding("r", "review", "Review"),
        Binding("d", "drill", "Drill"),
        Binding("b", "browse", "Browse"),
        Binding("s", "stats", "Stats"),
        Binding("m", "demos", "Demos"),
        Binding("e", "exams", "Exams"),
        Binding("c", "settings", "Settings"),
        # Escape means "back" on every other screen, so here it does nothing rather than quit by surprise.
        Binding("q", "app.quit", "Quit"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home-body"):
            yield Static(id="today")
            yield Static(id="home-exams")
            yield DataTable(id="decks", cursor_type="row", zebra_stripes=True)
            with Horizontal(id="entries"):
                yield Button("r Review", id="go-review", variant="primary", compact=True)
                yield Button("d Drill", id="go-drill", compact=True)
                yield Button("b Browse", id="go-browse", compact=True)
                yield Button("s Stats", id="go-stats", compact=True)
                yield Button("m Demos", id="go-demos", compact=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#decks", DataTable)
        table.add_column("deck", key="deck")
        table.add_column("title", key="title")
        for key in ("cards", "new", "learning", "due"):
            table.add_column(key, key=key)
        table.focus()

    def on_screen_resume(self) -> None:
        # Textual resumes a screen after each push, the first included, and on the way back from a review or a
        # drill (the counts have moved): the counts are read here only, not once more in on_mount.
        self.refresh_counts()

    def refresh_counts(self) -> None:
        """Redraw the deck table and today's line from the engine."""
        study = self.app.study
        counts = study.deck_counts()
        table = self.query_one("#decks", DataTable)
        selected = table.cursor_row
        table.clear()
        decks = self.app.library.decks
        for deck in decks:
            count = counts.get(deck.name)
            row = [deck.card_count, count.new if count else 0, count.learning if count else 0, count.due if count else 0]
            # Text, not str: DataTable reads "[...]" in a str as markup.
            table.add_row(Text(deck.name), Text(terminal_text(deck.title)), *_numbers(row), key=deck.name)
        # The whole queue, not the sum of the rows: each deck may show up to the daily new-card limit, but
        # the limit is shared, so r on all decks brings fewer new cards than the rows add up to.
        kinds: Counter = Counter()
        for kind, count in study.queue_counts().items():
            kinds[shown_kind(kind)] += count
        totals = [sum(deck.card_count for deck in decks), kinds["new"], kinds["learning"], kinds["review"]]
        table.add_row(Text("all decks", style="bold"), "", *_numbers(totals, bold=True), key=_ALL)
        table.move_cursor(row=min(selected, table.row_count - 1))
        waiting = sum(totals[1:])
        self.query_one("#go-review", Button).label = f"r Review ({waiting})"
        self.query_one("#today", Static).update(_today_line(study.reviews_today(), waiting))
        exams = self.query_one("#home-exams", Static)
        settings = study.settings
        countdowns = [
            # The new-card limit an exam raises is shown, so the learner knows why more new cards come.
            ready.countdown()
            + (f" · 新卡 {min(ready.new_per_day, settings.exam_new_cap)}/天" if ready.new_per_day > settings.new_per_day else "")
            for ready in study.exams.readiness_all()
        ]
        exams.display = bool(countdowns)
        exams.update(Text("考试 exams  ", style="bold").append(terminal_text("   ".join(countdowns)), style="yellow"))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        self.app.open_review(None if key == _ALL else [key])

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.run_action(event.button.id.removeprefix("go-"))

    def action_review(self) -> None:
        """Review every due card (r), whatever deck row is selected: enter on a row reviews only that deck."""
        self.app.open_review(None)

    def action_drill(self) -> None:
        from tutor.app.screens.drill_setup import DrillSetupScreen

        self.app.push_screen(DrillSetupScreen())

    def action_browse(self) -> None:
        from tutor.app.screens.browse import BrowseScreen

        self.app.push_screen(BrowseScreen())

    def action_stats(self) -> None:
        from tutor.app.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen())

    def action_exams(self) -> None:
        from tutor.app.screens.exams import ExamsScreen

        self.app.push_screen(ExamsScreen())

    def action_settings(self) -> None:
        from tutor.app.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())

    def action_demos(self) -> None:
        from tutor.app.screens.demos import DemosScreen

        self.app.push_screen(DemosScreen())


def _numbers(values: list[int], *, bold: bool = False) -> list[Text]:
    # Right-aligned so the columns of counts line up; zero is dim so the non-zero counts stand out.
    return [
        Text(str(value), justify="right", style=("bold " if bold else "") + ("dim" if value == 0 else ""))
        for value in values
    ]


def _today_line(reviewed: int, waiting: int) -> Text:
    """Today's progress: answers given since the study day began (reviews and drills), and what still waits."""
    line = Text("今日 today  ", style="bold")
    if reviewed == 0 and waiting == 0:
        line.append("nothing due: drill (d) or browse (b) to practise", style="dim")
    elif reviewed == 0:
        line.append(f"{waiting} cards waiting: press r to start", style="dim")
    else:
        line.append(f"{reviewed} reviewed", style="green")
        line.append(f" · {waiting} still waiting" if waiting else " · all done for today")
    return line
