"""`tutor import` and `tutor decks --delete` from the command line, and imported decks in every other command."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tutor.cli import main
from tutor.questions.user_decks import card_id

FIXTURES = Path(__file__).parent / "fixtures"


def tutor(home: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``python -m tutor ARGS`` with ``$TUTOR_HOME`` at ``home``, stdin not a terminal."""
    env = {**os.environ, "TUTOR_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> Path:
    """A data directory holding the three fixtures imported in one run; returns it."""
    home = tmp_path_factory.mktemp("imported-home")
    result = tutor(home, "import", *(str(FIXTURES / name) for name in ("cnn-notes.md", "qa-mixed.txt", "anki-export.txt")))
    assert result.returncode == 0, result.stderr
    return home


def test_import_json_reports_each_file(tmp_path):
    result = tutor(tmp_path, "import", str(FIXTURES / "cnn-notes.md"), str(FIXTURES / "anki-export.txt"), "--json")
    assert result.returncode == 0, result.stderr
    assert [
        {key: row[key] for key in ("file", "deck", "added", "updated", "unchanged", "removed")}
        for row in json.loads(result.stdout)
    ] == [
        {"file": str(FIXTURES / "cnn-notes.md"), "deck": "cnn-notes", "added": 3, "updated": 0, "unchanged": 0, "removed": 0},
        {"file": str(FIXTURES / "anki-export.txt"), "deck": "anki-export", "added": 4, "updated": 0, "unchanged": 0, "removed": 0},
    ]


def test_import_without_json_prints_a_table(tmp_path):
    result = tutor(tmp_path, "import", str(FIXTURES / "qa-mixed.txt"), "--deck", "interview")
    assert result.returncode == 0, result.stderr
    assert "interview" in result.stdout and "unchanged" in result.stdout


def test_imported_decks_are_listed_as_the_learners(imported):
    decks = {deck["name"]: deck for deck in json.loads(tutor(imported, "decks", "--json").stdout)}
    assert {name: (deck["cards"], deck["user"]) for name, deck in decks.items() if deck["user"]} == {
        "cnn-notes": (3, True),
        "qa-mixed": (4, True),
        "anki-export": (4, True),
    }
    assert decks["dl-interview"]["user"] is False


def test_list_deck_shows_the_imported_cards(imported):
    cards = json.loads(tutor(imported, "list", "--deck", "qa-mixed", "--json").stdout)
    assert [card["question"] for card in cards] == [
        "什么是梯度消失？",
        "Why does batch normalization speed up training?",
        "ReLU 的导数是多少？",
        "Adam 的两个矩估计分别是什么？",
    ]


def test_show_prints_an_imported_card(imported):
    identity = card_id("anki-export", "常见的激活函数有哪些？")
    card = json.loads(tutor(imported, "show", identity, "--json").stdout)
    assert (card["deck"], card["answer"], card["tags"]) == ("anki-export", "- sigmoid\n- tanh\n- ReLU\n", ["activation", "basics"])


def test_search_finds_imported_cards(imported):
    hits = json.loads(tutor(imported, "search", "Anki", "多行字段", "--json").stdout)
    assert hits[0]["id"] == card_id("anki-export", "多行字段怎么导出？")
    pooling = json.loads(tutor(imported, "search", "池化层的作用", "--limit", "50", "--json").stdout)
    assert card_id("cnn-notes", "池化层的作用是什么？") in [hit["id"] for hit in pooling]


def test_bad_file_exits_2_with_one_line_and_writes_nothing(tmp_path):
    bad = tmp_path / "notes.md"
    bad.write_bytes("## 问\n答\n".encode("utf-16-le"))  # UTF-16 without a byte-order mark: binary to us
    home = tmp_path / "home"
    result = tutor(home, "import", str(FIXTURES / "cnn-notes.md"), str(bad), "--json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"tutor: error: {bad}: not a text file (binary data); give Markdown, Q/A text or an Anki text export\n"
    assert not home.exists()


def test_packaged_deck_name_is_refused(tmp_path):
    result = tutor(tmp_path, "import", str(FIXTURES / "qa-mixed.txt"), "--deck", "dl-topics")
    assert result.returncode == 2
    assert "deck name 'dl-topics' is taken by a packaged deck" in result.stderr


def test_delete_without_yes_and_without_a_terminal_is_refused(tmp_path):
    assert tutor(tmp_path, "import", str(FIXTURES / "qa-mixed.txt")).returncode == 0
    result = tutor(tmp_path, "decks", "--delete", "qa-mixed")
    assert result.returncode == 2
    assert result.stderr == "tutor: error: deleting deck 'qa-mixed' needs confirmation: add --yes (stdin is not a terminal)\n"
    assert _user_decks(tmp_path) == ["qa-mixed"]


def test_delete_with_yes_removes_the_deck(tmp_path):
    assert tutor(tmp_path, "import", str(FIXTURES / "qa-mixed.txt")).returncode == 0
    result = tutor(tmp_path, "decks", "--delete", "qa-mixed", "--yes", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"deleted": "qa-mixed", "cards": 4}
    names = [deck["name"] for deck in json.loads(tutor(tmp_path, "decks", "--json").stdout)]
    assert "qa-mixed" not in names


def test_delete_of_a_packaged_deck_is_refused(tmp_path):
    result = tutor(tmp_path, "decks", "--delete", "dl-interview", "--yes")
    assert result.returncode == 2
    assert result.stderr == "tutor: error: 'dl-interview' is a packaged deck; only your imported decks can be deleted\n"


def _user_decks(home) -> list[str]:
    result = tutor(home, "decks", "--json")
    return [deck["name"] for deck in json.loads(result.stdout) if deck["user"]]


class _Terminal(io.StringIO):
    """A stdin that says it is a terminal and answers the prompt with its text."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "kept"), [("y\n", False), ("yes\n", False), ("n\n", True), ("\n", True), ("", True)])
def test_delete_on_a_terminal_asks_first(data_home, monkeypatch, capsys, answer, kept):
    assert main(["import", str(FIXTURES / "qa-mixed.txt"), "--json"]) == 0
    monkeypatch.setattr(sys, "stdin", _Terminal(answer))
    assert main(["decks", "--delete", "qa-mixed"]) == 0
    assert "Delete your deck 'qa-mixed' (4 cards)?" in capsys.readouterr().err
    assert (_user_decks(data_home) == ["qa-mixed"]) is kept
