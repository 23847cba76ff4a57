"""Instants as stored (integer microseconds since the epoch) and the learner's study days.

Times are stored as integers so that SQLite compares and indexes them cheaply and a round trip is exact
(py-fsrs schedules to the microsecond). A study day starts at a configurable local hour (4:00 by default, as
in Anki), so a late-night session counts towards the day it belongs to.
"""

from datetime import datetime, timedelta, timezone, tzinfo

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICROSECOND = timedelta(microseconds=1)
DAY_US = 86_400_000_000


def to_us(moment: datetime) -> int:
    """Return the aware datetime ``moment`` as integer microseconds since the epoch (exact)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous: pass an aware UTC datetime")
    return (moment - EPOCH) // MICROSECOND


def from_us(value: int) -> datetime:
    """Return the aware UTC datetime of ``value`` microseconds since the epoch (exact)."""
    return EPOCH + timedelta(microseconds=value)


def local(moment: datetime, tz: tzinfo | None) -> datetime:
    """Return ``moment`` in the time zone ``tz``, or in the system's local time zone when ``tz`` is None."""
    return moment.astimezone(tz) if tz is not None else moment.astimezone()


def day_start(moment: datetime, *, hour: int, tz: tzinfo | None = None) -> datetime:
    """Return (in UTC) the start of the study day holding ``moment``: the last local ``hour``:00 at or before it."""
    here = local(moment, tz)
    start = here.replace(hour=hour, minute=0, second=0, microsecond=0)
    if here < start:
        start = (start - timedelta(days=1)).replace(hour=hour)
    return start.astimezone(timezone.utc)
