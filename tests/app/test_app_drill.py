"""A whole drill end to end: setup, typed answers graded by the engine, the report, and the schedule choice."""

import io

from tutor.app.app import build_app
from tutor.app.screens.drill import DrillScreen, EndDrillScreen
from tutor.app.screens.drill_report import DrillReportScreen
from tutor.app.screens.drill_setup import DrillSetupScreen
from tutor.app.screens.home import HomeScreen
from tutor.engine.drill import DrillOptions
from tutor.engine.grading import grade_answer

SIZE = (100, 30)


async def type_answer(pilot, text: str) -> None:
    """Type ``text`` into the focused answer box, key by key as a learner would."""
    await pilot.pause()  # the answer box takes focus once the question is shown; a busy machine may lag
    assert pilot.app.focused is pilot.app.screen.query_one("#drill-answer")
    for character in text:
        await pilot.press(character if character != " " else "space")


async def test_the_header_counts_an_answer_as_soon_as_it_is_graded(data_dir, screen_text):
    app = build_app(data_dir, "drill", drill=DrillOptions(decks=["study"], count=2))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        assert "answered 0" in screen_text(app)
        await type_answer(pilot, "下采样")
        await pilot.press("ctrl+s")
        assert "question 1 / 2   ·   answered 1" in screen_text(app)


async def test_the_command_line_options_fill_the_drill_form(data_dir):
    options = DrillOptions(decks=["study"], tags=["fundamentals"], count=2, minutes=5.0)
    app = build_app(data_dir, "drill", drill=options)
    async with app.run_test(size=SIZE):
        screen = app.screen
        assert isinstance(screen, DrillSetupScreen)
        assert list(screen.query_one("#drill-decks").selected) == ["study"]
        assert list(screen.query_one("#drill-tags").selected) == ["fundamentals"]
        assert screen.query_one("#drill-count").value == "2"
        assert screen.query_one("#drill-minutes").value == "5"


