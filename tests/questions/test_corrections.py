"""The decks' corrections: edits of the generated text that a regeneration from the seeds applies again."""

import importlib.util
import sys
from pathlib import Path

import pytest

from tutor.errors import DeckError
from tutor.questions.card import Card
from tutor.questions.deck import Correction, Why, dump_deck, load_deck, parse_deck
from tutor.questions.library import load_library

ROOT = Path(__file__).resolve().parents[2]
DECKS = sorted((ROOT / "content").glob("*.yaml"))
SEED_TYPOS = {"Grace Hoper": "Grace Hopper", "LetNet": "LeNet", "Minst": "MNIST", "多级多卡": "多机多卡", "全中国weight": "全部weight"}
"""Typos of the seeds named by the review (issue 12), with what the learner reads instead."""


def _corrections():
    for path in DECKS:
        deck = load_deck(path)
        cards = {card.id: card for card in deck.cards}
        for correction in deck.corrections:
            yield cards[correction.card], correction


@pytest.mark.parametrize(("card", "correction"), list(_corrections()), ids=lambda value: getattr(value, "id", ""))
def test_every_correction_is_in_the_text_the_learner_reads(card, correction):
    text = getattr(card, correction.field)
    assert correction.new in text
    # "型解释性" → "模型解释性" keeps the old text inside the new one; otherwise the old text is gone
    assert correction.old not in text or correction.old in correction.new


def test_the_seed_typos_are_corrected_and_listed():
    visible = " ".join(card.question + card.answer for card in load_library().cards)
    listed = {(correction.old, correction.new) for _, correction in _corrections() if correction.why is Why.TYPO}
    for typo, fixed in SEED_TYPOS.items():
        assert typo not in visible and fixed in visible, typo
        assert any(typo in old and old.replace(typo, fixed) == new for old, new in listed), typo


def test_a_correction_replaces_its_text_in_one_field_only():
    card = Card(id="a", deck="d", question="LetNet?", answer="LetNet and VGG\n")
    fixed = Correction(card="a", field="answer", old="LetNet", new="LeNet", why=Why.TYPO).apply(card)
    assert fixed.answer == "LeNet and VGG\n" and fixed.question == "LetNet?"


def test_corrections_survive_dump_and_parse(tmp_path):
    deck = load_deck(next(path for path in DECKS if load_deck(path).corrections))
    again = parse_deck(dump_deck(deck), tmp_path / "again.yaml")
    assert again.corrections == deck.corrections and again.cards == deck.cards


BASE = "deck: x\ncards:\n  - id: a\n    question: q\n    answer: b\n"


@pytest.mark.parametrize(
    ("corrections", "line", "message"),
    [
        ("corrections: {}\n", 6, "corrections must be a list"),
        ("corrections:\n  - {card: a, field: answer, old: b}\n", 7, "needs 'new'"),
        ("corrections:\n  - {card: z, field: answer, old: b, new: c, why: typo}\n", 7, "names no card"),
        ("corrections:\n  - {card: a, field: tags, old: b, new: c, why: typo}\n", 7, "question or answer"),
        ("corrections:\n  - {card: a, field: answer, old: b, new: c, why: taste}\n", 7, "why is one of"),
        ("corrections:\n  - {card: a, field: answer, old: b, new: b, why: typo}\n", 7, "changes a non-empty text"),
        ("corrections:\n  - {card: a, field: answer, old: ~, new: c, why: typo}\n", 7, "must be text"),
    ],
)
def test_a_malformed_correction_is_refused_with_file_and_line(tmp_path, corrections, line, message):
    with pytest.raises(DeckError, match=rf"deck\.yaml:{line}: .*{message}"):
        parse_deck(BASE + corrections, tmp_path / "deck.yaml")


def _build_decks(monkeypatch, root: Path):
    spec = importlib.util.spec_from_file_location("build_decks", ROOT / "scripts" / "build_decks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "ROOT", root)
    return module


def test_regenerating_a_deck_applies_its_corrections_again(tmp_path, monkeypatch, capsys):
    # A stand-in seed reader: the seed still has the typo, and no longer has the text of a second correction.
    reader = type(sys)("fake_seed_reader")
    reader.read = lambda seed: [{"id": "a", "question": "Which nets?", "answer": "LetNet, VGG", "line": 3}]
    monkeypatch.setitem(sys.modules, "fake_seed_reader", reader)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "009-x.yaml").write_text(
        BASE
        + "    key_points: [LeNet]\n"
        + "corrections:\n"
        + "  - {card: a, field: answer, old: LetNet, new: LeNet, why: typo}\n"
        + "  - {card: a, field: question, old: Which?, new: Which CNNs?, why: standalone}\n",
        encoding="utf-8",
    )
    build = _build_decks(monkeypatch, tmp_path)
    deck = build.build_deck(tmp_path / "009_seed.txt", "fake_seed_reader", "x", "X")
    (card,) = deck.cards
    assert card.answer == "LeNet, VGG\n" and card.key_points == ("LeNet",)
    assert len(deck.corrections) == 2
    assert "009-x.yaml: a: the seed no longer has 'Which?'" in capsys.readouterr().err


def test_regenerating_drops_the_corrections_of_cards_the_seed_no_longer_has(tmp_path, monkeypatch, capsys):
    reader = type(sys)("fake_seed_reader")
    reader.read = lambda seed: [{"id": "b", "question": "Q?", "answer": "A", "line": 1}]
    monkeypatch.setitem(sys.modules, "fake_seed_reader", reader)
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "009-x.yaml").write_text(
        BASE + "corrections:\n  - {card: a, field: answer, old: b, new: c, why: typo}\n", encoding="utf-8"
    )
    build = _build_decks(monkeypatch, tmp_path)
    deck = build.build_deck(tmp_path / "009_seed.txt", "fake_seed_reader", "x", "X")
    assert deck.corrections == () and [card.id for card in deck.cards] == ["b"]
    parse_deck(dump_deck(deck), tmp_path / "again.yaml")  # what the script writes loads again
    assert "009-x.yaml: a: no such card any more" in capsys.readouterr().err


def test_a_generated_answer_marks_the_sentences_its_errata_correct():
    # Generated answers keep the seed's words, so a wrong sentence is marked where it stands (or rephrased by a
    # figure correction); the hand-written essay deck corrects its text instead and records the essay's words.
    checked = 0
    for path in DECKS:
        deck = load_deck(path)
        if not deck.corrections:
            continue
        rephrased = {correction.card for correction in deck.corrections if correction.why is Why.FIGURE}
        for card in deck.cards:
            if card.errata:
                assert "〔见勘误〕" in card.answer or card.id in rephrased, card.id
                checked += 1
    assert checked > 0, "no generated deck has errata: the check above ran on nothing"
