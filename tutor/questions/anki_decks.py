"""Anki packages as the learner's decks: which tutor deck each Anki card goes to, under which stable id.

- **Decks.** Without ``--deck``, each Anki deck becomes a tutor deck whose title is the Anki name with its
  hierarchy (``智能计算系统::复习``) and whose name is that title as a slug, as Markdown notes' decks are named:
  its Latin spelling (``Physics::Chapter 1`` → ``physics-chapter-1``), else its Chinese (``智能计算系统::复习`` →
  ``智能计算系统-复习``), else ``anki-<8 hex digits of the name>``. With ``--deck NAME`` every card goes to
  ``NAME``, titled with the Anki decks' common parent.
- **Stable ids.** A card's id is ``u-<deck>-<12 hex digits of the SHA-1 of the note's guid and the card's
  ordinal>``: Anki keeps a note's guid across exports, so re-importing a package (or an updated one) updates
  each card in place, and its reviews, kept by id, stay with it. (Cards of Markdown or text notes have 8 hex
  digits, so the two never collide.)
- **Images** are saved under the data directory (``media/<deck>/<file name>``); the card shows a placeholder
  with the file name.

Everything is read and checked before anything is written (:func:`plan_anki_import`); the reviews go to the
engine's log afterwards (:mod:`tutor.engine.anki`).
"""

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tutor.errors import NoteImportError
from tutor.locations import media_dir, user_decks_dir
from tutor.questions.card import Card, Source
from tutor.questions.deck import DECK_NAME, Deck
from tutor.questions.readers.anki_package import AnkiPackage, AnkiReview, read_anki_package
from tutor.questions.readers.note import NoteFile
from tutor.questions.user_decks import USER_CARD_PREFIX, FileImport, merge_file, readable_deck_name

ANKI_SUFFIXES = frozenset({".apkg", ".colpkg"})
"""File name extensions of Anki packages."""
FORMAT = "apkg"
"""The format name reported for an Anki package (``.colpkg`` included)."""

_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\:]")


def is_anki_package(path: Path) -> bool:
    """Whether ``path`` names an Anki package (by its extension)."""
    return path.suffix.lower() in ANKI_SUFFIXES


def anki_card_id(deck: str, guid: str, ordinal: int) -> str:
    """Return the stable id of the card ``ordinal`` of the Anki note ``guid`` in tutor deck ``deck``."""
    digest = hashlib.sha1(f"{guid}\x1f{ordinal}".encode()).hexdigest()
    return f"{USER_CARD_PREFIX}{deck}-{digest[:12]}"


def anki_deck_name(anki_deck: str) -> str:
    """Return the tutor deck name of an Anki deck (see the module docstring)."""
    name = readable_deck_name(anki_deck)
    if name is not None:
        return name
    return f"anki-{hashlib.sha1(anki_deck.encode('utf-8')).hexdigest()[:8]}"


def _common_parent(names: tuple[str, ...], fallback: str) -> str:
    parts = [name.split("::") for name in names]
    common = []
    for level in zip(*parts):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return "::".join(common) or fallback


def media_file_name(name: str) -> str | None:
    """Return the name an image from a package is saved under, or None when it cannot be saved safely."""
    clean = _UNSAFE_NAME.sub("_", Path(name.replace("\\", "/")).name).strip()
    if clean in ("", ".", "..") or clean.startswith("."):
        return None
    return clean[:200]


@dataclass(frozen=True)
class AnkiImportPlan:
    """Everything importing some packages will write, computed and checked before anything is written."""

    reports: tuple[FileImport, ...]
    """One report per package and tutor deck it fills."""
    decks: tuple[Deck, ...]
    """The new state of every deck touched, each with the ``path`` it is written to."""
    reviews: tuple[tuple[str, AnkiReview], ...]
    """Each answer of the packages with the tutor card id it belongs to."""
    media: dict[Path, bytes]
    """Image files to write, by path under the data directory."""


def _package_cards(package: AnkiPackage, deck: str | None) -> dict[str, list[tuple[Card, int]]]:
    """Return the package's cards by tutor deck, each with its Anki card id."""
    by_deck: dict[str, list[tuple[Card, int]]] = {}
    for position, anki in enumerate(package.cards, start=1):
        name = deck or anki_deck_name(anki.deck)
        card = Card(
            id=anki_card_id(name, anki.note_guid, anki.ordinal),
            deck=name,
            question=anki.question,
            # The deck loader's normal form, so an unchanged card compares equal after a round trip.
            answer=anki.answer.rstrip() + "\n",
            # An Anki card has no line: its position in the package stands in for it.
            source=Source(file=package.path.name, line=position),
            tags=anki.tags,
        )
        by_deck.setdefault(name, []).append((card, anki.card_id))
    return by_deck


def plan_anki_import(
    paths: list[Path],
    *,
    data_dir: Path,
    deck: str | None,
    packaged: set[str],
    existing: Mapping[str, Deck],
    packages: Mapping[Path, AnkiPackage] | None = None,
) -> AnkiImportPlan:
    """Read the packages and compute the decks, reviews and images an import would write; write nothing.

    Args:
        deck: the deck for every card (``--deck``); by default one per Anki deck.
        packaged: names of the packaged decks (refused as targets).
        existing: the learner's decks by name.
        packages: the packages already read, by path (the others are read here).

    Raises:
        NoteImportError: a package is refused, or a deck name is invalid or a packaged deck's.
    """
    if deck is not None and not DECK_NAME.match(deck):
        raise NoteImportError(
            f"deck name {deck!r} must be 1 to 64 lower-case letters, digits, '-' or '_', "
            "starting with a letter or digit"
        )
    decks: dict[str, Deck] = {}
    reports: list[FileImport] = []
    reviews: list[tuple[str, AnkiReview]] = []
    media: dict[Path, bytes] = {}
    for path in paths:
        package = packages[path] if packages is not None and path in packages else read_anki_package(path)
        if not package.cards:
            raise NoteImportError(f"{path}: the package holds no card; nothing imported")
        deck_of = {anki.card_id: anki.deck for anki in package.cards}
        for name, cards in _package_cards(package, deck).items():
            if name in packaged:
                raise NoteImportError(
                    f"{path}: deck name {name!r} is taken by a packaged deck; choose another with --deck NAME"
                )
            anki_decks = tuple(sorted({deck_of[anki_id] for _, anki_id in cards}))
            title = _common_parent(anki_decks, path.stem)
            current = decks.get(name) or existing.get(name)
            if current is None:
                target = user_decks_dir(data_dir) / f"{name}.yaml"
                current = Deck(name=name, title=title, cards=(), path=target, user=True)
            notes = NoteFile(path=path, format=FORMAT, title=title, notes=())
            decks[name], report = merge_file(current, notes, [card for card, _ in cards])
            reports.append(report)
            ids = {anki_id: card.id for card, anki_id in cards}
            reviews.extend((ids[review.card_id], review) for review in package.reviews if review.card_id in ids)
            images = {image for anki in package.cards if anki.card_id in ids for image in anki.images}
            # Only images the package ships; the others keep their placeholder.
            for image in sorted(images & package.media.keys()):
                safe = media_file_name(image)
                if safe is not None:
                    media[media_dir(data_dir) / name / safe] = package.media[image]
    return AnkiImportPlan(reports=tuple(reports), decks=tuple(decks.values()), reviews=tuple(reviews), media=media)
