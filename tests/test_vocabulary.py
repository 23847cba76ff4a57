"""The vocabulary agrees with py-fsrs and reads ratings by name or number."""

import fsrs
import pytest

from tutor.errors import BadInputError
from tutor.vocabulary import RATINGS, STATES, Rating, State, rating_for_score, shown_kind


def test_ratings_have_py_fsrs_s_values():
    assert {rating.name: int(rating) for rating in Rating} == {rating.name.upper(): int(rating) for rating in fsrs.Rating}


def test_scheduled_states_have_py_fsrs_s_values_and_new_is_zero():
    ours = {state.name: int(state) for state in State if state is not State.NEW}
    assert ours == {state.name.upper(): int(state) for state in fsrs.State}
    assert State.NEW == 0 and 0 not in {int(state) for state in fsrs.State}


def test_the_names_are_the_stored_lowercase_words():
    assert RATINGS == ("again", "hard", "good", "easy")
    assert STATES == ("new", "learning", "review", "relearning")


@pytest.mark.parametrize(
    ("text", "rating"), [("again", Rating.AGAIN), ("Good", Rating.GOOD), (" easy ", Rating.EASY), ("2", Rating.HARD), ("3", Rating.GOOD), (4, Rating.EASY)]
)
def test_ratings_are_read_by_name_or_number(text, rating):
    assert Rating.parse(text) is rating


@pytest.mark.parametrize("text", ["perfect", "0", "5", "", 7])
def test_an_unknown_rating_is_refused_with_the_choices(text):
    with pytest.raises(BadInputError, match="1-4, or again, hard, good or easy"):
        Rating.parse(text)


def test_only_again_is_not_recalled():
    assert [rating.label for rating in Rating if rating.recalled] == ["hard", "good", "easy"]


@pytest.mark.parametrize(("score", "rating"), [(0.0, Rating.AGAIN), (0.49, Rating.AGAIN), (0.5, Rating.HARD), (0.79, Rating.HARD), (0.8, Rating.GOOD), (1.0, Rating.GOOD)])
def test_the_grade_bands(score, rating):
    assert rating_for_score(score) is rating


def test_relearning_is_shown_as_learning():
    assert [shown_kind(state) for state in STATES] == ["new", "learning", "review", "learning"]
