"""The learner's collection: the decks and cards in the store, kept in step with the package's corpus.

Opening a collection (:func:`open_collection`) opens the store and then, cheaply:

* syncs the packaged corpus: each content file's SHA-256 is compared with the hash stored with its deck, and
  only a changed file is parsed (an unchanged corpus costs a few file reads and one query, no YAML parsing).
  A card whose text changed shows the new text and keeps its history; a card that left the corpus keeps its
  history and leaves the queue;
* moves the learner's decks of the previous release (YAML files in ``<data dir>/decks``) into the store once,
  with their ids; the files are deleted only after the move has committed, so a crash leaves them as backup;
* rebuilds the search index if the tokeniser changed since it was built.

Every read goes to the store for what it needs: one card, the cards of a deck, a search. Tests (and tools
that study decks of their own) pass a :class:`~tutor.questions.library.Library`, which then becomes the whole
collection instead of the packaged corpus.
"""

import json
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tutor.engine.store import DeckSummary, Store
from tutor.errors import UnknownCardError, UnknownDeckError
from tutor import locations
from tutor.locations import user_decks_dir
from tutor.questions.card import Card

if TYPE_CHECKING:  # yaml (~20 ms) only when a deck file is read: not for commands over an unchanged corpus
    from tutor.questions.deck import Deck
    from tutor.questions.library import Library
    from tutor.questions.search import SearchHit

_FILES_KEY = "corpus_files"
"""Setting holding [name, size, modification time in ns, SHA-256] of each packaged content file at the last sync
that found it settled (see :func:`sync_corpus`)."""
_SETTLED_NS = 2_000_000_000
"""A content file modified less than this long ago is hashed at every start, never trusted by its size and time."""
_MOVED_KEY = "yaml_decks_moved"
"""Setting listing the YAML deck files already moved into the store (their deletion may have been cut short)."""


def _digest(data: bytes) -> str:
    import hashlib  # OpenSSL's ~5 ms: only when a content file or a library is hashed

    return hashlib.sha256(data).hexdigest()


def _library_digest(cards: Sequence[Card], title: str) -> str:
    text = json.dumps([title, *(card.to_dict() for card in cards)], ensure_ascii=False, sort_keys=True)
    return _digest(text.encode("utf-8"))


