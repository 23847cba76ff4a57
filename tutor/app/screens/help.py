"""The help screen (?): the keys of the screen the learner is on, then the keys that work everywhere."""

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

_ABOUT = (
    "tutor schedules reviews with FSRS: rate honestly (1 again · 2 hard · 3 good · 4 easy) and it spaces each "
    "card so you see it just before you would forget it. Drills grade typed answers against key points. "
    "Keys in the footer work on each screen; ctrl+q quits from anywhere."
)


def _key_name(binding: Binding) -> str:
    return binding.key_display or binding.key.split(",")[0]


def keys_table(title: str, bindings: list[Binding]) -> Group:
    """A heading and a two-column table of keys and what they do."""
    table = Table(box=None, show_header=False)
    table.add_column("key", style="bold cyan", no_wrap=True, min_width=8)
    table.add_column("action")
    for binding in bindings:
        if binding.description:
            table.add_row(_key_name(binding), binding.description)
    return Group(Text(title, style="bold underline"), table)


def _bindings(node) -> list[Binding]:
    return [binding for binding in type(node).BINDINGS if isinstance(binding, Binding)]


class HelpScreen(ModalScreen):
    """Keys of ``screen`` and of the app, over the screen they describe."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close"),
        Binding("q", "dismiss", "Close", show=False),
        Binding("question_mark", "dismiss", "Close", show=False),
    ]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self._described = screen

    def compose(self) -> ComposeResult:
        name = type(self._described).__name__.removesuffix("Screen").lower() or "this"
        with VerticalScroll(id="help"):
            yield Static(Text("帮助 help", style="bold"))
            yield Static(keys_table(f"on the {name} screen", _bindings(self._described)))
            yield Static(keys_table("everywhere", _bindings(self.app) + [Binding("ctrl+q", "quit", "Quit")]))
            yield Static(Text(_ABOUT, style="dim"))
            yield Static(Text("escape closes this help", style="italic"))
