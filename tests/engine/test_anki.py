"""Anki packages imported with their review history (FSRS state rebuilt as py-fsrs replays it), idempotently,
and exported decks read back."""

import json
import random
import shutil
import sqlite3
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Card as FsrsCard
from fsrs import Rating, Scheduler

from tutor.engine.anki import export_anki_package, import_anki_packages
from tutor.engine.collection import open_collection
from tutor.engine.study import Study
from tutor.locations import media_dir
from tutor.questions.anki_decks import anki_card_id, anki_deck_name
from tutor.questions.library import Library
from tutor.questions.readers.anki_package import read_anki_package

ANKI = Path(__file__).parents[1] / "questions" / "fixtures" / "anki"
CHILD = "智能计算系统::复习"
START = datetime(2026, 1, 1, 10, tzinfo=UTC)
# make_fixtures.HISTORY without its manual row: (days after START, rating).
HISTORY = [(0, "good"), (0.01, "good"), (1, "good"), (4, "again"), (4.01, "good"), (9, "easy")]


def _import(paths: list[Path], data_dir: Path, deck: str | None = None):
    """Import packages; return their reports."""
    return import_anki_packages(paths, data_dir=data_dir, deck=deck)[1]


def _first_card(data_dir: Path, package: str = "modern.apkg", deck: str | None = None) -> str:
    """The tutor id of the Basic card that carries HISTORY."""
    anki = read_anki_package(ANKI / package)
    first = next(card for card in anki.cards if card.question == "什么是**卷积**？")
    return anki_card_id(deck or anki_deck_name(CHILD), first.note_guid, first.ordinal)


def _study(data_dir: Path) -> Study:
    return Study.open(data_dir, tz=UTC)


def learner_library(data_dir: Path) -> Library:
    """Every deck of the learner's collection with its cards."""
    with open_collection(data_dir) as collection:
        return Library(decks=tuple(collection.deck_with_cards(deck.name) for deck in collection.decks))


def _py_fsrs_replay(card_id: str) -> FsrsCard:
    """py-fsrs itself over HISTORY, its fuzz seeded as the engine documents (card id / review count)."""
    scheduler = Scheduler()
    at = START + timedelta(days=HISTORY[0][0])
    card = FsrsCard(card_id=1, due=at)
    for index, (day, rating) in enumerate(HISTORY):
        random.seed(f"{card_id}/{index}")
        moment = datetime.fromtimestamp((START.timestamp() * 1000 + int(day * 86_400_000)) / 1000, UTC)
        card, _ = scheduler.review_card(card, Rating[rating.capitalize()], review_datetime=moment)
    return card


@pytest.mark.parametrize("package", ["modern.apkg", "legacy.apkg", "collection.colpkg", "genanki.apkg"])
def test_the_state_of_a_reviewed_card_is_py_fsrs_replaying_its_history(data_home, package):
    _import([ANKI / package], data_home)
    card_id = _first_card(data_home, package)
    expected = _py_fsrs_replay(card_id)
    with _study(data_home) as study:
        state = study.card_state(card_id)
        history = study.history(card_id)
    assert [(record.rating, record.mode) for record in history] == [(rating, "review") for _, rating in HISTORY]
    assert [record.duration_ms for record in history] == [8000, 5000, 4000, 12000, 6000, 3000]
    assert (state.state, state.step, state.due, state.last_review) == (
        expected.state.name.lower(),
        expected.step,
        expected.due,
        expected.last_review,
    )
    assert (state.stability, state.difficulty) == (expected.stability, expected.difficulty)
    # Well known: a review card, not new; one lapse (the "again" from review).
    assert (state.state, state.reps, state.lapses) == ("review", 6, 1)


def test_every_answer_of_the_package_goes_to_the_log(data_home):
    reports = _import([ANKI / "modern.apkg"], data_home)
    assert sum(report.history.added for report in reports) == 11
    with _study(data_home) as study:
        assert sum(len(study.history(card.id)) for card in study.library.cards) == 11
        # Reviews a day or more apart: HISTORY has 2, the two shorter histories 1 each.
        assert study.optimize().reviews == 4


def test_decks_keep_their_hierarchy_and_images_are_saved(data_home):
    _import([ANKI / "modern.apkg"], data_home)
    library = learner_library(data_home)
    assert {deck.title for deck in library.decks if deck.user} == {"智能计算系统", CHILD}
    child = library.deck(anki_deck_name(CHILD))
    assert len(child.cards) == 6
    saved = media_dir(data_home) / child.name / "conv.png"
    assert saved.read_bytes().startswith(b"\x89PNG")
    assert any("〔图片：conv.png〕" in card.answer for card in child.cards)


