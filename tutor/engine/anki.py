"""Anki packages in and out: imported cards into the learner's decks and answers into the review log; a deck
exported with its review log.

The packages are read and every deck computed and checked first (:func:`tutor.questions.anki_decks.plan_anki_import`);
then the images, the decks and the reviews are written, in that order. The reviews go in one transaction per
deck, each card's FSRS state rebuilt from its whole history (:mod:`tutor.engine.history`). Should writing the
reviews fail after the decks were written, importing the package again adds exactly the reviews missing.
"""

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from tutor.engine.history import HistoryImport, PastReview
from tutor.engine.records import RATINGS
from tutor.engine.study import Study
from tutor.errors import NoteImportError, StoreError
from tutor.questions.anki_decks import plan_anki_import
from tutor.questions.anki_export import RevlogEntry, write_anki_package
from tutor.questions.deck import dump_deck, parse_deck
from tutor.questions.library import learner_library
from tutor.questions.readers.anki_package import ReviewKind
from tutor.questions.user_decks import FileImport, plan_import, write_decks


@dataclass(frozen=True)
class PackageImport:
    """What importing one package did to one deck."""

    cards: FileImport
    """The cards added, updated, unchanged and removed."""
    history: HistoryImport
    """The answers added to the log."""
    images: int
    """Images saved under the data directory."""

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain data (the JSON of ``tutor import``)."""
        return {**self.cards.to_dict(), **self.history.to_dict(), "images": self.images}


def _write_file(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name[:40]}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def import_anki_packages(
    paths: list[Path], *, data_dir: Path, deck: str | None = None, notes: list[Path] | None = None
) -> tuple[tuple[FileImport, ...], tuple[PackageImport, ...]]:
    """Import Anki packages (``.apkg``, ``.colpkg``): cards, tags, images and review history; and, in the same
    run, note files (``notes``, as :func:`tutor.questions.user_decks.import_notes` reads them).

    Args:
        deck: the deck for every card (``--deck``); by default one deck per Anki deck (and per note file).

    Returns:
        The note files' reports and the packages' reports.

    Raises:
        NoteImportError, DeckError: a file or package is refused (nothing is written then).
        StoreError: a file or the database cannot be written.
    """
    library = learner_library(data_dir)
    packaged = {entry.name for entry in library.decks if not entry.user}
    existing = {entry.name: entry for entry in library.decks if entry.user}
    notes_plan = plan_import(notes, data_dir=data_dir, deck=deck) if notes else None
    planned = {entry.name: entry for entry in notes_plan.decks} if notes_plan else {}
    plan = plan_anki_import(paths, data_dir=data_dir, deck=deck, packaged=packaged, existing={**existing, **planned})
    for result in plan.decks:
        # What is written must load back as the same cards; a failure here is a bug, caught before writing.
        loaded = parse_deck(dump_deck(result), result.path, user=True)
        if loaded.cards != result.cards:
            raise NoteImportError(f"{result.path}: the deck would not load back as written; nothing was imported")
    try:
        for path, data in plan.media.items():
            _write_file(path, data)
    except OSError as error:
        raise StoreError(f"cannot save an image in {error.filename or data_dir}: {error.strerror}") from None
    # A deck both plans touch holds the notes' cards already (the package plan started from them).
    write_decks(tuple({**planned, **{entry.name: entry for entry in plan.decks}}.values()))
    reports = []
    # UTC: importing computes no study day, so the learner's time zone does not matter here.
    with Study.open(data_dir, learner_library(data_dir), tz=UTC) as study:
        for report in plan.reports:
            ids = set(report.added + report.updated + report.unchanged)
            history = study.import_history(
                [
                    PastReview(card_id, review.reviewed_at, RATINGS[review.rating - 1], review.duration_ms)
                    for card_id, review in plan.reviews
                    if card_id in ids
                ]
            )
            images = sum(1 for path in plan.media if path.parent.name == report.deck)
            reports.append(PackageImport(cards=report, history=history, images=images))
    return (notes_plan.reports if notes_plan else ()), tuple(reports)


@dataclass(frozen=True)
class PackageExport:
    """What ``tutor export`` wrote."""

    file: str
    """The package written."""
    deck: str
    """The deck exported."""
    cards: int
    """Notes written (one per card)."""
    reviews: int
    """Review-log rows written (``--with-history``)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain data (the JSON of ``tutor export``)."""
        return {"file": self.file, "deck": self.deck, "cards": self.cards, "reviews": self.reviews}


_KINDS = {"new": ReviewKind.LEARN, "learning": ReviewKind.LEARN, "review": ReviewKind.REVIEW,
          "relearning": ReviewKind.RELEARN}
"""The Anki review kind of an answer given in each of our states."""


def export_anki_package(path: Path, *, data_dir: Path, deck: str, with_history: bool = False) -> PackageExport:
    """Write deck ``deck`` to ``path`` as an Anki package, with its review log when ``with_history``.

    Raises:
        UnknownDeckError: no deck has that name.
        StoreError: the package or the database cannot be written or read.
    """
    library = learner_library(data_dir)
    chosen = library.deck(deck)
    history: dict[str, list[RevlogEntry]] = {}
    if with_history:
        with Study.open(data_dir, library, tz=UTC) as study:
            for card in chosen.cards:
                history[card.id] = [
                    RevlogEntry(
                        reviewed_at=record.reviewed_at,
                        rating=RATINGS.index(record.rating) + 1,
                        duration_ms=record.duration_ms,
                        kind=_KINDS[record.state_before],
                    )
                    for record in study.history(card.id)
                    if record.mode == "review"
                ]
    reviews = write_anki_package(chosen, path, history=history)
    return PackageExport(file=str(path), deck=chosen.name, cards=len(chosen.cards), reviews=reviews)
