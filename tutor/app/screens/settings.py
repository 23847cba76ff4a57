"""Settings: every key of ``tutor config`` as a field; enter saves one, and a refused value says why in one line."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, Select, Static

from tutor.engine.settings import DECK_RETENTION_PREFIX, KEYS, THEMES, show_value
from tutor.errors import TutorError
from tutor.questions.terminal_text import terminal_text


class SettingsScreen(Screen):
    """The learner's settings over :meth:`Study.set_setting` (the same keys and checks as ``tutor config``)."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
    ]

    def compose(self) -> ComposeResult:
        settings = self.app.study.settings
        yield Header()
        with VerticalScroll(id="settings-body"):
            yield Static("设置 settings: edit a value and press enter to save it.", id="settings-intro")
            for key, spec in KEYS.items():
                with Horizontal(classes="setting-row"):
                    yield Label(key, classes="setting-key")
                    if key == "theme":
                        yield Select([(name, name) for name in THEMES], value=settings.theme, allow_blank=False,
                                     id="setting-theme", compact=True)
                    else:
                        yield Input(str(show_value(settings, key)), id=f"setting-{key}", compact=True)
                    yield Label(spec.help, classes="setting-help")
            yield Static("desired retention per deck (empty: yours)", classes="settings-section")
            for index, deck in enumerate(self.app.library.decks):
                with Horizontal(classes="setting-row"):
                    yield Label(terminal_text(deck.name), classes="setting-key")
                    own = settings.deck_retention.get(deck.name)
                    yield Input(
                        "" if own is None else f"{own:g}",
                        placeholder=f"{settings.desired_retention:g}",
                        id=f"deck-retention-{index}",
                        compact=True,
                    )
        yield Footer()

    def on_mount(self) -> None:
        self.title = "settings"
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = event.input.id or ""
        if field.startswith("deck-retention-"):
            deck = self.app.library.decks[int(field.removeprefix("deck-retention-"))].name
            self._save(DECK_RETENTION_PREFIX + deck, event.value.strip() or "default")
        else:
            self._save(field.removeprefix("setting-"), event.value)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.value != self.app.theme:
            if self._save("theme", str(event.value)):
                self.app.theme = str(event.value)

    def _save(self, key: str, text: str) -> bool:
        try:
            settings = self.app.study.set_setting(key, text)
        except TutorError as error:
            self.notify(str(error), title="settings", severity="error")
            return False
        self.notify(f"{terminal_text(key)} = {show_value(settings, key)}", title="saved")
        return True

    def action_back(self) -> None:
        self.app.pop_screen()