class Collection:
    """The decks and cards of a learner's store, read on demand. Use :func:`open_collection`; close it.

    Offers what :class:`~tutor.questions.library.Library` offers (``decks``, ``deck``, ``card``, ``select``,
    ``cards``), answered by queries, so screens and commands written for a library work on 100,000 cards.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        """The open store holding the collection."""

    def close(self) -> None:
        """Close the store."""
        self.store.close()

    def __enter__(self) -> "Collection":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def decks(self) -> list[DeckSummary]:
        """Every deck in order: packaged decks first, then the learner's."""
        return self.store.decks()

    def deck(self, name: str) -> DeckSummary:
        """Return deck ``name``.

        Raises:
            UnknownDeckError: no deck has that name.
        """
        deck = self.store.deck(name)
        if deck is None:
            known = ", ".join(deck.name for deck in self.store.decks())
            raise UnknownDeckError(f"unknown deck {name!r} (decks: {known})")
        return deck

    def deck_with_cards(self, name: str) -> "Deck":
        """Return deck ``name`` with all its cards, as a :class:`~tutor.questions.deck.Deck` (for exports).

        Raises:
            UnknownDeckError: no deck has that name.
        """
        from tutor.questions.deck import Deck

        summary = self.deck(name)
        cards = tuple(self.store.select(decks=[name]))
        return Deck(name=summary.name, title=summary.title, cards=cards, user=summary.user)

    def check_decks(self, names: Sequence[str] | None) -> None:
        """Raise :class:`UnknownDeckError` for the first unknown deck among ``names``."""
        for name in names or ():
            self.deck(name)

    def card(self, card_id: str) -> Card:
        """Return card ``card_id``.

        Raises:
            UnknownCardError: no card of the collection has that id.
        """
        card = self.store.card(card_id)
        if card is None:
            raise UnknownCardError(f"unknown card id {card_id!r} (see `tutor list` for ids)")
        return card

    def cards_by_id(self, card_ids: Sequence[str]) -> dict[str, Card]:
        """Return the cards among ``card_ids`` that the collection holds, by id."""
        return self.store.cards(card_ids)

    @property
    def cards(self) -> list[Card]:
        """Every card in collection order (reads them all: for commands that print every card)."""
        return self.store.select()

    @property
    def card_count(self) -> int:
        """How many cards the collection holds."""
        return self.store.card_count()

    def select(self, *, decks: list[str] | None = None, tags: list[str] | None = None) -> list[Card]:
        """Return the cards of the named decks (all when none) carrying any of the tags (all when none).

        Raises:
            UnknownDeckError: a deck name is unknown.
        """
        self.check_decks(decks)
        return self.store.select(decks=decks, tags=tags)

    def vocabulary(self, decks: list[str] | None = None) -> Counter:
        """Return the searchable terms of the decks named (all when none) with the number of cards holding each,
        for "did you mean" (see :mod:`tutor.questions.suggest`): read from the full-text index for the whole
        collection, from the cards of the decks otherwise.

        Raises:
            UnknownDeckError: a deck name is unknown.
        """
        from tutor.questions.suggest import indexed_vocabulary, vocabulary

        if decks:
            return vocabulary(self.select(decks=decks))
        return indexed_vocabulary(*self.store.search_vocabulary())

    def tag_counts(self) -> dict[str, int]:
        """Return how many cards carry each tag."""
        return self.store.tag_counts()

    def search(self, query: str, *, decks: list[str] | None = None, limit: int | None = None) -> list["SearchHit"]:
        """Return the cards matching ``query`` or another form of its glossary terms, best first, at most ``limit``.

        The cards with the words typed come first, ranked as :meth:`Store.search` ranks them; then the cards
        found only through another form of a glossary term (a synonym, the English name), each with its best
        score.

        Raises:
            UnknownDeckError: a deck name is unknown.
        """
        from tutor.questions.search import SearchHit

        self.check_decks(decks)
        ranked = self.store.search(query, decks=decks, limit=limit)
        if not limit or len(ranked) < limit:
            ranked += self._other_forms(query, {card_id for card_id, _ in ranked}, decks)
            if limit:
                ranked = ranked[:limit]
        cards = self.store.cards([card_id for card_id, _ in ranked])
        return [SearchHit(card=cards[card_id], score=value) for card_id, value in ranked if card_id in cards]

    def _other_forms(self, query: str, typed: set[str], decks: list[str] | None) -> list[tuple[str, float]]:
        """The cards found only by the other forms of the query's glossary terms, best first (each with its best
        score): they say it another way (降采样 finds 下采样), so they come after every card with the words
        typed, and only when those do not fill the page (the glossary is read then)."""
        from tutor.questions.glossary import expand_query

        others: dict[str, float] = {}
        for form in expand_query(query)[1:]:
            for card_id, value in self.store.search(form, decks=decks):
                if card_id not in typed:
                    others[card_id] = max(others.get(card_id, 0.0), value)
        return sorted(others.items(), key=lambda item: -item[1])


def open_collection(data_dir: Path, library: "Library | None" = None) -> Collection:
    """Open (creating and migrating when needed) the collection of data directory ``data_dir``.

    Args:
        library: decks to make the whole collection (tests); None syncs the packaged corpus and keeps the
            learner's imported decks.

    Raises:
        StoreError: the database is not tutor's, is corrupt, or cannot be written.
        DeckError: a packaged deck or a deck file of the previous release is malformed.
    """
    store = Store.open(Path(data_dir))
    try:
        store.ensure_search_index()
        if library is None:
            sync_corpus(store)
            move_yaml_decks(store, Path(data_dir))
        else:
            sync_library(store, library)
    except BaseException:
        store.close()
        raise
    return Collection(store)


def sync_corpus(store: Store) -> None:
    """Bring the packaged decks of the store in step with the package's content files (see the module doc).

    The files are read and hashed unless each has the size and modification time it had when a sync last
    found it (older than :data:`_SETTLED_NS`) with the digest its deck still holds: a command then reads no
    content file at all.
    """
    stored = {deck.source: deck for deck in store.decks() if deck.origin == "packaged"}
    paths = locations.packaged_deck_paths()
    seen = [[path.name, status.st_size, status.st_mtime_ns] for path in paths for status in [path.stat()]]
    known = store.setting(_FILES_KEY) or []
    if [entry[:3] for entry in known] == seen and stored.keys() == {name for name, *_ in seen}:
        if all((stored[name].content_hash, stored[name].position) == (digest, position)
               for position, (name, _, _, digest) in enumerate(known)):
            return
    files = []
    for position, path in enumerate(paths):
        data = path.read_bytes()
        files.append((position, path, _digest(data), data))
    _sync_files(store, stored, files)
    # Remembered only for files that have not changed for a while: a file changed again within the file
    # system's timestamp resolution could keep its size and time (git's "racy" entries).
    settled = time.time_ns() - _SETTLED_NS
    if all(mtime < settled for _, _, mtime in seen):
        signature = [[*entry, digest] for entry, (_, _, digest, _) in zip(seen, files)]
        if signature != known:
            store.put_setting(_FILES_KEY, signature)


