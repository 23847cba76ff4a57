"""The review flow end to end: the app over the real engine, checked in the learner's database."""

from tutor.app.app import build_app
from tutor.app.format import interval
from tutor.app.screens.home import HomeScreen
from tutor.app.screens.review import ReviewScreen
from tutor.engine.study import Study
from tutor.locations import user_decks_dir
from tutor.questions.library import load_library

SIZE = (100, 30)


def reopen(data_dir) -> Study:
    """A second Study on the same data directory, as a script would open it after the app."""
    return Study.open(data_dir, load_library(user_decks_dir(data_dir)))


async def test_reviewing_two_cards_records_both_reviews_in_the_database(data_dir):
    app = build_app(data_dir, "review", decks=["study"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ReviewScreen)
        first = app.screen.card.id
        await pilot.press("space", "3")
        second = app.screen.card.id
        await pilot.press("space", "1")
    with reopen(data_dir) as study:
        first_log, second_log = study.history(first), study.history(second)
    assert (first, second) == ("t-pool", "t-sigmoid")  # the deck's new cards, in corpus order
    assert [(record.rating, record.mode) for record in first_log] == [("good", "review")]
    assert [(record.rating, record.mode) for record in second_log] == [("again", "review")]


async def test_a_rating_before_the_answer_is_shown_is_ignored(data_dir):
    app = build_app(data_dir, "review", decks=["study"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        assert app.screen.card.id == "t-pool"
        assert app.study.history("t-pool") == []


async def test_rating_buttons_show_the_interval_each_rating_would_give(data_dir):
    app = build_app(data_dir, "review", decks=["study"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        expected = app.study.next_intervals("t-pool")
        labels = {rating: str(app.screen.query_one(f"#rate-{rating}").label) for rating in expected}
    assert labels["good"] == f"3 Good · {interval(expected['good'])}"
    assert labels["easy"] == f"4 Easy · {interval(expected['easy'])}"


async def test_clicking_a_rating_button_rates_the_card(data_dir):
    app = build_app(data_dir, "review", decks=["study"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        await pilot.click("#rate-easy")
        assert [record.rating for record in app.study.history("t-pool")] == ["easy"]
        assert app.screen.card.id == "t-sigmoid"


async def test_undo_takes_back_the_last_rating_and_shows_that_card_again(data_dir):
    app = build_app(data_dir, "review", decks=["study"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "2")
        await pilot.press("u")
        assert app.screen.card.id == "t-pool"
        assert not app.screen.revealed
        assert app.study.history("t-pool") == []
        assert app.study.card_state("t-pool").state == "new"


async def test_suspending_a_card_takes_it_out_of_the_session(data_dir):
    app = build_app(data_dir, "review", decks=["study"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert app.screen.card.id == "t-sigmoid"
        assert app.study.card_state("t-pool").suspended
        assert "t-pool" not in [entry.card_id for entry in app.study.queue(decks=["study"])]


async def test_errata_are_shown_with_the_answer(data_dir, screen_text):
    app = build_app(data_dir, "review", decks=["study"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "3")
        assert "勘误" not in screen_text(app)  # the question side shows no answer
        await pilot.press("space")
        text = screen_text(app)
    assert "勘误" in text and "原文" in text and "更正" in text
    assert "最大为 0.25" in text
    assert "σ′(x)" in text or "σ'(x)" in text  # math as Unicode, not $\sigma'(x)$


async def test_the_session_ends_with_a_summary_of_the_ratings(data_dir, screen_text):
    app = build_app(data_dir, "review", decks=["study"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "3", "space", "4", "space", "1")
        assert app.screen.card is None
        text = screen_text(app)
    assert "session done" in text
    assert "ratings" in text and "3" in text


async def test_escape_goes_back_home_and_q_on_home_quits(data_dir):
    app = build_app(data_dir, "review", decks=["study"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_r_on_home_starts_the_review_of_every_deck(data_dir):
    app = build_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.decks is None
        assert app.screen.card.id == app.study.queue()[0].card_id


async def test_a_leech_is_flagged_when_it_comes_up(data_dir, monkeypatch):
    app = build_app(data_dir, "review", decks=["study"])
    # Eight lapses: learn the card, then forget it from review eight times, a day apart each.
    for day in range(1, 20):
        monkeypatch.setenv("TUTOR_NOW", f"2025-01-{day:02d}T09:00:00+00:00")
        state = app.study.card_state("t-pool")
        app.study.rate("t-pool", "again" if state.state == "review" else "easy")
        if app.study.card_state("t-pool").lapses >= 8:
            break
    monkeypatch.setenv("TUTOR_NOW", "2025-03-03T09:00:00+00:00")
    assert app.study.card_state("t-pool").leech
    async with app.run_test(size=SIZE):
        assert app.screen.card.id == "t-pool"
        leech = app.screen.query_one("#review-leech")
        assert leech.display and "forgotten 8 times" in str(leech.render())


async def test_a_rating_the_database_refuses_is_reported_and_the_card_stays(data_dir):
    app = build_app(data_dir, "review", decks=["study"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        app.study.close()  # as if the database went away under the app
        await pilot.press("3")
        assert app.screen.card.id == "t-pool" and app.screen.revealed
        assert app.screen.rated == []
        assert [notice.title for notice in app._notifications] == ["rating not saved"]