def test_deck_option_puts_every_card_in_one_deck(data_home):
    (report,) = _import([ANKI / "legacy.apkg"], data_home, deck="aics")
    deck = learner_library(data_home).deck("aics")
    assert (len(report.cards.added), deck.title) == (7, "智能计算系统")


def _snapshot(data_home: Path):
    decks = {deck.name: deck for deck in learner_library(data_home).decks if deck.user}
    with _study(data_home) as study:
        log = [record.to_dict() for card in study.library.cards for record in study.history(card.id)]
        states = {card.id: study.card_state(card.id) for card in study.library.cards}
    return decks, log, states


def test_importing_twice_changes_nothing(data_home):
    _import([ANKI / "modern.apkg"], data_home)
    before = _snapshot(data_home)
    reports = _import([ANKI / "modern.apkg"], data_home)
    assert [(len(r.cards.added), len(r.cards.updated), r.history.added) for r in reports] == [(0, 0, 0), (0, 0, 0)]
    assert sum(report.history.known for report in reports) == 11
    assert _snapshot(data_home) == before


def _updated_package(tmp_path: Path) -> Path:
    """legacy.apkg with the Basic card's Back edited and one more answer of that card, ten days later."""
    work = tmp_path / "unpacked"
    with zipfile.ZipFile(ANKI / "legacy.apkg") as archive:
        archive.extractall(work)
        names = archive.namelist()
    db = sqlite3.connect(work / "collection.anki21")
    note_id, card_id, fields = db.execute(
        "SELECT notes.id, cards.id, notes.flds FROM notes JOIN cards ON cards.nid = notes.id "
        "WHERE notes.flds LIKE '什么是%'"
    ).fetchone()
    db.execute("UPDATE notes SET flds = ? WHERE id = ?", (fields.replace("局部连接", "局部连接、平移等变"), note_id))
    later = int((START + timedelta(days=19)).timestamp() * 1000)
    db.execute("INSERT INTO revlog VALUES (?, ?, -1, 3, 30, 12, 2500, 7000, 1)", (later, card_id))
    db.commit()
    db.close()
    updated = tmp_path / "legacy-updated.apkg"
    with zipfile.ZipFile(updated, "w") as archive:
        for name in names:
            archive.write(work / name, name)
    return updated


def test_an_updated_package_updates_text_in_place_and_adds_only_new_reviews(data_home, tmp_path):
    package = tmp_path / "legacy.apkg"
    shutil.copy(ANKI / "legacy.apkg", package)
    _import([package], data_home)
    card_id = _first_card(data_home, "legacy.apkg")
    shutil.copy(_updated_package(tmp_path), package)

    reports = _import([package], data_home)
    child = next(report for report in reports if report.cards.deck == anki_deck_name(CHILD))
    assert (child.cards.updated, child.history.added, child.history.known) == ((card_id,), 1, 11)
    with _study(data_home) as study:
        assert "局部连接、平移等变" in study.card(card_id).answer
        history = study.history(card_id)
        assert [record.rating for record in history] == [rating for _, rating in HISTORY] + ["good"]
        assert study.card_state(card_id).reps == 7


def test_tutor_ratings_after_an_import_survive_a_reimport(data_home, monkeypatch):
    _import([ANKI / "modern.apkg"], data_home)
    card_id = _first_card(data_home)
    monkeypatch.setenv("TUTOR_NOW", "2026-02-01T09:00:00+00:00")
    with _study(data_home) as study:
        rated = study.rate(card_id, "good")
    _import([ANKI / "modern.apkg"], data_home)
    with _study(data_home) as study:
        assert study.card_state(card_id) == rated
        assert len(study.history(card_id)) == 7


