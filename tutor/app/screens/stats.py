"""Stats: reviews per day and the due forecast as terminal plots; true retention and cards by state as bars."""

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from tutor.app.format import percent
from tutor.app.widgets.bars import Bar, BarChart
from tutor.demos.charts import Bars, Chart, Ticks
from tutor.demos.plot import Plot
from tutor.vocabulary import STATES

STATE_ORDER = (*STATES, "suspended")
"""The bars of the cards-by-state plot, in the order a card moves through them."""


def count_ticks(highest: int, most: int = 5) -> list[int]:
    """Whole-number y ticks from 0 to at least ``highest``, at most ``most`` of them (counts have no 0.67)."""
    step = max(1, -(-highest // (most - 1)))
    return list(range(0, max(highest, 1) + step, step))


def per_day_chart(stats) -> Chart:
    """Stacked bars of review and drill answers on each of the last days (today at 0)."""
    days = [index - len(stats.per_day) + 1 for index in range(len(stats.per_day))]
    return Chart(
        title="每日回答 answers per day",
        bars=Bars(
            days,
            ([day.reviews for day in stats.per_day], [day.drills for day in stats.per_day]),
            ("green", "blue"),
            ("复习 review", "练习 drill"),
        ),
        xlabel="天前 days ago",
        xticks=Ticks(sorted(range(0, days[0] - 1, -7))),
        yticks=Ticks(count_ticks(max((day.reviews + day.drills for day in stats.per_day), default=0))),
    )


def forecast_chart(stats) -> Chart:
    """Bars of the cards due on each coming day (today, overdue included, at 0)."""
    days = list(range(len(stats.forecast)))
    return Chart(
        title="到期预测 due forecast",
        bars=Bars(days, (list(stats.forecast),), ("orange",)),
        xlabel="距今天数 days from today",
        xticks=Ticks(days[::7]),
        yticks=Ticks(count_ticks(max(stats.forecast, default=0))),
    )


STATE_LABELS = {
    "new": "新 new",
    "learning": "学习 learning",
    "review": "复习 review",
    "relearning": "重学 relearning",
    "suspended": "暂停 suspended",
}
"""The label of each bar of the cards-by-state chart, Chinese first as elsewhere in the app."""


def retention_bars(stats, desired: float) -> list[Bar]:
    """Measured true retention beside the desired one, in percent of a full bar."""
    measured = 100 * stats.retention if stats.retention is not None else 0.0
    return [
        Bar("实测 measured", measured, "cyan", percent(stats.retention)),
        Bar("目标 desired", 100 * desired, "grey50", percent(desired)),
    ]


def state_bars(stats) -> list[Bar]:
    """One bar per state of the content cards, to scale."""
    return [Bar(STATE_LABELS[state], stats.by_state.get(state, 0)) for state in STATE_ORDER]


class StatsScreen(Screen):
    """The learner's statistics; read in a worker so a long review log never freezes the screen."""

    BINDINGS = [
        Binding("o", "optimize", "Optimize FSRS"),
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("reading the review log…", id="stats-summary")
        yield LoadingIndicator(id="stats-loading")
        with Grid(id="stats-plots"):
            yield Plot(id="plot-per-day")
            yield Plot(id="plot-forecast")
            yield BarChart(id="plot-retention")
            yield BarChart(id="plot-states")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "stats"
        self.query_one("#stats-plots").display = False
        self._load()

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def _load(self):
        study = self.app.study
        return study.stats(), study.settings.desired_retention

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "stats" and event.state is WorkerState.SUCCESS:
            self._draw(*event.worker.result)
        elif event.worker.group == "optimize" and event.state is WorkerState.SUCCESS:
            result = event.worker.result
            self.notify(result.message, title="optimize", severity="information" if result.optimized else "warning")
        elif event.state is WorkerState.ERROR:
            self.query_one("#stats-loading").display = False
            self.notify(str(event.worker.error), title=event.worker.group, severity="error")

    def _draw(self, stats, desired: float) -> None:
        self.query_one("#stats-loading").display = False
        summary = Text()
        summary.append(f"{stats.reviews_total} answers", style="bold")
        summary.append(f" ({stats.drills_total} in drills)")
        summary.append(f" · true retention {percent(stats.retention)} over {stats.retention_reviews} reviews")
        summary.append(f" · due today {stats.forecast[0] if stats.forecast else 0}")
        self.query_one("#stats-summary", Static).update(summary)
        self.query_one("#stats-plots").display = True
        self.query_one("#plot-per-day", Plot).show_chart(per_day_chart(stats))
        self.query_one("#plot-forecast", Plot).show_chart(forecast_chart(stats))
        self.query_one("#plot-retention", BarChart).show(
            f"真实保持率 true retention {percent(stats.retention)}", retention_bars(stats, desired), maximum=100
        )
        leeches = stats.by_state.get("leech", 0)
        self.query_one("#plot-states", BarChart).show(f"卡片状态 cards by state · {leeches} leeches", state_bars(stats))

    def action_optimize(self) -> None:
        """Fit personal FSRS parameters in a worker (torch loads only when there are enough reviews)."""
        self.notify("fitting FSRS parameters to your reviews…", title="optimize")
        self.run_worker(self.app.study.optimize, thread=True, group="optimize", exclusive=True, exit_on_error=False)

    def action_back(self) -> None:
        self.app.pop_screen()
