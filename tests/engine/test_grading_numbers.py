"""Numbers as an examiner reads them, on the reader itself and on corpus cards whose key points hold numbers."""

import math

import pytest

from tutor.engine.grading import Miss, grade_answer
from tutor.engine.grading.numbers import read_quantities
from tutor.questions.library import load_library


def one(text: str):
    (quantity,) = read_quantities(text)
    return quantity


@pytest.mark.parametrize("text", ["6万", "60k", "60K", "60,000", "60000", "6×10⁴", "6x10^4", "6e4"])
def test_sixty_thousand_in_every_spelling(text):
    assert one(text).matches(one("60k"))


@pytest.mark.parametrize(("text", "value"), [("三个卷积核", 3), ("两种方法", 2), ("十二层", 12)])
def test_a_count_in_chinese_numerals(text, value):
    assert one(text).values == (value,)


def test_a_count_in_english_words():
    assert one("three stacked convolutions").values == (3,)


@pytest.mark.parametrize("text", ["第三层", "一个卷积核", "三十多"])
def test_ordinals_articles_and_vague_counts_are_not_counts(text):
    assert read_quantities(text) == ()


def test_a_formula_in_letters_is_compared_by_value():
    assert one("F(x) + x").matches(one("f(x)+x"))
    assert not one("F(x)×x").matches(one("F(x)+x"))


@pytest.mark.parametrize(
    ("text", "interval"),
    [("大于等于 0", "[0, +∞)"), ("≥0", "[0, +∞)"), ("非负", "[0, +∞)"), ("全体实数", "(-∞, +∞)"), ("小于等于 1", "(-∞, 1]")],
)
def test_a_range_in_words_is_an_interval(text, interval):
    assert one(text).matches(one(interval))


def test_a_bound_states_the_number_of_a_comparison():
    # "导数 ≤ 1" is an interval to -∞; it states the 1 of "导数小于1", a number.
    assert one("≤ 1").matches(one("小于1"))
    assert not one("≤ 2").matches(one("小于1"))


def test_chinese_scales():
    assert one("1.2亿").values == (1.2e8,)
    assert one("1.38 亿").matches(one("138M"))


@pytest.mark.parametrize("text", ["∞", "+∞", "无穷", "正无穷", "inf", "infinity"])
def test_infinity(text):
    assert one(text).values == (math.inf,)


def test_minus_infinity_is_another_value():
    assert one("-∞").values == (-math.inf,)
    assert not one("-∞").matches(one("+∞"))


@pytest.mark.parametrize("text", ["(0, 1)", "[0, 1]", "0 到 1", "0~1", "between 0 and 1", "在 0 到 1 之间"])
def test_intervals_are_compared_by_their_end_points(text):
    assert one(text).kind == "interval"
    assert one(text).matches(one("(0, 1)"))


def test_an_interval_to_infinity():
    assert one("[0, +∞)").matches(one("0 到无穷"))
    assert not one("[0, +∞)").matches(one("[0, 10]"))


@pytest.mark.parametrize(("a", "b"), [("400 MB", "0.4 GB"), ("1 GB", "1024 MB"), ("50%", "0.5"), ("1.5 s", "1500 ms")])
def test_units(a, b):
    assert one(a).matches(one(b))


def test_a_unit_does_not_make_a_different_number_equal():
    assert not one("400 MB").matches(one("400 GB"))


@pytest.mark.parametrize("text", ["3×3", "3x3", "3*3", "3 × 3"])
def test_a_shape_in_every_spelling(text):
    assert one(text).kind == "shape"
    assert one(text).matches(one("3×3"))
    assert not one(text).matches(one("5×5"))


def test_formulas_are_compared_by_value():
    assert one("2(p-1)").matches(one("2(p−1)"))
    assert one("2(p-1)").matches(one("2p-2"))
    assert not one("2(p-1)").matches(one("2p"))
    assert one("(p-1)V/p").matches(one("(p−1)/p·V"))
    assert one("33×512+512×10").values == (22016.0,)


def test_fractions():
    assert one("3/4").matches(one("四分之三"))
    assert one("3/4").matches(one("0.75"))


def test_integers_are_exact_and_approximate_values_have_a_tolerance():
    assert not one("22016").matches(one("22018"))
    assert one("3.1416").matches(one("3.14"))


# On corpus cards.


@pytest.fixture(scope="module")
def cards():
    return load_library().by_id


def point(grade, text):
    return next(r for r in grade.points if r.label == text)


@pytest.mark.parametrize("answer", ["可训练参数量约 6 万个", "大约 60,000 个参数", "参数量约 6×10⁴", "约 60k"])
def test_lenet5_parameter_count_in_any_spelling(cards, answer):
    assert point(grade_answer(cards["c003-lenet5"], answer), "60k").made


def test_a_wrong_number_is_missed_with_the_number_shown(cards):
    result = point(grade_answer(cards["c003-lenet5"], "可训练参数量约 600 万"), "60k")
    assert result.reason == Miss.WRONG_NUMBER
    assert "600 万" in result.detail


@pytest.mark.parametrize("answer", ["ReLU 的取值范围是 [0, +∞)", "ReLU 从 0 到无穷", "ReLU: [0, inf)"])
def test_relu_range_to_infinity(cards, answer):
    assert point(grade_answer(cards["c001-2.4"], answer), "ReLU [0, +∞)").made


def test_relu_up_to_ten_is_a_wrong_range(cards):
    result = point(grade_answer(cards["c001-2.4"], "ReLU 是 0 到 10"), "ReLU [0, +∞)")
    assert result.reason == Miss.WRONG_NUMBER


def test_sigmoid_range_in_words(cards):
    assert point(grade_answer(cards["c001-2.4"], "sigmoid 的值在 0 到 1 之间"), "sigmoid (0, 1)").made


@pytest.mark.parametrize("answer", ["第一层用 3x3 卷积核", "第一层用 3*3 的卷积核", "第一层用 3×3 卷积核"])
def test_a_kernel_shape_in_any_spelling(cards, answer):
    assert point(grade_answer(cards["c000-hw-3.2"], answer), "3×3 卷积核").made


def test_a_wrong_kernel_shape(cards):
    result = point(grade_answer(cards["c000-hw-3.2"], "第一层用 5×5 卷积核"), "3×3 卷积核")
    assert result.reason == Miss.WRONG_NUMBER


def test_a_formula_for_the_ring_all_reduce_steps(cards):
    card = cards["c003-ring-allreduce"]
    assert point(grade_answer(card, "一共 2(p−1) 步"), "2(p-1)").made
    assert point(grade_answer(card, "一共 2p-2 步"), "2(p-1)").made
    assert point(grade_answer(card, "一共 2p 步"), "2(p-1)").reason == Miss.WRONG_NUMBER


def test_a_sum_of_products_is_its_value(cards):
    grade = grade_answer(cards["c001-2.2"], "权重 16896+5120 = 22016 个")
    assert point(grade, "22016 个权重").made


def test_bytes_per_parameter(cards):
    grade = grade_answer(cards["c001-hw8-1"], "Adam 每个参数要存 8 字节的状态")
    assert point(grade, "Adam 每参数 8 字节").made
    wrong = grade_answer(cards["c001-hw8-1"], "Adam 每个参数要存 16 字节的状态")
    assert point(wrong, "Adam 每参数 8 字节").reason == Miss.WRONG_NUMBER
