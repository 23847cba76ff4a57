"""Deck files: YAML documents holding a deck's name, title and cards, loaded and validated with file:line errors.

A deck file looks like::

    deck: dl-interview
    title: 深度学习面试问答
    source: 004_6e228d90eb815cb0.txt
    cards:
      - id: c004-q1
        question: 深度学习和机器学习本质的区别在哪里?
        answer: |
          ...
        source: {file: 004_6e228d90eb815cb0.txt, line: 3}
        tags: [fundamentals]
        key_points: [特征提取自动化, 数据量]
        demos: []
        errata: []
    corrections:
      - card: c004-q28
        field: answer
        old: LetNet
        new: LeNet
        why: typo

``corrections`` records every edit made to the text a seed reader produced (typos of the seed, follow-up
questions given their subject, references to figures that are not shipped), so that regenerating the deck
from its seed (scripts/build_decks.py) applies them again instead of losing them.
"""

import re
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from tutor.errors import DeckError
from tutor.questions.card import Card
from tutor.questions.files import MEGABYTE, UnreadableFileError, read_regular_file

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
DECK_NAME = re.compile(rf"^[a-z0-9{_CJK}][a-z0-9{_CJK}_-]{{0,63}}$")
"""Deck names are short: lower-case Latin letters, digits and CJK characters (``我的笔记``), ``-`` and ``_``."""

MAX_DECK_BYTES = 64 * MEGABYTE
"""The largest deck file loaded: an imported deck holds at most a 20 MB note file, plus YAML's quoting."""

_CARD_FIELDS = {"id", "question", "answer", "source", "tags", "key_points", "demos", "errata"}
_CORRECTION_FIELDS = ("card", "field", "old", "new", "why")
_REQUIRED_CARD_FIELDS = ("id", "question", "answer")

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster than the pure-Python loader


class Why(StrEnum):
    """Why the text of a generated card was corrected."""

    TYPO = "typo"
    """A misspelling of the seed (a name, a word, a symbol)."""
    STANDALONE = "standalone"
    """A question that only made sense after the one before it now carries its subject."""
    FIGURE = "figure"
    """A reference to a figure that is not shipped is rephrased, or the figure is drawn as text."""
    ERRATUM = "erratum"
    """A sentence that states what the card's erratum corrects is marked where it stands."""
    MARKUP = "markup"
    """Markup that was malformed in the seed (a table without its rows, stray symbols) is repaired."""


@dataclass(frozen=True)
class Correction:
    """One edit of a generated card's text: ``old`` becomes ``new`` in the card's question or answer."""

    card: str
    """Id of the corrected card."""
    field: str
    """``question`` or ``answer``."""
    old: str
    """The text as the seed reader produces it."""
    new: str
    """The text the learner sees."""
    why: Why
    """The kind of correction."""

    def apply(self, card: Card) -> Card:
        """Return ``card`` with ``old`` replaced by ``new`` in the corrected field (unchanged if ``old`` is absent)."""
        return replace(card, **{self.field: getattr(card, self.field).replace(self.old, self.new)})

    def to_dict(self) -> dict[str, str]:
        return {"card": self.card, "field": self.field, "old": self.old, "new": self.new, "why": str(self.why)}


@dataclass(frozen=True)
class Deck:
    """A named collection of cards loaded from one file."""

    name: str
    """Short name used on the command line (``--deck NAME``)."""
    title: str
    """Human title shown in lists."""
    cards: tuple[Card, ...]
    """The cards in the order of the file."""
    path: Path | None = None
    """The file the deck was loaded from."""
    user: bool = False
    """True for the learner's imported decks, false for the packaged corpus."""
    corrections: tuple[Correction, ...] = ()
    """Edits of the generated cards' text, kept so that regenerating the deck applies them again."""

    def to_dict(self) -> dict[str, Any]:
        """Return the deck's summary as plain data (without cards)."""
        return {"name": self.name, "title": self.title, "cards": len(self.cards), "user": self.user}


def _where(path: Path, node: yaml.Node) -> str:
    return f"{path}:{node.start_mark.line + 1}"


