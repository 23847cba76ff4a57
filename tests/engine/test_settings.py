"""Settings: one home for keys, defaults and validation; values typed by the learner are checked and kept."""

from datetime import timedelta, timezone

import pytest
from fsrs import Scheduler

from tutor.engine.scheduling import make_scheduler
from tutor.engine.settings import KEYS, StudySettings, apply_text, format_steps, parse_steps, show_value
from tutor.engine.study import Study
from tutor.errors import BadInputError, UnknownDeckError


def test_the_defaults_are_py_fsrs_defaults():
    scheduler, reference = make_scheduler(StudySettings(), "any"), Scheduler()
    assert scheduler.desired_retention == reference.desired_retention
    assert scheduler.learning_steps == reference.learning_steps
    assert scheduler.relearning_steps == reference.relearning_steps
    assert scheduler.parameters == reference.parameters


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("new_per_day", "35", 35),
        ("max_reviews_per_day", " 150 ", 150),
        ("desired_retention", "0.85", 0.85),
        ("day_start_hour", "0", 0),
        ("learning_steps", "30s 5m 1h", "30s 5m 1h"),
        ("relearning_steps", "none", "none"),
        ("leech_threshold", "5", 5),
        ("exam_new_cap", "40", 40),
        ("theme", "nord", "nord"),
        ("desired_retention.alpha", "0.8", 0.8),
    ],
)
def test_a_value_typed_by_the_learner_is_set(key, text, value):
    assert show_value(apply_text(StudySettings(), key, text), key) == value


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("new_per_day", "ten", "new_per_day must be a whole number, not 'ten'"),
        ("new_per_day", "-1", "new cards per day must be from 0 to 9999, not -1"),
        ("max_reviews_per_day", "0", "maximum reviews per day must be from 1 to 99999, not 0"),
        ("desired_retention", "0.5", "desired retention must be from 0.7 to 0.99, not 0.5"),
        ("desired_retention", "high", "desired_retention must be a number, not 'high'"),
        ("desired_retention.alpha", "1", "desired retention of deck alpha must be from 0.7 to 0.99, not 1.0"),
        ("day_start_hour", "24", "the day must start at an hour from 0 to 23, not 24"),
        ("learning_steps", "1x", "learning steps: '1x' is not a step"),
        ("learning_steps", "1d", "learning steps: each step must be more than 0 and less than a day, not 86400 s"),
        ("learning_steps", "", "learning steps: give at least one step"),
        ("leech_threshold", "0", "the leech threshold must be from 1 to 99 lapses, not 0"),
        ("theme", "pink", "unknown theme 'pink'"),
        ("colour", "red", "unknown setting 'colour'"),
    ],
)
def test_a_bad_value_is_refused_with_one_line_naming_it(key, text, message):
    with pytest.raises(BadInputError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        apply_text(StudySettings(), key, text)
    assert "\n" not in str(caught.value)


def test_steps_round_trip_through_their_text():
    assert parse_steps("1m, 10m") == (60, 600)
    assert format_steps((60, 600, 5400, 30)) == "1m 10m 90m 30s"
    assert parse_steps(format_steps((60, 600, 5400, 30))) == (60, 600, 5400, 30)


def test_settings_are_kept_in_the_database_across_opens(data_dir, small_library):
    with Study.open(data_dir, small_library, tz=timezone.utc) as study:
        for key, text in [("new_per_day", "7"), ("learning_steps", "2m 20m"), ("theme", "dracula"),
                          ("desired_retention.beta", "0.8")]:
            study.set_setting(key, text)
    with Study.open(data_dir, small_library, tz=timezone.utc) as study:
        settings = study.settings
    assert (settings.new_per_day, settings.learning_steps, settings.theme) == (7, (120, 1200), "dracula")
    assert settings.retention_for("beta") == 0.8 and settings.retention_for("alpha") == 0.9
    assert StudySettings.from_dict(settings.to_dict()) == settings


def test_a_refused_value_leaves_the_stored_settings_alone(study):
    study.set_setting("new_per_day", "12")
    with pytest.raises(BadInputError):
        study.set_setting("new_per_day", "-3")
    with pytest.raises(UnknownDeckError):
        study.set_setting("desired_retention.gamma", "0.8")
    assert study.settings.new_per_day == 12 and study.settings.deck_retention == {}


def test_learning_steps_reach_the_scheduler(study, clock):
    study.set_setting("learning_steps", "5m 1h")
    first = study.rate("a1", "good")
    assert first.due - clock.now == timedelta(hours=1)


@pytest.mark.parametrize("key", list(KEYS))
def test_every_key_shows_its_default_as_text_that_sets_it_back(key):
    defaults = StudySettings()
    assert KEYS[key].help
    assert apply_text(defaults, key, str(show_value(defaults, key))) == defaults


def test_the_leech_threshold_decides_what_is_a_leech(study, clock):
    study.rate("a1", "good")
    for _ in range(3):
        clock.advance(minutes=10)
        study.rate("a1", "good")  # graduates to review (again: back from relearning)
        clock.advance(days=20)
        study.rate("a1", "again")  # a lapse
    assert study.card_state("a1").lapses == 3 and not study.card_state("a1").leech
    study.set_setting("leech_threshold", "3")
    assert study.card_state("a1").leech and study.rate("a1", "good").leech
    assert study.stats().by_state["leech"] == 1
