"""Imported cards are studied like the corpus, and a re-import keeps every review the engine logged."""

import shutil
from datetime import datetime, timezone
from pathlib import Path

from tutor.engine.study import Study
from tutor.locations import user_decks_dir
from tutor.questions.library import load_library
from tutor.questions.user_decks import card_id, import_notes

FIXTURES = Path(__file__).parent / "fixtures"


def _study(data_home: Path) -> Study:
    return Study.open(data_home, load_library(user_decks_dir(data_home)), tz=timezone.utc)


def test_imported_cards_are_new_in_the_queue(data_home, monkeypatch):
    monkeypatch.setenv("TUTOR_NOW", "2025-03-01T08:00:00+00:00")
    import_notes([FIXTURES / "anki-export.txt"], data_dir=data_home)
    with _study(data_home) as study:
        queue = study.queue(decks=["anki-export"])
    deck = load_library(user_decks_dir(data_home)).deck("anki-export")
    assert [(entry.card_id, entry.kind) for entry in queue] == [(card.id, "new") for card in deck.cards]


def test_review_history_survives_a_reimport_that_edits_and_removes_cards(data_home, tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_NOW", "2025-03-01T08:00:00+00:00")
    notes = Path(shutil.copy(FIXTURES / "qa-mixed.txt", tmp_path / "qa-mixed.txt"))
    import_notes([notes], data_dir=data_home)
    edited, dropped = card_id("qa-mixed", "什么是梯度消失？"), card_id("qa-mixed", "ReLU 的导数是多少？")
    with _study(data_home) as study:
        rated = study.rate(edited, "good")
        study.rate(dropped, "again")

    text = notes.read_text(encoding="utf-8").replace("趋于 0。", "指数级趋于 0。")
    notes.write_text(text.replace("问: ReLU 的导数是多少？\n答: x > 0 时为 1，否则为 0。\n", ""), encoding="utf-8")
    monkeypatch.setenv("TUTOR_NOW", "2025-03-02T08:00:00+00:00")
    (report,) = import_notes([notes], data_dir=data_home)
    assert (report.updated, report.removed) == ((edited,), (dropped,))

    with _study(data_home) as study:
        assert study.card(edited).answer.endswith("指数级趋于 0。\n")
        assert study.card_state(edited) == rated
        assert [(record.rating, record.reviewed_at) for record in study.history(edited)] == [
            ("good", datetime(2025, 3, 1, 8, tzinfo=timezone.utc))
        ]
        # The removed card is gone from the content but its review stays in the log.
        assert [record.rating for record in study.history(dropped)] == ["again"]
        assert dropped not in [entry.card_id for entry in study.queue(decks=["qa-mixed"])]
