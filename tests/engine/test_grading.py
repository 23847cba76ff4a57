"""Grading typed answers as an examiner would, on real corpus cards: one behaviour per test."""

import pytest

from tutor.engine.grading import Miss, derive_points, grade_answer
from tutor.engine.grading.clauses import canonical, opposed, split_clauses, stem, units
from tutor.questions.card import Card
from tutor.questions.library import load_library


@pytest.fixture(scope="module")
def cards() -> dict[str, Card]:
    return load_library().by_id


def result(grade, point: str):
    """The result of the key point that starts with ``point``."""
    return next(r for r in grade.points if r.point.startswith(point))


# c000-hw-3.3 asks what pooling does; its key points: 下采样, 减少参数和计算量, 非线性, 扩大感受野, 不变性.
POOLING = "c000-hw-3.3"


def test_an_answer_making_every_point_scores_one(cards):
    grade = grade_answer(cards[POOLING], "池化做下采样；减少参数和计算量；带来非线性；扩大感受野；具有平移不变性。")
    assert grade.score == 1.0
    assert grade.missed == ()
    assert grade.rating == "good"


def test_a_made_point_shows_the_answers_words_that_made_it(cards):
    grade = grade_answer(cards[POOLING], "池化很常用。它可以扩大感受野，让网络看得更广。")
    made = result(grade, "扩大感受野")
    assert made.made and made.reason is None
    assert made.evidence == "它可以扩大感受野"


@pytest.mark.parametrize(
    "answer",
    [
        "池化不扩大感受野",
        "池化不能扩大感受野",
        "池化无法扩大感受野",
        "池化没有扩大感受野",
        "池化并非扩大感受野",
        "池化未扩大感受野",
        "池化无扩大感受野的作用",
        "池化不会扩大感受野",
        "池化只是取最大值而不是扩大感受野",
        "pooling does not enlarge the receptive field",
        "pooling has no effect of enlarging the receptive field",
        "pooling cannot enlarge the receptive field",
        "pooling doesn't enlarge the receptive field",
        "池化跟扩大感受野没关系",
        "pooling fails to enlarge the receptive field",
        "pooling no longer enlarges the receptive field",
        "pooling hardly enlarges the receptive field",
    ],
)
def test_a_negated_point_is_missed_and_says_so(cards, answer):
    missed = result(grade_answer(cards[POOLING], answer), "扩大感受野")
    assert not missed.made
    assert missed.reason == Miss.NEGATED


def test_the_same_point_stated_plainly_is_made(cards):
    # The control of the test above: without the negation each of those answers makes the point.
    assert result(grade_answer(cards[POOLING], "池化能扩大感受野"), "扩大感受野").made
    assert result(grade_answer(cards[POOLING], "pooling enlarges the receptive field"), "扩大感受野").made


# c000-hw-2.4 asks for overfitting and regularisation methods: "Dropout" and "提前终止" are points that only name.
OVERFITTING = "c000-hw-2.4"


@pytest.mark.parametrize(
    "answer",
    [
        "Dropout 不能缓解过拟合",
        "Dropout 和提前终止都不能缓解过拟合",
        "Dropout 对过拟合没有帮助",
        "Dropout 没用",
        "dropout doesn't help with overfitting",
        "应该去掉 Dropout",
        "remove dropout to fix it",
    ],
)
def test_a_named_method_said_not_to_work_or_removed_is_negated(cards, answer):
    missed = result(grade_answer(cards[OVERFITTING], answer), "Dropout")
    assert not missed.made
    assert missed.reason == Miss.NEGATED


@pytest.mark.parametrize(
    "answer", ["可以用 Dropout", "Dropout 让部分神经元不参与训练，可以缓解过拟合", "Dropout 随机丢弃神经元"]
)
def test_a_named_method_with_a_negation_inside_its_description_is_made(cards, answer):
    assert result(grade_answer(cards[OVERFITTING], answer), "Dropout").made


def test_a_negation_before_a_list_reaches_every_item(cards):
    # c000-1-2 asks where the three schools of AI come from: 进化论 and 控制论 are points of their own.
    grade = grade_answer(cards["c000-1-2"], "行为主义的思想并不是来自进化论和控制论")
    assert result(grade, "控制论").reason == Miss.NEGATED
    assert result(grade, "进化论").reason == Miss.NEGATED


