"""The app object: the learner's library and study state, the screens, and the app-wide keys.

:func:`build_app` is the one factory that both ``tutor`` and the tests use. It loads the decks and opens the
database before the interface starts, so a bad deck, an unknown ``--deck`` or a corrupt database is one line
on stderr from the command line instead of a broken screen.
"""

from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding

from tutor.engine.drill import DrillOptions
from tutor.errors import BadInputError, TutorError
from tutor.questions import cjk_wrap

DARK_THEME = "textual-dark"
LIGHT_THEME = "textual-light"


class TutorApp(App[int]):
    """The interactive face of tutor: review, drill, browse, stats and demos."""

    CSS_PATH = "tutor.tcss"
    TITLE = "tutor"
    SUB_TITLE = "深度学习 · 智能计算系统"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+t", "toggle_theme", "Theme"),
    ]

    def __init__(
        self,
        data_dir: Path,
        library,
        study,
        *,
        screen: str = "home",
        decks: list[str] | None = None,
        drill: DrillOptions | None = None,
    ):
        """Create the app over an open library and study; :func:`build_app` is the way to make one."""
        super().__init__()
        cjk_wrap.install()
        self.data_dir = data_dir
        """The learner's data directory."""
        self.library = library
        """Every deck and card (tutor.engine.collection.Collection: read from the store on demand)."""
        self.study = study
        """The learner's scheduling state (tutor.engine.study.Study), open while the app runs."""
        self.first_screen = screen
        """Which screen opens on top of home: "home", "review" or "drill"."""
        self.decks = decks
        """The decks of a first review screen (None: every deck)."""
        self.drill = drill or DrillOptions()
        """The drill of a first drill screen: the drill form's choices, or the exam drill started at once."""
        # The learner's theme, kept across restarts (tutor config theme, the settings screen, ctrl+t).
        self.theme = study.settings.theme

    def on_mount(self) -> None:
        from tutor.app.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self.first_screen == "review":
            self.open_review(self.decks)
        elif self.first_screen == "drill" and self.drill.exam:
            from tutor.app.screens.drill import DrillScreen

            self.push_screen(DrillScreen(self.study.start_drill(self.drill)))
        elif self.first_screen == "drill":
            from tutor.app.screens.drill_setup import DrillSetupScreen

            self.push_screen(DrillSetupScreen(self.drill))

    def on_unmount(self) -> None:
        self.study.close()

    def open_review(self, decks: list[str] | None = None) -> None:
        """Start a review session of the due cards of ``decks`` (all decks when None)."""
        from tutor.app.screens.review import ReviewScreen

        self.push_screen(ReviewScreen(decks=decks))

    def open_demo(self, name: str, params: dict[str, Any] | None = None) -> None:
        """Open the screen of demo ``name`` with ``params``; escape comes back to the current screen."""
        from tutor.app.screens.demo import DemoScreen
        from tutor.demos.registry import get_demo

        try:
            demo = get_demo(name)
        except TutorError as error:
            self.notify(str(error), title="demo", severity="error")
            return
        self.push_screen(DemoScreen(demo, params or {}))

    def action_help(self) -> None:
        """Show the keys of the current screen and of the whole app."""
        from tutor.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_toggle_theme(self) -> None:
        """Switch between the light and the dark theme, and keep the choice for the next start."""
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME
        self.study.set_setting("theme", self.theme)


def build_app(
    data_dir: Path,
    screen: str = "home",
    *,
    library=None,
    decks: list[str] | None = None,
    drill: DrillOptions | None = None,
) -> TutorApp:
    """Return the app for data directory ``data_dir``, opening on ``screen``: a review of ``decks`` (all when
    None), or the drill form filled with ``drill`` (the exam drill itself when it names an exam).

    ``library`` replaces the packaged and imported decks (tests draw screens over a deck of their own).

    Raises:
        TutorError: a deck is malformed, a deck or the exam is unknown, or the database cannot be opened.
    """
    from tutor.engine.study import Study

    if screen not in ("home", "review", "drill"):
        raise BadInputError(f"unknown screen {screen!r} (home, review or drill)")
    study = Study.open(data_dir, library)
    try:
        study.collection.check_decks(decks)
        if drill is not None:
            study.collection.check_decks(list(drill.decks) or None)
            if drill.exam:
                study.exams.get(drill.exam)
    except BaseException:
        study.close()
        raise
    return TutorApp(data_dir, study.collection, study, screen=screen, decks=decks, drill=drill)
