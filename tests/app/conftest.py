"""Fixtures of the app tests: a fixed clock and time zone, a data directory with a small deck of our own,
and cursors that do not blink, so that every run and every snapshot sees the same screen."""

import shutil
import time
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
NOW = "2025-03-03T09:00:00+00:00"
"""TUTOR_NOW of every app test: a Monday morning, well after the 4:00 day boundary."""


@pytest.fixture(autouse=True)
def fixed_world(monkeypatch):
    """Fix the clock and the time zone (study days start at local 4:00) for every app test."""
    monkeypatch.setenv("TUTOR_NOW", NOW)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def still_cursors(monkeypatch):
    """Stop the text cursors of Input and TextArea blinking: a snapshot must not catch one mid-blink."""
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)


@pytest.fixture
def data_dir(data_home) -> Path:
    """The learner's data directory ($TUTOR_HOME of the test), holding the deck ``study`` as an imported deck."""
    decks = data_home / "decks"
    decks.mkdir(parents=True)
    shutil.copy(FIXTURES / "study.yaml", decks / "study.yaml")
    return data_home


@pytest.fixture
def study_library():
    """A library of the deck ``study`` alone: screens drawn over it do not change when the corpus grows."""
    from tutor.questions.deck import load_deck
    from tutor.questions.library import Library

    return Library(decks=(load_deck(FIXTURES / "study.yaml", user=True),))


@pytest.fixture
def screen_text():
    """A function returning the characters on an app's screen, one line per row (what a learner reads)."""

    def text(app) -> str:
        # The compositor's strips are what the terminal would show (textual is pinned, so this is stable).
        return "\n".join(strip.text for strip in app.screen._compositor.render_strips())

    return text