def test_a_list_said_to_have_nothing_to_do_with_it_is_negated(cards):
    grade = grade_answer(cards["c000-1-2"], "符号主义和数理逻辑、认知科学没有关系")
    assert result(grade, "数理逻辑").reason == Miss.NEGATED
    assert result(grade, "认知科学").reason == Miss.NEGATED


def test_a_word_that_only_starts_with_a_negating_character_negates_nothing(cards):
    # 不断 ("constantly") and 不同 ("different") hold 不 but negate nothing, also right after a named thing.
    grade = grade_answer(cards["c003-cnn-history"], "学者在卷积核尺寸、模型结构等方面不断优化")
    assert result(grade, "卷积核尺寸").made


def test_another_name_in_place_of_the_points_name_does_not_make_it(cards):
    # c002-7's points name GPT's functions: "自注意力用Softmax", "前馈网络用GELU".
    wrong = grade_answer(cards["c002-7"], "自注意力里用 ReLU 计算权重，前馈网络用 Sigmoid")
    right = grade_answer(cards["c002-7"], "自注意力用 softmax 算权重，前馈网络用 GELU")
    assert not result(wrong, "自注意力用Softmax").made and not result(wrong, "前馈网络用GELU").made
    assert result(right, "自注意力用Softmax").made and result(right, "前馈网络用GELU").made


def test_what_a_point_says_of_its_subject_said_of_another_subject_does_not_make_it(cards):
    # c004-q13's point "边是数据流": the nodes are not the edges, and each clause speaks of its own subject.
    grade = grade_answer(cards["c004-q13"], "节点是数据流，边是操作")
    missed = result(grade, "边是数据流")
    assert not missed.made
    assert missed.reason == Miss.CONTRADICTED and "节点" in missed.detail


def test_what_a_point_says_of_its_subject_is_made_when_said_of_it(cards):
    assert result(grade_answer(cards["c004-q13"], "边是数据流，节点是操作"), "边是数据流").made


def test_built_while_it_runs_is_the_opposite_of_built_first(cards):
    grade = grade_answer(cards["c001-5.1"], "静态图边运行边构建")
    assert result(grade, "静态图先构建后执行").reason == Miss.CONTRADICTED


def test_two_parts_of_a_question_are_not_a_list_of_alternatives(cards):
    # c000-hw-2.1: "解释什么是梯度下降法，并简述其在神经网络训练中的作用" does not set 神经网络 against 梯度下降, so a
    # clause about the network's weights is not about "another subject".
    grade = grade_answer(cards["c000-hw-2.1"], "It updates the weights and biases of the network.")
    assert result(grade, "调整权重和偏置").made


def test_a_negation_a_few_words_before_the_point_reaches_it(cards):
    # c000-hw-2.5 asks what cross-validation is: "不需要把数据" stands between the negation and 划分.
    grade = grade_answer(cards["c000-hw-2.5"], "K折不需要把数据划分成K个子集")
    assert result(grade, "划分为K个子集").reason == Miss.NEGATED


def test_inevitably_is_no_negation(cards):
    grade = grade_answer(cards["c000-hw-3.1"], "全连接网络会不可避免地丢失图像的位置信息")
    assert result(grade, "丢失位置信息").made


def test_a_point_negated_in_one_clause_of_two_is_negated(cards):
    # Two negations in two clauses are not a double negation.
    grade = grade_answer(cards["c001-3.9"], "也没有逆向去噪的过程，不需要最小化去噪损失")
    assert not result(grade, "逆向过程去噪").made


def test_a_clause_without_a_subject_goes_on_with_the_one_before_it(cards):
    # c001-5.1 compares static and dynamic graphs: easy deployment is said of the dynamic graph here.
    grade = grade_answer(cards["c001-5.1"], "动态图很灵活，部署方便")
    assert result(grade, "静态图部署方便").reason == Miss.CONTRADICTED
    assert result(grade_answer(cards["c001-5.1"], "静态图性能好，部署方便"), "静态图部署方便").made


def test_an_english_verb_split_around_its_object_is_read_whole(cards):
    # "turns dropout off" is "turns off dropout": c001-hw3-1's point "model.eval() 关闭 Dropout".
    grade = grade_answer(cards["c001-hw3-1"], "model.eval() turns dropout off.")
    assert result(grade, "model.eval() 关闭 Dropout").made


def test_a_verb_that_cannot_reach_its_result_negates_the_point(cards):
    # 学不会 is "cannot learn": c004-q2's point 学会正确决策.
    grade = grade_answer(cards["c004-q2"], "模型也学不会在这些情况下做出正确决策")
    assert result(grade, "学会正确决策").reason == Miss.NEGATED


