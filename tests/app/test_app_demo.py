"""Demos from the app: the list, a demo opened from an answer with the card's parameters, and the way back."""

from tutor.app.app import build_app
from tutor.app.screens.demo import DemoScreen
from tutor.app.screens.demos import DemosScreen
from tutor.app.screens.review import ReviewScreen
from tutor.demos.registry import all_demos

SIZE = (100, 30)


async def wait_for_view(pilot) -> None:
    """Wait for the demo's module to load in its worker, then for its compute worker."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_demo_opened_from_an_answer_runs_with_the_cards_parameters_and_escape_returns_to_the_card(
    data_dir,
):
    app = build_app(data_dir, "review", decks=["study"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space", "3")  # t-pool, then t-sigmoid, which links the activations demo
        review = app.screen
        assert review.card.id == "t-sigmoid"
        await pilot.press("space", "d")
        assert isinstance(app.screen, DemoScreen)
        await wait_for_view(pilot)
        demo = app.screen
        assert demo.view is not None
        # The card's link asks for [-4, 4] at 41 points; the computed result is the one drawn.
        assert demo.view.params == {"lo": -4.0, "hi": 4.0, "points": 41}
        assert demo.view.result.to_dict()["range"] == [-4.0, 4.0]
        await pilot.press("escape")
        assert app.screen is review
        assert review.card.id == "t-sigmoid" and review.revealed
        await pilot.press("4")
        assert [record.rating for record in app.study.history("t-sigmoid")] == ["easy"]


async def test_the_demo_form_recomputes_with_new_parameters_and_refuses_bad_ones(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=SIZE) as pilot:
        app.open_demo("activations", {"points": 11})
        await wait_for_view(pilot)
        screen = app.screen
        screen.query_one("#param-hi").value = "2"
        await pilot.click("#run")
        await wait_for_view(pilot)
        assert screen.view.result.to_dict()["range"] == [-10.0, 2.0]
        screen.query_one("#param-points").value = "5"  # below the registry's minimum of 11
        await pilot.click("#run")
        assert screen.query_one("#param-points").has_class("-invalid")
        assert screen.view.params["points"] == 11
        # Named as the form names it, never as a command-line flag.
        (message,) = [notice.message for notice in app._notifications if notice.title == "参数 parameter"]
        assert message.startswith("采样点数 points must be at least 11") and "--" not in message


async def test_the_demo_list_shows_every_registered_demo_and_opens_one(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        assert isinstance(app.screen, DemosScreen)
        options = app.screen.query_one("#demo-list")
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [
            demo.name for demo in all_demos()
        ]
        options.highlighted = [demo.name for demo in all_demos()].index("activations")
        await pilot.press("enter")
        assert isinstance(app.screen, DemoScreen) and app.screen.demo.name == "activations"
        await wait_for_view(pilot)
        await pilot.press("escape")
        assert isinstance(app.screen, DemosScreen)


async def test_a_card_without_demos_says_so_instead_of_opening_one(data_dir):
    app = build_app(data_dir, "review", decks=["study"])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("space")
        assert isinstance(app.screen, ReviewScreen)
        app.screen.action_open_demo()
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert [notice.message for notice in app._notifications] == ["这张卡片没有演示 this card links no demo"]


async def test_a_card_with_several_demos_asks_which_one_to_open(data_dir, study_library):
    from tutor.app.screens.demo import DemoPicker, open_card_demos
    from tutor.questions.card import Card, DemoLink

    card = Card(
        id="t-two",
        deck="study",
        question="q",
        answer="a",
        demos=(DemoLink("descent", {"kappa": 10.0}), DemoLink("activations", {"points": 11})),
    )
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=SIZE) as pilot:
        open_card_demos(app, card)
        await pilot.pause()
        assert isinstance(app.screen, DemoPicker)
        await pilot.press("down", "enter")
        assert isinstance(app.screen, DemoScreen)
        assert app.screen.demo.name == "activations" and app.screen.params["points"] == 11
        await wait_for_view(pilot)


async def test_the_descent_table_keeps_every_learning_rate_whole_at_80_by_24(data_dir, study_library):
    app = build_app(data_dir, library=study_library)
    async with app.run_test(size=(80, 24)) as pilot:
        app.open_demo("descent")
        await wait_for_view(pilot)
        view = app.screen.view
        for _ in range(600):  # the compute runs in a thread: a loaded machine may take a while
            if view.result is not None:
                break
            await pilot.pause(0.1)
        await pilot.pause()
        table = view.query_one("#descent-rates")
        text = "\n".join(strip.text for strip in table.render_lines(table.region.reset_offset))
        for run in view.result.optimizers:
            for argument in run.label.split("(", 1)[1].rstrip(")").split(", "):
                assert argument in text, f"{argument} cut in:\n{text}"
