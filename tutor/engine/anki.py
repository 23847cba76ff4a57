"""Anki packages in and out: imported cards into the learner's decks and answers into the review log; a deck
exported with its review log.

The packages are read and every deck computed and checked (:func:`tutor.questions.anki_decks.plan_anki_import`)
inside the store transaction that then writes the images' files and every deck's cards: all the cards land or
none. The reviews follow, in one transaction per deck, each card's FSRS state rebuilt from its whole history
(:mod:`tutor.engine.history`). Should writing the reviews fail after the decks were written, importing the
package again adds exactly the reviews missing.
"""

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from tutor.engine.collection import open_collection
from tutor.engine.history import HistoryImport, PastReview
from tutor.engine.importing import StoredDecks, merge_notes, write_decks
from tutor.engine.study import Study
from tutor.errors import StoreError
from tutor.questions.anki_decks import plan_anki_import
from tutor.questions.anki_export import AnkiCardType, AnkiSchedule, RevlogEntry, write_anki_package
from tutor.questions.readers.anki_package import ReviewKind, read_anki_package
from tutor.questions.user_decks import FileImport, check_deck_name
from tutor.vocabulary import RATINGS


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
    from tutor.questions.readers.detect import read_note_file  # the readers load markdownify when needed

    if deck is not None:
        check_deck_name(deck)
    files = [read_note_file(path) for path in notes or ()]
    # Read before the store is opened: a refused package leaves no trace, and no write lock waits on reading.
    packages = {path: read_anki_package(path) for path in paths}
    reports = []
    with open_collection(data_dir) as collection:
        store = collection.store
        # One transaction for every deck: all the cards of the run land, or none.
        with store.transaction() as tx:
            note_reports, planned = merge_notes(store, files, deck)
            packaged = {entry.name for entry in store.decks() if not entry.user}
            existing = StoredDecks(store, planned)
            plan = plan_anki_import(
                paths, data_dir=data_dir, deck=deck, packaged=packaged, existing=existing, packages=packages
            )
            try:
                for path, data in plan.media.items():
                    _write_file(path, data)
            except OSError as error:
                raise StoreError(f"cannot save an image in {error.filename or data_dir}: {error.strerror}") from None
            # A deck both plans touch holds the notes' cards already (the package plan started from them).
            write_decks(tx, store, {**planned, **{entry.name: entry for entry in plan.decks}}.values())
        # UTC: importing computes no study day, so the learner's time zone does not matter here.
        study = Study(collection, tz=UTC)
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
    return note_reports, tuple(reports)


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
_CARD_TYPES = {"learning": AnkiCardType.LEARN, "review": AnkiCardType.REVIEW, "relearning": AnkiCardType.RELEARN}
"""The Anki card type of a studied card in each of our states."""


def export_anki_package(path: Path, *, data_dir: Path, deck: str, with_history: bool = False) -> PackageExport:
    """Write deck ``deck`` to ``path`` as an Anki package, with its review log when ``with_history``.

    Raises:
        UnknownDeckError: no deck has that name.
        StoreError: the package or the database cannot be written or read.
    """
    with open_collection(data_dir) as collection:
        chosen = collection.deck_with_cards(deck)
        history: dict[str, list[RevlogEntry]] = {}
        schedules: dict[str, AnkiSchedule] = {}
        if with_history:
            study = Study(collection, tz=UTC)
            for card in chosen.cards:
                state = study.card_state(card.id)
                if state.state != "new" and state.due is not None and state.last_review is not None:
                    schedules[card.id] = AnkiSchedule(
                        kind=_CARD_TYPES[state.state],
                        due=state.due,
                        last_review=state.last_review,
                        reps=state.reps,
                        lapses=state.lapses,
                        stability=state.stability,
                        difficulty=state.difficulty,
                        suspended=state.suspended,
                    )
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
    reviews = write_anki_package(chosen, path, history=history, schedules=schedules)
    return PackageExport(file=str(path), deck=chosen.name, cards=len(chosen.cards), reviews=reviews)
