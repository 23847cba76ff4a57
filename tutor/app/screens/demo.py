"""One demo: its parameters as a form and its live widget; escape returns to where the learner came from.

The demo's widget module imports torch (a second or more), so it is imported in a worker thread when the
screen opens, never at app start-up, and the screen shows a loading line meanwhile.
"""

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from tutor.demos.declaration import Demo
from tutor.demos.registry import get_demo
from tutor.demos.view import make_view
from tutor.errors import DemoParameterError, TutorError
from tutor.questions.card import Card


def parameter_error(error: TutorError, demo: Demo) -> str:
    """An error about ``demo``'s parameters, naming each as the form does (never by a command-line flag)."""
    if isinstance(error, DemoParameterError):
        return error.spelt(lambda name: demo.parameter(name).display_name)
    return str(error)


def _display_name(name: str) -> str:
    """A card's demo link as the picker shows it: the demo's display name, or the link as written if unknown."""
    try:
        return get_demo(name).display_name
    except TutorError:
        return name


def open_card_demos(app, card: Card) -> None:
    """Open ``card``'s demo, or let the learner choose when it links several; say so when it links none."""
    if not card.demos:
        app.notify("这张卡片没有演示 this card links no demo", severity="warning")
    elif len(card.demos) == 1:
        app.open_demo(card.demos[0].name, card.demos[0].params)
    else:

        def chosen(index: int | None) -> None:
            if index is not None:
                app.open_demo(card.demos[index].name, card.demos[index].params)

        app.push_screen(DemoPicker(card), chosen)


class DemoPicker(ModalScreen[int | None]):
    """Choose one of a card's demos; returns its index, or None on escape."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, card: Card) -> None:
        super().__init__()
        self._card = card

    def compose(self) -> ComposeResult:
        options = []
        for index, link in enumerate(self._card.demos):
            params = ", ".join(f"{key}={value}" for key, value in link.params.items())
            options.append(Option(f"{_display_name(link.name)}  {params}", id=str(index)))
        with Vertical(id="picker"):
            yield Label("打开哪个演示？ open which demo?")
            yield OptionList(*options, id="picker-list")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id))


class DemoScreen(Screen):
    """A demo's parameter form (enter or Run recomputes) beside the demo's own widget."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("ctrl+r", "run", "Run"),
    ]

    def __init__(self, demo: Demo, params: dict[str, Any]) -> None:
        super().__init__()
        self.demo = demo
        """The registry's Demo."""
        self._warning: str | None = None
        self.params = self._initial(params)
        """The parameter values the widget shows, every one resolved."""
        self.view: Widget | None = None
        """The demo's widget once its module has loaded."""

    def _initial(self, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return self.demo.resolve(params)
        except TutorError as error:
            # A card's link carries bad parameters: show the demo at its defaults and say why once mounted.
            self._warning = f"{parameter_error(error, self.demo)}; 改用默认值 using the defaults"
            return self.demo.resolve({})

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="demo-body"):
            with VerticalScroll(id="demo-form"):
                yield Static(self.demo.summary, id="demo-summary")
                for parameter in self.demo.parameters:
                    value = self.params[parameter.name]
                    label = parameter.display_name
                    if parameter.kind is bool:
                        yield Checkbox(label, value=value, id=f"param-{parameter.name}", compact=True)
                    else:
                        yield Label(label, classes="param-name")
                        yield Input(str(value), id=f"param-{parameter.name}", compact=True, tooltip=parameter.help)
                    yield Static(parameter.help, classes="param-help")
                yield Button("运行 Run (enter)", id="run", variant="primary", compact=True)
            with Vertical(id="demo-view"):
                yield LoadingIndicator(id="demo-screen-loading")
                yield Static(f"加载中 loading {self.demo.name} (torch and friends)…", id="demo-screen-status")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"演示 demo · {self.demo.display_name}"
        if self._warning:
            self.notify(self._warning, severity="warning")
        self._load()

    @work(thread=True, exclusive=True, group="demo-load", exit_on_error=False)
    def _load(self) -> None:
        try:
            self.demo.module("widget")
        except ModuleNotFoundError as error:
            if error.name and error.name.startswith(f"tutor.demos.{self.demo.name}"):
                self.app.call_from_thread(
                    self._failed, f"{self.demo.name} has no app view yet: `tutor demo {self.demo.name}` runs it"
                )
                return
            raise
        self.app.call_from_thread(self._mount_view)

    def _failed(self, message: str) -> None:
        self.query_one("#demo-screen-loading").remove()
        self.query_one("#demo-screen-status", Static).update(message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # An import that fails for another reason than a missing view (a broken torch install, say) is
        # reported on the screen; the rest of the app goes on.
        if event.worker.group == "demo-load" and event.state is WorkerState.ERROR:
            self._failed(f"{self.demo.name} could not load: {event.worker.error}")

    def _mount_view(self) -> None:
        try:
            view = make_view(self.demo.name, dict(self.params))
        except TutorError as error:
            self._failed(parameter_error(error, self.demo))
            return
        self.query_one("#demo-screen-loading").remove()
        self.query_one("#demo-screen-status").remove()
        self.view = view
        self.query_one("#demo-view").mount(self.view)

    def _form_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for parameter in self.demo.parameters:
            field = self.query_one(f"#param-{parameter.name}")
            values[parameter.name] = field.value
        return values

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_run()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "run":
            event.stop()
            self.action_run()

    def action_run(self) -> None:
        """Check the form against the registry and recompute the demo with it."""
        for field in self.query("#demo-form Input"):
            field.remove_class("-invalid")
        try:
            params = self.demo.resolve(self._form_values())
        except TutorError as error:
            self.notify(parameter_error(error, self.demo), title="参数 parameter", severity="error")
            for name in getattr(error, "parameters", ()):
                self.query_one(f"#param-{name}").add_class("-invalid")
            return
        self.params = params
        if self.view is not None:
            self.view.recompute(dict(params))

    def action_back(self) -> None:
        self.app.pop_screen()
