"""Escape sequences in a deck's title, tags and cards never reach the app's screen (nor its markup)."""

import re

from tutor.app.app import build_app
from tutor.questions.card import Card
from tutor.questions.deck import Deck
from tutor.questions.library import Library

SIZE = (100, 30)
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Any control character but newline and tab."""


def hostile_library() -> Library:
    """One deck whose title, tag, question, answer and key point hold escape sequences and markup."""
    card = Card(
        id="h-1",
        deck="hostile",
        question="What\x1b[2J is ReLU\x1b]8;;http://evil.example\x1b\\?",
        answer="max(0, x)\x1b]52;c;aGVsbG8=\x1b\\ keeps positives\n",
        tags=("act\x1b]0;title\x07ivation", "[@click=app.quit]tag"),
        key_points=("max\x9b2J(0, x)",),
    )
    return Library(decks=(Deck(name="hostile", title="Hostile\x1b]0;pwned\x1b\\ deck", cards=(card,), user=True),))


async def test_home_shows_the_deck_title_without_escape_sequences(data_dir, screen_text):
    app = build_app(data_dir, library=hostile_library())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Hostile deck" in text
        assert not RAW.search(text)


async def test_browse_shows_the_card_without_escape_sequences_or_markup(data_dir, screen_text):
    app = build_app(data_dir, library=hostile_library())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await app.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(app)
        assert "What is ReLU?" in text
        assert "[@click=app.quit]tag" in text  # shown as text, not read as an action
        assert not RAW.search(text)
