"""Grading typed answers against key points: Chinese-aware, order-free, numbers by value; on real cards too."""

import logging
import random
import statistics

import pytest

from tutor.engine.grading import HIT_COVERAGE, derive_points, grade_answer, point_coverage
from tutor.questions.card import Card
from tutor.questions.library import load_library
from tutor.questions.text import is_cjk

POOLING = Card(
    id="pool",
    deck="d",
    question="池化层的作用是什么？",
    answer="池化层做下采样，减少参数和计算量，扩大感受野，并带来一定的平移不变性。",
    tags=("cnn",),
    key_points=("下采样", "减少参数和计算量", "扩大感受野", "平移不变性"),
)


def test_an_answer_making_every_point_scores_one():
    grade = grade_answer(POOLING, "下采样；减少参数和计算量；扩大感受野；平移不变性")
    assert grade.score == 1.0
    assert grade.missed == ()
    assert grade.rating == "good"


def test_a_point_counts_when_its_words_come_in_another_order():
    # "计算量和参数减少" has every word of "减少参数和计算量" in another order.
    assert point_coverage("减少参数和计算量", "它让计算量和参数都减少了") >= HIT_COVERAGE


def test_a_point_counts_despite_a_small_difference_in_wording():
    # One character differs (感受域 for 感受野).
    assert point_coverage("扩大感受野", "可以扩大感受域") >= HIT_COVERAGE


def test_missed_points_are_listed_with_the_reference_answer():
    grade = grade_answer(POOLING, "池化主要是下采样，另外可以扩大感受野。")
    assert grade.hits == ("下采样", "扩大感受野")
    assert grade.missed == ("减少参数和计算量", "平移不变性")
    assert grade.score == 0.5
    assert grade.reference == POOLING.answer


def test_an_off_topic_answer_scores_zero():
    grade = grade_answer(POOLING, "先把鸡蛋打散，加入少许盐，再用中火翻炒至凝固即可出锅。")
    assert grade.score == 0.0
    assert grade.rating == "again"


def test_an_empty_answer_scores_zero():
    assert grade_answer(POOLING, "").score == 0.0


@pytest.mark.parametrize(
    ("point", "answer", "made"),
    [
        ("ring all-reduce 需要 2(p-1) 步", "在 ring 上做 all-reduce 需要 2(p-1) 步", True),
        ("ring all-reduce 需要 2(p-1) 步", "ring all-reduce 需要 2p 步", False),
        ("学习率 0.01", "学习率取 0.0100", True),  # same value, other spelling
        ("学习率 0.01", "学习率取 0.1", False),  # the words match, the number does not
        ("参数量约 3.1416 百万", "参数量约 3.14 百万", True),  # within the tolerance
        ("保留 90% 的方差", "保留 0.9 的方差", True),  # a percentage is also a fraction
        ("22538 个参数", "共 22,538 个参数", False),  # a thousands separator splits the number
    ],
)
def test_numbers_are_compared_by_value_with_a_tolerance(point, answer, made):
    assert (point_coverage(point, answer) >= HIT_COVERAGE) is made


def test_latin_words_match_case_and_inflections():
    assert point_coverage("Batch Normalization", "we normalize each batch") >= HIT_COVERAGE
    assert point_coverage("ReLU", "ＲｅＬＵ activation") == 1.0


def test_full_marks_go_with_grade_data_that_serialises():
    data = grade_answer(POOLING, "下采样").to_dict()
    assert data["hits"] == ["下采样"]
    assert data["rating"] == "again"
    assert len(data["points"]) == 4


def test_a_card_without_key_points_is_graded_on_points_from_its_answer():
    card = Card(id="n", deck="d", question="三大流派？", answer="**行为主义**：控制论\n\n**符号主义**：逻辑\n\n**连接主义**：神经网络")
    assert derive_points(card.answer) == ("行为主义", "符号主义", "连接主义")
    grade = grade_answer(card, "连接主义和行为主义")
    assert grade.derived_points
    assert grade.missed == ("符号主义",)


def test_points_from_an_answer_without_bold_are_the_lead_phrase_of_each_line():
    answer = "- 高并行：成千上万的核心\n- 数据流优化：减少搬运\n- 能效比更高，功耗低"
    assert derive_points(answer) == ("高并行", "数据流优化", "能效比更高")


# Real corpus cards: the grader must work on the decks learners actually study.


@pytest.fixture(scope="module")
def corpus_cards() -> list[Card]:
    cards = [card for card in load_library().cards if card.key_points]
    assert len(cards) >= 50, "the corpus should have cards with key points"
    return cards


def test_reference_answers_of_real_cards_score_high(corpus_cards):
    # A few reference answers are wrong on purpose (errata) and their key points hold the correction.
    scores = [grade_answer(card, card.answer).score for card in corpus_cards]
    assert statistics.mean(scores) >= 0.85


def test_answers_to_other_questions_score_low_on_real_cards(corpus_cards):
    rng = random.Random(0)
    scores = []
    for card in corpus_cards:
        others = [other for other in corpus_cards if not set(other.tags) & set(card.tags)]
        scores.append(grade_answer(card, rng.choice(others).answer).score)
    assert statistics.mean(scores) <= 0.1


def test_real_cards_with_reordered_chinese_words_still_score_high(corpus_cards):
    import jieba  # segmentation only to build the test's reordered answers

    jieba.setLogLevel(logging.WARNING)
    chinese = [card for card in corpus_cards if all(is_cjk(point[0]) and len(point) >= 4 for point in card.key_points)]
    assert len(chinese) >= 5
    rng = random.Random(1)
    scores = []
    for card in chinese:
        points = list(card.key_points)
        rng.shuffle(points)
        # Each point's words in reverse order, the points themselves shuffled.
        answer = "，".join("".join(reversed(list(jieba.cut(point)))) for point in points)
        scores.append(grade_answer(card, answer).score)
    assert statistics.mean(scores) >= 0.9
    assert min(scores) >= 0.5