def test_a_negation_about_the_other_subject_does_not_negate_the_next_clause(cards):
    # c000-hw-2.2 compares linear regression and the perceptron: the first clause's 不是 is about 线性回归.
    grade = grade_answer(cards["c000-hw-2.2"], "线性回归不是用来解决回归问题的，感知机做二分类")
    assert result(grade, "感知机用于二分类").reason != Miss.NEGATED


def test_a_point_that_names_a_removal_is_made_by_the_removal(cards):
    # c004-q32's point "丢弃decoder" holds the removal verb itself: saying it makes the point.
    assert result(grade_answer(cards["c004-q32"], "训练完成后去掉 decoder，用 bottleneck 的输出当特征"), "丢弃decoder").made


def test_a_negation_in_another_clause_does_not_negate_the_point(cards):
    grade = grade_answer(cards[POOLING], "池化没有可学习的参数，但是它能扩大感受野")
    assert result(grade, "扩大感受野").made


@pytest.mark.parametrize(
    ("card", "point", "answer"),
    [
        (POOLING, "扩大感受野", "池化会缩小感受野"),  # 增大/减小
        ("c003-distillation", "熵越大", "T 越大，分布的熵越小"),  # 越大/越小
        ("c004-q10", "验证误差上升时停止", "验证误差下降时停止训练"),  # 上升/下降
        ("c000-q3", "正向扩散", "反向扩散逐步加入高斯噪声"),  # 正向/反向
        ("c001-5.1", "静态图先构建后执行", "动态图先构建整张图再执行"),  # 静态/动态
    ],
)
def test_a_clause_saying_the_opposite_does_not_make_the_point(cards, card, point, answer):
    missed = result(grade_answer(cards[card], answer), point)
    assert not missed.made
    assert missed.reason == Miss.CONTRADICTED


def test_a_negated_opposite_makes_the_point(cards):
    # 不会缩小 says 扩大 ("does not shrink" for "enlarges"): the negation and the opposite cancel.
    made = result(grade_answer(cards[POOLING], "池化之后感受野不会缩小，反而变大"), "扩大感受野")
    assert made.made


def test_a_negated_opposite_about_the_other_subject_does_not_make_the_point(cards):
    # "eval 不会关闭 Dropout" holds 启用's opposite, negated, but says it of eval, not of train.
    missed = result(grade_answer(cards["c001-hw3-1"], "model.eval() 不会关闭 Dropout"), "model.train() 启用 Dropout")
    assert not missed.made


def test_a_point_is_about_the_subject_the_reference_answer_says_it_of(cards):
    # c003-dp-ddp's point "服务器" names no subject; the reference says it under "DP：": said of DDP it is not made.
    grade = grade_answer(cards["c003-dp-ddp"], "DDP 把所有梯度发给一个服务器汇总")
    assert result(grade, "服务器").reason == Miss.CONTRADICTED
    assert result(grade_answer(cards["c003-dp-ddp"], "DP 把所有梯度发给一个服务器汇总"), "服务器").made


def test_a_clause_without_the_points_direction_earns_no_partial_credit(cards):
    # "沿梯度方向" holds most words of "沿梯度相反方向" but not the one that decides it.
    missed = result(grade_answer(cards["c000-hw-2.1"], "参数沿梯度方向走一步"), "沿梯度相反方向")
    assert not missed.made and missed.earned == 0.0
    assert result(grade_answer(cards["c000-hw-2.1"], "参数沿负梯度方向走一步"), "沿梯度相反方向").made


def test_a_word_for_the_same_way_says_the_points_direction(cards):
    # 熵越大: "higher" (增加) goes the same way as 越大.
    grade = grade_answer(cards["c003-distillation"], "A higher temperature T gives a distribution with higher entropy.")
    assert result(grade, "熵越大").made


def test_a_word_for_the_other_way_contradicts_the_points_direction(cards):
    # 越小 goes the other way from 越大 although the pair 越大/越小 is not in the clause.
    missed = result(grade_answer(cards["c003-distillation"], "温度系数 T 调得越高，分布的熵会减小"), "熵越大")
    assert missed.reason == Miss.CONTRADICTED


def test_a_kin_term_makes_the_point(cards):
    # 过拟合减轻 (防止) says 降低过拟合 (减少): the glossary keeps the two apart, an examiner reads them alike.
    assert result(grade_answer(cards["c004-q31"], "用了 Dropout 之后过拟合减轻"), "降低过拟合").made


