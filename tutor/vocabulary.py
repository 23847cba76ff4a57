"""The words of spaced repetition, in one place: ratings, card states, grade bands and what counts as recalled.

The engine, the CLI and the app all read these; nothing else spells them out. The values are py-fsrs's
``Rating`` and ``State`` values (a test holds them equal), but this module imports nothing, so the CLI can
parse a rating without paying for the engine at ``tutor --help``. Stored records and ``--json`` keep the
lowercase names (:attr:`Rating.label`), as before.
"""

from enum import IntEnum

from tutor.errors import BadInputError


class Rating(IntEnum):
    """How well the learner recalled a card; py-fsrs's ``Rating`` values, 1-4."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        """The lowercase name: what the log, ``--json`` and the screens show."""
        return self.name.lower()

    @property
    def recalled(self) -> bool:
        """True unless the card was forgotten: hard, good and easy count as recalled in retention figures."""
        return self is not Rating.AGAIN

    @classmethod
    def parse(cls, text: "str | int | Rating") -> "Rating":
        """Return the rating ``text`` names: again, hard, good, easy (any case), or 1-4.

        Raises:
            BadInputError: not a rating.
        """
        if isinstance(text, int):
            if text in cls._value2member_map_:
                return cls(text)
        else:
            word = str(text).strip().lower()
            if word.isdigit() and int(word) in cls._value2member_map_:
                return cls(int(word))
            if word.upper() in cls.__members__:
                return cls[word.upper()]
        raise BadInputError(f"unknown rating {text!r} (use 1-4, or again, hard, good or easy)")


class State(IntEnum):
    """Where a card is in its schedule: 0 is a card never scheduled, 1-3 are py-fsrs's ``State`` values."""

    NEW = 0
    LEARNING = 1
    REVIEW = 2
    RELEARNING = 3

    @property
    def label(self) -> str:
        """The lowercase name, as stored and shown."""
        return self.name.lower()

    @property
    def learning(self) -> bool:
        """True for learning and relearning: both are short steps counted together as "learning" on screen."""
        return self in (State.LEARNING, State.RELEARNING)


RATINGS = tuple(rating.label for rating in Rating)
"""Rating names by value minus one: again, hard, good, easy."""
STATES = tuple(state.label for state in State)
"""State names by value: new, learning, review, relearning."""
RECALLED = tuple(rating.label for rating in Rating if rating.recalled)
"""The names of the ratings that count as recalled."""

GRADE_BANDS = ((0.8, Rating.GOOD), (0.5, Rating.HARD), (0.0, Rating.AGAIN))
"""The lowest score of each rating a typed answer can earn, best first (never easy: a grade cannot tell it)."""


def rating_for_score(score: float) -> Rating:
    """The rating a typed answer's score (0-1) stands for: again below 1/2, hard below 4/5, else good."""
    return next(rating for lowest, rating in GRADE_BANDS if score >= lowest)


def shown_kind(state: str) -> str:
    """The queue kind a screen counts ``state`` under: relearning is counted as learning."""
    return State.LEARNING.label if State[state.upper()].learning else state
