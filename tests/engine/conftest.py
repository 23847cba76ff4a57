"""Fixtures of the engine tests: a settable clock, a data directory and an open Study."""

from datetime import timezone
from pathlib import Path

import pytest
from engine_support import T0, Clock, make_library

from tutor.engine.study import Study
from tutor.questions.library import Library


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """A clock fixed at :data:`T0`."""
    return Clock(monkeypatch, T0)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty data directory."""
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def small_library() -> Library:
    """Two decks: five cards in alpha, three in beta."""
    return make_library(alpha=["a1", "a2", "a3", "a4", "a5"], beta=["b1", "b2", "b3"])


@pytest.fixture
def study(data_dir: Path, small_library: Library, clock: Clock):
    """A Study over the small library with UTC study days."""
    with Study.open(data_dir, small_library, tz=timezone.utc) as opened:
        yield opened