def test_gpu_memory_makes_a_point_on_memory(cards):
    # A learner says 显存 where the course says 内存 of the same accelerator's memory.
    assert result(grade_answer(cards["c003-quantization"], "量化后显存占用更少"), "降低内存开销").made


def test_saving_makes_a_point_on_reducing(cards):
    assert result(grade_answer(cards["c004-q9"], "用稠密的 embedding 代替 one-hot，减少了计算量"), "节省计算量").made


@pytest.mark.parametrize(
    "answer",
    ["No matter which kind of pooling is used, it enlarges the receptive field",
     "Without padding the pooling layer still enlarges the receptive field"],
)
def test_an_english_no_or_without_before_another_word_does_not_negate_the_point(cards, answer):
    # "no matter", "without padding": a condition on something else, not a negation of 扩大感受野.
    assert result(grade_answer(cards[POOLING], answer), "扩大感受野").made


def test_a_large_cost_contradicts_a_small_one(cards):
    missed = result(grade_answer(cards["c003-relu-variants"], "ReLU 的计算量很大"), "计算量小")
    assert missed.reason == Miss.CONTRADICTED


def test_method_names_are_subjects_too(cards):
    # GPipe and PipeDream are glossary terms: "1F1B" is said of PipeDream in the reference, not of GPipe.
    card = cards["c003-pipeline-parallel"]
    assert not result(grade_answer(card, "GPipe 用 1F1B 交替前向反向"), "1F1B").made
    assert result(grade_answer(card, "PipeDream 用 1F1B 交替前向反向"), "1F1B").made


@pytest.mark.parametrize("answer", ["池化层缺乏平移不变性", "池化不具备平移不变性", "pooling lacks translation invariance"])
def test_a_lack_negates_the_point_its_term_holds(cards, answer):
    # 不变性 is made inside 平移不变性; the negation before the whole term is in scope.
    assert result(grade_answer(cards[POOLING], answer), "不变性").reason == Miss.NEGATED


@pytest.mark.parametrize(
    ("point", "clause"),
    [("导数大于1", "导数小于1"), ("单机多GPU", "多机多卡"), ("单进程", "多进程"), ("长期依赖", "短期依赖")],
)
def test_comparisons_and_counts_of_machines_have_opposites(point, clause):
    assert opposed(canonical(point), canonical(clause))


def test_swapped_subjects_make_neither_point(cards):
    # Every word of both points is in the answer, but each relation is said of the other subject.
    grade = grade_answer(cards["c001-5.1"], "静态图边运行边构建，动态图先构建整张图再执行")
    assert not result(grade, "静态图先构建后执行").made
    assert not result(grade, "动态图边构建边执行").made


def test_a_point_is_made_within_one_clause_not_by_words_scattered_over_the_answer(cards):
    scattered = grade_answer(cards[POOLING], "池化层可以扩大特征图的通道。感受野是输入图像中的区域。")
    assert not result(scattered, "扩大感受野").made
    together = grade_answer(cards[POOLING], "池化层可以扩大感受野。")
    assert result(together, "扩大感受野").made


def test_a_clause_under_a_heading_is_about_the_headings_subject(cards):
    grade = grade_answer(cards["c001-5.1"], "动态图：边运行边建图，好调试，很灵活。")
    assert result(grade, "动态图易于调试").made
    assert result(grade, "动态图边构建边执行").made


@pytest.mark.parametrize(
    ("card", "point", "answer"),
    [
        (POOLING, "下采样", "池化就是降采样"),
        (POOLING, "下采样", "pooling performs downsampling"),
        ("c000-q3", "正向扩散", "先做前向加噪"),
        ("c000-hw-2.1", "学习率", "每一步的步长要合适"),
        ("c001-2.3", "沿梯度下降方向更新", "用 BP 算出梯度后沿梯度下降的方向更新权重"),
        ("c003-lenet5", "可训练系数", "池化后乘一个可学习的 coefficient 再加偏置"),
        ("c000-4-1", "云端数据中心", "Training runs in cloud data centers"),
        ("c000-hw-2.2", "线性可分", "A perceptron only works when the data are linearly separable"),
        ("c003-perceptron", "分类平面", "It learns a decision boundary that separates the two classes"),
        ("c000-q2", "固定生成器训练判别器", "把生成器冻结，去训练判别器"),
    ],
)
def test_synonyms_english_names_and_abbreviations_from_the_glossary_make_the_point(cards, card, point, answer):
    assert result(grade_answer(cards[card], answer), point).made


