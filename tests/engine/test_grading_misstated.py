"""Numbers an answer states where the reference answer states another, on real corpus cards: one behaviour each."""

import pytest

from tutor.engine.grading import WRONG_CLAIM_COST, grade_answer
from tutor.engine.grading.clauses import split_clauses
from tutor.engine.grading.misstated import misstated_numbers
from tutor.questions.card import Card
from tutor.questions.library import load_library

# c002-7 asks how many layers GPT has; its reference's table gives GPT-3 96 层, which no key point states.
GPT = "c002-7"
GPT_RIGHT = "GPT 由 Transformer 块堆叠而成；自注意力用 Softmax；前馈网络用 GELU；用 LayerNorm；输出层 Softmax。"


@pytest.fixture(scope="module")
def cards() -> dict[str, Card]:
    return load_library().by_id


def test_a_number_the_reference_states_otherwise_is_shown_with_the_references(cards):
    grade = grade_answer(cards[GPT], "GPT-3 有 200 层。")
    assert [(m.said, m.expected, m.evidence) for m in grade.misstated] == [("200", ("96",), "GPT-3 有 200 层")]
    assert grade.misstated[0].explanation == "200 where the reference says 96"


def test_a_misstated_number_costs_one_point(cards):
    right = grade_answer(cards[GPT], GPT_RIGHT)
    wrong = grade_answer(cards[GPT], GPT_RIGHT + "GPT-3 有 200 层。")
    assert right.score == 1.0
    assert wrong.score == pytest.approx(1.0 - WRONG_CLAIM_COST / len(wrong.points))


def test_several_misstated_numbers_cost_one_point_in_all(cards):
    wrong = grade_answer(cards[GPT], GPT_RIGHT + "GPT-3 有 200 层。GPT-2 小型版有 37 层。")
    assert len(wrong.misstated) == 2
    assert wrong.score == pytest.approx(1.0 - WRONG_CLAIM_COST / len(wrong.points))


def test_the_number_the_reference_gives_is_not_misstated(cards):
    assert grade_answer(cards[GPT], "GPT-2 小型版有 12 层，GPT-3 有 96 层。").misstated == ()


def test_a_number_between_two_the_reference_gives_in_its_place_is_not_misstated(cards):
    # The reference: "Transformer架构堆叠 12 层到 100+ 层不等".
    assert grade_answer(cards[GPT], "GPT 的 Transformer 架构堆叠 48 层。").misstated == ()


def test_a_negated_number_is_not_misstated(cards):
    assert grade_answer(cards[GPT], "GPT-3 不是 12 层。").misstated == ()


def test_a_number_in_the_learners_own_example_is_not_misstated(cards):
    answer = "比如 1000 个样本、batch size 100，一个 epoch 有 10 次迭代。"
    assert grade_answer(cards["c004-q3"], answer).misstated == ()


def test_a_product_of_the_clauses_own_number_is_not_misstated(cards):
    # The reference: each output feature map needs 3 kernels; 16 maps need 48.
    assert grade_answer(cards["c003-cnn-conv"], "要输出 16 个特征图，一共需要 48 个卷积核。").misstated == ()


def test_a_number_a_missed_key_point_states_is_left_to_that_point(cards):
    grade = grade_answer(cards["c003-cnn-conv"], "每个输出特征图需要 5 个卷积核。")
    assert grade.misstated == ()
    assert not next(r for r in grade.points if r.label == "3个卷积核").made


def test_a_value_said_another_way_is_not_misstated(cards):
    # The reference says 接近 0 时门关闭: -1 is another value, 0 written as 零 is not.
    card = cards["c003-swish-gelu"]
    assert [m.said for m in grade_answer(card, "σ(βx) 接近 -1 时门关闭。").misstated] == ["-1"]
    assert grade_answer(card, "σ(βx) 接近 0.0 时门关闭。").misstated == ()


def test_a_corrected_sentence_of_the_reference_is_read_from_its_correction(cards):
    # c001-2.2's reference says 22018 parameters 〔见勘误〕; its correction says 22538.
    card = cards["c001-2.2"]
    clauses = split_clauses("总共可以被训练的参数是 22018 个")
    found = misstated_numbers(clauses, card.answer, tuple(e.correction for e in card.errata), ())
    assert [(m.said, m.expected) for m in found] == [("22018", ("22538",))]
    assert misstated_numbers(clauses, card.answer, (), ()) == ()


def test_no_reference_answer_misstates_its_own_numbers(cards):
    assert [card.id for card in cards.values() if grade_answer(card, card.answer).misstated] == []


def test_json_lists_misstated_numbers(cards):
    data = grade_answer(cards[GPT], "GPT-3 有 200 层。").to_dict()
    assert data["misstated_numbers"] == [
        {"said": "200", "expected": ["96"], "evidence": "GPT-3 有 200 层", "reference": "GPT-3 175B 96 层"}
    ]


def test_a_sentence_marked_as_corrected_is_not_held_against_the_answer(cards):
    # The reference's own sentence, marked 〔见勘误〕 where it stands (pasted back, it is flagged as wrong already).
    card = cards["c001-2.2"]
    corrections = tuple(e.correction for e in card.errata)
    marked = split_clauses("总共可以被训练的参数是22018个。〔见勘误〕")
    assert misstated_numbers(marked, card.answer, corrections, ()) == ()
    assert misstated_numbers(split_clauses("总共可以被训练的参数是22018个。"), card.answer, corrections, ()) != ()


def test_a_flood_of_misstated_numbers_lists_a_few(cards):
    answer = "；".join(f"GPT-3 有 {layers} 层" for layers in range(200, 260))
    assert [m.said for m in grade_answer(cards[GPT], answer).misstated] == ["200", "201", "202"]
