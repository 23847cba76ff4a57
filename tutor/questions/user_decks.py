"""The learner's decks: notes imported into deck files in the data directory, re-imported, and deleted.

A user deck is a YAML file ``<data dir>/decks/<name>.yaml`` in the format of the packaged decks, so the library
loads it like any other deck. Three promises hold:

- **Stable ids.** A card's id is ``u-<deck>-<8 hex digits of the SHA-1 of its normalised question>``
  (NFKC, lower case, runs of white space as one space, trailing ``?``/``。``-style punctuation dropped). The
  same question always gets the same id, so re-importing a file updates answers in place and the review
  history, which the engine keeps by card id, stays with the card. A question asked twice in one file gets
  ``-2``, ``-3`` … on its later occurrences.
- **Re-import by file.** A deck may gather several files (``--deck NAME`` on each). Importing a file touches
  the cards it holds and removes from the deck only the cards that came from a file of the same name and are
  no longer in it; those are reported (their history stays in the engine's log). Tags, key points, demos and
  errata added to a card by hand survive the update of its answer.
- **All or nothing.** Every file is read and every deck computed and checked before anything is written; each
  deck file is then written to a temporary file and moved into place with ``os.replace``.

Deck names default to the Markdown title (or the Anki ``#deck:`` header), else the file name, as a slug of
ASCII letters, digits and ``-``. Chinese has no ASCII spelling without a pinyin dictionary (not a dependency),
so a title with no Latin letter (``# 卷积神经网络``) falls back to the file name (``cnn-notes.md`` →
``cnn-notes``), and a file name with none either (``笔记.md``) to ``notes-<8 hex digits of the title or
name>``: stable across re-imports, and ``--deck NAME`` gives a friendlier one.
"""

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from tutor.errors import BadInputError, NoteImportError, StoreError, UnknownDeckError
from tutor.locations import user_decks_dir
from tutor.questions.card import Card, Source
from tutor.questions.deck import DECK_NAME, Deck, dump_deck, load_deck, parse_deck
from tutor.questions.readers.note import NoteFile
from tutor.questions.text import normalize

USER_CARD_PREFIX = "u-"
"""Every imported card's id starts with this, so it can never collide with a packaged card (``c…``)."""

_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_TRAILING_PUNCTUATION = " ?!.:;。，,"


def deck_slug(text: str) -> str:
    """Return ``text`` as a deck name: lower-case ASCII letters and digits joined by ``-`` (may be empty)."""
    slug = _NOT_SLUG.sub("-", normalize(text)).strip("-")
    return slug[:64].rstrip("-")


def default_deck_name(notes: NoteFile) -> str:
    """Return the deck name for a file imported without ``--deck`` (see the module docstring)."""
    for text in (notes.title, notes.path.stem):
        slug = deck_slug(text or "")
        if re.search(r"[a-z]", slug):
            return slug
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


@dataclass(frozen=True)
class ImportPlan:
    """Everything an import will write, computed and checked before anything is written."""

    reports: tuple[FileImport, ...]
    """One report per file, in the order the files were given."""
    decks: tuple[Deck, ...]
    """The new state of every deck the import touches, each with the ``path`` it is written to."""


def _user_decks(data_dir: Path) -> tuple[set[str], dict[str, Deck]]:
    """Return the packaged deck names and the learner's decks by name."""
    from tutor.questions.library import learner_library

    library = learner_library(data_dir)
    packaged = {deck.name for deck in library.decks if not deck.user}
    return packaged, {deck.name: deck for deck in library.decks if deck.user}


def _cards_of(notes: NoteFile, deck: str, seen: dict[str, str]) -> list[Card]:
    """Return the cards of a file for ``deck``; ``seen`` maps ids taken by earlier files of this run."""
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


