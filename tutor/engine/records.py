"""What the store keeps about a card and its reviews, as plain frozen records."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tutor.clock import parse_time

MODES = ("review", "drill")
"""Where a logged answer was given."""
LEECH_LAPSES = 8
"""A card forgotten this many times (from review) is a leech: its wording or the learner's approach needs work.
The default of the learner's ``leech_threshold`` setting."""


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse(value: str | None) -> datetime | None:
    return parse_time(value) if value is not None else None


@dataclass(frozen=True)
class CardState:
    """The scheduling state of one card."""

    card_id: str
    """Id of the card in the content."""
    state: str = "new"
    """new, learning, review or relearning."""
    step: int | None = None
    """Learning or relearning step (py-fsrs), None otherwise."""
    stability: float | None = None
    """FSRS stability in days: the interval at which recall probability falls to 90%."""
    difficulty: float | None = None
    """FSRS difficulty, 1 (easy) to 10 (hard)."""
    due: datetime | None = None
    """When the card is due next (UTC); None for a new card."""
    last_review: datetime | None = None
    """When the card was last rated in a way that moved its schedule."""
    reps: int = 0
    """Ratings that moved the schedule."""
    lapses: int = 0
    """Times the card was forgotten after reaching the review state."""
    suspended: bool = False
    """Left out of the queue and of drills until unsuspended."""
    leech_at: int = field(default=LEECH_LAPSES, compare=False)
    """Lapses from which the card is a leech: the learner's leech threshold, set by the Study that returns the
    state (a setting, not stored with the card)."""

    @property
    def leech(self) -> bool:
        """True when the card has lapsed ``leech_at`` times or more."""
        return self.lapses >= self.leech_at

    def to_dict(self) -> dict[str, Any]:
        """Return the state as plain data (the JSON of ``tutor rate``)."""
        return {
            "card_id": self.card_id,
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": _time(self.due),
            "last_review": _time(self.last_review),
            "reps": self.reps,
            "lapses": self.lapses,
            "suspended": self.suspended,
            "leech": self.leech,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "CardState":
        """Build a state from :meth:`to_dict`'s data (``leech`` is derived, so it is not read)."""
        return cls(
            card_id=str(data["card_id"]),
            state=str(data["state"]),
            step=data.get("step"),
            stability=data.get("stability"),
            difficulty=data.get("difficulty"),
            due=_parse(data.get("due")),
            last_review=_parse(data.get("last_review")),
            reps=int(data.get("reps", 0)),
            lapses=int(data.get("lapses", 0)),
            suspended=bool(data.get("suspended", False)),
        )


@dataclass(frozen=True)
class ReviewRecord:
    """One row of the review log."""

    id: int
    """Position in the log (increasing)."""
    card_id: str
    """The card answered; it may since have left the content."""
    rating: str
    """again, hard, good or easy (for a drill, derived from the grade)."""
    reviewed_at: datetime
    """When the answer was given (UTC)."""
    duration_ms: int | None
    """How long the answer took, when known."""
    mode: str
    """review or drill."""
    state_before: str
    """The card's state when it was answered."""
    drill_id: int | None = None
    """The drill the answer belongs to (mode drill)."""
    score: float | None = None
    """The drill grade, 0 to 1 (mode drill)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the record as plain data."""
        return {
            "id": self.id,
            "card_id": self.card_id,
            "rating": self.rating,
            "reviewed_at": self.reviewed_at.isoformat(),
            "duration_ms": self.duration_ms,
            "mode": self.mode,
            "state_before": self.state_before,
            "drill_id": self.drill_id,
            "score": self.score,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ReviewRecord":
        """Build a record from :meth:`to_dict`'s data."""
        return cls(
            id=int(data["id"]),
            card_id=str(data["card_id"]),
            rating=str(data["rating"]),
            reviewed_at=parse_time(data["reviewed_at"]),
            duration_ms=data.get("duration_ms"),
            mode=str(data["mode"]),
            state_before=str(data["state_before"]),
            drill_id=data.get("drill_id"),
            score=data.get("score"),
        )
