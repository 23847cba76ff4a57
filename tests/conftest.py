"""Every test gets its own data directory and a fixed environment: the learner's real data is never touched."""

import pytest


@pytest.fixture(autouse=True)
def data_home(tmp_path, monkeypatch):
    """Point ``$TUTOR_HOME`` at a fresh temporary directory and clear ``$TUTOR_NOW``."""
    home = tmp_path / "tutor-home"
    monkeypatch.setenv("TUTOR_HOME", str(home))
    monkeypatch.delenv("TUTOR_NOW", raising=False)
    return home