def test_an_answer_in_english_is_graded_like_a_chinese_one(cards):
    english = (
        "Pooling downsamples the feature maps, which reduces the number of parameters and the amount of "
        "computation. It enlarges the receptive field, adds some non-linearity, and gives translation invariance."
    )
    assert grade_answer(cards[POOLING], english).score == 1.0


def test_a_mixed_chinese_and_english_answer_is_graded_too(cards):
    grade = grade_answer(cards[POOLING], "池化做 downsampling，能 enlarge the receptive field")
    assert grade.hits == ("下采样", "扩大感受野")


def test_an_echoed_question_earns_nothing(cards):
    card = cards["c003-megatron"]
    grade = grade_answer(card, card.question)
    assert grade.score <= 0.2
    assert all(r.reason in (Miss.MISSING, Miss.QUESTION_ONLY) for r in grade.points)


def test_a_point_met_only_by_the_questions_words_says_so(cards):
    card = cards["c003-megatron"]
    grade = grade_answer(card, "Megatron-LM 综合使用了流水线并行和张量并行。")
    assert result(grade, "张量并行在层内部切分").reason == Miss.QUESTION_ONLY


def test_a_deck_may_accept_alternatives_for_a_point(cards):
    # c002-1 lists "小批量梯度有随机性 | 移动方向有随机性": either wording makes the point.
    card = cards["c002-1"]
    assert result(grade_answer(card, "SGD 每一步的移动方向有随机性"), "小批量梯度有随机性").made
    assert result(grade_answer(card, "小批量梯度有随机性"), "小批量梯度有随机性").made


def test_a_point_is_shown_by_its_main_wording_with_its_alternatives_apart(cards):
    grade = grade_answer(cards["c002-1"], "SGD 每一步的移动方向有随机性")
    point = next(p for p in grade.to_dict()["points"] if p["point"] == "小批量梯度有随机性")
    assert "移动方向有随机性" in point["alternatives"]
    assert "小批量梯度有随机性" in grade.hits


def test_an_off_topic_answer_scores_zero(cards):
    grade = grade_answer(cards[POOLING], "先把鸡蛋打散，加入少许盐，再用中火翻炒至凝固即可出锅。")
    assert grade.score == 0.0
    assert grade.rating == "again"


def test_an_empty_answer_scores_zero(cards):
    assert grade_answer(cards[POOLING], "").score == 0.0


def test_grade_data_keeps_its_keys_and_adds_the_reasons(cards):
    data = grade_answer(cards[POOLING], "池化不是下采样").to_dict()
    assert {"card_id", "score", "rating", "hits", "missed", "points", "reference", "derived_points"} <= set(data)
    first = data["points"][0]
    assert (first["point"], first["hit"], first["made"], first["reason"]) == ("下采样", False, False, "negated")
    assert first["evidence"] == "池化不是下采样"


def test_a_card_without_key_points_is_graded_on_points_from_its_answer():
    card = Card(id="n", deck="d", question="三大流派？", answer="**行为主义**：控制论\n\n**符号主义**：逻辑\n\n**连接主义**：神经网络")
    assert derive_points(card.answer) == ("行为主义", "符号主义", "连接主义")
    grade = grade_answer(card, "连接主义和行为主义")
    assert grade.derived_points
    assert grade.missed == ("符号主义",)


def test_points_from_an_answer_without_bold_are_the_lead_phrase_of_each_line():
    answer = "- 高并行：成千上万的核心\n- 数据流优化：减少搬运\n- 能效比更高，功耗低"
    assert derive_points(answer) == ("高并行", "数据流优化", "能效比更高")


def test_a_clause_about_another_subject_the_question_lists_does_not_make_the_point(cards):
    # The question lists model.train and model.eval: what is said of eval is not said of train.
    grade = grade_answer(cards["c001-hw3-1"], "model.train() 会关闭 Dropout，model.eval() 会启用 Dropout")
    assert result(grade, "model.train() 启用 Dropout").reason == Miss.CONTRADICTED
    assert result(grade, "model.eval() 关闭 Dropout").reason == Miss.CONTRADICTED


def test_swapped_subjects_in_english_make_neither_point(cards):
    grade = grade_answer(cards["c001-5.1"], "A dynamic graph is built first and then executed; a static graph is built while it runs.")
    assert not result(grade, "静态图先构建后执行").made
    assert not result(grade, "动态图边构建边执行").made