def _mapping_items(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {str(key.value): (key, value) for key, value in node.value}


def _expect(path: Path, node: yaml.Node, kind: type, what: str) -> None:
    if not isinstance(node, kind):
        expected = {yaml.MappingNode: "a mapping", yaml.SequenceNode: "a list", yaml.ScalarNode: "a value"}[kind]
        raise DeckError(f"{_where(path, node)}: {what} must be {expected}")


_TEXT_TAGS = frozenset(f"tag:yaml.org,2002:{kind}" for kind in ("str", "int", "float"))
"""What a text field may hold: text, or a number written as text is (``id: 12``). Not null, true or a date."""


def _expect_text(path: Path, node: yaml.Node, what: str, *, may_be_empty: bool = False) -> None:
    _expect(path, node, yaml.ScalarNode, what)
    if node.tag not in _TEXT_TAGS and not (may_be_empty and node.tag == "tag:yaml.org,2002:null"):
        raise DeckError(f"{_where(path, node)}: {what} must be text, not {node.value or 'nothing'!r}")


def _check_string_list(path: Path, node: yaml.Node, what: str) -> None:
    _expect(path, node, yaml.SequenceNode, what)
    for item in node.value:
        _expect_text(path, item, f"each item of {what}")


_DEFAULT_COLLECTION_TAGS = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}


def _refuse_aliases_and_tags(path: Path, loader: yaml.BaseLoader, root: yaml.Node) -> None:
    """Refuse a deck whose YAML uses aliases (``*name``) or tags (``!!python/…``, ``!!binary``, ``!!set``…).

    A deck is plain data: an alias only lets a 400-byte file expand to gigabytes once constructed ("billion
    laughs"), and a tag changes what a value is behind its text. Composing leaves an alias as a second
    reference to its anchor's node, so one walk over the node graph, each node visited once, finds both
    before anything is constructed.

    Raises:
        DeckError: at the anchor's line for an alias, at the node's line for a tag.
    """
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            raise DeckError(f"{_where(path, node)}: YAML anchors and aliases (&name, *name) are not allowed in a deck")
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            plain = not node.style
            # A value whose tag is not the one its text resolves to carries an explicit tag.
            if node.tag != loader.resolve(yaml.ScalarNode, node.value, (plain, not plain)):
                raise DeckError(f"{_where(path, node)}: YAML tags ({node.tag}) are not allowed in a deck")
            continue
        if node.tag != _DEFAULT_COLLECTION_TAGS[type(node)]:
            raise DeckError(f"{_where(path, node)}: YAML tags ({node.tag}) are not allowed in a deck")
        if isinstance(node, yaml.MappingNode):
            stack.extend(item for pair in node.value for item in pair)
        else:
            stack.extend(node.value)


def _check_card(path: Path, node: yaml.Node) -> None:
    _expect(path, node, yaml.MappingNode, "a card")
    items = _mapping_items(node)
    for name, (key, _) in items.items():
        if name not in _CARD_FIELDS:
            raise DeckError(f"{_where(path, key)}: unknown card field {name!r}")
    for name in _REQUIRED_CARD_FIELDS:
        if name not in items:
            raise DeckError(f"{_where(path, node)}: card has no {name!r}")
        value = items[name][1]
        _expect_text(path, value, f"the card's {name}", may_be_empty=name == "answer")
        if name != "answer" and not str(value.value).strip():
            raise DeckError(f"{_where(path, value)}: the card's {name} is empty")
    for name in ("tags", "key_points"):
        if name in items:
            _check_string_list(path, items[name][1], name)
    if "source" in items:
        value = items["source"][1]
        _expect(path, value, yaml.MappingNode, "source")
        fields = _mapping_items(value)
        if "file" not in fields or "line" not in fields:
            raise DeckError(f"{_where(path, value)}: source needs file and line")
        _expect_text(path, fields["file"][1], "source file")
        line = fields["line"][1]
        if not (isinstance(line, yaml.ScalarNode) and str(line.value).isdigit()):
            raise DeckError(f"{_where(path, line)}: source line must be a positive number")
    for name, required in (("demos", ("name",)), ("errata", ("claim", "correction", "check"))):
        if name not in items:
            continue
        value = items[name][1]
        _expect(path, value, yaml.SequenceNode, name)
        for entry in value.value:
            _expect(path, entry, yaml.MappingNode, f"each item of {name}")
            fields = _mapping_items(entry)
            for field_name in required:
                if field_name not in fields:
                    raise DeckError(f"{_where(path, entry)}: each item of {name} needs {field_name!r}")
                _expect_text(path, fields[field_name][1], f"the {field_name} of each item of {name}")
            if name == "demos" and "params" in fields:
                params = fields["params"][1]
                _expect(path, params, yaml.MappingNode, "demo params")
                for key, param in params.value:
                    _expect_text(path, key, "a demo parameter's name")
                    _expect(path, param, yaml.ScalarNode, f"demo parameter {key.value!r}")


