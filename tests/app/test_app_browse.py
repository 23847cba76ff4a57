"""Browse and search end to end: the card list, Chinese-aware search as you type, a card with its history."""

from tutor.app.app import build_app
from tutor.app.screens.browse import BrowseScreen
from tutor.app.screens.card import CardScreen
from tutor.app.screens.home import HomeScreen
from tutor.questions.search import search

SIZE = (100, 30)


def footer_actions(app) -> set[str]:
    """The descriptions of the keys the footer shows on the current screen."""
    return {
        active.binding.description
        for active in app.screen.active_bindings.values()
        if active.enabled and active.binding.show
    }


async def open_browse(pilot) -> BrowseScreen:
    await pilot.press("b")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pilot.app.screen


async def test_browse_lists_every_card_of_the_library(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browse(pilot)
        assert isinstance(screen, BrowseScreen)
        assert [card.id for card in screen.shown] == ["t-pool", "t-sigmoid", "t-relu"]


async def test_search_as_you_type_shows_the_engine_ranking(data_dir):
    app = build_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browse(pilot)
        await pilot.press("slash")
        for character in "梯度消失":
            await pilot.press(character)
        await app.workers.wait_for_complete()
        await pilot.pause()
        expected = [hit.card.id for hit in search(app.library.cards, "梯度消失")]
        assert expected  # the corpus has cards about it
        assert [card.id for card in screen.shown] == expected


async def test_the_deck_filter_limits_the_list_to_one_deck(data_dir):
    app = build_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browse(pilot)
        screen.query_one("#deck-filter").value = "study"
        await pilot.pause()
        assert [card.id for card in screen.shown] == ["t-pool", "t-sigmoid", "t-relu"]


async def test_opening_a_found_card_shows_it_with_its_review_history(data_dir, screen_text):
    app = build_app(data_dir)
    app.study.rate("t-relu", "good", duration_ms=4000)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browse(pilot)
        await pilot.press("slash")
        for character in "ReLU 死亡":
            await pilot.press(character if character != " " else "space")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.shown[0].id == "t-relu"
        await pilot.press("tab", "tab", "enter")  # search box → deck filter → card list, then open
        assert isinstance(app.screen, CardScreen)
        assert app.screen.card.id == "t-relu"
        text = screen_text(app)
        assert "1 reviews" in text and "good" in text
        assert "next due in 10m" in text  # a new card rated good enters learning for py-fsrs's 10-minute step
        await pilot.press("escape")
        assert app.screen is screen


async def test_s_on_a_card_suspends_it_and_s_again_unsuspends_it(data_dir):
    app = build_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CardScreen(app.library.card("t-pool")))
        await pilot.pause()
        await pilot.press("s")
        assert app.study.card_state("t-pool").suspended
        await pilot.press("s")
        assert not app.study.card_state("t-pool").suspended
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)


async def test_the_card_screens_footer_offers_unsuspend_on_a_suspended_card_and_no_demo_when_none_is_linked(data_dir):
    app = build_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        app.push_screen(CardScreen(app.library.card("t-pool")))  # links no demo
        await pilot.pause()
        assert "Suspend" in footer_actions(app) and not {"Unsuspend", "Demo"} & footer_actions(app)
        await pilot.press("s")
        assert "Unsuspend" in footer_actions(app) and "Suspend" not in footer_actions(app)
        app.push_screen(CardScreen(app.library.card("t-sigmoid")))  # links the activations demo
        await pilot.pause()
        assert "Demo" in footer_actions(app)


async def test_browse_keys_act_on_the_highlighted_card_and_never_type_into_the_search_box(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browse(pilot)
        await pilot.press("slash", "池", "化")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # While typing, the footer offers no card key: s is a letter of the search.
        assert not {"Suspend", "Demo"} & footer_actions(app)
        await pilot.press("enter")  # the search is done: the list has the focus
        assert screen.highlighted_card().id == "t-pool"
        await pilot.press("s")
        assert app.study.card_state("t-pool").suspended
        assert screen.query_one("#search").value == "池化"
        assert "Unsuspend" in footer_actions(app)
        await pilot.press("s")
        assert not app.study.card_state("t-pool").suspended


async def test_a_search_that_finds_nothing_suggests_the_nearest_term(data_dir):
    app = build_app(data_dir)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_browse(pilot)
        await pilot.press("slash", "梯", "渡")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.shown == []
        assert "你是不是要找：梯度" in str(screen.query_one("#match-count").render())
