"""The list of live demos; enter opens one with its default parameters."""

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from tutor.demos.registry import all_demos


class DemosScreen(Screen):
    """Every registered demo with its one-line summary."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("演示 demos · enter opens one; every number is computed live by real code", id="demos-title")
        options = []
        for demo in all_demos():
            prompt = Text.assemble((demo.display_name, "bold"), "\n", (demo.summary, "dim"))
            options.append(Option(prompt, id=demo.name))
        yield OptionList(*options, id="demo-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#demo-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.app.open_demo(event.option.id)

    def action_back(self) -> None:
        self.app.pop_screen()
