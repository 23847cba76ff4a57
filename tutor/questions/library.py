"""Decks loaded from files: the packaged corpus (which the store syncs from), and decks of one's own (tests).

The learner's collection itself lives in the store (:mod:`tutor.engine.collection`); a :class:`Library` is what
is read from YAML files before it goes there."""

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from tutor.errors import DeckError, UnknownCardError, UnknownDeckError
from tutor.locations import packaged_deck_paths
from tutor.questions.card import Card
from tutor.questions.deck import Deck, load_deck


@dataclass(frozen=True)
class Library:
    """The decks and cards available to the learner, in corpus order."""

    decks: tuple[Deck, ...]
    """Packaged decks first (in file order), then the learner's decks."""

    @cached_property
    def cards(self) -> tuple[Card, ...]:
        """Every card of every deck, in corpus order."""
        return tuple(card for deck in self.decks for card in deck.cards)

    @cached_property
    def by_id(self) -> dict[str, Card]:
        """Every card by its id (ids are unique across decks: :func:`load_library` checks)."""
        return {card.id: card for card in self.cards}

    def deck(self, name: str) -> Deck:
        """Return the deck called ``name``.

        Raises:
            UnknownDeckError: no deck has that name.
        """
        for deck in self.decks:
            if deck.name == name:
                return deck
        known = ", ".join(deck.name for deck in self.decks)
        raise UnknownDeckError(f"unknown deck {name!r} (decks: {known})")

    def card(self, card_id: str) -> Card:
        """Return the card with id ``card_id``.

        Raises:
            UnknownCardError: no card has that id.
        """
        card = self.by_id.get(card_id)
        if card is None:
            raise UnknownCardError(f"unknown card id {card_id!r} (see `tutor list` for ids)")
        return card

    def select(self, *, decks: list[str] | None = None, tags: list[str] | None = None) -> list[Card]:
        """Return the cards of the named decks (all when none) carrying any of the tags (all when none).

        Raises:
            UnknownDeckError: a deck name is unknown.
        """
        chosen = [self.deck(name) for name in decks] if decks else list(self.decks)
        cards = [card for deck in chosen for card in deck.cards]
        if tags:
            wanted = set(tags)
            cards = [card for card in cards if wanted.intersection(card.tags)]
        return cards


def load_library(user_decks: Path | None = None) -> Library:
    """Load the packaged decks and, when given, every ``*.yaml`` deck in the folder ``user_decks``.

    Raises:
        DeckError: a deck file is malformed, two decks share a name, or two cards share an id.
    """
    decks = [load_deck(path) for path in packaged_deck_paths()]
    if user_decks is not None and user_decks.is_dir():
        decks += [load_deck(path, user=True) for path in sorted(user_decks.glob("*.yaml"))]
    names: dict[str, Deck] = {}
    ids: dict[str, Deck] = {}
    for deck in decks:
        if deck.name in names:
            raise DeckError(f"{deck.path}:1: deck name {deck.name!r} is already used by {names[deck.name].path}")
        names[deck.name] = deck
        for card in deck.cards:
            if card.id in ids:
                raise DeckError(f"{deck.path}:1: card id {card.id!r} is already used in {ids[card.id].path}")
            ids[card.id] = deck
    return Library(decks=tuple(decks))

