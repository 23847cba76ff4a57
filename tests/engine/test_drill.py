"""Drills: weighted selection, grading and logging of answers, the report by tag, the schedule left alone."""

import random
from collections import Counter
from datetime import timezone

import pytest
from engine_support import T0, make_library

from tutor.engine.drill import DrillOptions, pick_weighted, weakness
from tutor.engine.study import Study
from tutor.errors import BadInputError, UnknownDeckError
from tutor.questions.card import Card
from tutor.questions.library import load_library


def test_a_single_draw_picks_each_card_with_probability_proportional_to_its_weight():
    items = ["a", "b", "c", "d"]
    weights = [1.0, 2.0, 3.0, 4.0]
    draws = 20_000
    rng = random.Random(5)
    counts = Counter(pick_weighted(items, weights, 1, rng)[0] for _ in range(draws))
    for item, weight in zip(items, weights):
        expected = weight / sum(weights)
        # Binomial standard error is under 0.0035 here; 4 of them is a safe margin.
        assert abs(counts[item] / draws - expected) < 0.014


def test_a_draw_never_repeats_a_card_and_stops_at_the_number_of_cards():
    picked = pick_weighted(["a", "b", "c"], [1.0, 1.0, 1.0], 10, random.Random(0))
    assert sorted(picked) == ["a", "b", "c"]


def test_weakness_ranks_never_seen_and_lapsing_cards_above_well_known_ones():
    assert weakness("new", 0, 0.0) > weakness("review", 0, 0.99)
    assert weakness("review", 6, 0.99) > weakness("review", 0, 0.99)
    assert weakness("review", 0, 0.5) > weakness("review", 0, 0.99)
    assert weakness("review", 50, 0.99) == weakness("review", 8, 0.99)  # lapses count up to a leech


def test_lapses_count_up_to_the_learners_leech_threshold():
    assert weakness("review", 3, 0.99, leech_at=3) == weakness("review", 50, 0.99, leech_at=3)
    assert weakness("review", 3, 0.99, leech_at=3) > weakness("review", 3, 0.99)


def test_a_drill_draws_weak_cards_more_often_than_well_known_ones(data_dir, clock):
    ids = [f"c{i}" for i in range(10)]
    library = make_library(deck=ids)
    with Study.open(data_dir, library, tz=timezone.utc) as study:
        for card_id in ids[:5]:
            study.rate(card_id, "easy")  # well known: high retrievability right after
        counts = Counter()
        for seed in range(300):
            drill = study.start_drill(count=1, seed=seed)
            counts[drill.questions[0].id] += 1
    known = sum(counts[card_id] for card_id in ids[:5])
    unseen = sum(counts[card_id] for card_id in ids[5:])
    # Weights 0.1 + (1 - R) ≈ 0.1 against 1.1: unseen cards should take about 11/12 of the draws.
    assert unseen > 8 * known


def test_a_drill_with_a_seed_is_reproducible_and_has_distinct_questions(study):
    first = [card.id for card in study.start_drill(count=5, seed=42).questions]
    second = [card.id for card in study.start_drill(count=5, seed=42).questions]
    assert first == second
    assert len(set(first)) == 5


def test_a_drill_leaves_out_suspended_cards(study):
    for card_id in ("a1", "a2", "a3", "a4"):
        study.suspend(card_id)
    drill = study.start_drill(decks=["alpha"], count=20, seed=1)
    assert [card.id for card in drill.questions] == ["a5"]


def test_a_drill_with_nothing_to_ask_is_refused(study):
    with pytest.raises(BadInputError, match="no card to drill"):
        study.start_drill(tags=["nonexistent"])
    with pytest.raises(UnknownDeckError):
        study.start_drill(decks=["gamma"])
    with pytest.raises(BadInputError, match="at least one"):
        study.start_drill(count=0)


def test_drill_answers_are_logged_in_drill_mode_and_leave_the_schedule_alone_by_default(study):
    drill = study.start_drill(decks=["beta"], count=3, seed=3)
    card = drill.questions[0]
    grade = drill.answer(card.id, "whatever", duration_ms=1500)
    (record,) = study.history(card.id)
    assert (record.mode, record.drill_id, record.score, record.rating) == ("drill", drill.id, grade.score, grade.rating)
    assert record.duration_ms == 1500
    report = drill.finish()
    assert report.moved_schedule is False
    assert study.card_state(card.id).state == "new"
    assert study.stats().drills_total == 1


def test_finishing_a_drill_can_move_the_schedule_by_the_grades(study, clock):
    drill = study.start_drill(decks=["beta"], count=1, seed=3)
    card = drill.questions[0]
    drill.answer(card.id, "a")  # the cards' answer is "a": a full score
    clock.advance(minutes=3)
    report = drill.finish(move_schedule=True)
    assert report.moved_schedule
    state = study.card_state(card.id)
    assert (state.state, state.reps, state.last_review) == ("learning", 1, T0)  # the time of the answer


