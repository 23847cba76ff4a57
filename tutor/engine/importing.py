"""The learner's notes into the collection and back out: ``tutor import``, ``tutor export``, ``decks --delete``.

An import reads and checks every file first, then merges and writes all of them in one store transaction:
all of an import lands or none of it, and two imports into one deck at the same moment both land (the second
merges into what the first committed, because the merge runs inside the transaction that holds the write lock).
"""

import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from tutor.engine.collection import open_collection
from tutor.engine.store import Store, Transaction
from tutor.errors import BadInputError, NoteImportError, StoreError, UnknownDeckError
from tutor.questions.deck import Deck
from tutor.questions.readers.note import NoteFile
from tutor.questions.user_decks import FileImport, cards_of, check_deck_name, default_deck_name, merge_file


def _deck_name(store: Store, notes: NoteFile) -> str:
    """The deck a file imported without ``--deck`` goes to: the one already holding its cards, else its default.

    Files imported before deck names could be Chinese went to a deck named after their file (or
    ``notes-…``): re-importing them keeps filling that deck.
    """
    name = default_deck_name(notes)
    if store.deck(name) is not None:
        return name
    holders = store.imported_decks_with_source(notes.path.name)
    return holders[0] if len(holders) == 1 else name


def import_notes(paths: list[Path], *, data_dir: Path, deck: str | None = None) -> tuple[FileImport, ...]:
    """Import note files into the learner's decks, all in one transaction, and return one report per file.

    Args:
        paths: the note files, in order; several may go to one deck.
        data_dir: the learner's data directory.
        deck: the deck for every file (``--deck``); by default each file's title or name.

    Raises:
        NoteImportError: a file is refused, a deck name is invalid or a packaged deck's, or one question comes
            from two files of this run into one deck (nothing is written then).
        StoreError: the database cannot be written (nothing is written).
    """
    from tutor.questions.readers.detect import read_note_file  # the readers load markdownify when needed

    if deck is not None:
        check_deck_name(deck)
    files = [read_note_file(path) for path in paths]
    with open_collection(data_dir) as collection:
        store = collection.store
        with store.transaction() as tx:
            reports, decks = merge_notes(store, files, deck)
            write_decks(tx, store, decks.values())
    return reports


def merge_notes(store: Store, files: list[NoteFile], deck: str | None) -> tuple[tuple[FileImport, ...], dict[str, Deck]]:
    """Merge read note files into the learner's decks as stored now; return the reports and the decks to write.

    Call inside a transaction of ``store``, so that what is merged into is what the write replaces.

    Raises:
        NoteImportError: a deck name is a packaged deck's, or one question comes from two files into one deck.
    """
    decks: dict[str, Deck] = {}
    seen: dict[str, dict[str, str]] = {}
    reports = []
    for notes in files:
        name = deck or _deck_name(store, notes)
        current = decks.get(name)
        if current is None:
            current = _current_deck(store, name, notes)
        cards = cards_of(notes, name, seen.setdefault(name, {}))
        decks[name], report = merge_file(current, notes, cards)
        reports.append(report)
    return tuple(reports), decks


def write_decks(tx: Transaction, store: Store, decks: Iterable[Deck]) -> None:
    """Write merged decks of the learner into the store, in the transaction ``tx``."""
    for result in decks:
        existing = store.deck(result.name)
        tx.put_deck(
            result.name,
            title=result.title,
            origin="imported",
            cards=result.cards,
            source=existing.source if existing is not None else _first_source(result),
        )


class StoredDecks(Mapping[str, Deck]):
    """The learner's decks as stored, by name, read when asked for; ``planned`` decks stand in for theirs."""

    def __init__(self, store: Store, planned: Mapping[str, Deck]) -> None:
        self._store = store
        self._planned = planned

    def __getitem__(self, name: str) -> Deck:
        if name in self._planned:
            return self._planned[name]
        summary = self._store.deck(name)
        if summary is None or not summary.user:
            raise KeyError(name)
        return Deck(name=name, title=summary.title, cards=tuple(self._store.select(decks=[name])), user=True)

    def __iter__(self) -> Iterator[str]:
        names = [deck.name for deck in self._store.decks() if deck.user]
        return iter(dict.fromkeys([*self._planned, *names]))

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _current_deck(store: Store, name: str, notes: NoteFile) -> Deck:
    summary = store.deck(name)
    if summary is None:
        return Deck(name=name, title=notes.title or notes.path.stem, cards=(), user=True)
    if not summary.user:
        raise NoteImportError(
            f"{notes.path}: deck name {name!r} is taken by a packaged deck; choose another with --deck NAME"
        )
    return Deck(name=name, title=summary.title, cards=tuple(store.select(decks=[name])), user=True)


def _first_source(deck: Deck) -> str | None:
    return next((card.source.file for card in deck.cards if card.source is not None), None)


def export_deck(name: str, target: Path, *, data_dir: Path, overwrite: bool = False) -> int:
    """Write deck ``name`` to ``target`` as Markdown that ``tutor import`` reads back; return the card count.

    The file is written beside ``target`` and renamed into place, so a crash never leaves half a file.

    Raises:
        UnknownDeckError: no deck has that name.
        BadInputError: ``target`` exists (and not ``overwrite``) or is a directory.
        StoreError: the file cannot be written.
    """
    from tutor.questions.user_decks import deck_markdown

    if target.is_dir():
        raise BadInputError(f"{target} is a directory: give the Markdown file to write")
    if target.exists() and not overwrite:
        raise BadInputError(f"{target} exists: choose another file name, or add --force to replace it")
    with open_collection(data_dir) as collection:
        deck = collection.deck(name)
        cards = collection.select(decks=[name])
    text = deck_markdown(deck.title, cards)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise StoreError(f"cannot write {target}: {error.strerror}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise StoreError(f"cannot write {target}: {error.strerror}") from None
    return len(cards)


def delete_deck(name: str, *, data_dir: Path) -> int:
    """Delete the learner's deck ``name`` from the collection (its reviews are kept); return its card count.

    Raises:
        BadInputError: ``name`` is a packaged deck.
        UnknownDeckError: the learner has no deck of that name.
    """
    with open_collection(data_dir) as collection:
        store = collection.store
        with store.transaction() as tx:
            summary = store.deck(name)
            if summary is not None and not summary.user:
                raise BadInputError(f"{name!r} is a packaged deck; only your imported decks can be deleted")
            if summary is None:
                yours = ", ".join(deck.name for deck in store.decks() if deck.user) or "none yet; see `tutor import`"
                raise UnknownDeckError(f"you have no deck {name!r} (your decks: {yours})")
            return tx.delete_deck(name)
