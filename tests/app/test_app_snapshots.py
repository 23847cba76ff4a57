"""Snapshots of every screen (pytest-textual-snapshot), over the test deck alone so the corpus can grow.

The clock, the time zone and the cursors are fixed by conftest; answer times are given explicitly. Update the
SVGs with ``pytest tests/app/test_app_snapshots.py --snapshot-update`` after a deliberate change, and look at
them (``snapshot_report.html``) before committing.
"""

import pytest

from tutor.app.app import build_app
from tutor.app.screens.card import CardScreen
from tutor.engine.drill import DrillOptions

WIDE = (100, 30)
SMALL = (80, 24)


@pytest.fixture
def app_over(data_dir, study_library):
    """Build the app over the test deck on ``screen``, a drill filled with ``drill_options``."""

    def make(screen: str = "home", **drill_options):
        return build_app(data_dir, screen, library=study_library, drill=DrillOptions(**drill_options))

    return make


async def settle(pilot) -> None:
    """Let workers (search, stats, demo loading and compute) finish and the screen repaint."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def seed_reviews(study) -> None:
    """Two earlier reviews, so history, stats and counts have something to show."""
    study.rate("t-pool", "good", duration_ms=6000)
    study.rate("t-relu", "again", duration_ms=12000)


@pytest.mark.parametrize("size", [WIDE, SMALL], ids=["100x30", "80x24"])
def test_home(snap_compare, app_over, size):
    app = app_over()
    seed_reviews(app.study)
    assert snap_compare(app, terminal_size=size)


def test_home_light_theme(snap_compare, app_over):
    assert snap_compare(app_over(), press=["ctrl+t"], terminal_size=WIDE)


def test_review_question(snap_compare, app_over):
    assert snap_compare(app_over("review"), terminal_size=WIDE)


@pytest.mark.parametrize("size", [WIDE, SMALL], ids=["100x30", "80x24"])
def test_review_answer_with_table_code_and_math(snap_compare, app_over, size):
    assert snap_compare(app_over("review"), press=["space"], terminal_size=size)


def test_review_answer_with_errata_and_demo(snap_compare, app_over):
    assert snap_compare(app_over("review"), press=["space", "3", "space"], terminal_size=WIDE)


def test_review_summary(snap_compare, app_over):
    keys = ["space", "3", "space", "4", "space", "1"]
    assert snap_compare(app_over("review"), press=keys, terminal_size=WIDE)


def test_drill_setup(snap_compare, app_over):
    assert snap_compare(app_over("drill", count=3, seed=7), terminal_size=WIDE)


def test_drill_feedback(snap_compare, app_over):
    keys = ["ctrl+s", *"下采样", "ctrl+s"]
    assert snap_compare(app_over("drill", count=3, seed=7), press=keys, terminal_size=WIDE)


def test_drill_report(snap_compare, app_over):
    keys = ["ctrl+s", *"0.25", "ctrl+s", "ctrl+s", "ctrl+n", "escape"]
    assert snap_compare(app_over("drill", count=3, seed=7), press=keys, terminal_size=WIDE)


def test_browse(snap_compare, app_over):
    async def run_before(pilot):
        seed_reviews(pilot.app.study)
        await pilot.press("b")
        await settle(pilot)

    assert snap_compare(app_over(), run_before=run_before, terminal_size=WIDE)


def test_browse_search(snap_compare, app_over):
    async def run_before(pilot):
        await pilot.press("b", "slash", *"梯度")
        await settle(pilot)

    assert snap_compare(app_over(), run_before=run_before, terminal_size=WIDE)


def test_card_with_history(snap_compare, app_over):
    async def run_before(pilot):
        seed_reviews(pilot.app.study)
        pilot.app.push_screen(CardScreen(pilot.app.library.card("t-pool")))
        await settle(pilot)

    assert snap_compare(app_over(), run_before=run_before, terminal_size=WIDE)


def test_stats(snap_compare, app_over):
    async def run_before(pilot):
        seed_reviews(pilot.app.study)
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(app_over(), run_before=run_before, terminal_size=WIDE)


def test_demos_list(snap_compare, app_over):
    assert snap_compare(app_over(), press=["m"], terminal_size=WIDE)


def test_demo_from_a_card(snap_compare, app_over):
    async def run_before(pilot):
        await pilot.press("space", "3", "space", "d")
        await settle(pilot)
        assert pilot.app.screen.view.result is not None  # the demo computed and drew
        # The demo's own view is hidden: its table prints autograd round-off that depends on the CPU. The
        # demos' tests check the view; this snapshot is of what the screen adds: title, form and keys.
        pilot.app.screen.view.display = False
        await pilot.pause()

    assert snap_compare(app_over("review"), run_before=run_before, terminal_size=WIDE)


def test_help(snap_compare, app_over):
    assert snap_compare(app_over("review"), press=["question_mark"], terminal_size=WIDE)
