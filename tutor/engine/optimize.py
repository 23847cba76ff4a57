"""Fitting personal FSRS parameters to the learner's review log with py-fsrs's optimizer.

py-fsrs's ``Optimizer`` (torch) learns only from reviews a day or more after the card's previous one, and
below one mini-batch of those (512) it returns the default parameters unchanged. We count them first, without
torch, and say how many more are needed; torch is imported only when there are enough.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tutor.engine.records import ReviewRecord
from tutor.vocabulary import Rating as OurRating

MIN_REVIEWS = 512
"""py-fsrs's optimizer mini-batch: fewer learnable reviews than this and it keeps the defaults."""
MAX_SEQUENCE = 64
"""py-fsrs's optimizer reads only each card's first 64 reviews."""


@dataclass(frozen=True)
class OptimizeResult:
    """What ``tutor optimize`` did."""

    optimized: bool
    """True when new parameters were fitted and saved."""
    reviews: int
    """Reviews the optimizer can learn from (a day or more after the card's previous review)."""
    needed: int
    """Reviews of that kind it needs (:data:`MIN_REVIEWS`)."""
    parameters: tuple[float, ...] | None
    """The fitted parameters, when ``optimized``."""
    message: str
    """One line for the learner."""

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data."""
        return {
            "optimized": self.optimized,
            "reviews": self.reviews,
            "needed": self.needed,
            "parameters": list(self.parameters) if self.parameters is not None else None,
            "message": self.message,
        }


def _histories(records: list[ReviewRecord]) -> dict[str, list[ReviewRecord]]:
    histories: dict[str, list[ReviewRecord]] = defaultdict(list)
    for record in records:
        histories[record.card_id].append(record)
    for history in histories.values():
        history.sort(key=lambda record: record.reviewed_at)
    return histories


def learnable_reviews(records: list[ReviewRecord]) -> int:
    """Count the reviews py-fsrs's optimizer learns from: within each card's first 64, those a day or more
    after the previous one (same-day reviews carry no long-term memory signal)."""
    count = 0
    for history in _histories(records).values():
        times: list[datetime] = [record.reviewed_at for record in history[:MAX_SEQUENCE]]
        count += sum((later - earlier).days > 0 for earlier, later in zip(times, times[1:]))
    return count


def fit_parameters(records: list[ReviewRecord]) -> OptimizeResult:
    """Fit FSRS parameters to ``records`` (the reviews that moved the schedule) when there are enough.

    Returns an unoptimized result saying how many reviews are missing when there are too few.
    """
    reviews = learnable_reviews(records)
    if reviews < MIN_REVIEWS:
        return OptimizeResult(
            optimized=False,
            reviews=reviews,
            needed=MIN_REVIEWS,
            parameters=None,
            message=(
                f"not enough reviews to fit your own parameters: {reviews} of the {MIN_REVIEWS} needed "
                f"(reviews a day or more after the card's previous one); {MIN_REVIEWS - reviews} to go"
            ),
        )
    # fsrs.Optimizer imports torch and pandas (about a second): only now that it will run.
    from fsrs import Optimizer, Rating, ReviewLog

    # py-fsrs wants integer card ids: number the cards in the order of their first review in the log.
    numbers = {card_id: index for index, card_id in enumerate(dict.fromkeys(r.card_id for r in records))}
    logs = [
        ReviewLog(
            card_id=numbers[record.card_id],
            rating=Rating(OurRating.parse(record.rating)),
            review_datetime=record.reviewed_at,
            review_duration=record.duration_ms,
        )
        for record in records
    ]
    parameters = tuple(float(p) for p in Optimizer(logs).compute_optimal_parameters())
    return OptimizeResult(
        optimized=True,
        reviews=reviews,
        needed=MIN_REVIEWS,
        parameters=parameters,
        message=f"fitted your FSRS parameters to {reviews} reviews; they schedule your next ratings",
    )
