"""The corpus commands: decks, list, show and search, for people and for scripts (--json), and their errors."""

import json
import os
import re
import subprocess
import sys

import pytest

CARD_FIELDS = {"id", "deck", "question", "answer", "source", "tags", "key_points", "demos", "errata"}


def tutor(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "100", **(env or {})},
        timeout=60,
    )


def test_decks_json_lists_every_packaged_deck_with_its_size():
    decks = json.loads(tutor("decks", "--json").stdout)
    assert all(set(deck) == {"name", "title", "cards", "user"} for deck in decks)
    assert all(deck["cards"] > 0 and not deck["user"] for deck in decks)


def test_list_json_gives_full_card_objects():
    cards = json.loads(tutor("list", "--json").stdout)
    assert cards and all(set(card) == CARD_FIELDS for card in cards)


def test_list_filters_by_deck_and_tag():
    deck = json.loads(tutor("decks", "--json").stdout)[0]["name"]
    cards = json.loads(tutor("list", "--deck", deck, "--json").stdout)
    assert {card["deck"] for card in cards} == {deck}
    tag = cards[0]["tags"][0]
    tagged = json.loads(tutor("list", "--deck", deck, "--tag", tag, "--json").stdout)
    assert tagged and all(tag in card["tags"] for card in tagged)


def test_show_json_is_the_card():
    first = json.loads(tutor("list", "--json").stdout)[0]
    assert json.loads(tutor("show", first["id"], "--json").stdout) == first


def test_show_renders_the_answer_for_a_terminal():
    first = json.loads(tutor("list", "--json").stdout)[0]
    result = tutor("show", first["id"])
    assert result.returncode == 0
    assert first["id"] in result.stdout and first["question"][:8] in result.stdout


def test_search_json_is_ranked_cards():
    cards = json.loads(tutor("search", "梯度", "--json").stdout)
    assert cards and all(set(card) == CARD_FIELDS for card in cards)
    assert any("梯度" in card["question"] for card in cards[:3])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "no-such-id"), "unknown card id 'no-such-id'"),
        (("list", "--deck", "no-such-deck"), "unknown deck 'no-such-deck'"),
        (("bogus",), "invalid choice"),
        (("list", "--tag"), "expected one argument"),
        (("demo", "no-such-demo"), "unknown demo 'no-such-demo'"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message):
    result = tutor(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("tutor: error: ")
    assert message in result.stderr


def test_a_malformed_user_deck_is_reported_with_file_and_line(data_home):
    decks = data_home / "decks"
    decks.mkdir(parents=True)
    (decks / "broken.yaml").write_text("deck: broken\ncards:\n  - id: x\n    answer: no question\n", encoding="utf-8")
    result = tutor("list")
    assert result.returncode == 2
    assert result.stderr.strip() == f"tutor: error: {decks / 'broken.yaml'}:3: card has no 'question'"


def test_a_bad_tutor_now_is_one_line():
    result = tutor("due", env={"TUTOR_NOW": "yesterday"})
    assert result.returncode == 2 and "TUTOR_NOW" in result.stderr and "Traceback" not in result.stderr


def test_every_command_has_help():
    # The commands as `tutor --help` lists them, so a new command is covered without editing this test.
    help_text = tutor("--help").stdout
    listing = help_text[help_text.index("  COMMAND\n") :].split("\n\n")[0]
    commands = re.findall(r"^    ([a-z]+) ", listing, re.M)
    assert {"review", "drill", "import", "demo"} <= set(commands)
    for command in commands:
        result = tutor(command, "--help")
        assert result.returncode == 0 and "usage: tutor" in result.stdout, command


def test_a_search_that_finds_nothing_suggests_the_nearest_term():
    result = tutor("search", "梯渡")
    assert result.returncode == 0
    assert result.stdout.strip() == "no card matches · 你是不是要找：梯度"
    assert tutor("search", "梯渡", "--json").stdout.strip() == "[]"