def _check_corrections(path: Path, node: yaml.Node, cards_node: yaml.SequenceNode) -> None:
    _expect(path, node, yaml.SequenceNode, "corrections")
    ids = {str(_mapping_items(card)["id"][1].value) for card in cards_node.value}
    for entry in node.value:
        _expect(path, entry, yaml.MappingNode, "each correction")
        fields = _mapping_items(entry)
        for name in _CORRECTION_FIELDS:
            if name not in fields:
                raise DeckError(f"{_where(path, entry)}: each correction needs {name!r}")
            _expect_text(path, fields[name][1], f"the correction's {name}")
        values = {name: str(fields[name][1].value) for name in _CORRECTION_FIELDS}
        if values["card"] not in ids:
            raise DeckError(f"{_where(path, fields['card'][1])}: the correction names no card of this deck")
        if values["field"] not in ("question", "answer"):
            raise DeckError(f"{_where(path, fields['field'][1])}: a correction's field is question or answer")
        if values["why"] not in {why.value for why in Why}:
            kinds = ", ".join(why.value for why in Why)
            raise DeckError(f"{_where(path, fields['why'][1])}: a correction's why is one of {kinds}")
        if not values["old"] or values["old"] == values["new"]:
            raise DeckError(f"{_where(path, entry)}: a correction changes a non-empty text")


def _card_from_data(deck: str, data: dict[str, Any]) -> Card:
    card = Card.from_dict({**data, "deck": deck})
    # One normal form whatever the YAML block style: no space around the question, one newline after the answer.
    return replace(card, question=card.question.strip(), answer=card.answer.rstrip() + "\n")


def parse_deck(text: str, path: Path, *, user: bool = False) -> Deck:
    """Parse and validate the text of a deck file.

    Raises:
        DeckError: with ``file:line`` of the first problem found.
    """
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            raise DeckError(f"{path}:1: the deck file is empty")
        _refuse_aliases_and_tags(path, loader, root)
        _expect(path, root, yaml.MappingNode, "a deck file")
        items = _mapping_items(root)
        for name in ("deck", "cards"):
            if name not in items:
                raise DeckError(f"{_where(path, root)}: the deck file has no {name!r}")
        if "title" in items:
            _expect_text(path, items["title"][1], "the deck's title")
        name_node = items["deck"][1]
        if not (isinstance(name_node, yaml.ScalarNode) and DECK_NAME.match(str(name_node.value))):
            raise DeckError(
                f"{_where(path, name_node)}: deck name must be lower-case letters (Latin or Chinese), digits, '-' or '_'"
            )
        cards_node = items["cards"][1]
        _expect(path, cards_node, yaml.SequenceNode, "cards")
        for card_node in cards_node.value:
            _check_card(path, card_node)
        if "corrections" in items:
            _check_corrections(path, items["corrections"][1], cards_node)
        data = loader.construct_document(root)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise DeckError(f"{path}:{line}: not valid YAML: {problem}") from None
    finally:
        loader.dispose()

    deck_name = str(data["deck"])
    seen: dict[str, int] = {}
    cards = []
    for card_node, card_data in zip(cards_node.value, data["cards"]):
        card_id = str(card_data["id"])
        if card_id in seen:
            raise DeckError(
                f"{_where(path, card_node)}: duplicate card id {card_id!r} (first at line {seen[card_id]})"
            )
        seen[card_id] = card_node.start_mark.line + 1
        cards.append(_card_from_data(deck_name, card_data))
    return Deck(
        name=deck_name,
        title=str(data.get("title") or deck_name),
        cards=tuple(cards),
        path=path,
        user=user,
        corrections=tuple(
            Correction(**{name: str(item[name]) for name in _CORRECTION_FIELDS[:4]}, why=Why(item["why"]))
            for item in data.get("corrections") or ()
        ),
    )


def load_deck(path: Path, *, user: bool = False) -> Deck:
    """Load and validate one deck file.

    Raises:
        DeckError: the file cannot be read or is malformed (message starts with ``file:line``).
    """
    try:
        text = read_regular_file(path, MAX_DECK_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise DeckError(f"{path}:1: not UTF-8 text") from None
    except UnreadableFileError as error:
        raise DeckError(f"{path}:1: {error}") from None
    return parse_deck(text, path, user=user)


def dump_deck(deck: Deck) -> str:
    """Return the YAML text of a deck, in the layout of the packaged decks (readable block scalars)."""
    cards = []
    for card in deck.cards:
        data = card.to_dict()
        del data["deck"]
        cards.append(data)
    document: dict[str, Any] = {"deck": deck.name, "title": deck.title, "cards": cards}
    if deck.corrections:
        document["corrections"] = [correction.to_dict() for correction in deck.corrections]
    return yaml.dump(document, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False, width=100)


class _BlockDumper(yaml.SafeDumper):
    """Writes multi-line strings as ``|`` blocks so deck files stay editable by hand."""

    def ignore_aliases(self, data: Any) -> bool:
        """Never write an anchor and alias for a value met twice: :func:`parse_deck` refuses them."""
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_BlockDumper.add_representer(str, _represent_str)
