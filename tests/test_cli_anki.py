"""`tutor import FILE.apkg` and `tutor export --deck D FILE.apkg` from the command line: reports, and every bad
package refused with one line and nothing imported."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ANKI = Path(__file__).parent / "questions" / "fixtures" / "anki"


def tutor(home: Path, *args: str) -> subprocess.CompletedProcess:
    """Run ``python -m tutor ARGS`` with ``$TUTOR_HOME`` at ``home``."""
    env = {**os.environ, "TUTOR_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "tutor", *args], env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
        timeout=120,
    )


def test_import_reports_cards_and_reviews_as_json(tmp_path):
    result = tutor(tmp_path / "home", "import", str(ANKI / "collection.colpkg"), "--deck", "aics", "--json")
    assert result.returncode == 0, result.stderr
    (report,) = json.loads(result.stdout)
    assert (report["format"], report["deck"], report["added"], report["reviews_added"], report["images"]) == (
        "apkg", "aics", 7, 11, 1,
    )


def _bad_packages(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    not_zip = tmp_path / "notzip.apkg"
    not_zip.write_bytes(b"\x00\x01 binary, not a zip")
    empty = tmp_path / "empty.apkg"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("media", "{}")
    corrupt = tmp_path / "corrupt.apkg"
    with zipfile.ZipFile(ANKI / "legacy.apkg") as source, zipfile.ZipFile(corrupt, "w") as archive:
        data = source.read("collection.anki21")
        archive.writestr("collection.anki21", data[:100] + b"\xee" * (len(data) - 100))
    newer = tmp_path / "newer.apkg"
    with zipfile.ZipFile(newer, "w") as archive:
        archive.writestr("meta", b"\x08\x09")
        archive.writestr("collection.anki21b", b"")
    return {
        "not a zip": (not_zip, "not an Anki package (not a zip file)"),
        "no collection": (empty, "a zip without an Anki collection"),
        "corrupt": (corrupt, "collection.anki21 is corrupt"),
        "unknown version": (newer, "unknown Anki package version 9"),
    }


@pytest.mark.parametrize("case", ["not a zip", "no collection", "corrupt", "unknown version"])
def test_a_bad_package_is_refused_with_one_line_and_nothing_is_imported(tmp_path, case):
    path, reason = _bad_packages(tmp_path)[case]
    home = tmp_path / "home"
    # A good package and a note file in the same command are not imported either.
    result = tutor(home, "import", str(ANKI / "modern.apkg"), str(ANKI.parent / "qa-mixed.txt"), str(path))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith(f"tutor: error: {path}: {reason}")
    assert result.stderr.endswith("; nothing imported\n") and result.stderr.count("\n") == 1
    assert not home.exists()


def test_export_writes_a_package_that_imports_back(tmp_path):
    home = tmp_path / "home"
    assert tutor(home, "import", str(ANKI / "genanki.apkg"), "--deck", "gen").returncode == 0
    out = tmp_path / "gen.apkg"
    result = tutor(home, "export", "--deck", "gen", str(out), "--with-history", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"file": str(out), "deck": "gen", "cards": 6, "reviews": 6}
    back = tutor(tmp_path / "other", "import", str(out), "--deck", "back", "--json")
    (report,) = json.loads(back.stdout)
    assert (report["added"], report["reviews_added"]) == (6, 6)


def test_export_refuses_an_unknown_deck_and_another_format(tmp_path):
    home = tmp_path / "home"
    unknown = tutor(home, "export", "--deck", "nope", str(tmp_path / "x.apkg"))
    assert (unknown.returncode, unknown.stderr.count("\n")) == (2, 1)
    assert "nope" in unknown.stderr
    wrong = tutor(home, "export", "--deck", "aics-answers", str(tmp_path / "x.csv"))
    assert (wrong.returncode, wrong.stderr) == (
        2,
        f"tutor: error: {tmp_path / 'x.csv'}: export writes Markdown (.md) or an Anki package (.apkg); name the file so\n",
    )
    assert not (tmp_path / "x.apkg").exists()
