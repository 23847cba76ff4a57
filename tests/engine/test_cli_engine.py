"""`tutor due`, `rate`, `stats` and `optimize` as scripts see them: JSON on stdout, one error line, exit codes."""

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from tutor.questions.library import load_library

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=timezone.utc)


def tutor(home: Path, *args: str, now: datetime = NOW) -> subprocess.CompletedProcess:
    env = {**os.environ, "TUTOR_HOME": str(home), "TUTOR_NOW": now.isoformat()}
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True, env=env, timeout=60)


def tutor_json(home: Path, *args: str, now: datetime = NOW):
    result = tutor(home, *args, "--json", now=now)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "home"


def test_due_lists_the_first_new_cards_in_corpus_order(home):
    queue = tutor_json(home, "due")
    first = [card.id for card in load_library().cards[:20]]
    assert [entry["id"] for entry in queue] == first
    assert {entry["kind"] for entry in queue} == {"new"}
    assert queue[0]["due"] == NOW.isoformat()


def test_due_of_one_deck_lists_only_its_cards(home):
    deck = load_library().decks[-1]
    queue = tutor_json(home, "due", "--deck", deck.name)
    assert {entry["id"] for entry in queue} <= {card.id for card in deck.cards}
    assert queue


def test_rate_records_a_review_and_prints_the_new_state(home):
    card_id = tutor_json(home, "due")[0]["id"]
    state = tutor_json(home, "rate", card_id, "good")
    assert state["state"] == "learning"
    assert state["due"] == (NOW + timedelta(minutes=10)).isoformat()
    assert {"stability", "difficulty", "reps", "lapses"} <= set(state)


def test_a_schedule_replays_with_tutor_now(home):
    card_id = tutor_json(home, "due")[0]["id"]
    tutor_json(home, "rate", card_id, "good")
    later = NOW + timedelta(minutes=10)
    assert tutor_json(home, "due", now=later)[0] == {"id": card_id, "kind": "learning", "due": later.isoformat()}
    state = tutor_json(home, "rate", card_id, "good", now=later)
    assert state["state"] == "review"
    assert card_id not in [entry["id"] for entry in tutor_json(home, "due", now=later)]


def test_stats_count_the_reviews(home):
    ids = [entry["id"] for entry in tutor_json(home, "due")[:3]]
    for card_id in ids:
        tutor_json(home, "rate", card_id, "easy")
    stats = tutor_json(home, "stats")
    assert stats["reviews_total"] == 3
    assert stats["by_state"]["review"] == 3
    assert stats["per_day"][-1] == {"day": "2025-03-03", "reviews": 3, "drills": 0}
    assert len(stats["forecast"]) == 30


def test_optimize_says_how_many_reviews_are_needed(home):
    result = tutor_json(home, "optimize")
    assert result["optimized"] is False
    assert result["needed"] == 512
    human = tutor(home, "optimize")
    assert "512" in human.stdout and human.returncode == 0


def test_the_human_forms_print_tables_with_a_preview_of_each_rating(home, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    card_id = tutor_json(home, "due")[0]["id"]
    due = tutor(home, "due").stdout
    assert card_id in due
    assert "1m · 6m · 10m · " in due  # py-fsrs's learning steps for again, hard and good
    rated = tutor(home, "rate", card_id, "again")
    assert rated.returncode == 0 and f"{card_id} rated again" in rated.stdout
    assert "cards by state" in tutor(home, "stats").stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("rate", "no-such-card", "good"), "tutor: error: unknown card id 'no-such-card'"),
        (("rate", "x", "great"), "tutor: error: argument rating: unknown rating 'great' (use 1-4, or again, hard, good or easy)"),
        (("due", "--deck", "no-such-deck"), "tutor: error: unknown deck 'no-such-deck'"),
    ],
)
def test_bad_input_is_one_error_line_and_exit_code_2(home, args, message):
    result = tutor(home, *args)
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1
    assert result.stdout == ""


def test_a_file_that_is_not_a_tutor_database_is_refused_with_exit_code_1(home):
    home.mkdir()
    database = home / "tutor.sqlite3"
    database.write_text("my notes, not a database\n")
    result = tutor(home, "due")
    assert result.returncode == 1
    assert result.stderr.startswith(f"tutor: error: {database} is not a tutor database")
    assert database.read_text() == "my notes, not a database\n"


def test_a_bad_tutor_now_is_refused(home):
    env = {**os.environ, "TUTOR_HOME": str(home), "TUTOR_NOW": "yesterday"}
    result = subprocess.run([sys.executable, "-m", "tutor", "due"], capture_output=True, text=True, env=env)
    assert result.returncode == 2
    assert "TUTOR_NOW" in result.stderr


def test_rate_takes_a_number_or_a_name_alike(tmp_path):
    card_id = load_library().cards[0].id
    by_number = tutor_json(tmp_path / "number", "rate", card_id, "3")
    by_name = tutor_json(tmp_path / "name", "rate", card_id, "good")
    assert by_number == by_name
    assert by_number["state"] == "learning"