"""Every question stands on its own: shown out of order, it still says what it asks about."""

import re

import pytest

from tutor.questions.library import load_library

CARDS = load_library().cards

BARE_PRONOUN = re.compile(r"^(它们|它|这些|这|其)")
"""A question that starts with one of these only makes sense after the question before it."""

SOURCE_TEXT = re.compile(r"文中|上文|本文|上述")
"""A question about "the text" points at a source document the learner does not have in front of them."""

MISSING_FIGURE = re.compile(r"如[上下]?图[：:，,。.所]|[看见][上下]图|如下图所示|图可以看出|当前点是[A-Z]点|[（(][红绿蓝]色[)）]")
"""References to a figure the corpus does not ship (the seeds' images are not included)."""


@pytest.mark.parametrize("card", CARDS, ids=lambda card: card.id)
def test_no_question_starts_with_a_bare_pronoun(card):
    assert not BARE_PRONOUN.match(card.question), card.question


@pytest.mark.parametrize("card", CARDS, ids=lambda card: card.id)
def test_no_question_asks_about_a_source_text_the_learner_cannot_see(card):
    assert not SOURCE_TEXT.search(card.question), card.question


@pytest.mark.parametrize("card", CARDS, ids=lambda card: card.id)
def test_no_text_points_at_a_figure_that_is_not_there(card):
    assert not MISSING_FIGURE.search(card.question + "\n" + card.answer)


def test_the_patterns_catch_what_the_seeds_wrote():
    assert BARE_PRONOUN.match("它们各自的思想来源是什么？") and BARE_PRONOUN.match("其优点是什么？")
    assert not BARE_PRONOUN.match("人工智能的三大流派各自的思想来源是什么？")
    for text in ("如图：", "如下图, 立方体", "(看上图便可知晓)", "如果当前点是A点", "全批次(Batch)(蓝色)", "从两者梯度图可以看出"):
        assert MISSING_FIGURE.search(text), text
    assert not MISSING_FIGURE.search("如图像合成、动画生成等")
