"""Escape sequences in a note's heading and answer, a deck title, a tag and a file name never reach stdout raw.

Rich writes no escape sequence of its own into a pipe, so any ESC, BEL or C1 byte in the output would be the
deck's. ``--json`` keeps the text exact.
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CLEAR = "\x1b[2J"
TITLE = "\x1b]0;pwned\x1b\\"
CLIPBOARD = "\x1b]52;c;aGVsbG8=\x1b\\"
LINK = "\x1b]8;;http://evil.example/\x1b\\"
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Any control character but newline and tab."""


def tutor(home: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``python -m tutor ARGS`` with stdout and stderr on pipes."""
    env = {**os.environ, "TUTOR_HOME": str(home), "TUTOR_NOW": "2026-03-01T12:00:00+00:00"}
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, Path, Path]:
    """A data directory with a Markdown file and an Anki export full of escape sequences imported."""
    home = tmp_path_factory.mktemp("hostile-home")
    notes = tmp_path_factory.mktemp("hostile-notes")
    markdown = notes / f"notes{CLEAR}{TITLE}.md"
    markdown.write_text(
        f"# Evil{TITLE} notes\n\n## What{CLEAR} is ReLU{LINK}?\n\nmax(0, x){CLIPBOARD} and {LINK}a link\x1b]8;;\x1b\\\n",
        encoding="utf-8",
    )
    anki = notes / "export\x1b]8;;evil.example\x07\x9b2J.txt"  # a file name cannot hold a slash
    anki.write_text(
        f"#separator:tab\n#html:false\n#deck:Anki{TITLE}deck\n#tags:clip{CLIPBOARD}board\n"
        f"What is pooling{CLEAR}?\tDownsampling{CLIPBOARD} of feature maps\n",
        encoding="utf-8",
    )
    result = tutor(home, "import", str(markdown), str(anki))
    assert result.returncode == 0, result.stderr
    assert not RAW.search(result.stdout), "the import table shows the file names raw"
    return home, markdown, anki


def _card_ids(home: Path) -> list[str]:
    return [card["id"] for card in json.loads(tutor(home, "list", "--json").stdout) if card["id"].startswith("u-")]


@pytest.mark.parametrize(
    "command",
    [("decks",), ("list",), ("search", "ReLU"), ("search", "pooling"), ("due",)],
    ids=lambda command: " ".join(command),
)
def test_listings_strip_escape_sequences(hostile, command):
    if command == ("due",):
        # The corpus's new cards come first: ask for the imported decks only.
        decks = [deck["name"] for deck in json.loads(tutor(hostile[0], "decks", "--json").stdout) if deck["user"]]
        command += tuple(option for name in decks for option in ("--deck", name))
    result = tutor(hostile[0], *command)
    assert result.returncode == 0, result.stderr
    assert not RAW.search(result.stdout), RAW.search(result.stdout)
    assert "ReLU" in result.stdout or "pooling" in result.stdout or "Evil" in result.stdout


def test_show_strips_escape_sequences(hostile):
    home = hostile[0]
    ids = _card_ids(home)
    assert len(ids) == 2
    for card_id in ids:
        result = tutor(home, "show", card_id)
        assert result.returncode == 0, result.stderr
        assert not RAW.search(result.stdout), RAW.search(result.stdout)
        assert "max(0, x)" in result.stdout or "Downsampling" in result.stdout


def test_json_keeps_the_text_exact(hostile):
    home = hostile[0]
    cards = {card["question"]: card for card in json.loads(tutor(home, "list", "--json").stdout)}
    anki = cards[f"What is pooling{CLEAR}?"]
    assert anki["answer"].startswith(f"Downsampling{CLIPBOARD}")
    assert anki["tags"] == [f"clip{CLIPBOARD}board"]
    titles = {deck["title"] for deck in json.loads(tutor(home, "decks", "--json").stdout)}
    assert f"Anki{TITLE}deck" in titles


def test_an_error_naming_a_file_strips_its_escape_sequences(tmp_path):
    missing = tmp_path / f"gone{TITLE}{CLEAR}.md"
    result = tutor(tmp_path / "home", "import", str(missing))
    assert result.returncode == 2
    assert result.stderr.startswith("tutor: error: ") and "gone" in result.stderr
    assert not RAW.search(result.stderr), RAW.search(result.stderr)
