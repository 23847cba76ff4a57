"""The deep-learning decks built from seeds 002 and 004: complete, well-formed and safe to show.

These tests read only the committed deck files in content/, never the seeds (a learner's clone has none).
"""

import re
from pathlib import Path

import pytest

from tutor.questions.card import point_wordings
from tutor.questions.deck import Deck, load_deck

CONTENT = Path(__file__).resolve().parents[2] / "content"
TAGS = {
    "optimization", "cnn", "rnn", "generative", "frameworks", "distributed", "hardware", "compression",
    "fundamentals", "attention", "regularization", "programming",
}  # fmt: skip
# deck name -> (seed file, number of cards the issue asks for)
DECKS = {
    "dl-topics": ("002_8cc547d0acedf5d8.txt", 9),
    "dl-interview": ("004_6e228d90eb815cb0.txt", 50),
}


def _deck(name: str) -> Deck:
    return load_deck(next(CONTENT.glob(f"???-{name}.yaml")))


@pytest.mark.parametrize("name", DECKS)
def test_deck_has_the_number_of_cards_the_issue_asks_for(name):
    assert len(_deck(name).cards) == DECKS[name][1]


@pytest.mark.parametrize("name", DECKS)
def test_card_ids_are_unique_across_both_decks(name):
    ids = [card.id for deck in DECKS for card in _deck(deck).cards]
    assert len(ids) == len(set(ids))


def test_topic_ids_follow_document_order():
    assert [card.id for card in _deck("dl-topics").cards] == [f"c002-{n}" for n in range(1, 10)]


def test_interview_ids_are_q1_to_q49_with_the_second_q3_apart():
    expected = ["c004-q1", "c004-q2", "c004-q3", "c004-q3b"] + [f"c004-q{n}" for n in range(4, 50)]
    assert [card.id for card in _deck("dl-interview").cards] == expected


def test_both_q3_cards_are_present_with_their_own_questions():
    cards = {card.id: card for card in _deck("dl-interview").cards}
    assert "batch size" in cards["c004-q3"].question
    assert "ensemble learning" in cards["c004-q3b"].question


def test_matrix_product_topic_is_a_card():
    questions = [card.question for card in _deck("dl-topics").cards]
    assert "Python 矩阵乘积计算原理" in questions


@pytest.mark.parametrize("name", DECKS)
def test_questions_carry_no_outline_decoration(name):
    for card in _deck(name).cards:
        assert not re.match(r"^(-\s|Q\d|#)", card.question), card.id
        assert "**" not in card.question, card.id


@pytest.mark.parametrize("name", DECKS)
def test_every_card_has_three_to_six_short_key_points(name):
    for card in _deck(name).cards:
        assert 3 <= len(card.key_points) <= 6, card.id
        wordings = [wording for point in card.key_points for wording in point_wordings(point)]
        assert all(0 < len(wording) <= (50 if wording.isascii() else 30) for wording in wordings), card.id


@pytest.mark.parametrize("name", DECKS)
def test_every_card_has_tags_from_the_shared_vocabulary(name):
    for card in _deck(name).cards:
        assert card.tags, card.id
        assert set(card.tags) <= TAGS, card.id


@pytest.mark.parametrize("name", DECKS)
def test_sources_name_the_seed_and_a_positive_line_in_order(name):
    cards = _deck(name).cards
    assert all(card.source is not None and card.source.file == DECKS[name][0] for card in cards)
    lines = [card.source.line for card in cards]
    assert all(line > 0 for line in lines)
    assert lines == sorted(lines) and len(set(lines)) == len(lines)


@pytest.mark.parametrize("name", DECKS)
def test_no_image_or_iframe_reaches_the_learner(name):
    for card in _deck(name).cards:
        text = card.question + card.answer
        assert not re.search(r"\.(png|jpe?g|gif|svg)\b", text, re.IGNORECASE), card.id
        assert "<iframe" not in text.lower() and "<img" not in text.lower(), card.id
        assert "![" not in text, card.id


@pytest.mark.parametrize("name", DECKS)
def test_answers_have_no_indented_code_block_by_accident(name):
    # The seed's outline indents explanations 8-16 spaces; left as is, Markdown would show them as code.
    from markdown_it import MarkdownIt  # the parser Rich renders with

    parser = MarkdownIt("commonmark")
    for card in _deck(name).cards:
        kinds = {token.type for token in parser.parse(card.answer)}
        assert "code_block" not in kinds, card.id


def test_interview_answers_lose_no_outline_text():
    # Every bullet of the seed's outline survives as a bullet of the answer (3 spot checks across depths).
    answers = {card.id: card.answer for card in _deck("dl-interview").cards}
    assert "  - 输出非零中心: 导致梯度更新时收敛较慢." in answers["c004-q4"]
    assert "### 梯度消失的定义" in answers["c004-q7"]
    assert "- 1个 epoch 指: 用训练集中的全部样本训练一次." in answers["c004-q3"]


@pytest.mark.parametrize("name", DECKS)
def test_code_fences_are_balanced(name):
    for card in _deck(name).cards:
        assert len(re.findall(r"^\s*```", card.answer, re.MULTILINE)) % 2 == 0, card.id


def test_outline_labels_do_not_run_into_the_text_under_them():
    # In the seed, "- Definition" is followed by lines indented under it; as plain Markdown they would join
    # the label's paragraph ("Definition batch-size: ...").
    from markdown_it import MarkdownIt

    answers = {card.id: card.answer for card in _deck("dl-interview").cards}
    paragraphs = {
        card_id: {token.content for token in MarkdownIt("commonmark").parse(text) if token.type == "inline"}
        for card_id, text in answers.items()
    }
    assert "Definition" in paragraphs["c004-q3"]
    assert "1位符号位, 5位指数位, 10位尾数位(也称为“有效数字”)" in paragraphs["c004-q49"]
    assert "格式: FP16是标准的16位浮点数, 遵循IEEE 754标准." in paragraphs["c004-q49"]


@pytest.mark.parametrize("name", DECKS)
def test_reference_answer_makes_every_key_point(name):
    # Key points are taken from the answer's own wording, so a learner who reproduces it gets full marks; on a
    # card with errata the key points follow the corrections, which are shown with the answer.
    from tutor.engine.grading import grade_answer

    for card in _deck(name).cards:
        reference = "\n".join([card.answer, *(erratum.correction for erratum in card.errata)])
        assert grade_answer(card, reference).missed == (), card.id