async def test_a_whole_drill_grades_each_answer_and_reports_by_tag(data_dir, screen_text):
    app = build_app(data_dir, "drill", drill=DrillOptions(decks=["study"], count=3))
    answers = {"t-pool": "下采样 减少参数和计算量 扩大感受野 不变性", "t-sigmoid": "最大是0.25，连乘导致梯度消失", "t-relu": "不知道"}
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        drill = screen.drill
        assert sorted(card.id for card in drill.questions) == sorted(answers)
        for card in drill.questions:
            assert app.screen.card.id == card.id
            await type_answer(pilot, answers[card.id])
            await pilot.press("ctrl+s")  # grade: feedback after each question is the default
            expected = grade_answer(card, answers[card.id])
            assert f"score {100 * expected.score:.0f}%" in screen_text(app)
            await pilot.press("ctrl+s")  # next question (or the report after the last)
        assert isinstance(app.screen, DrillReportScreen)
        report = drill.report()
        assert report.answered == 3
        assert {tag.tag for tag in report.by_tag} == {"cnn", "fundamentals"}
        text = screen_text(app)
        assert "drill done" in text and "answered 3/3" in text
        await pilot.press("k")
        assert drill.finished
        # Drill answers are logged (mode drill) but, kept apart from the schedule, every card is still new.
        assert [record.mode for record in app.study.history("t-pool")] == ["drill"]
        assert app.study.card_state("t-pool").state == "new"
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_applying_a_drill_moves_the_schedule_of_the_answered_cards(data_dir):
    app = build_app(data_dir, "drill", drill=DrillOptions(decks=["study"], count=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        card = app.screen.card
        await type_answer(pilot, "0.25 连乘 梯度消失 下采样")
        await pilot.press("ctrl+s", "ctrl+s")
        assert isinstance(app.screen, DrillReportScreen)
        await pilot.press("a")
        assert app.screen.drill.report().moved_schedule
        assert app.study.card_state(card.id).state != "new"


async def test_feedback_at_the_end_moves_straight_to_the_next_question(data_dir, screen_text):
    app = build_app(data_dir, "drill", drill=DrillOptions(decks=["study"], count=2))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#feedback-end")
        await pilot.press("ctrl+s")
        first = app.screen.card.id
        await type_answer(pilot, "abc")
        await pilot.press("ctrl+s")
        assert app.screen.index == 1 and app.screen.card.id != first
        assert "score" not in screen_text(app)
        await pilot.press("ctrl+n")  # skip the last question: it scores 0
        assert isinstance(app.screen, DrillReportScreen)
        report = app.screen.drill.report()
        assert (report.questions, report.answered) == (2, 1)


async def test_leaving_the_report_without_choosing_keeps_the_schedule(data_dir):
    app = build_app(data_dir, "drill", drill=DrillOptions(decks=["study"], count=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        card = app.screen.card
        await type_answer(pilot, "0.25")
        await pilot.press("ctrl+s", "escape", "e")  # end the drill (asked: one answer given)
        drill = app.screen.drill
        await pilot.press("escape")
        assert drill.finished and not drill.report().moved_schedule
        assert app.study.card_state(card.id).state == "new"


async def test_a_drill_with_no_matching_card_is_refused_with_a_message(data_dir):
    app = build_app(data_dir, "drill", drill=DrillOptions(decks=["study"], tags=["distributed"]))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, DrillSetupScreen)
        assert any("no card to drill" in notice.message for notice in app._notifications)


async def test_the_countdown_ends_the_drill_when_time_is_up(data_dir):
    app = build_app(data_dir, "drill", drill=DrillOptions(decks=["study"], count=2, minutes=0.01))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        # Polled rather than timed: on a loaded machine the 0.6 s may run out before the drill's first frame.
        for _ in range(100):
            if isinstance(app.screen, DrillReportScreen):
                break
            await pilot.pause(0.1)
        assert isinstance(app.screen, DrillReportScreen)
        assert any("time is up" in notice.message for notice in app._notifications)
        # Let the report finish mounting: closing the app under a header still being mounted fails in Textual.
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.2)


async def test_escape_asks_before_throwing_away_a_typed_answer_and_the_report_lists_only_questions_shown(
    data_dir, screen_text
):
    app = build_app(data_dir, "drill", drill=DrillOptions(decks=["study"], count=3))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+s")
        drill = app.screen.drill
        await type_answer(pilot, "0.25")
        await pilot.press("escape")
        assert isinstance(app.screen, EndDrillScreen)
        await pilot.press("k")  # keep drilling: the typed answer is still there
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.query_one("#drill-answer").text == "0.25"
        await pilot.press("ctrl+s", "ctrl+s")  # graded, then on to question 2
        await pilot.press("escape", "e")
        assert isinstance(app.screen, DrillReportScreen)
        first, second, third = drill.questions
        report = drill.report(shown=app.screen.shown)
        assert (report.questions, report.answered) == (2, 1)
        text = screen_text(app)
        assert "answered 1/2" in text and "2. 跳过 skipped" in text and "3." not in text
        # The schedule choice is on screen at 80x24 without scrolling, above the footer.
        for button in ("#keep", "#apply"):
            region = app.screen.query_one(button).region
            assert 0 < region.y and region.bottom <= 23 and region.right <= 80


async def test_escape_ends_a_drill_with_nothing_answered_without_asking(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d", "ctrl+s")
        drill = app.screen.drill
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        assert drill.finished and not drill.report().moved_schedule


async def test_the_feedback_says_the_rating_applies_only_if_the_learner_applies_it(data_dir, screen_text):
    app = build_app(data_dir, "drill", drill=DrillOptions(decks=["study"], count=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        await type_answer(pilot, "0.25")
        await pilot.press("ctrl+s")
        assert "if you apply it" in screen_text(app)


async def test_the_drill_setup_opens_on_the_question_count_ready_to_edit(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("d")
        count = app.screen.query_one("#drill-count")
        assert app.screen.focused is count
        await pilot.press("backspace", "backspace", "2", "enter")  # 20 → 2, enter starts
        assert isinstance(app.screen, DrillScreen) and len(app.screen.drill.questions) == 2


async def test_the_feedback_shows_each_points_evidence_and_the_reason_for_a_miss(data_dir, screen_text):
    app = build_app(data_dir, "drill", drill=DrillOptions(decks=["study"], count=3))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        screen = app.screen
        while screen.card.id != "t-pool":
            await pilot.press("ctrl+n")  # skip to the pooling question
        await type_answer(pilot, "池化就是降采样,它不能扩大感受野")
        await pilot.press("ctrl+s")
        text = screen_text(app)
        assert "✓ 下采样" in text and "池化就是降采样" in text  # made, with the learner's own words
        assert "✗ 扩大感受野" in text and "negated" in text  # missed, and why
        assert "not in your answer" in text


def test_the_feedback_shows_a_misstated_number_with_the_references_and_its_cost():
    from rich.console import Console

    from tutor.app.screens.drill import grade_summary
    from tutor.questions.library import load_library

    grade = grade_answer(load_library().by_id["c002-7"], "GPT-3 有 200 层")
    console = Console(width=100, record=True, file=io.StringIO())
    console.print(grade_summary(grade))
    text = console.export_text()
    assert "✗ 200 where the reference says 96" in text and "GPT-3 有 200 层" in text
    assert "-1 point: a wrong number" in text
