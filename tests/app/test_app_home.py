"""Home, help, theme and the app's start: counts from the engine, keys that work everywhere, sizes that fit."""

import subprocess
import sys

import pytest

from tutor.app.app import DARK_THEME, LIGHT_THEME, build_app
from tutor.app.screens.browse import BrowseScreen
from tutor.app.screens.demos import DemosScreen
from tutor.app.screens.drill_setup import DrillSetupScreen
from tutor.app.screens.help import HelpScreen
from tutor.app.screens.home import HomeScreen
from tutor.app.screens.review import ReviewScreen
from tutor.app.screens.stats import StatsScreen
from tutor.cli import main
from tutor.errors import UnknownDeckError

NOW = "2025-03-03T09:00:00+00:00"

SIZE = (100, 30)


def deck_row(app, name: str) -> list[str]:
    table = app.screen.query_one("#decks")
    return [str(cell) for cell in table.get_row(name)]


async def test_home_shows_each_decks_new_learning_and_due_counts_from_the_engine(
    data_dir, study_library, monkeypatch
):
    app = build_app(data_dir, library=study_library)
    # Forgotten an hour ago: the one-minute learning step has passed, so the card is due again now.
    monkeypatch.setenv("TUTOR_NOW", "2025-03-03T08:00:00+00:00")
    app.study.rate("t-pool", "again")
    monkeypatch.setenv("TUTOR_NOW", NOW)
    async with app.run_test(size=SIZE):
        counts = app.study.deck_counts()["study"]
        assert deck_row(app, "study") == ["study", "测试卡组 · app tests", "3", str(counts.new), str(counts.learning), str(counts.due)]
        assert (counts.new, counts.learning) == (2, 1)
        assert "1 reviewed" in str(app.screen.query_one("#today").render())


async def test_counts_refresh_when_coming_back_from_a_review(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=SIZE) as pilot:
        assert deck_row(app, "study")[3] == "3"
        await pilot.press("r", "space", "3", "escape")
        assert isinstance(app.screen, HomeScreen)
        assert deck_row(app, "study")[3] == "2"


async def test_enter_on_a_deck_reviews_only_that_deck(data_dir):
    app = build_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one("#decks")
        table.move_cursor(row=table.get_row_index("study"))
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.decks == ["study"]


@pytest.mark.parametrize(
    ("key", "screen"),
    [("d", DrillSetupScreen), ("b", BrowseScreen), ("s", StatsScreen), ("m", DemosScreen)],
)
async def test_each_entry_of_home_opens_its_screen_and_escape_comes_back(data_dir, study_library, key, screen):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, screen)
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_escape_on_home_does_nothing_and_q_quits(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, HomeScreen) and app.is_running
        await pilot.press("q")
        assert not app.is_running


@pytest.mark.parametrize(("button", "screen"), [("#go-drill", DrillSetupScreen), ("#go-review", ReviewScreen)])
async def test_the_entry_buttons_open_their_screens(data_dir, study_library, button, screen):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one(button).focus()
        await pilot.press("enter")
        assert isinstance(app.screen, screen)


async def test_question_mark_shows_the_keys_of_the_current_screen(data_dir, study_library, screen_text):
    app = build_app(data_dir, "review", library=study_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "on the review screen" in text and "Undo" in text and "Easy" in text
        await pilot.press("escape")
        assert isinstance(app.screen, ReviewScreen)


async def test_ctrl_t_switches_between_dark_and_light_themes(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == DARK_THEME
        await pilot.press("ctrl+t")
        assert app.theme == LIGHT_THEME
        await pilot.press("ctrl+t")
        assert app.theme == DARK_THEME


async def test_the_review_fits_an_80_by_24_terminal_and_survives_a_resize(data_dir, study_library):
    app = build_app(data_dir, "review", library=study_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("space")
        ratings = app.screen.query_one("#ratings")
        assert ratings.region.bottom <= 23 and ratings.region.right <= 80  # above the footer, inside the width
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert app.screen.query_one("#ratings").region.bottom <= 39
        await pilot.press("3")
        assert app.screen.card.id == "t-sigmoid"


def test_an_unknown_deck_is_refused_before_the_app_starts(data_dir):
    with pytest.raises(UnknownDeckError, match="unknown deck 'nope'"):
        build_app(data_dir, "review", decks=["nope"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["drill", "--count", "0"], "a drill needs at least one question, not 0"),
        (["drill", "--minutes", "-1"], "a drill's time limit must be more than 0 minutes, not -1"),
    ],
)
def test_bad_drill_options_are_one_line_before_the_app_starts(data_dir, capsys, argv, message):
    assert main(argv) == 2
    assert capsys.readouterr().err == f"tutor: error: {message}\n"


def test_the_command_line_reports_an_unknown_deck_in_one_line(data_dir, capsys):
    assert main(["review", "--deck", "nope"]) == 2
    assert capsys.readouterr().err.startswith("tutor: error: unknown deck 'nope'")


def test_importing_the_app_package_loads_no_textual():
    # `tutor --help` imports tutor.app through the CLI's lazy path; it must stay free of textual and torch.
    code = "import sys, tutor.app; print(sorted(m for m in ('textual', 'torch') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_opening_the_app_imports_no_torch():
    # Demos load torch when opened; the app's start (every screen module) must not.
    code = (
        "import sys, importlib, pkgutil, tutor.app.app, tutor.app.screens as s\n"
        "for m in pkgutil.iter_modules(s.__path__): importlib.import_module('tutor.app.screens.' + m.name)\n"
        "print('torch' in sys.modules, 'numpy' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]
