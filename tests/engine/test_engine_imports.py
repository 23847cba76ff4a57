"""The engine is headless and light: importing it loads no textual, rich, torch or numpy."""

import subprocess
import sys

MODULES = [
    "tutor.engine.study",
    "tutor.engine.store",
    "tutor.engine.migrations",
    "tutor.engine.scheduling",
    "tutor.engine.queue",
    "tutor.engine.drill",
    "tutor.engine.grading",
    "tutor.engine.stats",
    "tutor.engine.optimize",
    "tutor.engine.settings",
    "tutor.engine.records",
    "tutor.engine.days",
    "tutor.engine.exam",
    "tutor.engine.exam_book",
    "tutor.engine.forecast",
]


def test_engine_modules_import_no_interface_or_heavy_libraries():
    script = (
        "import importlib, sys\n"
        f"for name in {MODULES!r}: importlib.import_module(name)\n"
        "print(sorted({'textual', 'rich', 'torch', 'numpy', 'pandas'} & set(sys.modules)))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