def test_an_exported_deck_reads_back_with_the_same_cards_and_history(data_home, tmp_path):
    _import([ANKI / "modern.apkg"], data_home)
    name = anki_deck_name(CHILD)
    out = tmp_path / "out.apkg"
    report = export_anki_package(out, data_dir=data_home, deck=name, with_history=True)
    assert (report.cards, report.reviews) == (6, 11)

    package = read_anki_package(out)
    assert package.decks == (CHILD,)
    original = learner_library(data_home).deck(name)
    assert [(card.question, card.answer) for card in package.cards] == [
        (card.question, card.answer.rstrip("\n")) for card in original.cards
    ]
    assert [card.tags for card in package.cards] == [card.tags for card in original.cards]

    again = tmp_path / "again"
    _import([out], again, deck="back")
    first = _first_card(data_home)
    with _study(data_home) as before, _study(again) as after:
        back = learner_library(again).deck("back")
        assert [(c.question, c.answer) for c in back.cards] == [(c.question, c.answer) for c in original.cards]
        exported = next(card.id for card in back.cards if card.question == "什么是**卷积**？")
        assert [(r.reviewed_at, r.rating, r.duration_ms) for r in after.history(exported)] == [
            (r.reviewed_at, r.rating, r.duration_ms) for r in before.history(first)
        ]
        assert after.card_state(exported).stability == before.card_state(first).stability


def _exported_cards(package: Path, work: Path) -> tuple[int, dict[str, tuple]]:
    """The collection's creation time and each note guid's cards row, read with sqlite3 from the package."""
    with zipfile.ZipFile(package) as archive:
        (work / "collection.anki2").write_bytes(archive.read("collection.anki2"))
    db = sqlite3.connect(work / "collection.anki2")
    try:
        (created,) = db.execute("SELECT crt FROM col").fetchone()
        rows = db.execute(
            "SELECT notes.guid, cards.type, cards.queue, cards.due, cards.ivl, cards.reps, cards.lapses, cards.data "
            "FROM cards JOIN notes ON notes.id = cards.nid"
        )
        return created, {guid: tuple(rest) for guid, *rest in rows}
    finally:
        db.close()


def test_exported_cards_keep_their_schedules_in_ankis_cards_table(data_home, tmp_path):
    _import([ANKI / "modern.apkg"], data_home)
    name = anki_deck_name(CHILD)
    out = tmp_path / "out.apkg"
    export_anki_package(out, data_dir=data_home, deck=name, with_history=True)
    created, rows = _exported_cards(out, tmp_path)
    ids = {card.question: card.id for card in learner_library(data_home).deck(name).cards}
    seen = set()
    with _study(data_home) as study:
        for card in read_anki_package(out).cards:
            state = study.card_state(ids[card.question])
            kind, queue, due, interval, reps, lapses, data = rows[card.note_guid]
            seen.add(state.state)
            if state.state == "new":
                assert (kind, queue) == (0, 0)
                continue
            assert kind == queue == {"learning": 1, "review": 2, "relearning": 3}[state.state]
            if state.state == "review":
                # Due on a day counted from the collection's creation, as in Anki's own files.
                assert due == (int(state.due.timestamp()) - created) // 86400
                assert interval == round((state.due - state.last_review) / timedelta(days=1))
            else:
                assert due == int(state.due.timestamp())
            assert (reps, lapses) == (state.reps, state.lapses)
            memory = json.loads(data)
            assert (memory["s"], memory["d"]) == pytest.approx((state.stability, state.difficulty), abs=1e-4)
            assert memory["lrt"] == int(state.last_review.timestamp())
    assert {"new", "review", "learning"} <= seen


def test_a_plain_export_leaves_every_card_new_in_anki(data_home, tmp_path):
    _import([ANKI / "modern.apkg"], data_home)
    out = tmp_path / "plain.apkg"
    export_anki_package(out, data_dir=data_home, deck=anki_deck_name(CHILD))
    _, rows = _exported_cards(out, tmp_path)
    assert {row[:2] for row in rows.values()} == {(0, 0)}


def test_exporting_again_gives_the_same_note_guids(data_home, tmp_path):
    _import([ANKI / "modern.apkg"], data_home)
    name = anki_deck_name(CHILD)
    export_anki_package(tmp_path / "a.apkg", data_dir=data_home, deck=name)
    export_anki_package(tmp_path / "b.apkg", data_dir=data_home, deck=name)
    guids = [[card.note_guid for card in read_anki_package(tmp_path / f).cards] for f in ("a.apkg", "b.apkg")]
    assert guids[0] == guids[1] and len(set(guids[0])) == 6


def test_notes_and_a_package_into_one_deck_keep_both(data_home):
    notes, packages = import_anki_packages(
        [ANKI / "modern.apkg"], data_dir=data_home, deck="mix", notes=[ANKI.parent / "qa-mixed.txt"]
    )
    assert (len(notes[0].added), len(packages[0].cards.added)) == (4, 7)
    assert len(learner_library(data_home).deck("mix").cards) == 11
