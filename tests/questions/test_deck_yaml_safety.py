"""Deck files are plain data: YAML aliases and tags are refused with file:line, and every field's type is checked."""

import time
from pathlib import Path

import pytest

from tutor.errors import DeckError
from tutor.questions.card import Card, Source
from tutor.questions.deck import Deck, dump_deck, load_deck, parse_deck
from tutor.questions.library import packaged_deck_paths

PATH = Path("deck.yaml")

BILLION_LAUGHS = """\
deck: lol
title: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
cards:
  - id: a
    question: q
    answer: a
    tags: *i
"""


def card(**fields: str) -> str:
    """A deck of one card whose fields are the YAML lines given (a valid card when none is)."""
    lines = {"id": "a", "question": "q", "answer": "a", **fields}
    return "deck: x\ncards:\n  - " + "\n    ".join(f"{name}: {value}" for name, value in lines.items()) + "\n"


def refusal(text: str) -> str:
    with pytest.raises(DeckError) as raised:
        parse_deck(text, PATH)
    return str(raised.value)


def test_a_billion_laughs_is_refused_at_once(tmp_path):
    path = tmp_path / "lol.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    started = time.process_time()
    with pytest.raises(DeckError) as raised:
        load_deck(path, user=True)
    assert time.process_time() - started < 1.0
    # The anchor's line: 10**9 "lol"s would hang every command for minutes and then fail for lack of memory.
    assert str(raised.value) == f"{path}:2: YAML anchors and aliases (&name, *name) are not allowed in a deck"


def test_a_recursive_alias_is_refused():
    assert refusal("deck: x\ncards: &r [*r]\n") == "deck.yaml:2: YAML anchors and aliases (&name, *name) are not allowed in a deck"


@pytest.mark.parametrize(
    ("value", "tag"),
    [
        ("!!binary aGk=", "tag:yaml.org,2002:binary"),
        ("!!python/object/apply:os.system [ls]", "tag:yaml.org,2002:python/object/apply:os.system"),
        ("!custom q", "!custom"),
        ("!!int '12'", "tag:yaml.org,2002:int"),  # quoted text turned into a number
    ],
)
def test_a_tag_is_refused_with_its_line(value, tag):
    assert refusal(card(question=value)) == f"deck.yaml:4: YAML tags ({tag}) are not allowed in a deck"


def test_a_tagged_collection_is_refused():
    assert refusal("deck: x\ncards: !!set {a: null}\n") == "deck.yaml:2: YAML tags (tag:yaml.org,2002:set) are not allowed in a deck"


@pytest.mark.parametrize(
    ("fields", "line", "message"),
    [
        ({"question": "null"}, 4, "the card's question must be text, not 'null'"),
        ({"id": "true"}, 3, "the card's id must be text, not 'true'"),
        ({"tags": "[cnn, 2001-01-01]"}, 6, "each item of tags must be text, not '2001-01-01'"),
        ({"key_points": "[[nested]]"}, 6, "each item of key_points must be a value"),
        ({"source": "{file: [a], line: 3}"}, 6, "source file must be a value"),
        ({"errata": "[{claim: c, correction: {x: 1}, check: t}]"}, 6, "the correction of each item of errata must be a value"),
        ({"demos": "[{name: descent, params: {kappa: [1, 2]}}]"}, 6, "demo parameter 'kappa' must be a value"),
    ],
)
def test_each_field_has_the_type_it_is_used_as(fields, line, message):
    assert refusal(card(**fields)) == f"deck.yaml:{line}: {message}"


def test_a_title_must_be_text():
    assert refusal("deck: x\ntitle: [a, b]\ncards: []\n") == "deck.yaml:2: the deck's title must be a value"


def test_numbers_and_an_empty_answer_are_text():
    loaded = parse_deck(card(id="12", question="3.5", answer="", tags="[1]"), PATH).cards[0]
    assert (loaded.id, loaded.question, loaded.answer, loaded.tags) == ("12", "3.5", "\n", ("1",))


@pytest.mark.parametrize("path", packaged_deck_paths(), ids=lambda path: path.name)
def test_packaged_decks_pass_the_same_loader(path):
    assert load_deck(path).cards


def test_a_written_deck_loads_back_through_the_same_loader():
    tags = ("cnn", "pooling")
    source = Source(file="notes.md", line=1)
    cards = tuple(
        Card(id=f"u-{n}", deck="mine", question=f"q{n}", answer="a\n", source=source, tags=tags) for n in range(2)
    )
    text = dump_deck(Deck(name="mine", title="Mine", cards=cards))
    assert "&" not in text and "*" not in text
    assert parse_deck(text, PATH).cards == cards
