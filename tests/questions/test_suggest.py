"""Search suggestions: the corpus terms nearest a query that found nothing, by edit distance, commoner first."""

from collections import Counter

import pytest

from tutor.questions.card import Card
from tutor.questions.library import load_library
from tutor.questions.search import search
from tutor.questions.suggest import edit_distance, suggest, vocabulary


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("梯渡", "梯度", 1),  # one character replaced
        ("gradiant", "gradient", 1),
        ("kitten", "sitting", 3),  # the textbook case: two replacements and an insertion
        ("", "abc", 3),
        ("池化", "池化", 0),
    ],
)
def test_edit_distance_is_levenshtein(a, b, expected):
    assert edit_distance(a, b, limit=5) == expected


def test_edit_distance_stops_past_its_limit():
    assert edit_distance("kitten", "sitting", limit=1) == 2


def test_the_vocabulary_counts_cards_not_occurrences_and_keeps_key_points_whole():
    cards = [
        Card(id="a", deck="d", question="什么是梯度消失？", answer="梯度连乘变小。", key_points=("梯度消失",)),
        Card(id="b", deck="d", question="梯度下降", answer="沿负梯度方向 gradient descent", tags=("optimization",)),
    ]
    words = vocabulary(cards)
    assert words["梯度"] == 2 and words["梯度消失"] == 1 and words["gradient"] == 1 and words["optimization"] == 1
    assert "梯" not in words  # single CJK characters suggest nothing useful


def test_the_nearest_terms_come_first_and_the_commoner_among_equals():
    words = Counter({"梯度": 40, "梯子": 2, "阶梯": 9, "渡河": 1})
    assert suggest("梯渡", words) == ["梯度", "梯子"]  # at distance 1, the commoner first; 渡河 and 阶梯 are at 2
    assert suggest("梯渡", words, limit=1) == ["梯度"]


def test_a_query_of_several_words_is_corrected_word_by_word():
    words = Counter({"gradient": 5, "descent": 4, "decent": 1})
    assert suggest("gradiant descent", words) == ["gradient descent"]


def test_nothing_near_suggests_nothing():
    assert suggest("xyzzyq", Counter({"gradient": 5})) == []
    assert suggest("   ", Counter({"gradient": 5})) == []


@pytest.mark.parametrize(("typo", "meant"), [("梯渡", "梯度"), ("池花", "池化"), ("gradiant", "gradient")])
def test_typos_in_the_corpus_find_the_term_meant_and_the_term_finds_cards(typo, meant):
    cards = load_library().cards
    assert not search(cards, typo)
    assert suggest(typo, vocabulary(cards))[0] == meant
    assert search(cards, meant)
