"""`tutor exam` and `tutor config` as scripts see them: JSON on stdout, one error line on stderr, exit codes."""

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=timezone.utc)


def tutor(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TUTOR_HOME": str(home), "TUTOR_NOW": NOW.isoformat()}
    return subprocess.run([sys.executable, "-m", "tutor", *args], capture_output=True, text=True, env=env, timeout=120)


def tutor_json(home: Path, *args: str):
    result = tutor(home, *args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def home(tmp_path) -> Path:
    return tmp_path / "home"


def test_exam_add_list_remove_round_trip(home):
    added = tutor_json(home, "exam", "add", "期末考试", "--date", "2025-03-24", "--deck", "aics-answers")
    assert (added["name"], added["date"], added["days_left"], added["share"]) == ("期末考试", "2025-03-24", 21, 0.0)
    assert added["decks"] == ["aics-answers"] and added["cards"] == added["unseen"] > 0
    listed = tutor_json(home, "exam", "list")
    assert [exam["name"] for exam in listed] == ["期末考试"]
    assert tutor_json(home, "exam", "remove", "期末考试")["removed"]["name"] == "期末考试"
    assert tutor_json(home, "exam", "list") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "2025-03-01"], "the exam date 2025-03-01 is not in the future (today is 2025-03-03)"),
        (["--date", "2025-04-01", "--deck", "nope"], "unknown deck 'nope'"),
        (["--date", "tomorrow"], "the exam date must be a date written YYYY-MM-DD, not 'tomorrow'"),
        (["--date", "2025-04-01", "--retention", "1.5"], "target retention must be from 0.7 to 0.99, not 1.5"),
    ],
)
def test_a_bad_exam_is_one_line_and_exit_2(home, args, message):
    result = tutor(home, "exam", "add", "final", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("tutor: error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_a_second_exam_of_the_same_name_is_one_line_and_exit_2(home):
    tutor_json(home, "exam", "add", "final", "--date", "2025-04-01")
    result = tutor(home, "exam", "add", "final", "--date", "2025-05-01")
    assert (result.returncode, result.stderr) == (
        2,
        "tutor: error: an exam called 'final' already exists (tutor exam remove final first)\n",
    )


def test_exam_plan_json_has_a_day_for_each_day_until_the_exam(home):
    tutor_json(home, "exam", "add", "final", "--date", "2025-03-10", "--deck", "dl-topics")
    plan = tutor_json(home, "exam", "plan", "final")
    assert [day["day"] for day in plan["forecast"]["days"]] == [f"2025-03-{day:02d}" for day in range(3, 10)]
    assert plan["max_reviews_per_day"] == 200 and plan["warnings"] == []


def test_exam_plan_compare_retention_simulates_each_retention(home):
    tutor_json(home, "exam", "add", "final", "--date", "2025-03-10", "--deck", "dl-topics")
    compared = tutor_json(home, "exam", "plan", "final", "--compare-retention")
    assert [item["retention"] for item in compared["retentions"]] == [0.8, 0.85, 0.9, 0.95]
    assert all(0 <= item["knowledge"] <= 1 for item in compared["retentions"])


def test_config_sets_shows_and_keeps_a_value(home):
    assert tutor_json(home, "config", "new_per_day", "12") == {"new_per_day": 12}
    assert tutor_json(home, "config", "new_per_day") == {"new_per_day": 12}
    everything = tutor_json(home, "config")
    assert everything["new_per_day"] == 12 and everything["learning_steps"] == "1m 10m"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["new_per_day", "many"], "new_per_day must be a whole number, not 'many'"),
        (["desired_retention", "2"], "desired retention must be from 0.7 to 0.99, not 2.0"),
        (["colour"], "unknown setting 'colour'"),
        (["desired_retention.nope", "0.8"], "unknown deck 'nope'"),
    ],
)
def test_a_bad_setting_is_one_line_and_exit_2(home, args, message):
    result = tutor(home, "config", *args)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("tutor: error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1


def test_exam_plan_warns_of_days_above_the_maximum_reviews(home):
    tutor_json(home, "config", "max_reviews_per_day", "1")
    tutor_json(home, "exam", "add", "final", "--date", "2025-03-17", "--deck", "dl-topics")
    plan = tutor_json(home, "exam", "plan", "final")
    busy = [day for day in plan["forecast"]["days"] if day["review_cards_high"] > 1]
    assert busy and len(plan["warnings"]) == len(busy)
    assert plan["warnings"][0].startswith(f"{busy[0]['day']}: up to {busy[0]['review_cards_high']} reviews, more than")
    text = tutor(home, "exam", "plan", "final")
    assert text.returncode == 0 and "warning:" in text.stdout


def test_an_exam_name_with_rich_markup_is_shown_as_typed_and_no_markup_leaks(home):
    assert tutor(home, "exam", "add", "期末[x]", "--date", "2025-03-24").returncode == 0
    listed = tutor(home, "exam", "list")
    assert listed.returncode == 0, listed.stderr
    assert "期末[x]" in listed.stdout
    assert "\\[" not in listed.stdout and "[dim]" not in listed.stdout and "[/]" not in listed.stdout