# c004-q3 defines batch size, epoch and iteration: "batch size是一次训练的样本数", "epoch是全部样本训练一次",
# "iteration是用batch size个样本训练一次", "每个epoch的迭代次数=样本数/batch size".
BATCHES = "c004-q3"


def test_a_clause_defining_another_of_the_cards_things_does_not_make_a_definition(cards):
    grade = grade_answer(cards[BATCHES], "batch size 是每次训练的样本数")
    assert result(grade, "batch size是").made
    assert not result(grade, "iteration是").made and result(grade, "iteration是").earned == 0.0
    assert not result(grade, "每个epoch").made


def test_a_definition_given_another_things_meaning_is_contradicted(cards):
    swapped = result(grade_answer(cards[BATCHES], "epoch 指一次训练的样本数"), "epoch是")
    assert not swapped.made and swapped.reason == Miss.CONTRADICTED
    assert swapped.earned == 0.0
    assert result(grade_answer(cards[BATCHES], "epoch 指全部样本训练一次"), "epoch是").made


# c003-megatron: "大矩阵运算拆成多个小矩阵运算 | 一层的计算分到多个设备".
MEGATRON = "c003-megatron"


def test_a_point_half_made_earns_partial_credit(cards):
    grade = grade_answer(cards[MEGATRON], "把大矩阵运算分开")
    half = result(grade, "大矩阵运算")
    assert not half.made
    assert 0.0 < half.earned <= 0.5
    assert grade.score == pytest.approx(sum(r.earned for r in grade.points) / len(grade.points))


def test_a_negated_half_point_earns_no_partial_credit(cards):
    assert result(grade_answer(cards[MEGATRON], "不把大矩阵拆开"), "大矩阵运算").earned == 0.0


def test_an_answer_of_the_questions_words_earns_no_partial_credit(cards):
    card = cards[BATCHES]
    assert all(r.earned == 0.0 for r in grade_answer(card, card.question).points)


def test_english_words_are_read_by_their_stem():
    assert units(canonical("the studies copied")) == units(canonical("study copies"))
    assert stem("vanishing") == stem("vanishes") == "vanish"


def test_a_definition_mentioning_another_defined_thing_does_not_refuse_its_own(cards):
    # "每个epoch的迭代次数=样本数/batch size" names batch size in its definition: the batch-size point is still
    # made by a clause defining batch size, in English as in Chinese.
    grade = grade_answer(cards[BATCHES], "Batch size is the number of samples used in one training step.")
    assert result(grade, "batch size是").made
    assert not result(grade, "epoch是").made and result(grade, "epoch是").reason == Miss.MISSING


def test_an_alternative_wording_is_about_the_main_wordings_subject(cards):
    # "按层切分到多卡" stands for "流水线并行把不同层放到不同设备": said of 张量并行, it makes nothing.
    grade = grade_answer(cards[MEGATRON], "张量并行按层切分到多卡")
    assert result(grade, "流水线并行把不同层放到不同设备").reason == Miss.CONTRADICTED


def test_a_point_stated_wrongly_takes_a_point_away(cards):
    right = grade_answer(cards[POOLING], "池化层可以下采样")
    wrong = grade_answer(cards[POOLING], "池化层可以下采样，池化会缩小感受野")
    assert result(wrong, "扩大感受野").earned == -1.0
    assert (right.score, wrong.score) == (pytest.approx(0.2), 0.0)


def test_a_clause_that_only_touches_a_point_costs_nothing(cards):
    # The clause says 减少 of the learning rate, not of the point's oscillation: no wrong claim about 动量减少抖动.
    grade = grade_answer(cards["c002-1"], "学习率太大就会来回震荡")
    assert all(r.earned >= 0 for r in grade.points)


def test_a_negated_opposite_says_the_point(cards):
    # 不下降 says 上升: the point is made, not negated.
    grade = grade_answer(cards["c004-q10"], "当验证误差开始上升（连续 patience 轮不下降）时停止训练")
    assert result(grade, "验证误差上升时停止").made


@pytest.mark.parametrize(
    ("card", "point", "answer"),
    [
        (POOLING, "不变性", "对小的平移不敏感（平移不变性）"),
        ("c001-hw5-2", "中间表示 IR", "先把模型转成与硬件无关的中间表示 IR"),
        ("c004-q2", "泛化性更好", "模型在没见过的新数据上也更准"),
        ("c003-pruning", "现有硬件无法加速", "普通硬件算这种不规则的稀疏矩阵加速不了"),
    ],
)
def test_words_that_hold_a_negating_character_do_not_negate(cards, card, point, answer):
    assert result(grade_answer(cards[card], answer), point).made


