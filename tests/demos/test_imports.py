"""Every demo's compute module is headless: importing it loads neither textual nor rich."""

import json
import subprocess
import sys

from tutor.demos.registry import all_demos

# One interpreter imports the compute modules one after another and notes what is loaded after each: a single
# torch import instead of one per demo. The lists accumulate, so the first demo listed with a module loaded it.
PROBE = """
import importlib, json, sys
found = {}
for name in sys.argv[1:]:
    importlib.import_module(f"tutor.demos.{name}.compute")
    found[name] = sorted(m for m in ("textual", "rich") if m in sys.modules)
print(json.dumps(found))
"""


def test_compute_modules_import_neither_textual_nor_rich():
    names = [demo.name for demo in all_demos()]
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, *names], capture_output=True, text=True, timeout=120, check=False
    )
    assert completed.returncode == 0, completed.stderr
    found = json.loads(completed.stdout)
    assert found == {name: [] for name in names}


def test_the_demos_declarations_import_no_torch_numpy_textual_or_rich():
    # Listing the demos imports every folder's __init__.py, where each declares itself: it must stay light.
    probe = (
        "import sys, tutor.demos.registry as registry\n"
        "assert len(registry.all_demos()) == len(registry.NAMES)\n"
        "print(','.join(m for m in ('torch', 'numpy', 'textual', 'rich') if m in sys.modules))"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == ""


def test_the_matmul_planner_and_roofline_need_no_torch():
    # The size planner is tested against simulated devices: it must not need the library it plans for.
    probe = (
        "import sys, tutor.demos.matmul.planner, tutor.demos.matmul.roofline\n"
        "print(','.join(m for m in ('torch', 'numpy', 'textual', 'rich') if m in sys.modules))"
    )
    completed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == ""
