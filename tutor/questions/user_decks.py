"""The learner's decks: how notes become cards of a deck, with stable ids and names, and how a re-import merges.

Pure rules, no storage (the engine's :mod:`tutor.engine.importing` writes the result into the store):

- **Stable ids.** A card's id is ``u-<deck>-<8 hex digits of the SHA-1 of its normalised question>``
  (NFKC, lower case, runs of white space as one space, trailing ``?``/``。``-style punctuation dropped). The
  same question always gets the same id, so re-importing a file updates answers in place and the review
  history, which the engine keeps by card id, stays with the card. A question asked twice in one file gets
  ``-2``, ``-3`` … on its later occurrences.
- **Re-import by file.** A deck may gather several files (``--deck NAME`` on each). Importing a file touches
  the cards it holds and removes from the deck only the cards that came from a file of the same name and are
  no longer in it; those are reported (their history stays). Tags, key points, demos and errata added to a
  card survive the update of its answer.

Deck names come from the Markdown title (or the Anki ``#deck:`` header) or the file name, readable and the same
on every re-import: first a Latin spelling, as a slug of lower-case ASCII letters and digits joined by ``-``
(``# CNN Notes`` → ``cnn-notes``; a Chinese title in ``cnn-notes.md`` → ``cnn-notes``, easy to type after
``--deck``); else the Chinese title or file name itself (``我的笔记.md`` → ``我的笔记``); a name with neither
(``# !!!`` in ``___.md``) becomes ``notes-<8 hex digits of the title or name>``. A name too long is cut to 64
characters ending in a digest of the whole, so two different titles never share a deck by accident.
"""

import hashlib
import re
from dataclasses import dataclass, replace
from typing import Any

from tutor.errors import NoteImportError
from tutor.questions.card import Card, Source
from tutor.questions.deck import DECK_NAME, Deck
from tutor.questions.readers.note import NoteFile
from tutor.questions.text import normalize

USER_CARD_PREFIX = "u-"
"""Every imported card's id starts with this, so it can never collide with a packaged card (``c…``)."""