def test_a_point_of_numbers_alone_costs_nothing_when_another_clause_is_refused(cards):
    # "60k" has no words to check a clause against: a clause about the pooling layers states nothing wrong of it.
    grade = grade_answer(cards["c003-lenet5"], "卷积、池化、卷积、池化再接全连接，池化层没有参数。")
    assert result(grade, "60k").earned == 0.0


def test_better_said_as_the_more_the_better(cards):
    assert result(grade_answer(cards["c004-q2"], "数据越多，模型泛化性越好。"), "泛化性更好").made


def test_a_wrong_claim_is_judged_on_the_points_main_wording(cards):
    # "稠密" is the opposite of the one-word alternative "sparse" (稀疏性), not a false statement of 模型稀疏.
    grade = grade_answer(cards["c003-pruning"], "剩下的还是规整的稠密张量")
    assert result(grade, "模型稀疏").earned == 0.0


def test_unseen_data_said_badly_is_still_negated(cards):
    assert result(grade_answer(cards["c004-q2"], "模型在没见过的新数据上不准"), "泛化性更好").reason == Miss.NEGATED


def test_different_kernels_contradict_one_shared_kernel(cards):
    # c003-cnn-conv: 权重共享 | 共用同一个卷积核 ...
    card = cards["c003-cnn-conv"]
    shared = result(grade_answer(card, "卷积层在图像的各个位置共用同一个卷积核"), "权重共享")
    different = result(grade_answer(card, "卷积层在图像的各个位置用的是不同的卷积核"), "权重共享")
    assert shared.made
    assert (different.made, different.reason, different.detail) == (False, Miss.CONTRADICTED, "不同 ≠ 同一")


def test_a_negated_opposite_in_one_clause_does_not_undo_the_negation_in_the_next(cards):
    # 不能减少参数 says 增加 of the parameters; it does not make "也不会扩大感受野" say 扩大感受野.
    grade = grade_answer(cards[POOLING], "它并不能减少参数和计算量，同时也不会扩大感受野")
    point = result(grade, "扩大感受野")
    assert (point.made, point.reason) == (False, Miss.NEGATED)


def test_a_point_the_reference_says_of_ddp_is_not_made_of_dp(cards):
    # c003-dp-ddp's reference says Ring-AllReduce under "DDP（分布式数据并行）": 分布式数据并行 reads DDP, not DP.
    card = cards["c003-dp-ddp"]
    assert result(grade_answer(card, "DDP 用 Ring-AllReduce 同步梯度"), "Ring-AllReduce").made
    wrong = result(grade_answer(card, "DP 用 Ring-AllReduce 同步梯度"), "Ring-AllReduce")
    assert (wrong.made, wrong.reason) == (False, Miss.CONTRADICTED)


def test_role_statements_listed_with_a_pause_mark_are_read_apart(cards):
    # c000-hw-5.2: 节点表示操作 is not made by a list that says it of the edges and gives the nodes another role.
    card = cards["c000-hw-5.2"]
    assert [c.text for c in split_clauses("计算图里边表示算子、节点表示张量")] == ["计算图里边表示算子", "节点表示张量"]
    swapped = grade_answer(card, "计算图里边表示算子、节点表示张量").points[-1]
    assert not swapped.made
    assert grade_answer(card, "计算图里节点表示算子、边表示张量的流动").points[-1].made


def test_a_point_saying_what_its_subject_is_needs_what_it_says(cards):
    # 节点表示操作 needs 操作 (算子): the subject and the verb alone say nothing.
    point = grade_answer(cards["c000-hw-5.2"], "计算图中节点表示张量").points[-1]
    assert not point.made


def test_a_comparison_table_cell_is_said_of_its_row_and_its_column():
    table = "| | 非结构化剪枝 | 结构化剪枝 |\n|---|---|---|\n| 剪除单位 | 单个连接 | 整个通道 |\n"
    cells = [(c.text, c.context) for c in split_clauses(table) if c.text in ("单个连接", "整个通道")]
    assert cells == [("单个连接", canonical("剪除单位 非结构化剪枝")), ("整个通道", canonical("剪除单位 结构化剪枝"))]


