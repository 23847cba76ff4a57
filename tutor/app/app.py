"""The app object: the learner's library and study state, the screens, and the app-wide keys.

:func:`build_app` is the one factory that both ``tutor`` and the tests use. It loads the decks and opens the
database before the interface starts, so a bad deck, an unknown ``--deck`` or a corrupt database is one line
on stderr from the command line instead of a broken screen.
"""

from pathlib import Path
from typing import Any

from textual.app import App
from textual.binding import Binding

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

    def __init__(self, data_dir: Path, library, study, *, screen: str = "home", options: dict[str, Any]):
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
        self.options = options
        """The command line's options for the first screen (deck, tag, count, minutes; seed for tests)."""
        # The learner's theme, kept across restarts (tutor config theme, the settings screen, ctrl+t).
        self.theme = study.settings.theme

    def on_mount(self) -> None:
        from tutor.app.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self.first_screen == "review":
            self.open_review(self.options.get("deck"))
        elif self.first_screen == "drill" and self.options.get("exam"):
            from tutor.app.screens.drill import DrillScreen

            count, minutes = self.options.get("count") or 20, self.options.get("minutes")
            self.push_screen(DrillScreen(self.study.start_drill(exam=self.options["exam"], count=count, minutes=minutes)))
        elif self.first_screen == "drill":
            from tutor.app.screens.drill_setup import DrillSetupScreen

            self.push_screen(
                DrillSetupScreen(
                    decks=self.options.get("deck"),
                    tags=self.options.get("tag"),
                    count=self.options.get("count") or 20,
                    minutes=self.options.get("minutes"),
                    seed=self.options.get("seed"),
                )
            )

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


def build_app(data_dir: Path, screen: str = "home", *, library=None, **options: Any) -> TutorApp:
    """Return the app for data directory ``data_dir``, opening on ``screen`` with the command line's options.

    ``library`` replaces the packaged and imported decks (tests draw screens over a deck of their own).

    Raises:
        TutorError: a deck is malformed, a ``--deck`` is unknown, ``--count``/``--minutes`` are out of range,
            or the database cannot be opened.
    """
    from tutor.engine.study import Study

    if screen not in ("home", "review", "drill"):
        raise BadInputError(f"unknown screen {screen!r} (home, review or drill)")
    if options.get("count") is not None and options["count"] < 1:
        raise BadInputError(f"--count must be at least 1, not {options['count']}")
    if options.get("minutes") is not None and not options["minutes"] > 0:
        raise BadInputError(f"--minutes must be more than 0, not {options['minutes']:g}")
    study = Study.open(data_dir, library)
    try:
        study.collection.check_decks(options.get("deck"))
        if options.get("exam"):
            study.exams.get(options["exam"])
    except BaseException:
        study.close()
        raise
    return TutorApp(data_dir, study.collection, study, screen=screen, options=options)