def plan_import(paths: list[Path], *, data_dir: Path, deck: str | None = None) -> ImportPlan:
    """Read every file and compute the decks an import would write; write nothing.

    Args:
        paths: the note files, in order; several may go to one deck.
        data_dir: the learner's data directory.
        deck: the deck for every file (``--deck``); by default each file's title or name.

    Raises:
        NoteImportError: a file is refused, a deck name is invalid or a packaged deck's, or one question comes
            from two files of this run into one deck.
        DeckError: an existing user deck file is malformed.
    """
    from tutor.questions.readers.detect import read_note_file  # the readers load markdownify when needed

    if deck is not None and not DECK_NAME.match(deck):
        raise NoteImportError(
            f"deck name {deck!r} must be 1 to 64 lower-case letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    files = [read_note_file(path) for path in paths]
    packaged, existing = _user_decks(data_dir)
    decks: dict[str, Deck] = {}
    seen: dict[str, dict[str, str]] = {}
    reports = []
    for notes in files:
        name = deck or default_deck_name(notes)
        if name in packaged:
            raise NoteImportError(
                f"{notes.path}: deck name {name!r} is taken by a packaged deck; choose another with --deck NAME"
            )
        current = decks.get(name) or existing.get(name)
        if current is None:
            current = Deck(
                name=name,
                title=notes.title or notes.path.stem,
                cards=(),
                path=user_decks_dir(data_dir) / f"{name}.yaml",
                user=True,
            )
        cards = _cards_of(notes, name, seen.setdefault(name, {}))
        decks[name], report = merge_file(current, notes, cards)
        reports.append(report)
    for result in decks.values():
        # What is written must load back as the same cards; a failure here is a bug, caught before writing.
        loaded = parse_deck(dump_deck(result), result.path, user=True)
        if loaded.cards != result.cards:
            raise NoteImportError(f"{result.path}: the deck would not load back as written; nothing was imported")
    return ImportPlan(reports=tuple(reports), decks=tuple(decks.values()))


def write_decks(decks: tuple[Deck, ...]) -> None:
    """Write each deck to its ``path`` atomically: all temporary files first, then one rename each.

    Raises:
        StoreError: a deck file cannot be written (no deck is changed then).
    """
    staged: list[tuple[str, Path]] = []
    try:
        for deck in decks:
            assert deck.path is not None, "a planned deck always has a path"
            deck.path.parent.mkdir(parents=True, exist_ok=True)
            # ".tmp", not ".yaml": a crash between the two steps leaves nothing the library would load.
            handle, temporary = tempfile.mkstemp(dir=deck.path.parent, prefix=f".{deck.name}.", suffix=".tmp")
            staged.append((temporary, deck.path))
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(dump_deck(deck))
                stream.flush()
                os.fsync(stream.fileno())
    except OSError as error:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)
        where = error.filename or "the data directory"
        raise StoreError(f"cannot write the deck file in {where}: {error.strerror}") from None
    for temporary, target in staged:
        os.replace(temporary, target)


def import_notes(paths: list[Path], *, data_dir: Path, deck: str | None = None) -> tuple[FileImport, ...]:
    """Import note files into user decks (see :func:`plan_import`) and return one report per file.

    Raises:
        NoteImportError, DeckError, StoreError: nothing is written then.
    """
    plan = plan_import(paths, data_dir=data_dir, deck=deck)
    write_decks(plan.decks)
    return plan.reports


def find_user_deck(name: str, data_dir: Path) -> tuple[Path, Deck | None]:
    """Return the file of the learner's deck ``name`` and the deck (None when the file no longer loads).

    A deck file that fails to load is found by its file name, so a broken deck can still be deleted.

    Raises:
        BadInputError: ``name`` is a packaged deck.
        UnknownDeckError: the learner has no deck of that name.
    """
    from tutor.questions.library import load_library

    if name in {deck.name for deck in load_library(None).decks}:
        raise BadInputError(f"{name!r} is a packaged deck; only your imported decks can be deleted")
    folder = user_decks_dir(data_dir)
    names = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            deck = load_deck(path, user=True)
        except BadInputError:
            if path.stem == name:
                return path, None
            continue
        if deck.name == name:
            return path, deck
        names.append(deck.name)
    known = ", ".join(names) or "none yet; see `tutor import`"
    raise UnknownDeckError(f"you have no deck {name!r} (your decks: {known})")


def delete_user_deck(path: Path) -> None:
    """Delete a user deck file found by :func:`find_user_deck`; the engine's review log is not touched.

    Raises:
        StoreError: the file cannot be deleted.
    """
    try:
        path.unlink()
    except OSError as error:
        raise StoreError(f"cannot delete {path}: {error.strerror}") from None