def _sync_files(store: Store, stored: dict[str, DeckSummary], files: list[tuple[int, Path, str, bytes]]) -> None:
    """Write the packaged decks whose file (position, path, digest, bytes) changed; delete those gone."""
    wanted = {path.name for _, path, _, _ in files}

    def stale() -> list[tuple[int, Path, str, bytes]]:
        return [
            entry
            for entry in files
            if (deck := stored.get(entry[1].name)) is None
            or (deck.content_hash, deck.position) != (entry[2], entry[0])
        ]

    if not stale() and stored.keys() <= wanted:
        return
    from tutor.questions.deck import parse_deck  # yaml: only when the corpus changed

    parsed = {path.name: parse_deck(data.decode("utf-8"), path) for _, path, _, data in stale()}
    with store.transaction() as tx:
        # Another process may have synced while this one parsed.
        stored = {deck.source: deck for deck in store.decks() if deck.origin == "packaged"}
        for source, deck in stored.items():
            if source not in wanted or (source in parsed and parsed[source].name != deck.name):
                tx.delete_deck(deck.name)
        for position, path, digest, _ in stale():
            deck = parsed[path.name]
            tx.put_deck(
                deck.name,
                title=deck.title,
                origin="packaged",
                cards=deck.cards,
                source=path.name,
                content_hash=digest,
                position=position,
                take_from_other_decks=True,
            )


def sync_library(store: Store, library: "Library") -> None:
    """Make the collection exactly ``library``'s decks (decks not in it leave; their history stays)."""
    wanted = {deck.name: (position, deck) for position, deck in enumerate(library.decks)}
    digests = {name: _library_digest(deck.cards, deck.title) for name, (_, deck) in wanted.items()}

    def changes() -> tuple[list[DeckSummary], list[str]]:
        stored = {deck.name: deck for deck in store.decks()}
        gone = [deck for name, deck in stored.items() if name not in wanted]
        changed = [
            name
            for name, (position, _) in wanted.items()
            if name not in stored or (stored[name].content_hash, stored[name].position) != (digests[name], position)
        ]
        return gone, changed

    if changes() == ([], []):
        return
    with store.transaction() as tx:
        gone, changed = changes()
        for deck in gone:
            tx.delete_deck(deck.name)
        for name in changed:
            position, deck = wanted[name]
            tx.put_deck(
                name,
                title=deck.title,
                origin="imported" if deck.user else "packaged",
                cards=deck.cards,
                source=deck.path.name if deck.path is not None else None,
                content_hash=digests[name],
                position=position,
                take_from_other_decks=True,
            )


def move_yaml_decks(store: Store, data_dir: Path) -> None:
    """Move the learner's YAML decks of the previous release into the store, once (see the module doc).

    Raises:
        DeckError: a deck file is malformed (nothing is moved; the files stay).
        BadInputError: a deck file's name is taken by a packaged deck.
    """
    folder = user_decks_dir(data_dir)
    if not folder.is_dir():
        return
    for leftover in folder.glob(".*.tmp"):
        # Half-written deck files of the previous release, cut short by a crash: never loaded, safe to drop.
        leftover.unlink(missing_ok=True)
    paths = sorted(folder.glob("*.yaml"))
    if not paths:
        _remove_if_empty(folder)
        return
    from tutor.errors import BadInputError
    from tutor.questions.deck import load_deck  # yaml: only while moving the old files

    done = set(store.setting(_MOVED_KEY) or ())
    pending = [(path, load_deck(path, user=True)) for path in paths if path.name not in done]
    if pending:
        with store.transaction() as tx:
            done = set(store.setting(_MOVED_KEY) or ())
            for path, deck in pending:
                if path.name in done:
                    continue  # another process moved it while this one read the files
                existing = store.deck(deck.name)
                if existing is not None and not existing.user:
                    raise BadInputError(
                        f"{path}:1: deck name {deck.name!r} is taken by a packaged deck; rename the deck in the file"
                    )
                sources = [card.source.file for card in deck.cards if card.source is not None]
                tx.put_deck(
                    deck.name,
                    title=deck.title,
                    origin="imported",
                    cards=deck.cards,
                    source=sources[0] if sources else path.name,
                )
                done.add(path.name)
            tx.put_setting(_MOVED_KEY, sorted(done))
    # Only now that the store holds them: the files are no longer the learner's decks.
    for path in paths:
        path.unlink(missing_ok=True)
    _remove_if_empty(folder)


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass  # not empty (a file of the learner's own) or already gone: leave it
