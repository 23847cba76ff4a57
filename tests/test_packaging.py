"""The decks ship inside the package: a wheel install finds them as an editable install does."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tutor.questions.library import load_library

ROOT = Path(__file__).resolve().parent.parent


def test_a_wheel_install_finds_every_packaged_deck(tmp_path):
    # Build from a copy: setuptools keeps a build/ folder in the source tree, and a stale one would hide mistakes.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
    shutil.copytree(ROOT / "tutor", source / "tutor", symlinks=True, ignore=ignore)
    shutil.copytree(ROOT / "content", source / "content", ignore=ignore)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path / "dist")],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next((tmp_path / "dist").glob("tutor-*.whl"))
    shipped = sorted(name for name in zipfile.ZipFile(wheel).namelist() if name.startswith("tutor/content/") and name.endswith(".yaml"))
    assert [Path(name).name for name in shipped] == sorted(path.name for path in (ROOT / "content").glob("*.yaml"))

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    probe = "import tutor, json; from tutor.questions.library import load_library; print(tutor.__file__, len(load_library().cards))"
    result = subprocess.run(
        [sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(site)!r}); {probe}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    module_file, count = result.stdout.split()
    assert module_file.startswith(str(site))
    assert int(count) == len(load_library().cards)