@pytest.mark.parametrize(
    ("answer", "made", "missed"),
    [
        ("非结构化剪枝是去掉单个权重", "剪除不重要的神经元或连接", "剪除滤波器、通道或整层"),
        ("结构化剪枝是剪掉整个卷积核和通道", "剪除滤波器、通道或整层", "剪除不重要的神经元或连接"),
    ],
)
def test_a_point_of_one_kind_of_pruning_is_not_made_of_the_other(cards, answer, made, missed):
    # c003-pruning's reference says each in its column of a comparison table; 结构化剪枝 is not in 非结构化剪枝.
    grade = grade_answer(cards["c003-pruning"], answer)
    assert result(grade, made).made
    swapped = grade_answer(cards["c003-pruning"], answer.replace("非结构化", "@").replace("结构化", "非结构化").replace("@", "结构化"))
    assert (result(swapped, made).made, result(swapped, made).reason) == (False, Miss.CONTRADICTED)
    assert not result(grade, missed).made


@pytest.mark.parametrize(
    ("answer", "reason", "earned"),
    [
        ("非结构化剪枝得到的模型是稠密的", Miss.CONTRADICTED, -1.0),  # said of the point's subject: a wrong claim
        ("结构化剪枝之后模型还是稠密的", Miss.MISSING, 0.0),  # said of the other kind, and true of it
        ("粗粒度的是一整个卷积核拿掉，剩下的还是规整的稠密张量", Miss.MISSING, 0.0),  # said of no subject
    ],
)
def test_an_opposite_word_contradicts_a_point_only_when_said_of_its_subject(cards, answer, reason, earned):
    # c003-pruning: 模型稀疏 is said of 非结构化剪枝, which the question compares with 结构化剪枝.
    point = result(grade_answer(cards["c003-pruning"], answer), "模型稀疏")
    assert (point.made, point.reason, point.earned) == (False, reason, earned)


def test_not_as_good_as_reads_worse(cards):
    # 不如 reads 不佳 (worse): c000-hw-3.4's first point says a deeper plain network does worse than a shallow one.
    grade = grade_answer(cards["c000-hw-3.4"], "层数加深后，深网络的效果还不如浅网络")
    assert grade.points[0].made


def test_one_instruction_is_not_an_instruction_set(cards):
    # c001-hw7-1: 指令集架构 is not made by "一条指令处理多个数据" (that is SIMD).
    grade = grade_answer(cards["c001-hw7-1"], "向量处理器一条指令处理多个数据")
    assert not result(grade, "指令集架构").made


def test_more_and_more_reads_more_and_fewer_reads_less(cards):
    # 越多 reads 增加 (更多) and 越少 reads 减少: c004-q2's "覆盖更多边缘情况" is made by one and contradicted by the other.
    card = cards["c004-q2"]
    assert result(grade_answer(card, "数据多了，训练时覆盖的边缘情况就越多"), "覆盖更多边缘情况").made
    fewer = result(grade_answer(card, "数据多了，训练时覆盖的边缘情况越少"), "覆盖更多边缘情况")
    assert (fewer.made, fewer.reason) == (False, Miss.CONTRADICTED)


def test_unimportant_reads_as_the_chinese_does(cards):
    # 不重要 does not negate (it is "minor"), so "unimportant" reads the same: c003-pruning's unstructured pruning.
    grade = grade_answer(cards["c003-pruning"], "Unstructured pruning removes individual unimportant neurons or connections")
    assert result(grade, "剪除不重要的神经元或连接").made


def test_another_term_of_the_same_kind_does_not_spell_the_points_term(cards):
    # c002-7: BatchNorm (批归一化) holds the characters of 层归一化 but is another normalisation.
    card = cards["c002-7"]
    assert not result(grade_answer(card, "每个子层都用 BatchNorm 做归一化"), "LayerNorm").made
    assert result(grade_answer(card, "每个子层都用 LayerNorm 做归一化"), "LayerNorm").made


def test_compiling_then_running_is_not_compiling_at_run_time(cards):
    # 运行时 (run time) is one word: c001-hw5-2's 即时编译 | 运行时编译 is not made by 编译 and 运行 apart.
    card = cards["c001-hw5-2"]
    assert not result(grade_answer(card, "编译后的模型只能在一种硬件上运行"), "即时编译").made
    assert result(grade_answer(card, "遇到动态控制流可以在运行的时候再编译"), "即时编译").made


def test_a_large_model_is_not_the_small_one(cards):
    # c003-distillation: 学生 | 小模型 is not made by "大模型是教师" (大模型 holds 模型, not 小模型).
    card = cards["c003-distillation"]
    assert not result(grade_answer(card, "大模型是教师"), "学生").made
    assert result(grade_answer(card, "小模型是学生"), "学生").made
