"""The hand-written deck of the essay seed 003 (AI计算模式): size, coverage of every section, and card hygiene."""

import re
from pathlib import Path

import pytest

from tutor.questions.card import point_wordings
from tutor.questions.deck import load_deck

DECK = Path(__file__).resolve().parents[2] / "content" / "003-ai-compute-modes.yaml"
SEED_FILE = "003_de5aec50b658a3a1.txt"
SEED_LINES = 413
TAGS = {"optimization", "cnn", "rnn", "attention", "generative", "frameworks", "distributed", "hardware",
        "compression", "fundamentals", "history"}

SECTIONS = {
    # section of the essay: (card id, a word its answer must contain)
    "activation functions": ("c003-activation", "Tanh"),
    "ReLU and its variants": ("c003-relu-variants", "LeakyReLU"),
    "Swish and GELU": ("c003-swish-gelu", "GELU"),
    "perceptron": ("c003-perceptron", "异或"),
    "fully connected layers": ("c003-fc-layer", "仿射变换"),
    "convolution": ("c003-cnn-conv", "权重共享"),
    "recurrent networks": ("c003-rnn", "隐状态"),
    "attention": ("c003-attention", "缩放点积"),
    "the CNN history table": ("c003-cnn-history", "EfficientNet-B4"),
    "LeNet-5": ("c003-lenet5", "16\\times5\\times5"),
    "AlexNet": ("c003-alexnet", "Dropout"),
    "VGG": ("c003-vgg16", "3×3"),
    "GoogLeNet / Inception": ("c003-googlenet", "Inception"),
    "ResNet": ("c003-resnet", "残差"),
    "LSTM": ("c003-lstm", "遗忘门"),
    "GRU": ("c003-gru", "更新门"),
    "NAS": ("c003-nas", "搜索空间"),
    "small kernels": ("c003-small-kernels", "感受野"),
    "1×1 convolutions": ("c003-1x1-conv", "1×1"),
    "feature reuse": ("c003-feature-reuse", "GhostNet"),
    "quantization": ("c003-quantization", "Int8"),
    "pruning": ("c003-pruning", "结构化剪枝"),
    "weight sharing": ("c003-weight-sharing", "查表"),
    "distillation": ("c003-distillation", "温度"),
    "DP and DDP": ("c003-dp-ddp", "Ring-AllReduce"),
    "ring all-reduce": ("c003-ring-allreduce", "reduce-scatter"),
    "FSDP": ("c003-fsdp", "all_gather"),
    "tensor parallelism": ("c003-tensor-parallel", "列并行"),
    "pipeline parallelism (GPipe, PipeDream)": ("c003-pipeline-parallel", "PipeDream"),
    "virtual pipeline": ("c003-virtual-pipeline", "virtual_pipeline_stage"),
}


@pytest.fixture(scope="module")
def deck():
    return load_deck(DECK)


def test_deck_name_and_title(deck):
    assert (deck.name, deck.title) == ("ai-compute-modes", "AI计算模式（综述）")


def test_deck_has_at_least_25_cards(deck):
    assert len(deck.cards) >= 25


@pytest.mark.parametrize("section", SECTIONS)
def test_each_section_of_the_essay_has_a_card(deck, section):
    card_id, word = SECTIONS[section]
    cards = {card.id: card for card in deck.cards}
    assert card_id in cards, section
    assert word in cards[card_id].answer, section


def test_ids_are_descriptive_and_unique(deck):
    ids = [card.id for card in deck.cards]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"c003-[a-z0-9]+(-[a-z0-9]+)*", card_id) for card_id in ids)


def test_every_card_has_three_to_six_key_points(deck):
    for card in deck.cards:
        assert 3 <= len(card.key_points) <= 6, card.id
        wordings = [wording for point in card.key_points for wording in point_wordings(point)]
        assert all(wording.strip() and len(wording) <= (50 if wording.isascii() else 30) for wording in wordings), card.id


def test_every_card_has_known_tags(deck):
    for card in deck.cards:
        assert card.tags, card.id
        assert set(card.tags) <= TAGS, card.id


def test_every_card_points_at_a_line_of_the_seed(deck):
    for card in deck.cards:
        assert card.source is not None and card.source.file == SEED_FILE, card.id
        assert 1 <= card.source.line <= SEED_LINES, card.id


def test_questions_and_answers_are_chinese(deck):
    han = re.compile(r"[\u4e00-\u9fff]")
    for card in deck.cards:
        assert han.search(card.question) and han.search(card.answer), card.id


def test_no_answer_references_an_image(deck):
    image = re.compile(r"!\[[^\]]*\]\([^)]*\)|\.(png|PNG|jpg)\b")
    for card in deck.cards:
        assert not image.search(card.answer), card.id
        assert all(not image.search(erratum.correction) for erratum in card.errata), card.id


def test_math_delimiters_are_balanced(deck):
    for card in deck.cards:
        text = card.answer.replace("$$", "")
        assert text.count("$") % 2 == 0, card.id


def test_every_key_point_is_in_the_reference_answer(deck):
    # Drills grade typed answers by their key points: the reference answer (with its corrections, on a card
    # with errata) must earn full marks.
    from tutor.engine.grading import grade_answer

    for card in deck.cards:
        reference = "\n".join([card.answer, *(erratum.correction for erratum in card.errata)])
        assert grade_answer(card, reference).missed == (), card.id
