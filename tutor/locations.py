"""Where the learner's data lives: ``$TUTOR_HOME``, else ``--data-dir``, else the platform's data directory.

Nothing here runs at import time; directories are created only when asked for.
"""

import os
from pathlib import Path

from tutor.errors import BadInputError

APP_NAME = "tutor"


def data_dir(override: str | os.PathLike | None = None, *, create: bool = True) -> Path:
    """Return (creating it unless ``create`` is false) the learner's data directory.

    Args:
        override: the ``--data-dir`` option, used when ``$TUTOR_HOME`` is not set.
        create: make the directory when it does not exist.

    Raises:
        BadInputError: ``$TUTOR_HOME`` is set to an empty string.
    """
    env = os.environ.get("TUTOR_HOME")
    if env is not None and not env.strip():
        # Set but empty is most likely a script's mistake: falling back to the default would quietly use
        # (and write) the learner's real data.
        raise BadInputError("TUTOR_HOME is set but empty: unset it, or set it to a directory")
    if env:
        path = Path(env)
    elif override:
        path = Path(override)
    else:
        import platformdirs  # only when neither is given: costs a few ms

        path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path = path.expanduser()
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def packaged_deck_paths() -> list[Path]:
    """Return the deck files shipped in the package (``content/*.yaml``), sorted by name."""
    # The package's own folder: tutor is installed as files (the decks are read as paths), and importing
    # importlib.resources to find it would cost every command ~20 ms.
    import tutor.content

    root = Path(tutor.content.__file__).parent
    return sorted(entry for entry in root.iterdir() if entry.name.endswith(".yaml"))


def user_decks_dir(base: Path) -> Path:
    """Return the folder of the learner's imported decks inside data directory ``base`` (not created)."""
    return base / "decks"


def media_dir(base: Path) -> Path:
    """Return the folder of images from imported Anki packages inside data directory ``base`` (not created)."""
    return base / "media"


def database_path(base: Path) -> Path:
    """Return the SQLite file of the learner's state inside data directory ``base``."""
    return base / "tutor.sqlite3"
