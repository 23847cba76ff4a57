"""The README's set-up commands are what CI runs, and they pin the CPU build of torch."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    block = re.search(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL).group(1)
    return [line for line in block.splitlines() if line and not line.startswith("#")]


def test_the_readme_opens_with_an_install_and_a_test_command():
    install, test = readme_commands()
    assert install.endswith("&& tutor") and test.endswith("&& pytest")
    assert all("pip install torch==2.13.0" in command for command in (install, test))


def test_ci_runs_the_readme_test_command_verbatim():
    assert readme_commands()[1] in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
