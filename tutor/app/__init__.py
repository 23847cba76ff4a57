"""The Textual app: screens over tutor.engine and tutor.questions, holding no learning logic of its own.

Nothing here imports textual at module level, so ``tutor --help`` stays instant; :func:`run_app` loads it.
"""

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tutor.engine.drill import DrillOptions


def run_app(
    data_dir: Path, screen: str = "home", *, decks: list[str] | None = None, drill: "DrillOptions | None" = None
) -> int:
    """Open the interactive app on ``screen`` ("home", "review" or "drill") and return the exit code.

    Args:
        data_dir: the learner's data directory.
        screen: the screen to open first; "review" and "drill" sit on top of home, so escape lands there.
        decks: the decks of a first review (None: every deck).
        drill: what a first drill screen asks (the command line's ``--deck/--tag/--count/--minutes/--exam``).

    Raises:
        TutorError: the decks, the database or the exam are refused before the interface starts.
    """
    from tutor.app.app import build_app  # textual costs ~300 ms: only when the app opens

    app = build_app(data_dir, screen=screen, decks=decks, drill=drill)
    app.run()
    return int(app.return_code or 0)
