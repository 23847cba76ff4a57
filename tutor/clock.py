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


FIXED_YEARS = (1970, 9000)
"""Years ``TUTOR_NOW`` may name (inclusive): schedules run decades past the fixed time, and dates near
year 9999 overflow Python's datetime; dates before 1970 would store negative times."""


def parse_fixed_time(text: str) -> datetime:
    """Parse the value of ``TUTOR_NOW``: ISO-8601 with a zone (``Z`` or an offset), within FIXED_YEARS.

    Raises:
        BadInputError: not ISO-8601, no zone, or a year out of range (one line naming TUTOR_NOW).
    """
    example = "e.g. 2026-12-01T08:00:00Z"
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise BadInputError(f"TUTOR_NOW is not an ISO-8601 time: {text!r} ({example})") from None
    if moment.tzinfo is None:
        raise BadInputError(f"TUTOR_NOW needs a zone, Z or an offset such as +08:00: {text!r} ({example})")
    first, last = FIXED_YEARS
    # Checked before converting to UTC, which would overflow next to year 9999.
    if not first <= moment.year <= last or not first <= moment.astimezone(timezone.utc).year <= last:
        raise BadInputError(f"TUTOR_NOW must fall in the years {first} to {last}, not {text!r}")
    return moment.astimezone(timezone.utc)


def now() -> datetime:
    """Return the current time as an aware UTC datetime, or ``$TUTOR_NOW`` when it is set.

    Raises:
        BadInputError: ``$TUTOR_NOW`` is set but not a time ``parse_fixed_time`` accepts.
    """
    fixed = os.environ.get("TUTOR_NOW")
    if fixed:
        return parse_fixed_time(fixed)
    return datetime.now(timezone.utc)
