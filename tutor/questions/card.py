"""The card: one question with its reference answer and what tutor knows about it."""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Source:
    """Where a card's text comes from."""

    file: str
    """File name of the seed document or the learner's note."""
    line: int
    """1-based line of the question in that file."""

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Source":
        return cls(file=str(data["file"]), line=int(data["line"]))


@dataclass(frozen=True)
class DemoLink:
    """A live demo that shows the card's idea, with parameters that fit the card."""

    name: str
    """Name of the demo in the registry (``tutor demo NAME``)."""
    params: dict[str, Any] = field(default_factory=dict)
    """Keyword arguments for the demo's compute function."""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "params": dict(self.params)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "DemoLink":
        return cls(name=str(data["name"]), params=dict(data.get("params") or {}))


@dataclass(frozen=True)
class Erratum:
    """A mistake in the source text, shown to the learner beside the original."""

    claim: str
    """What the source says."""
    correction: str
    """What is right, and why."""
    check: str
    """The test that computes the correction (``tests/...::test_name``)."""

    def to_dict(self) -> dict[str, Any]:
        return {"claim": self.claim, "correction": self.correction, "check": self.check}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Erratum":
        return cls(claim=str(data["claim"]), correction=str(data["correction"]), check=str(data["check"]))


KEY_POINT_ALTERNATIVES = " | "
"""Separates a key point's main wording from the other wordings the deck accepts ("不含参数 | 没有参数")."""


def point_wordings(point: str) -> tuple[str, ...]:
    """The wordings of a key point: its main one first, then the alternatives the deck accepts for it."""
    return tuple(point.split(KEY_POINT_ALTERNATIVES))


@dataclass(frozen=True)
class Card:
    """One question of a deck."""

    id: str
    """Stable identifier: survives re-generation of the deck and edits of the text."""
    deck: str
    """Name of the deck the card belongs to."""
    question: str
    """The question, plain text or Markdown."""
    answer: str
    """The reference answer in Markdown (code blocks, tables and ``$math$`` kept)."""
    source: Source | None = None
    """Where the card comes from, when it comes from a file."""
    tags: tuple[str, ...] = ()
    """Topics such as optimization, cnn, rnn, distributed."""
    key_points: tuple[str, ...] = ()
    """Short phrases a good answer must contain; drills grade with them. Each may list the other wordings it
    accepts (see :func:`point_wordings`)."""
    demos: tuple[DemoLink, ...] = ()
    """Live demos that show the card's idea."""
    errata: tuple[Erratum, ...] = ()
    """Corrections of mistakes in the source text."""

    @property
    def key_point_labels(self) -> tuple[str, ...]:
        """The key points as the learner reads them: each by its main wording."""
        return tuple(point_wordings(point)[0] for point in self.key_points)

    def to_dict(self) -> dict[str, Any]:
        """Return the card as plain data (the JSON of ``tutor list`` and ``show``)."""
        return {
            "id": self.id,
            "deck": self.deck,
            "question": self.question,
            "answer": self.answer,
            "source": self.source.to_dict() if self.source else None,
            "tags": list(self.tags),
            "key_points": list(self.key_points),
            "demos": [demo.to_dict() for demo in self.demos],
            "errata": [erratum.to_dict() for erratum in self.errata],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Card":
        """Build a card from plain data as produced by :meth:`to_dict`."""
        source = data.get("source")
        return cls(
            id=str(data["id"]),
            deck=str(data["deck"]),
            question=str(data["question"]),
            answer=str(data.get("answer") or ""),
            source=Source.from_dict(source) if source else None,
            tags=tuple(str(tag) for tag in data.get("tags") or ()),
            key_points=tuple(str(point) for point in data.get("key_points") or ()),
            demos=tuple(DemoLink.from_dict(demo) for demo in data.get("demos") or ()),
            errata=tuple(Erratum.from_dict(item) for item in data.get("errata") or ()),
        )
