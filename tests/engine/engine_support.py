"""Helpers shared by the engine tests (imported as ``engine_support``): libraries, a settable clock."""

from datetime import datetime, timedelta, timezone

import pytest

from tutor.questions.card import Card
from tutor.questions.deck import Deck
from tutor.questions.library import Library

T0 = datetime(2025, 3, 3, 10, 0, tzinfo=timezone.utc)
"""A Monday, 10:00 UTC: the start of most test scenarios."""


def make_library(**decks: list[str] | list[Card]) -> Library:
    """Return a library of the given decks; a deck given as ids gets short cards with those ids."""
    built = []
    for name, cards in decks.items():
        built.append(
            Deck(
                name=name,
                title=name,
                cards=tuple(
                    card if isinstance(card, Card) else Card(id=card, deck=name, question=f"q {card}", answer="a")
                    for card in cards
                ),
            )
        )
    return Library(decks=tuple(built))


class Clock:
    """Sets ``$TUTOR_NOW``, which every engine call reads through tutor.clock.now()."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: datetime) -> None:
        self._monkeypatch = monkeypatch
        self.now = start
        self.set(start)

    def set(self, moment: datetime) -> datetime:
        """Fix the clock at ``moment``."""
        self.now = moment
        self._monkeypatch.setenv("TUTOR_NOW", moment.isoformat())
        return moment

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward by ``timedelta(**delta)``."""
        return self.set(self.now + timedelta(**delta))
