"""The packaged AICS decks (from seeds 000 and 001): card counts, ids, hand-written fields and clean answers."""

import re
from pathlib import Path

import pytest

from tutor.questions.card import point_wordings
from tutor.questions.deck import Deck, load_deck

CONTENT = Path(__file__).resolve().parents[2] / "content"

TAGS = {
    "optimization", "cnn", "rnn", "generative", "frameworks", "distributed", "hardware", "compression",
    "fundamentals", "attention", "programming", "history",
}

# deck file -> (deck name, seed file, number of cards the issue asks for, id pattern)
DECKS = {
    "000-aics-answers.yaml": (
        "aics-answers",
        "000_d1e2c6fd8dc6d6a6.txt",
        29,  # 7 ➤ sub-questions under 第一问…第五问, 18 homework questions 2.1…5.4, Q1…Q4
        re.compile(r"^c000-(\d+-\d+|hw-\d\.\d|q\d)$"),
    ),
    "001-aics-homework.yaml": (
        "aics-homework",
        "001_afbe78144d1a8b4d.txt",
        27,  # every homework question, not the numbered sub-points of answers
        re.compile(r"^c001-(\d+(\.\d+)?|hw\d+-\d+)$"),
    ),
}


@pytest.fixture(scope="module", params=sorted(DECKS))
def deck(request) -> tuple[str, Deck]:
    return request.param, load_deck(CONTENT / request.param)


def test_deck_has_the_name_and_card_count_of_the_issue(deck):
    file, loaded = deck
    name, _, count, _ = DECKS[file]
    assert loaded.name == name
    assert len(loaded.cards) == count


def test_card_ids_are_unique_and_structural(deck):
    file, loaded = deck
    pattern = DECKS[file][3]
    ids = [card.id for card in loaded.cards]
    assert len(set(ids)) == len(ids)
    assert [card_id for card_id in ids if not pattern.match(card_id)] == []


def test_every_card_has_three_to_six_short_key_points(deck):
    _, loaded = deck
    for card in loaded.cards:
        assert 3 <= len(card.key_points) <= 6, card.id
        wordings = [wording for point in card.key_points for wording in point_wordings(point)]
        assert all(0 < len(wording) <= (50 if wording.isascii() else 30) for wording in wordings), card.id


def test_key_points_are_taken_from_the_answer(deck):
    # The reference answer makes all of its own key points, except on cards whose answer an erratum corrects:
    # their key points follow the correction.
    from tutor.engine.grading import grade_answer

    _, loaded = deck
    for card in loaded.cards:
        if not card.errata:
            assert grade_answer(card, card.answer).missed == (), card.id


def test_every_card_has_known_tags(deck):
    _, loaded = deck
    for card in loaded.cards:
        assert card.tags, card.id
        assert set(card.tags) <= TAGS, card.id


def test_sources_name_the_seed_file_and_increase_through_it(deck):
    file, loaded = deck
    seed = DECKS[file][1]
    lines = [card.source.line for card in loaded.cards]
    assert all(card.source.file == seed for card in loaded.cards)
    assert all(line > 0 for line in lines)
    assert lines == sorted(lines) and len(set(lines)) == len(lines)


def test_questions_have_no_decoration(deck):
    _, loaded = deck
    for card in loaded.cards:
        assert not re.match(r"^(➤|❖|Q\d|\d+(\.\d+)?[.\s])", card.question), card.id
        assert card.answer.strip(), card.id


def test_answers_reference_no_missing_images_or_frames(deck):
    _, loaded = deck
    for card in loaded.cards:
        assert ".png" not in card.answer.lower(), card.id
        assert "<iframe" not in card.answer.lower(), card.id
        assert "![" not in card.answer, card.id


def test_answers_keep_no_flattened_tables_or_bullet_glyphs(deck):
    _, loaded = deck
    for card in loaded.cards:
        assert "\t" not in card.answer, card.id
        assert "❖" not in card.answer and "➤" not in card.answer, card.id


def test_code_blocks_are_closed(deck):
    _, loaded = deck
    for card in loaded.cards:
        assert card.answer.count("```") % 2 == 0, card.id
