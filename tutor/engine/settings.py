"""The learner's study settings: daily limits, the hour a study day starts, and FSRS's configuration."""

from dataclasses import dataclass, field, replace
from typing import Any

from tutor.errors import BadInputError

DEFAULT_RETENTION = 0.9
"""py-fsrs's default desired retention."""


@dataclass(frozen=True)
class StudySettings:
    """How the learner wants to study; stored in the database, so the app and scripts agree."""

    new_per_day: int = 20
    """New cards introduced per study day, over all decks."""
    day_start_hour: int = 4
    """Local hour at which a study day starts (as Anki: a 1:00 session counts for the day before)."""
    desired_retention: float = DEFAULT_RETENTION
    """Probability of recall FSRS schedules for, unless the deck has its own."""
    deck_retention: dict[str, float] = field(default_factory=dict)
    """Desired retention per deck name, overriding ``desired_retention``."""
    parameters: tuple[float, ...] | None = None
    """Personal FSRS parameters fitted by ``tutor optimize``; None for py-fsrs's defaults."""

    def __post_init__(self) -> None:
        if self.new_per_day < 0:
            raise BadInputError(f"new cards per day must be 0 or more, not {self.new_per_day}")
        if not 0 <= self.day_start_hour <= 23:
            raise BadInputError(f"the day must start at an hour from 0 to 23, not {self.day_start_hour}")
        for where, value in [("desired retention", self.desired_retention), *self.deck_retention.items()]:
            if not 0.0 < value < 1.0:
                raise BadInputError(f"{where}: desired retention must be between 0 and 1, not {value}")

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
        return {
            "new_per_day": self.new_per_day,
            "day_start_hour": self.day_start_hour,
            "desired_retention": self.desired_retention,
            "deck_retention": dict(self.deck_retention),
            "parameters": list(self.parameters) if self.parameters is not None else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "StudySettings":
        """Build settings from :meth:`to_dict`'s data; missing keys take their defaults."""
        parameters = data.get("parameters")
        return cls(
            new_per_day=int(data.get("new_per_day", 20)),
            day_start_hour=int(data.get("day_start_hour", 4)),
            desired_retention=float(data.get("desired_retention", DEFAULT_RETENTION)),
            deck_retention={str(k): float(v) for k, v in (data.get("deck_retention") or {}).items()},
            parameters=tuple(float(p) for p in parameters) if parameters is not None else None,
        )
