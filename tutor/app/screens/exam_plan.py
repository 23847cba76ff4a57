"""An exam's plan: answers forecast for each day until it, against the learner's maximum, and what each
desired retention would cost and keep (both simulated by the engine in workers)."""

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from tutor.app.screens.stats import count_ticks
from tutor.demos.charts import Bars, Chart, Curve, Rule, Ticks
from tutor.demos.plot import Plot
from tutor.questions.terminal_text import terminal_text


def plan_chart(forecast, maximum: int) -> Chart:
    """Bars of the answers expected each day, the review cards among them, and the learner's maximum."""
    days = list(range(len(forecast.days)))
    highest = max([day.high for day in forecast.days] + [1])
    return Chart(
        title=f"考前每日回答 answers per day until the exam · maximum {maximum} reviews a day",
        bars=Bars(days, ([day.reviews for day in forecast.days],), ("orange",), ("回答 answers",)),
        curves=(Curve(days, [day.review_cards_high for day in forecast.days], "red", "复习卡 review cards (9 in 10)"),),
        rules=(Rule(maximum),) if maximum <= 2 * highest else (),
        xlabel="距今天数 days from today",
        xticks=Ticks(days[:: max(1, len(days) // 7)]),
        yticks=Ticks(count_ticks(highest)),
    )


def retentions_chart(results) -> Chart:
    """For each desired retention: answers per day (bars) and knowledge kept on the exam day (line, %)."""
    positions = list(range(len(results)))
    per_day = [result.answers / max(1, len(result.days)) for result in results]
    return Chart(
        title="目标保持率 desired retention: workload and knowledge kept",
        bars=Bars(positions, (per_day,), ("cyan",), ("每日回答 answers a day",)),
        curves=(Curve(positions, [100 * result.knowledge for result in results], "green", "考试日掌握 kept on the day %",
                      right=True),),
        xlabel="目标保持率 desired retention",
        xticks=Ticks(positions, [f"{result.retention:.2f}" for result in results]),
    )


class ExamPlanScreen(Screen):
    """The plan of the exam called ``name``."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
    ]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.exam_name = name
        """The exam planned."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("simulating the days until the exam…", id="plan-summary")
        yield LoadingIndicator(id="plan-loading")
        with Grid(id="plan-plots"):
            yield Plot(id="plot-plan")
            yield Plot(id="plot-retentions")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"plan · {terminal_text(self.exam_name)}"
        self.query_one("#plan-plots").display = False
        self._plan()

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def _plan(self):
        exams = self.app.study.exams
        return exams.readiness(self.exam_name), exams.plan(self.exam_name), self.app.study.settings

    @work(thread=True, exclusive=True, group="retentions", exit_on_error=False)
    def _compare(self):
        return self.app.study.exams.compare_retention(self.exam_name)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.query_one("#plan-loading").display = False
            self.notify(str(event.worker.error), title="plan", severity="error")
        elif event.state is WorkerState.SUCCESS and event.worker.group == "plan":
            self._draw_plan(*event.worker.result)
            self._compare()
        elif event.state is WorkerState.SUCCESS and event.worker.group == "retentions":
            self.query_one("#plot-retentions", Plot).show_chart(retentions_chart(event.worker.result))

    def _draw_plan(self, ready, forecast, settings) -> None:
        self.query_one("#plan-loading").display = False
        summary = Text(terminal_text(ready.countdown()), style="bold")
        summary.append(
            f"\n{forecast.answers:.0f} answers expected until the day; then {100 * forecast.share_ready:.0f}% of the "
            f"{ready.cards} cards at {ready.exam.retention:g} or above ({forecast.runs} simulated runs)"
        )
        if ready.new_per_day > settings.new_per_day:
            summary.append(
                f"\nnew cards per day raised to {min(ready.new_per_day, settings.exam_new_cap)} "
                f"(yours: {settings.new_per_day}, cap {settings.exam_new_cap})",
                style="cyan",
            )
        for day in forecast.overloaded(settings.max_reviews_per_day):
            summary.append(
                f"\n⚠ {day.day.isoformat()}: up to {day.review_cards_high} reviews, more than your maximum of "
                f"{settings.max_reviews_per_day}",
                style="yellow",
            )
        self.query_one("#plan-summary", Static).update(summary)
        self.query_one("#plan-plots").display = True
        self.query_one("#plot-plan", Plot).show_chart(plan_chart(forecast, settings.max_reviews_per_day))

    def action_back(self) -> None:
        self.app.pop_screen()
