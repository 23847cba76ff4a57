"""Every command that prints a table, at 80 columns: nothing wider than the terminal, and the values a learner
types back (ids, deck names, settings) or reads for timing (kind, due time) whole, never cut with an ellipsis.

Each command's --json output is the independent reference for the values that must appear whole.
"""

import json
from datetime import datetime, timedelta, timezone

import pytest
from rich.cells import cell_len

from tutor.cli import main

NOW = datetime(2025, 3, 3, 10, 0, tzinfo=timezone.utc)
WIDTH = 80


@pytest.fixture
def home(data_home, monkeypatch, capsys):
    """A data directory with reviews behind it: a card relearning, one learning, an exam; COLUMNS=80."""
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    monkeypatch.setenv("TUTOR_NOW", (NOW - timedelta(days=3)).isoformat())
    for card_id, rating in (("c000-1-1", "good"), ("c000-1-1", "good"), ("c004-q14", "good")):
        assert main(["rate", card_id, rating, "--json"]) == 0
    monkeypatch.setenv("TUTOR_NOW", NOW.isoformat())
    assert main(["rate", "c000-1-1", "again", "--json"]) == 0  # a lapse: relearning
    assert main(["exam", "add", "期末考试 final exam of the course", "--date", "2025-03-20", "--json"]) == 0
    capsys.readouterr()
    return data_home


def run(capsys, *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def run_json(capsys, *args: str):
    return json.loads(run(capsys, *args, "--json"))


def assert_fits(text: str, whole: list[str]) -> None:
    """Every line at most 80 cells; each of ``whole`` on one line, uncut."""
    assert max(cell_len(line) for line in text.splitlines()) <= WIDTH
    lines = text.splitlines()
    for value in whole:
        assert any(value in line for line in lines), f"{value!r} is cut or missing:\n{text}"


def test_due_keeps_id_kind_and_due_time_whole(home, capsys):
    queue = run_json(capsys, "due")
    assert {entry["kind"] for entry in queue} - {"new"}  # cards with a due time, not only new ones
    text = run(capsys, "due")
    whole = []
    for entry in queue[:50]:
        whole.append(entry["id"])
        if entry["kind"] != "new":
            due = datetime.fromisoformat(entry["due"]).astimezone()
            whole.append(f"{entry['kind']} ")
            whole.append(f"{due:%Y-%m-%d %H:%M}")
    assert_fits(text, whole)


@pytest.mark.parametrize(
    "args", [("list", "--deck", "dl-interview"), ("search", "梯度"), ("search", "gradient descent")]
)
def test_card_tables_keep_every_id_whole(home, capsys, args):
    cards = run_json(capsys, *args)
    assert cards
    assert_fits(run(capsys, *args), [card["id"] for card in cards])


def test_decks_keeps_every_name_whole(home, capsys):
    decks = run_json(capsys, "decks")
    assert_fits(run(capsys, "decks"), [deck["name"] for deck in decks])


def test_rate_stats_and_demo_list_fit(home, capsys):
    state = run_json(capsys, "rate", "c004-q8", "good")
    assert_fits(run(capsys, "rate", "c004-q9", "hard"), ["c004-q9 rated hard", "stability", "difficulty"])
    assert state["card_id"] == "c004-q8"
    assert_fits(run(capsys, "stats"), ["cards by state", "due forecast"])
    demos = run_json(capsys, "demo")
    assert_fits(run(capsys, "demo"), [demo["name"] for demo in demos])


def test_import_fits(home, capsys, tmp_path):
    notes = tmp_path / "a-rather-long-file-name-for-my-notes-on-deep-learning.md"
    notes.write_text("# 我的笔记\n\n## 什么是梯度消失？\n\n连乘导致梯度趋近于零。\n", encoding="utf-8")
    (report,) = run_json(capsys, "import", str(notes), "--deck", "notes-one")
    notes.write_text(notes.read_text(encoding="utf-8") + "\n## 什么是梯度爆炸？\n\n连乘导致梯度变大。\n", encoding="utf-8")
    assert_fits(run(capsys, "import", str(notes), "--deck", "notes-one"), [report["deck"]])


def test_card_tables_show_every_tag_whole(home, capsys):
    text = run(capsys, "search", "反向传播")
    hits = run_json(capsys, "search", "反向传播")
    assert len(hits) > 5 and all(hit["tags"] for hit in hits)
    assert_fits(text, [f"#{tag}" for hit in hits for tag in hit["tags"]])


def test_exam_list_shows_deck_names_whole(home, capsys):
    assert main(["exam", "add", "期中", "--date", "2025-03-10", "--deck", "aics-homework", "--deck", "dl-interview"]) == 0
    text = run(capsys, "exam", "list")
    assert_fits(text, [])
    assert "…" not in text  # folded over lines if need be, never cut: the learner types them after --deck


def test_exam_and_config_tables_fit(home, capsys):
    (exam,) = run_json(capsys, "exam", "list")
    assert_fits(run(capsys, "exam", "list"), ["2025-03-20"])
    assert_fits(run(capsys, "exam", "plan", exam["name"]), ["2025-03-03", "2025-03-19"])
    settings = run_json(capsys, "config")
    keys = list(settings) if isinstance(settings, dict) else [item["key"] for item in settings]
    assert_fits(run(capsys, "config"), keys)