def test_an_answer_is_refused_twice_outside_the_drill_and_after_the_time_limit(study, clock):
    drill = study.start_drill(count=2, minutes=10, seed=0)
    first, second = drill.questions
    drill.answer(first.id, "x")
    with pytest.raises(BadInputError, match="already answered"):
        drill.answer(first.id, "x")
    with pytest.raises(BadInputError, match="not a question"):
        drill.answer("nope", "x")
    assert drill.time_left().total_seconds() == 600
    clock.advance(minutes=10)
    assert drill.expired
    with pytest.raises(BadInputError, match="time limit"):
        drill.answer(second.id, "x")


def test_the_report_scores_each_tag_and_counts_unanswered_questions_as_zero(data_dir, clock):
    cards = [
        Card(id="p", deck="d", question="池化?", answer="下采样", tags=("cnn",), key_points=("下采样", "感受野")),
        Card(id="r", deck="d", question="RNN?", answer="时间", tags=("rnn", "cnn"), key_points=("循环连接",)),
        Card(id="u", deck="d", question="?", answer="x", key_points=("张量",)),
    ]
    with Study.open(data_dir, make_library(d=cards), tz=timezone.utc) as study:
        drill = study.start_drill(count=3, seed=0)
        drill.answer("p", "下采样")  # half the points
        drill.answer("r", "循环连接")  # all of them
        report = drill.finish()
    by_tag = {tag.tag: tag.to_dict() for tag in report.by_tag}
    assert by_tag["cnn"] == {"tag": "cnn", "questions": 2, "answered": 2, "score": 0.75}
    assert by_tag["rnn"] == {"tag": "rnn", "questions": 1, "answered": 1, "score": 1.0}
    assert by_tag["untagged"] == {"tag": "untagged", "questions": 1, "answered": 0, "score": 0.0}
    assert [tag.tag for tag in report.by_tag][0] == "untagged"  # weakest first
    assert (report.answered, report.questions, report.score) == (2, 3, 0.5)


def test_a_drill_on_real_corpus_cards_picks_from_the_chosen_deck_and_grades_its_answers(data_dir, clock):
    library = load_library()
    deck = library.decks[0]
    with Study.open(data_dir, library, tz=timezone.utc) as study:
        drill = study.start_drill(decks=[deck.name], count=5, seed=7)
        assert len(drill.questions) == min(5, len(deck.cards))
        assert {card.deck for card in drill.questions} == {deck.name}
        good, off = drill.questions[0], drill.questions[1]
        assert drill.answer(good.id, "；".join(good.key_points) or good.answer).score >= 0.8
        assert drill.answer(off.id, "先把鸡蛋打散，加入少许盐，再用中火翻炒。").score <= 0.2
        tagged = [tag for card in library.cards for tag in card.tags]
        if tagged:
            tag = Counter(tagged).most_common(1)[0][0]
            drill = study.start_drill(tags=[tag], count=5, seed=7)
            assert all(tag in card.tags for card in drill.questions)


def test_a_drill_ended_early_reports_only_the_questions_shown(study):
    drill = study.start_drill(count=5, seed=0)
    first, second = drill.questions[:2]
    drill.answer(first.id, first.answer)
    report = drill.report(shown=2)  # the second was shown and skipped; three were never asked
    assert (report.questions, report.answered) == (2, 1)
    assert report.score == pytest.approx(report.grades[0].score / 2)
    tagged = {tag for card in (first, second) for tag in card.tags or ("untagged",)}
    assert {tag.tag for tag in report.by_tag} == tagged
    assert drill.report().questions == 5


def test_drill_options_default_to_twenty_questions_without_a_limit():
    options = DrillOptions()
    assert (options.count, options.minutes, options.decks, options.tags, options.exam) == (20, None, (), (), None)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"count": 0}, "a drill needs at least one question, not 0"),
        ({"count": -3}, "a drill needs at least one question, not -3"),
        ({"minutes": 0.0}, "a drill's time limit must be more than 0 minutes, not 0"),
        ({"minutes": -1.5}, "a drill's time limit must be more than 0 minutes, not -1.5"),
        ({"minutes": float("nan")}, "a drill's time limit must be more than 0 minutes, not nan"),
    ],
)
def test_drill_options_refuse_a_bad_count_or_time_limit_in_one_line(fields, message):
    with pytest.raises(BadInputError) as refused:
        DrillOptions(**fields)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    ("count", "minutes", "message"),
    [("many", "", "questions must be a whole number, not 'many'"), ("5", "soon", "minutes must be a number, not 'soon'")],
)
def test_drill_options_from_the_form_refuse_text_that_is_not_a_number(count, minutes, message):
    with pytest.raises(BadInputError) as refused:
        DrillOptions.from_text(count, minutes)
    assert str(refused.value) == message


def test_drill_options_from_the_form_read_a_blank_time_limit_as_none():
    assert DrillOptions.from_text(" 7 ", " ", decks=["alpha"]) == DrillOptions(count=7, decks=("alpha",))
