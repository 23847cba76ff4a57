"""Browse and search: the cards of a deck (or all), Chinese-aware search as you type, and a card's preview."""

from collections import Counter

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from tutor.app.screens.card import card_action_applies, set_suspended
from tutor.app.widgets.card_view import CardView
from tutor.app.widgets.history import CardHistory
from tutor.clock import now
from tutor.questions.card import Card
from tutor.questions.render import plain_line
from tutor.questions.suggest import suggest
from tutor.questions.terminal_text import terminal_text

LISTED = 1000
"""Most cards the list shows at once (the first of a deck, or the best matches)."""
_ALL = "__all__"


def card_option(card: Card) -> Option:
    """A one-line entry of the card list: the question, cut with an ellipsis."""
    # One line without markup (backticks, stars, dollars); the preview renders the Markdown.
    prompt = Text(terminal_text(plain_line(card.question)), no_wrap=True, overflow="ellipsis")
    return Option(prompt, id=card.id)


class BrowseScreen(Screen):
    """Left: search box, deck filter and matching cards; right: the highlighted card with its history."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search", key_display="/"),
        Binding("d", "open_demo", "Demo"),
        # One key, two labels: check_action shows the one that applies to the highlighted card.
        Binding("s", "suspend", "Suspend"),
        Binding("s", "unsuspend", "Unsuspend"),
        Binding("escape", "back", "Back"),
        Binding("q", "back", "Back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._shown: list[Card] = []
        self._total = 0
        self._vocabularies: dict[str, Counter] = {}  # deck filter -> its terms, on the first query finding nothing

    def compose(self) -> ComposeResult:
        yield Header()
        decks = [("all decks", _ALL)] + [(deck.name, deck.name) for deck in self.app.library.decks]
        with Horizontal(id="browse"):
            with Vertical(id="browse-left"):
                yield Input(placeholder="search 搜索 (/)", id="search")
                yield Select(decks, value=_ALL, allow_blank=False, id="deck-filter", compact=True)
                yield Static(id="match-count")
                yield OptionList(id="cards")
            with VerticalScroll(id="browse-preview"):
                yield CardView(revealed=True, id="preview")
                yield CardHistory(id="history")
        yield Footer()

    def on_mount(self) -> None:
        self._list_cards()
        self.query_one("#cards", OptionList).focus()

    @property
    def shown(self) -> list[Card]:
        """The cards in the list, in order."""
        return list(self._shown)

    def _deck_filter(self) -> str:
        return str(self.query_one("#deck-filter", Select).value)

    def _deck_cards(self, value: str) -> list[Card]:
        # The first LISTED cards of the deck: a list of 100,000 lines helps nobody, the search box does.
        decks = None if value == _ALL else [value]
        self._total = self.app.library.store.card_count(decks)
        return self.app.library.store.select(decks=decks, limit=LISTED)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._list_cards()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter ends the search: the card keys (d, s) then act on the list instead of typing into the box.
        event.stop()
        self.query_one("#cards", OptionList).focus()

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        # While the search box has the focus, letters are typed: the footer shows no card key then.
        if action in ("open_demo", "suspend", "unsuspend") and isinstance(self.focused, Input):
            return False
        return card_action_applies(self.app, self.highlighted_card(), action)

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._list_cards()

    def _list_cards(self) -> None:
        query = self.query_one("#search", Input).value.strip()
        if not query:
            self._show_cards(self._deck_cards(self._deck_filter()), query)
        else:
            self._search(self._deck_filter(), query)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, deck_filter: str, query: str) -> None:
        # The store's full-text index answers: no card is tokenised while typing.
        decks = None if deck_filter == _ALL else [deck_filter]
        found = [hit.card for hit in self.app.library.search(query, decks=decks, limit=LISTED)]
        nearest: list[str] = []
        if not found:
            words = self._vocabularies.get(deck_filter)
            if words is None:
                words = self._vocabularies[deck_filter] = self.app.library.vocabulary(decks)
            nearest = suggest(query, words)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_cards, found, query, nearest)

    def _show_cards(self, cards: list[Card], query: str, nearest: list[str] | None = None) -> None:
        self._shown = cards
        options = self.query_one("#cards", OptionList)
        options.set_options(card_option(card) for card in cards)
        what = Text(f"{len(cards)} cards" if not query else f"{len(cards)} cards match “{query}”, best first")
        if not query and self._total > len(cards):
            what = Text(f"first {len(cards)} of {self._total} cards: type to search them all")
        if nearest:
            what = Text(f"no card matches “{query}”\n你是不是要找：")
            what.append(terminal_text("、".join(nearest)), style="bold")
        self.query_one("#match-count", Static).update(what)
        if cards:
            options.highlighted = 0
            self._preview(cards[0])
        else:
            self.query_one("#browse-preview").display = False
        self.refresh_bindings()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._preview(self.app.library.card(event.option.id))
        self.refresh_bindings()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        from tutor.app.screens.card import CardScreen

        self.app.push_screen(CardScreen(self.app.library.card(event.option.id)))

    def _preview(self, card: Card) -> None:
        self.query_one("#browse-preview").display = True
        self.query_one("#preview", CardView).show(card, revealed=True)
        study = self.app.study
        self.query_one("#history", CardHistory).show(study.card_state(card.id), study.history(card.id), now())

    def highlighted_card(self) -> Card | None:
        """The card under the list's cursor."""
        option = self.query_one("#cards", OptionList).highlighted_option
        return None if option is None else self.app.library.card(option.id)

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_open_demo(self) -> None:
        """Open the highlighted card's demo (or choose among its demos)."""
        from tutor.app.screens.demo import open_card_demos

        card = self.highlighted_card()
        if card is not None:
            open_card_demos(self.app, card)

    def action_suspend(self) -> None:
        """Suspend the highlighted card: it leaves the queue and drills."""
        self._set_suspended(True)

    def action_unsuspend(self) -> None:
        """Put the highlighted card back into the queue."""
        self._set_suspended(False)

    def _set_suspended(self, suspended: bool) -> None:
        card = self.highlighted_card()
        if card is not None:
            set_suspended(self.app, card, suspended)
            self._preview(card)
            self.refresh_bindings()

    def action_back(self) -> None:
        self.app.pop_screen()
