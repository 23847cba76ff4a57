"""The exam, plan and settings screens, driven by keys at 80x24 and 100x30: what they show comes from the engine,
what they change is in the database."""

import pytest

from tutor.app.app import DARK_THEME, LIGHT_THEME, build_app
from tutor.app.screens.drill import DrillScreen
from tutor.app.screens.exam_plan import ExamPlanScreen
from tutor.app.screens.exams import ExamFormScreen, ExamsScreen
from tutor.app.screens.home import HomeScreen
from tutor.app.screens.settings import SettingsScreen
from tutor.engine.settings import THEMES

SIZES = [(80, 24), (100, 30)]
EXAM_DAY = "2025-03-15"
"""Twelve days after the tests' clock (2025-03-03)."""


def messages(app) -> list[str]:
    return [notice.message for notice in app._notifications]


@pytest.mark.parametrize("size", SIZES)
async def test_home_shows_each_exams_countdown_and_readiness(data_dir, study_library, screen_text, size):
    app = build_app(data_dir, library=study_library)
    app.study.exams.add("期末考试", EXAM_DAY)
    async with app.run_test(size=size):
        assert "期末考试 · 12 天 · 0% ready" in screen_text(app)


async def test_home_shows_the_new_card_limit_an_exam_raises(data_dir, study_library, screen_text):
    app = build_app(data_dir, library=study_library)
    app.study.update_settings(new_per_day=0)
    app.study.exams.add("final", "2025-03-06")
    async with app.run_test(size=(100, 30)):
        # Three unseen cards and three days left: all are due to be introduced today (three days before).
        assert "final · 3 天 · 0% ready · 新卡 3/天" in screen_text(app)


async def test_home_has_no_exam_line_without_exams(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=(100, 30)):
        assert not app.screen.query_one("#home-exams").display


@pytest.mark.parametrize("size", SIZES)
async def test_an_exam_is_added_by_typing_in_the_form(data_dir, study_library, size):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=size) as pilot:
        await pilot.press("e")
        assert isinstance(app.screen, ExamsScreen)
        await pilot.press("a")
        assert isinstance(app.screen, ExamFormScreen)
        await pilot.press(*"final", "tab", *EXAM_DAY, "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ExamsScreen)
        assert [exam.name for exam in app.study.exams.all()] == ["final"]
        table = app.screen.query_one("#exams-table")
        assert [str(cell) for cell in table.get_row("final")][:3] == ["final", EXAM_DAY, "12"]


async def test_a_refused_exam_keeps_the_form_open_with_the_reason(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("e", "a", *"final", "tab", *"2025-03-01", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ExamFormScreen)
        assert any("is not in the future" in message for message in messages(app))
        assert app.study.exams.all() == []
        await pilot.press("escape")
        assert isinstance(app.screen, ExamsScreen)


async def test_the_plan_screen_draws_the_engines_forecast(data_dir, study_library, screen_text):
    app = build_app(data_dir, library=study_library)
    app.study.exams.add("final", EXAM_DAY)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("e", "p")
        assert isinstance(app.screen, ExamPlanScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        summary = str(app.screen.query_one("#plan-summary").render())
        assert "final · 12 天 · 0% ready" in summary
        assert "answers expected until the day" in summary
        assert app.screen.query_one("#plan-plots").display
        await pilot.press("escape")
        assert isinstance(app.screen, ExamsScreen)


async def test_an_exam_drill_asks_the_weakest_cards_and_remove_forgets_the_exam(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    app.study.exams.add("final", EXAM_DAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("e", "d")
        assert isinstance(app.screen, DrillScreen)
        expected = [card.id for card in app.study.exams.weakest("final", 20)]
        assert [card.id for card in app.screen.drill.questions] == expected
        # Out of the drill (and its report, if the drill flow shows one) back to the exams.
        for _ in range(3):
            if isinstance(app.screen, ExamsScreen):
                break
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, ExamsScreen)
        await pilot.press("x")
        assert app.study.exams.all() == []
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_a_setting_typed_and_entered_is_saved(data_dir, study_library, size):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=size) as pilot:
        await pilot.press("c")
        assert isinstance(app.screen, SettingsScreen)
        # The first field is new cards per day; select its text and replace it.
        await pilot.press("ctrl+a", "ctrl+k", *"7", "enter")
        assert app.study.settings.new_per_day == 7
        await pilot.press("tab", "ctrl+a", "ctrl+k", *"-5", "enter")
        assert any("maximum reviews per day must be from 1 to 99999, not -5" in message for message in messages(app))
        assert app.study.settings.max_reviews_per_day == 200


async def test_a_deck_gets_its_own_retention_from_the_settings_screen(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("c")
        field = app.screen.query_one("#deck-retention-0")
        field.focus()
        await pilot.press(*"0.85", "enter")
        assert app.study.settings.retention_for("study") == 0.85
        await pilot.press("ctrl+a", "ctrl+k", "enter")
        assert app.study.settings.deck_retention == {}


async def test_the_theme_is_kept_across_restarts(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == DARK_THEME
        await pilot.press("ctrl+t")
        assert app.theme == LIGHT_THEME
    again = build_app(data_dir, library=study_library)
    async with again.run_test(size=(100, 30)):
        assert again.theme == LIGHT_THEME
        again.study.close()


async def test_every_theme_a_learner_can_choose_is_one_of_textuals(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=(80, 24)):
        assert set(THEMES) <= set(app.available_themes)


async def settle(pilot) -> None:
    """Let the plan's workers finish and the screen repaint."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def test_exams_screen_snapshot(snap_compare, data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    app.study.exams.add("期末考试", EXAM_DAY)
    app.study.rate("t-pool", "good", duration_ms=6000)
    assert snap_compare(app, press=["e"], terminal_size=(100, 30))


def test_exam_plan_snapshot(snap_compare, data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    app.study.exams.add("期末考试", EXAM_DAY)
    assert snap_compare(app, press=["e", "p"], run_before=settle, terminal_size=(100, 30))


def test_settings_screen_snapshot(snap_compare, data_dir, study_library):
    assert snap_compare(build_app(data_dir, library=study_library), press=["c"], terminal_size=(80, 24))


async def test_tutor_drill_exam_opens_on_the_exams_weakest_cards(data_dir, study_library):
    setup = build_app(data_dir, library=study_library)
    setup.study.exams.add("final", EXAM_DAY)
    setup.study.close()
    app = build_app(data_dir, "drill", library=study_library, exam="final", count=2)
    async with app.run_test(size=(80, 24)):
        assert isinstance(app.screen, DrillScreen)
        assert [card.id for card in app.screen.drill.questions] == [card.id for card in app.study.exams.weakest("final", 2)]


def test_tutor_drill_for_an_unknown_exam_is_refused_before_the_app_starts(data_dir, study_library):
    from tutor.engine.exam_book import UnknownExamError

    with pytest.raises(UnknownExamError, match="unknown exam 'final'"):
        build_app(data_dir, "drill", library=study_library, exam="final")
