"""The learner's settings: the one home of every key, its default, its type and its validation.

``tutor config``, the settings screen and the engine all read :data:`KEYS` and :class:`StudySettings`; a
value typed by the learner goes through :func:`apply_text`, which refuses it with one clear line.
"""

import re
from dataclasses import dataclass, field, fields, replace
from typing import Any

from tutor.engine.records import LEECH_LAPSES
from tutor.errors import BadInputError

DEFAULT_RETENTION = 0.9
"""py-fsrs's default desired retention."""
RETENTION_RANGE = (0.7, 0.99)
"""Desired retentions the learner may choose: below 0.7 FSRS forgets too much to be worth scheduling, above
0.99 the workload explodes (intervals shrink towards a day)."""
THEMES = (
    "textual-dark",
    "textual-light",
    "nord",
    "gruvbox",
    "catppuccin-mocha",
    "catppuccin-latte",
    "dracula",
    "tokyo-night",
    "monokai",
    "solarized-light",
)
"""The app's themes a learner can choose (Textual's built-in themes; a test checks the app has each)."""
DECK_RETENTION_PREFIX = "desired_retention."
"""``tutor config desired_retention.DECK VALUE`` sets one deck's desired retention."""

_STEP_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_STEP = re.compile(r"(\d+)([smhd])")


def format_steps(steps: tuple[int, ...]) -> str:
    """Return learning steps (seconds) as the learner writes them: ``1m 10m``; ``none`` when there are none."""
    if not steps:
        return "none"
    words = []
    for seconds in steps:
        unit = next(unit for unit in ("d", "h", "m", "s") if seconds % _STEP_UNITS[unit] == 0)
        words.append(f"{seconds // _STEP_UNITS[unit]}{unit}")
    return " ".join(words)


def parse_steps(text: str, what: str = "learning steps") -> tuple[int, ...]:
    """Parse steps such as ``1m 10m`` (units s, m, h, d; ``none`` for no step) into seconds.

    Raises:
        BadInputError: a step is malformed, zero, or a day or longer.
    """
    words = text.replace(",", " ").split()
    if words == ["none"]:
        return ()
    steps = []
    for word in words:
        match = _STEP.fullmatch(word.lower())
        if match is None:
            raise BadInputError(f"{what}: {word!r} is not a step (write e.g. 1m 10m, units s m h d, or none)")
        steps.append(int(match[1]) * _STEP_UNITS[match[2]])
    if not steps:
        raise BadInputError(f"{what}: give at least one step (e.g. 1m 10m), or none")
    _check_steps(tuple(steps), what)
    return tuple(steps)


def _check_steps(steps: tuple[int, ...], what: str) -> None:
    for seconds in steps:
        # A step of a day or more is FSRS's job (the interval), not a same-day step.
        if not 0 < seconds < 86400:
            raise BadInputError(f"{what}: each step must be more than 0 and less than a day, not {seconds} s")


def _check_retention(where: str, value: float) -> None:
    low, high = RETENTION_RANGE
    if not low <= value <= high:
        raise BadInputError(f"{where} must be from {low} to {high}, not {value}")


