"""The short texts the screens show for intervals, due dates and shares."""

from datetime import datetime, timedelta, timezone

import pytest

from tutor.app.format import due_text, interval, percent
from tutor.app.widgets.countdown import clock_text
from tutor.app.widgets.rating_bar import rating_label
from tutor.vocabulary import Rating

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("span", "text"),
    [
        (timedelta(seconds=45), "45s"),
        (timedelta(minutes=1), "1m"),  # py-fsrs's first learning step
        (timedelta(minutes=10), "10m"),
        (timedelta(hours=5), "5h"),
        (timedelta(days=3), "3d"),
        (timedelta(days=29), "29d"),
        (timedelta(days=75), "2.5mo"),  # 75 / 30
        (timedelta(days=300), "10mo"),
        (timedelta(days=438), "1.2y"),  # 438 / 365
        (timedelta(seconds=-5), "0s"),
    ],
)
def test_interval_uses_the_largest_unit_that_reads_at_a_glance(span, text):
    assert interval(span) == text


@pytest.mark.parametrize(
    ("due", "text"),
    [
        (None, "never seen"),
        (NOW + timedelta(seconds=30), "now"),
        (NOW + timedelta(days=3), "in 3d"),
        (NOW - timedelta(hours=2), "2h ago"),
    ],
)
def test_due_text_says_when_relative_to_now(due, text):
    assert due_text(due, NOW) == text


def test_percent_rounds_to_whole_percent_and_shows_a_dash_for_nothing():
    assert (percent(0.914), percent(1.0), percent(None)) == ("91%", "100%", "—")


def test_rating_labels_carry_the_key_and_the_interval():
    assert rating_label(Rating.GOOD, timedelta(days=3)) == "3 Good · 3d"
    assert rating_label(Rating.AGAIN, None) == "1 Again"


@pytest.mark.parametrize(("seconds", "text"), [(0, "0:00"), (59.2, "1:00"), (600, "10:00"), (3725, "1:02:05")])
def test_the_drill_clock_rounds_up_to_whole_seconds(seconds, text):
    assert clock_text(seconds) == text
