"""Every screen driven with the keyboard as a learner would: Tab through every focusable widget, scroll and move
with PageDown/End/Home/arrows, Enter, then Esc back; the app must still be running at the end of it all.

Snapshots did not catch the crash these tests were written for: scrolling a demo's results with the keyboard
called the demo's own ``animate`` instead of Textual's.
"""

import pytest

from tutor.app.app import build_app
from tutor.app.screens.demo import DemoScreen
from tutor.demos.registry import all_demos
from tutor.engine.drill import DrillOptions

SIZES = [(80, 24), (100, 30)]
IDS = ["80x24", "100x30"]
SMALLEST = SIZES[0]
"""Demos recompute (with torch) at the smallest size only: the run is the same at both sizes."""
MOVES = ("pagedown", "end", "home", "pageup", "down", "up", "right", "left")


async def settle(pilot) -> None:
    """Let workers (search, stats, demo loading and compute) finish and the screen repaint."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def assert_running(app) -> None:
    """The app has not crashed: no exception caught by Textual, still running."""
    assert app._exception is None, app._exception
    assert app.is_running


async def back_to(pilot, screen) -> bool:
    """Press escape until ``screen`` is on top again; False when it has left the stack (a switch replaced it)."""
    for _ in range(4):
        if pilot.app.screen is screen:
            return True
        if screen not in pilot.app.screen_stack:
            return False
        await pilot.press("escape")
        await settle(pilot)
    return pilot.app.screen is screen


async def sweep(pilot, *, enter: bool = True) -> None:
    """Visit each focusable widget of the screen on top with Tab, move and scroll in it, press Enter on it
    (unless ``enter`` is False) and come back with Esc; stop early when Enter replaced the screen (a drill that
    started, say)."""
    app = pilot.app
    screen = app.screen
    for _ in range(len(screen.focus_chain) + 1):
        await pilot.press("tab", *MOVES)
        await pilot.pause()
        assert_running(app)
        if not enter:
            continue
        if not await back_to(pilot, screen):
            return
        await pilot.press("enter")
        await settle(pilot)
        assert_running(app)
        if not await back_to(pilot, screen):
            return


@pytest.fixture
def app_over(data_dir, study_library):
    def make(screen: str = "home"):
        return build_app(data_dir, screen, library=study_library, drill=DrillOptions(seed=1))

    return make


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_home_review_browse_card_stats_exams_settings_and_help_survive_the_keyboard(app_over, size):
    app = app_over()
    async with app.run_test(size=size) as pilot:
        home = app.screen
        await sweep(pilot)
        # review (question, then answer), browse, stats, exams, the exam form, settings, help
        for keys in ("r", "r space", "b", "s", "e", "e a", "c", "question_mark"):
            await back_to(pilot, home)
            await pilot.press(*keys.split())
            await settle(pilot)
            await sweep(pilot)
        await pilot.press("escape")
        await back_to(pilot, home)
        await pilot.press("b", "enter")  # a card of browse, in full
        await settle(pilot)
        await sweep(pilot)
        assert_running(app)


@pytest.mark.parametrize("size", SIZES, ids=IDS)
async def test_a_drill_from_setup_to_report_survives_the_keyboard(app_over, size):
    app = app_over()
    async with app.run_test(size=size) as pilot:
        await pilot.press("d")
        setup = app.screen
        for _ in range(len(setup.focus_chain)):  # Tab and move through the form without starting the drill
            await pilot.press("tab", *MOVES)
            assert_running(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press(*"relu", "ctrl+s")
        await sweep(pilot)  # on the drill, with the feedback shown (enter submits, esc asks)
        await pilot.press("escape")
        await settle(pilot)
        await sweep(pilot)
        assert_running(app)


@pytest.mark.slow
@pytest.mark.parametrize("size", SIZES, ids=IDS)
@pytest.mark.parametrize("name", [demo.name for demo in all_demos()])
async def test_every_demo_survives_the_keyboard(app_over, size, name):
    app = app_over()
    async with app.run_test(size=size) as pilot:
        await pilot.press("m")
        demos = app.screen
        demos.query_one("#demo-list").highlighted = [demo.name for demo in all_demos()].index(name)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DemoScreen) and app.screen.demo.name == name
        # Enter on each field would recompute with torch each time: Tab and move only, then run once.
        await sweep(pilot, enter=False)
        if size == SMALLEST:
            await pilot.press("ctrl+r")
            await settle(pilot)
        await pilot.press("escape")
        assert app.screen is demos
        assert_running(app)
