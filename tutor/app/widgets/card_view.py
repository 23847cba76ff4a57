"""One card on screen: the question, then (once revealed) the answer, its errata, key points and demos."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from tutor.app.widgets.markdown_view import MarkdownView
from tutor.questions.card import Card
from tutor.questions.render import ERRATA_TITLE, errata_markdown
from tutor.questions.terminal_text import terminal_text


class CardView(VerticalScroll):
    """A scrollable card; the answer side stays hidden until :meth:`reveal`."""

    def __init__(self, card: Card | None = None, *, revealed: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self._card = card
        self._revealed = revealed

    def compose(self) -> ComposeResult:
        yield Static(classes="card-meta")
        yield MarkdownView(classes="card-question")
        yield Static("答案 answer", classes="card-divider answer-side")
        yield MarkdownView(classes="card-answer answer-side")
        yield MarkdownView(classes="card-errata answer-side")
        yield Static(classes="card-points answer-side")
        yield Static(classes="card-demos answer-side")

    def on_mount(self) -> None:
        self.query_one(".card-errata").border_title = ERRATA_TITLE
        if self._card is not None:
            self.show(self._card, revealed=self._revealed)

    @property
    def card(self) -> Card | None:
        """The card shown."""
        return self._card

    @property
    def revealed(self) -> bool:
        """Whether the answer side is visible."""
        return self._revealed

    def show(self, card: Card, *, revealed: bool = False) -> None:
        """Show ``card``, question side only unless ``revealed``."""
        self._card = card
        meta = f"{card.id} · {card.deck}"
        if card.tags:
            meta += " · " + ", ".join(card.tags)
        # Text, not a str: Textual would read "[...]" in a tag as markup.
        self.query_one(".card-meta", Static).update(Text(terminal_text(meta)))
        self.query_one(".card-question", MarkdownView).show(card.question)
        self.query_one(".card-answer", MarkdownView).show(card.answer)
        errata = self.query_one(".card-errata", MarkdownView)
        errata.show(errata_text(card))
        errata.set_class(not card.errata, "empty")
        points = self.query_one(".card-points", Static)
        key_points = "要点 key points: " + " · ".join(card.key_point_labels) if card.key_points else ""
        points.update(Text(terminal_text(key_points)))
        points.set_class(not card.key_points, "empty")
        demos = self.query_one(".card-demos", Static)
        names = ", ".join(link.name for link in card.demos)
        demos.update(Text(terminal_text(f"demos: {names}  (press d to open)" if card.demos else "")))
        demos.set_class(not card.demos, "empty")
        self.set_revealed(revealed)
        self.scroll_home(animate=False)

    def reveal(self) -> None:
        """Show the answer side."""
        self.set_revealed(True)

    def set_revealed(self, revealed: bool) -> None:
        """Show or hide the answer side."""
        self._revealed = revealed
        self.set_class(revealed, "revealed")


def errata_text(card: Card) -> str:
    """The card's errata as Markdown: what the source says and the correction, in Chinese."""
    return errata_markdown(card)
