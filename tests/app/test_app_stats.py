"""The stats screen: the engine's numbers in the summary and the plots, read and fitted in workers."""

from tutor.app.app import build_app
from tutor.app.screens.stats import StatsScreen, count_ticks

SIZE = (100, 30)


async def open_stats(pilot) -> StatsScreen:
    await pilot.press("s")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pilot.app.screen


async def test_the_summary_and_plots_show_the_engines_statistics(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    app.study.rate("t-pool", "good")
    app.study.rate("t-relu", "again")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_stats(pilot)
        assert isinstance(screen, StatsScreen)
        expected = app.study.stats()
        summary = str(screen.query_one("#stats-summary").render())
        assert f"{expected.reviews_total} answers" in summary
        assert f"due today {expected.forecast[0]}" in summary
        assert screen.query_one("#stats-plots").display
        assert not screen.query_one("#stats-loading").display


async def test_optimize_runs_in_a_worker_and_says_how_many_reviews_are_missing(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=SIZE) as pilot:
        await open_stats(pilot)
        await pilot.press("o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [notice.message for notice in app._notifications]
    assert any("not enough reviews" in message for message in messages)


def test_count_ticks_are_whole_numbers_covering_the_largest_count():
    assert count_ticks(0) == [0, 1]
    assert count_ticks(2) == [0, 1, 2]
    assert count_ticks(17) == [0, 5, 10, 15, 20]  # step ceil(17 / 4) = 5


async def test_cards_by_state_bars_are_to_scale_at_80_by_24(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    app.study.rate("t-pool", "again")
    app.study.suspend("t-relu")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stats(pilot)
        chart = screen.query_one("#plot-states")
        lines = [strip.text for strip in chart.render_lines(chart.region.reset_offset)[1:]]
        counts = app.study.stats().by_state
        lengths = {}
        for line in lines:
            for state in ("new", "learning", "suspended"):
                if f" {state} " in line:
                    lengths[state] = sum(1.0 if ch == "█" else (" ▏▎▍▌▋▊▉".index(ch) / 8 if ch in "▏▎▍▌▋▊▉" else 0) for ch in line)
        assert counts["new"] == counts["learning"] == counts["suspended"] == 1
        assert lengths["new"] > 0 and lengths["new"] == lengths["learning"] == lengths["suspended"]