_CJK = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
_NOT_SLUG = re.compile(r"[^a-z0-9\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NOT_LATIN = re.compile(r"[^a-z0-9]+")
_TRAILING_PUNCTUATION = " ?!.:;。，,"


def deck_slug(text: str, *, cjk: bool = False) -> str:
    """Return ``text`` as a deck name: lower-case ASCII letters, digits (and with ``cjk`` CJK characters)
    joined by ``-`` (may be empty)."""
    slug = (_NOT_SLUG if cjk else _NOT_LATIN).sub("-", normalize(text)).strip("-")
    if len(slug) <= 64:
        return slug
    # Cut to fit, with a digest of the whole so two long titles that share a beginning stay two decks.
    return f"{slug[:55].rstrip('-')}-{hashlib.sha1(slug.encode('utf-8')).hexdigest()[:8]}"


def readable_deck_name(*texts: str) -> str | None:
    """Return the first readable deck name made of ``texts``: a Latin slug of any of them, else a Chinese one;
    None when no text has a Latin letter or a CJK character."""
    for cjk in (False, True):
        for text in texts:
            slug = deck_slug(text, cjk=cjk)
            if re.search(_CJK if cjk else r"[a-z]", slug):
                return slug
    return None


def default_deck_name(notes: NoteFile) -> str:
    """Return the deck name for a file imported without ``--deck`` (see the module docstring)."""
    name = readable_deck_name(notes.title or "", notes.path.stem)
    if name is not None:
        return name
    digest = hashlib.sha1((notes.title or notes.path.stem).encode("utf-8")).hexdigest()
    return f"notes-{digest[:8]}"


def normalized_question(question: str) -> str:
    """Return the form of a question its id is computed from: case, width, spacing and end punctuation folded."""
    return " ".join(normalize(question).split()).rstrip(_TRAILING_PUNCTUATION)


def card_id(deck: str, question: str) -> str:
    """Return the stable id of the card asking ``question`` in user deck ``deck``."""
    digest = hashlib.sha1(normalized_question(question).encode("utf-8")).hexdigest()
    return f"{USER_CARD_PREFIX}{deck}-{digest[:8]}"


@dataclass(frozen=True)
class FileImport:
    """What importing one file did to its deck."""

    file: str
    """The file as named on the command line."""
    deck: str
    """The deck the file's cards went to."""
    format: str
    """The format the file was read as: ``markdown``, ``qa`` or ``anki``."""
    added: tuple[str, ...]
    """Ids of cards new to the deck."""
    updated: tuple[str, ...]
    """Ids of cards whose question, answer or tags changed."""
    unchanged: tuple[str, ...]
    """Ids of cards already in the deck as they are in the file."""
    removed: tuple[str, ...]
    """Ids of cards that came from this file and are no longer in it (their review history is kept)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the counts as plain data (the JSON of ``tutor import``), with the removed ids."""
        return {
            "file": self.file,
            "deck": self.deck,
            "format": self.format,
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "removed": len(self.removed),
            "removed_ids": list(self.removed),
        }


def cards_of(notes: NoteFile, deck: str, seen: dict[str, str]) -> list[Card]:
    """Return the cards of a file for ``deck``; ``seen`` maps ids taken by earlier files of this run to where.

    Raises:
        NoteImportError: a question of the file is already taken by another file of this run.
    """
    cards = []
    occurrences: dict[str, int] = {}
    for note in notes.notes:
        base = card_id(deck, note.question)
        occurrences[base] = occurrences.get(base, 0) + 1
        identity = base if occurrences[base] == 1 else f"{base}-{occurrences[base]}"
        where = f"{notes.path}:{note.line}"
        if identity in seen:
            raise NoteImportError(
                f"{where}: the same question is at {seen[identity]}, imported into deck {deck!r} in this run; "
                "import the files into different decks or remove one of them"
            )
        seen[identity] = where
        cards.append(
            Card(
                id=identity,
                deck=deck,
                question=note.question.strip(),
                # The deck loader's normal form, so an unchanged card compares equal after a round trip.
                answer=note.answer.rstrip() + "\n",
                source=Source(file=notes.path.name, line=note.line),
                tags=note.tags,
            )
        )
    return cards


def merge_file(deck: Deck, notes: NoteFile, cards: list[Card]) -> tuple[Deck, FileImport]:
    """Return ``deck`` with the cards of one file merged in, and the report of what changed.

    Cards from other files keep their places; this file's cards stand together, in file order, where its
    first card stood (at the end for a new file).
    """
    fresh = {card.id: card for card in cards}
    existing = {card.id: card for card in deck.cards}

    def from_this_file(card: Card) -> bool:
        return card.source is not None and card.source.file == notes.path.name

    added, updated, unchanged = [], [], []
    block = []
    for card in cards:
        old = existing.get(card.id)
        if old is None:
            added.append(card.id)
            block.append(card)
            continue
        # The learner may have added tags, key points or demos to the YAML by hand: keep them.
        new = replace(old, question=card.question, answer=card.answer, source=card.source, tags=card.tags or old.tags)
        same = (old.question, old.answer, old.tags) == (new.question, new.answer, new.tags)
        (unchanged if same else updated).append(card.id)
        block.append(new)
    removed = [card.id for card in deck.cards if from_this_file(card) and card.id not in fresh]
    others, position = [], None
    for card in deck.cards:
        if card.id in fresh or from_this_file(card):
            if position is None:
                position = len(others)
        else:
            others.append(card)
    if position is None:
        position = len(others)
    title = deck.title
    sources = {card.source.file for card in deck.cards if card.source is not None}
    if notes.title and sources <= {notes.path.name}:
        title = notes.title
    merged = replace(deck, title=title, cards=tuple(others[:position] + block + others[position:]))
    report = FileImport(
        file=str(notes.path),
        deck=deck.name,
        format=notes.format,
        added=tuple(added),
        updated=tuple(updated),
        unchanged=tuple(unchanged),
        removed=tuple(removed),
    )
    return merged, report


def check_deck_name(name: str) -> None:
    """Refuse a ``--deck`` name that is not 1 to 64 letters (Latin or CJK), digits, '-' or '_'.

    Raises:
        NoteImportError: the name is not valid.
    """
    if not DECK_NAME.match(name):
        raise NoteImportError(
            f"deck name {name!r} must be 1 to 64 lower-case letters (Latin or Chinese), digits, '-' or '_', "
            "starting with a letter or digit"
        )


def _one_line(text: str) -> str:
    return " ".join(text.split())


def deck_markdown(title: str, cards: list[Card] | tuple[Card, ...]) -> str:
    """Return a deck as Markdown notes that the Markdown reader reads back as the same questions and answers.

    ``# title``, then each card as ``## question`` with its answer below (sub-headings of ``###`` and deeper stay
    in the answer). A question of several lines becomes one (a heading is one line), and a line of an answer
    that would read as a ``#`` or ``##`` heading (outside code blocks) gets a backslash before its ``#``, so
    it stays text of the answer.
    """
    from tutor.questions.readers.markdown_notes import heading_level, in_code_fence

    out = [f"# {_one_line(title)}", ""]
    for card in cards:
        lines = card.answer.rstrip("\n").split("\n")
        code = in_code_fence(lines)
        answer = [
            line.replace("#", "\\#", 1) if not inside and (heading_level(line) or 3) <= 2 else line
            for line, inside in zip(lines, code)
        ]
        out += [f"## {_one_line(card.question)}", "", *answer, ""]
    return "\n".join(out)