@dataclass(frozen=True)
class StudySettings:
    """How the learner wants to study; stored in the database, so the app and scripts agree."""

    new_per_day: int = 20
    """New cards introduced per study day, over all decks."""
    max_reviews_per_day: int = 200
    """Most review cards shown per study day; an exam plan warns when its forecast goes above it."""
    day_start_hour: int = 4
    """Local hour at which a study day starts (as Anki: a 1:00 session counts for the day before)."""
    desired_retention: float = DEFAULT_RETENTION
    """Probability of recall FSRS schedules for, unless the deck has its own."""
    deck_retention: dict[str, float] = field(default_factory=dict)
    """Desired retention per deck name, overriding ``desired_retention``."""
    learning_steps: tuple[int, ...] = (60, 600)
    """Same-day steps of a new card, in seconds (py-fsrs's default: 1 and 10 minutes)."""
    relearning_steps: tuple[int, ...] = (600,)
    """Same-day steps of a forgotten card, in seconds (py-fsrs's default: 10 minutes)."""
    leech_threshold: int = LEECH_LAPSES
    """Lapses after which a card is a leech: its wording or the learner's approach needs work."""
    exam_new_cap: int = 100
    """Most new cards per day an exam may raise ``new_per_day`` to, to have its cards learnt in time."""
    theme: str = "textual-dark"
    """The app's colour theme (one of :data:`THEMES`)."""
    parameters: tuple[float, ...] | None = None
    """Personal FSRS parameters fitted by ``tutor optimize``; None for py-fsrs's defaults."""

    def __post_init__(self) -> None:
        if not 0 <= self.new_per_day <= 9999:
            raise BadInputError(f"new cards per day must be from 0 to 9999, not {self.new_per_day}")
        if not 1 <= self.max_reviews_per_day <= 99999:
            raise BadInputError(f"maximum reviews per day must be from 1 to 99999, not {self.max_reviews_per_day}")
        if not 0 <= self.day_start_hour <= 23:
            raise BadInputError(f"the day must start at an hour from 0 to 23, not {self.day_start_hour}")
        _check_retention("desired retention", self.desired_retention)
        for deck, value in self.deck_retention.items():
            _check_retention(f"desired retention of deck {deck}", value)
        _check_steps(self.learning_steps, "learning steps")
        _check_steps(self.relearning_steps, "relearning steps")
        if not 1 <= self.leech_threshold <= 99:
            raise BadInputError(f"the leech threshold must be from 1 to 99 lapses, not {self.leech_threshold}")
        if not 1 <= self.exam_new_cap <= 9999:
            raise BadInputError(f"the exam's cap on new cards per day must be from 1 to 9999, not {self.exam_new_cap}")
        if self.theme not in THEMES:
            raise BadInputError(f"unknown theme {self.theme!r} (one of: {', '.join(THEMES)})")

    def retention_for(self, deck: str) -> float:
        """Return the desired retention that applies to cards of ``deck``."""
        return self.deck_retention.get(deck, self.desired_retention)

    def with_deck_retention(self, deck: str, retention: float | None) -> "StudySettings":
        """Return settings where ``deck`` has its own desired retention (None: back to the default)."""
        decks = {name: value for name, value in self.deck_retention.items() if name != deck}
        if retention is not None:
            decks[deck] = retention
        return replace(self, deck_retention=decks)

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as plain data."""
        data = {item.name: getattr(self, item.name) for item in fields(self)}
        data["deck_retention"] = dict(self.deck_retention)
        for name in ("learning_steps", "relearning_steps", "parameters"):
            data[name] = list(data[name]) if data[name] is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "StudySettings":
        """Build settings from :meth:`to_dict`'s data; missing keys take their defaults.

        Raises:
            BadInputError: a stored value is out of range.
        """
        defaults = cls()
        values: dict[str, Any] = {}
        for item in fields(cls):
            if item.name not in data or item.name in ("deck_retention", "parameters"):
                continue
            kind = type(getattr(defaults, item.name))
            if kind is tuple:
                values[item.name] = tuple(int(step) for step in data[item.name])
            else:
                values[item.name] = kind(data[item.name])
        parameters = data.get("parameters")
        return cls(
            **values,
            deck_retention={str(k): float(v) for k, v in (data.get("deck_retention") or {}).items()},
            parameters=tuple(float(p) for p in parameters) if parameters is not None else None,
        )


@dataclass(frozen=True)
class SettingKey:
    """One key of ``tutor config``: a field of :class:`StudySettings` the learner may set."""

    name: str
    """The key, as typed (a field name)."""
    help: str
    """One line saying what it does and which values it takes."""


KEYS: dict[str, SettingKey] = {
    key.name: key
    for key in (
        SettingKey("new_per_day", "new cards introduced per study day, over all decks (0 to 9999)"),
        SettingKey("max_reviews_per_day", "most review cards shown per study day (1 to 99999)"),
        SettingKey("desired_retention", "probability of recall FSRS schedules for (0.7 to 0.99)"),
        SettingKey("day_start_hour", "local hour at which a study day starts (0 to 23)"),
        SettingKey("learning_steps", "same-day steps of a new card, e.g. 1m 10m (or none)"),
        SettingKey("relearning_steps", "same-day steps of a forgotten card, e.g. 10m (or none)"),
        SettingKey("leech_threshold", "lapses after which a card is a leech (1 to 99)"),
        SettingKey("exam_new_cap", "most new cards per day an exam may ask for (1 to 9999)"),
        SettingKey("theme", "the app's colour theme: " + ", ".join(THEMES)),
    )
}
"""Every key of ``tutor config`` (``desired_retention.DECK`` sets one deck's retention)."""


def show_value(settings: StudySettings, key: str) -> Any:
    """Return the value of ``key`` as plain data (steps as text, as the learner writes them)."""
    deck = _deck_of(key)
    if deck is not None:
        return settings.retention_for(deck)
    _known(key)
    value = getattr(settings, key)
    return format_steps(value) if key.endswith("_steps") else value


def _deck_of(key: str) -> str | None:
    return key[len(DECK_RETENTION_PREFIX) :] if key.startswith(DECK_RETENTION_PREFIX) else None


def _known(key: str) -> None:
    if key not in KEYS:
        raise BadInputError(
            f"unknown setting {key!r} (one of: {', '.join(KEYS)}, or {DECK_RETENTION_PREFIX}DECK)"
        )


def _number(key: str, text: str, kind: type) -> Any:
    try:
        return kind(text.strip())
    except ValueError:
        noun = "a whole number" if kind is int else "a number"
        raise BadInputError(f"{key} must be {noun}, not {text!r}") from None


def apply_text(settings: StudySettings, key: str, text: str) -> StudySettings:
    """Return ``settings`` with ``key`` set from the learner's ``text``; for ``desired_retention.DECK``,
    ``default`` removes the deck's own retention. The deck name is not checked here (the caller knows decks).

    Raises:
        BadInputError: unknown key, malformed or out-of-range value (one line naming the key).
    """
    deck = _deck_of(key)
    if deck is not None:
        if not deck:
            raise BadInputError(f"name the deck: {DECK_RETENTION_PREFIX}DECK")
        if text.strip().lower() == "default":
            return settings.with_deck_retention(deck, None)
        return settings.with_deck_retention(deck, _number(key, text, float))
    _known(key)
    current = getattr(settings, key)
    if key.endswith("_steps"):
        value: Any = parse_steps(text, key.replace("_", " "))
    elif isinstance(current, str):
        value = text.strip()
    else:
        value = _number(key, text, type(current))
    return replace(settings, **{key: value})
