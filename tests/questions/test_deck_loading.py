"""Deck files load into cards, and malformed ones are refused with file:line."""

from pathlib import Path

import pytest

from tutor.errors import DeckError
from tutor.questions.deck import Deck, dump_deck, load_deck, parse_deck
from tutor.questions.card import Card, DemoLink, Erratum, Source

GOOD = """\
deck: sample
title: Sample deck
cards:
  - id: s-1
    question: 什么是梯度下降？
    answer: |
      沿负梯度方向更新参数：$w \\leftarrow w - \\eta \\nabla L$
    source: {file: notes.md, line: 3}
    tags: [optimization]
    key_points: [负梯度, 学习率, 迭代]
    demos: [{name: descent, params: {kappa: 10}}]
    errata: []
  - id: s-2
    question: What is ReLU?
    answer: max(0, x)
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "deck.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_deck_loads_every_field(tmp_path):
    deck = load_deck(write(tmp_path, GOOD))
    first = deck.cards[0]
    assert (deck.name, deck.title, len(deck.cards)) == ("sample", "Sample deck", 2)
    assert first.deck == "sample"
    assert first.source == Source(file="notes.md", line=3)
    assert first.tags == ("optimization",)
    assert first.demos == (DemoLink(name="descent", params={"kappa": 10}),)
    assert "\\nabla" in first.answer


def test_optional_fields_default_to_empty(tmp_path):
    card = load_deck(write(tmp_path, GOOD)).cards[1]
    assert (card.source, card.tags, card.key_points, card.demos, card.errata) == (None, (), (), (), ())


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        # a YAML syntax error points at the line the parser stopped on
        ("deck: x\ncards:\n  - id: a\n    question: [unclosed\n", 5, "not valid YAML"),
        # a card without a question: the card's own line
        ("deck: x\ncards:\n  - id: a\n    answer: b\n", 3, "no 'question'"),
        # a misspelt field is named, at its line
        ("deck: x\ncards:\n  - id: a\n    question: q\n    answer: b\n    tagz: [x]\n", 6, "unknown card field 'tagz'"),
        # duplicate ids: the second one, with the first's line
        ("deck: x\ncards:\n  - {id: a, question: q, answer: b}\n  - {id: a, question: r, answer: c}\n", 4, "duplicate card id"),
        # tags must be a list
        ("deck: x\ncards:\n  - id: a\n    question: q\n    answer: b\n    tags: cnn\n", 6, "tags must be a list"),
        # the top level must be a mapping
        ("- id: a\n", 1, "a deck file must be a mapping"),
        # a deck name that cannot be a file name
        ("deck: Bad Name\ncards: []\n", 1, "deck name"),
        # no cards key
        ("deck: x\n", 1, "no 'cards'"),
        # source without a line
        ("deck: x\ncards:\n  - id: a\n    question: q\n    answer: b\n    source: {file: f}\n", 6, "source needs"),
        # an erratum must say how it is checked
        ("deck: x\ncards:\n  - id: a\n    question: q\n    answer: b\n    errata: [{claim: c, correction: d}]\n", 6, "needs 'check'"),
    ],
)
def test_malformed_deck_is_refused_with_file_and_line(tmp_path, text, line, message):
    path = write(tmp_path, text)
    with pytest.raises(DeckError) as caught:
        load_deck(path)
    assert str(caught.value).startswith(f"{path}:{line}:")
    assert message in str(caught.value)


def test_an_empty_file_is_refused(tmp_path):
    with pytest.raises(DeckError, match=r"deck.yaml:1: the deck file is empty"):
        load_deck(write(tmp_path, ""))


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "deck.yaml"
    path.write_bytes("deck: x\n".encode("utf-16"))
    with pytest.raises(DeckError, match="not UTF-8"):
        load_deck(path)


def test_dump_then_parse_gives_the_same_cards(tmp_path):
    card = Card(
        id="r-1",
        deck="round",
        question="池化层的作用？",
        answer="| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint(1)\n```\n",
        source=Source("x.txt", 9),
        tags=("cnn",),
        key_points=("下采样", "不变性", "减少参数"),
        demos=(DemoLink("activations", {"lo": -5.0}),),
        errata=(Erratum("说法", "更正", "tests/x.py::test_y"),),
    )
    deck = Deck(name="round", title="Round trip", cards=(card,))
    assert parse_deck(dump_deck(deck), tmp_path / "round.yaml").cards == (card,)
