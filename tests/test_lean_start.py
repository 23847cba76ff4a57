"""Start-up stays lean: the command line and the headless packages import no torch, numpy or textual."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("torch", "numpy", "textual")


def modules_after(code: str) -> set[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


def heavy_in(modules: set[str]) -> set[str]:
    return {name for name in modules if name.split(".")[0] in HEAVY}


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["list", "--json"], ["list"], ["show", "FIRST"], ["search", "梯度", "--json"], ["decks"], ["demo"]],
)
def test_light_commands_import_no_heavy_module(argv):
    code = (
        "import contextlib, io\n"
        "from tutor.cli import main\n"
        "from tutor.questions.library import load_library\n"
        f"argv = {argv!r}\n"
        "argv = [load_library().cards[0].id if a == 'FIRST' else a for a in argv]\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        code = main(argv)\n"
        "    except SystemExit as exit:\n"  # argparse exits after --help
        "        code = exit.code\n"
        "assert code in (0, None), f'exit code {code}'\n"
    )
    # A command that failed early would import little: it must have run to the end, and succeeded.
    assert heavy_in(modules_after(code)) == set()


@pytest.mark.parametrize(
    "module",
    [
        "tutor.questions.card",
        "tutor.questions.deck",
        "tutor.questions.library",
        "tutor.questions.search",
        "tutor.questions.render",
        "tutor.demos.registry",
        "tutor.app",
    ],
)
def test_headless_modules_import_neither_textual_nor_torch(module):
    loaded = modules_after(f"import {module}")
    assert not {name for name in loaded if name.split(".")[0] in ("textual", "torch")}


def test_import_contracts_hold():
    """The architecture's boundaries (pyproject's import-linter contracts) are kept."""
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# The modules allowed to write SQL or call execute() on a SQLite connection: the store and its migrations, and
# the two that open an Anki package's own SQLite file (pyproject's sqlite3 contract names the same ones). Other
# modules ask the store for what they need by name (store.due_cards(...)), never pass it SQL.
SQL_MODULES = {
    "tutor/engine/store.py",
    "tutor/engine/store_history.py",
    "tutor/engine/migrations.py",
    "tutor/questions/readers/anki_package.py",
    "tutor/questions/anki_export.py",
}


SQL_TEXT = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|ROLLBACK)\b")
"""The start of a SQL statement, in capitals as this project writes them."""


def sql_lines(path: Path) -> list[int]:
    """Lines of ``path`` that call ``execute``, ``executemany`` or ``executescript``, or hold SQL text."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sorted(
        {
            node.lineno
            for node in ast.walk(tree)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("execute", "executemany", "executescript")
            )
            or (isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL_TEXT.match(node.value))
        }
    )


def test_only_the_store_runs_sql():
    root = Path(__file__).resolve().parent.parent
    sources = sorted((root / "tutor").rglob("*.py"))
    calls = {str(path.relative_to(root)): sql_lines(path) for path in sources}
    assert calls["tutor/engine/store.py"], "the scan finds the store's own SQL"
    outside = {path: lines for path, lines in calls.items() if lines and path not in SQL_MODULES}
    assert outside == {}
