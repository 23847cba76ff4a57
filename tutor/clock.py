"""The current time, which ``TUTOR_NOW`` (ISO-8601) can fix so scripts and tests replay a schedule."""

import os
from datetime import datetime, timezone

from tutor.errors import BadInputError


def parse_time(text: str) -> datetime:
    """Parse an ISO-8601 time; a time without an offset is taken as UTC. Returns an aware UTC datetime."""
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadInputError(f"not an ISO-8601 time: {text!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def now() -> datetime:
    """Return the current time as an aware UTC datetime, or ``$TUTOR_NOW`` when it is set."""
    fixed = os.environ.get("TUTOR_NOW")
    if fixed:
        try:
            return parse_time(fixed)
        except BadInputError:
            raise BadInputError(f"TUTOR_NOW is not an ISO-8601 time: {fixed!r}") from None
    return datetime.now(timezone.utc)
