"""Search is Chinese-aware and ranked: two-character words are found, English matches in any case."""

import pytest

from tutor.questions.card import Card
from tutor.questions.library import load_library
from tutor.questions.search import search

CARDS = (
    Card(id="a", deck="d", question="什么是梯度消失？", answer="反向传播时梯度逐层变小。"),
    Card(id="b", deck="d", question="池化层的作用是什么？", answer="下采样，减少参数。"),
    Card(id="c", deck="d", question="ReLU 的优点", answer="缓解梯度消失，计算简单。"),
    Card(id="d", deck="d", question="什么是度量学习？", answer="学习样本之间的距离。"),
    Card(id="e", deck="d", question="Adam optimizer", answer="结合动量与 RMSprop。"),
)


def ids(query: str) -> list[str]:
    return [hit.card.id for hit in search(CARDS, query)]


def test_a_two_character_word_is_found():
    assert ids("池化") == ["b"]


def test_a_word_in_the_question_ranks_above_one_in_the_answer():
    assert ids("梯度") == ["a", "c"]


def test_a_shared_single_character_does_not_match():
    # 度 appears in 梯度 and 度量, but the query 梯度 is a word: 度量学习 must not match.
    assert "d" not in ids("梯度")


@pytest.mark.parametrize("query", ["relu", "RELU", "ReLU", "ＲｅＬＵ"])
def test_english_terms_match_in_any_case_and_width(query):
    assert ids(query) == ["c"]


def test_a_longer_query_tolerates_a_missing_piece():
    assert ids("梯度消失的原因")[0] == "a"


def test_nothing_matches_an_unrelated_query():
    assert ids("transformer") == []


def test_an_empty_query_finds_nothing():
    assert ids("  ？！ ") == []


@pytest.mark.parametrize("word", ["梯度", "池化", "卷积", "激活函数", "all-reduce"])
def test_corpus_words_are_found(word):
    hits = search(load_library().cards, word)
    assert hits, word
    assert all(a.score >= b.score for a, b in zip(hits, hits[1:]))


@pytest.mark.parametrize(
    ("query", "best"),
    [
        ("池化", "c000-hw-3.3"),  # 池化层的作用是什么？ is about pooling; LeNet-5's card only mentions it
        ("ring all-reduce", "c003-ring-allreduce"),  # the corpus writes Ring-AllReduce
        ("batch size", "c004-q3"),
        ("梯度消失", "c004-q7"),  # 什么是梯度消失?
    ],
)
def test_the_card_about_the_query_ranks_first(query, best):
    assert search(load_library().cards, query)[0].card.id == best


def test_hyphenated_words_match_their_joined_form():
    card = Card(id="r", deck="d", question="Ring-AllReduce 的两步", answer="reduce-scatter 与 all-gather")
    assert [hit.card.id for hit in search([card], "allreduce")] == ["r"]
    assert [hit.card.id for hit in search([card], "all-gather")] == ["r"]


def test_an_index_built_once_answers_each_query_like_a_fresh_search():
    from tutor.questions.search import SearchIndex

    index = SearchIndex.build(CARDS)
    for query in ("梯度", "池化", "relu", "梯度消失的原因"):
        assert index.search(query) == search(CARDS, query)
