"""Notes into the store and back: re-imports in place, all or nothing, concurrency, export round trip, deletion."""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tutor.engine.collection import open_collection
from tutor.engine.importing import delete_deck, export_deck, import_notes
from tutor.engine.study import Study
from tutor.errors import BadInputError, NoteImportError, UnknownDeckError
from tutor.locations import database_path
from tutor.questions.user_decks import card_id

FIXTURES = Path(__file__).parents[1] / "questions" / "fixtures"


def _sha8(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _copy(name: str, folder: Path) -> Path:
    return Path(shutil.copy(FIXTURES / name, folder / name))


def _deck(data_dir: Path, name: str):
    with open_collection(data_dir) as collection:
        return collection.deck(name), collection.select(decks=[name])


def _snapshot(data_dir: Path) -> dict:
    """Every imported deck with its cards (empty when the database does not exist)."""
    if not database_path(data_dir).exists():
        return {}
    with open_collection(data_dir) as collection:
        return {
            deck.name: (deck.title, collection.select(decks=[deck.name])) for deck in collection.decks if deck.user
        }


def test_imported_deck_is_stored_with_stable_ids(data_home):
    reports = import_notes([FIXTURES / "cnn-notes.md"], data_dir=data_home)
    assert [report.to_dict() for report in reports] == [
        {
            "file": str(FIXTURES / "cnn-notes.md"),
            "deck": "cnn-notes",
            "format": "markdown",
            "added": 3,
            "updated": 0,
            "unchanged": 0,
            "removed": 0,
            "removed_ids": [],
        }
    ]
    deck, cards = _deck(data_home, "cnn-notes")
    assert deck.user and deck.title == "卷积神经网络复习笔记"
    assert [card.id for card in cards] == [
        f"u-cnn-notes-{_sha8('卷积层的输出尺寸怎么算')}",
        f"u-cnn-notes-{_sha8('用 pytorch 验证输出尺寸')}",
        f"u-cnn-notes-{_sha8('池化层的作用是什么')}",
    ]
    assert cards[2].answer == "- 下采样，减少参数和计算量\n- 扩大感受野\n- 对小的平移有不变性\n"
    assert (cards[2].source.file, cards[2].source.line) == ("cnn-notes.md", 34)


def test_reimporting_the_same_file_changes_nothing(data_home):
    import_notes([FIXTURES / "qa-mixed.txt"], data_dir=data_home)
    before = _snapshot(data_home)
    (report,) = import_notes([FIXTURES / "qa-mixed.txt"], data_dir=data_home)
    assert (len(report.added), len(report.updated), len(report.unchanged), report.removed) == (0, 0, 4, ())
    assert _snapshot(data_home) == before


def test_reimport_reports_added_changed_and_removed_and_keeps_tags(data_home, tmp_path):
    notes = _copy("qa-mixed.txt", tmp_path)
    import_notes([notes], data_dir=data_home)
    _, cards = _deck(data_home, "qa-mixed")
    old_ids = [card.id for card in cards]
    # Tags given to a card in the store (by an Anki import, say) survive an update of its answer.
    with open_collection(data_home) as collection, collection.store.transaction() as tx:
        tagged = [cards[0].__class__(**{**cards[0].__dict__, "tags": ("gradients",)}), *cards[1:]]
        tx.put_deck("qa-mixed", title="qa", origin="imported", cards=tagged)

    text = notes.read_text(encoding="utf-8")
    text = text.replace("层数一深梯度就趋于 0。", "层数一深梯度就指数级趋于 0。")  # card 1 edited
    text = text.replace("问: ReLU 的导数是多少？\n答: x > 0 时为 1，否则为 0。\n", "")  # card 3 deleted
    text += "\nQ: 什么是学习率预热？\nA: 训练开始时从小学习率逐步增大。\n"  # a new card
    notes.write_text(text, encoding="utf-8")
    (report,) = import_notes([notes], data_dir=data_home)

    new = card_id("qa-mixed", "什么是学习率预热？")
    assert (report.added, report.updated, report.unchanged, report.removed) == (
        (new,),
        (old_ids[0],),
        (old_ids[1], old_ids[3]),
        (old_ids[2],),
    )
    _, cards = _deck(data_home, "qa-mixed")
    assert [card.id for card in cards] == [old_ids[0], old_ids[1], old_ids[3], new]
    assert cards[0].answer.endswith("层数一深梯度就指数级趋于 0。\n")
    assert cards[0].tags == ("gradients",)


def test_review_history_survives_a_reimport_that_edits_and_removes_cards(data_home, tmp_path, monkeypatch):
    monkeypatch.setenv("TUTOR_NOW", "2025-03-01T08:00:00+00:00")
    notes = _copy("qa-mixed.txt", tmp_path)
    import_notes([notes], data_dir=data_home)
    edited, dropped = card_id("qa-mixed", "什么是梯度消失？"), card_id("qa-mixed", "ReLU 的导数是多少？")
    with Study.open(data_home, tz=timezone.utc) as study:
        assert [entry.kind for entry in study.queue(decks=["qa-mixed"])] == ["new"] * 4
        rated = study.rate(edited, "good")
        study.rate(dropped, "again")

    text = notes.read_text(encoding="utf-8").replace("趋于 0。", "指数级趋于 0。")
    notes.write_text(text.replace("问: ReLU 的导数是多少？\n答: x > 0 时为 1，否则为 0。\n", ""), encoding="utf-8")
    monkeypatch.setenv("TUTOR_NOW", "2025-03-02T08:00:00+00:00")
    import_notes([notes], data_dir=data_home)

    with Study.open(data_home, tz=timezone.utc) as study:
        assert study.card(edited).answer.endswith("指数级趋于 0。\n")
        assert study.card_state(edited) == rated
        assert [(record.rating, record.reviewed_at) for record in study.history(edited)] == [
            ("good", datetime(2025, 3, 1, 8, tzinfo=timezone.utc))
        ]
        assert [record.rating for record in study.history(dropped)] == ["again"]
        assert dropped not in [entry.card_id for entry in study.queue(decks=["qa-mixed"])]


def test_several_files_share_a_deck_and_reimporting_one_keeps_the_others_cards(data_home, tmp_path):
    qa = _copy("qa-mixed.txt", tmp_path)
    reports = import_notes([FIXTURES / "cnn-notes.md", qa], data_dir=data_home, deck="course")
    assert [(report.deck, len(report.added)) for report in reports] == [("course", 3), ("course", 4)]
    qa.write_text("Q: 只剩一题\nA: 是的\n", encoding="utf-8")
    (report,) = import_notes([qa], data_dir=data_home, deck="course")
    assert (len(report.added), len(report.removed)) == (1, 4)
    _, cards = _deck(data_home, "course")
    assert [card.source.file for card in cards] == ["cnn-notes.md"] * 3 + ["qa-mixed.txt"]


def test_question_repeated_in_one_file_gets_numbered_ids(data_home, tmp_path):
    notes = tmp_path / "rep.txt"
    notes.write_text("Q: 小结\nA: 一\nQ: 小结\nA: 二\n", encoding="utf-8")
    (report,) = import_notes([notes], data_dir=data_home)
    base = card_id("rep", "小结")
    assert report.added == (base, f"{base}-2")


def test_a_chinese_file_name_names_the_deck(data_home, tmp_path):
    notes = tmp_path / "我的笔记.md"
    notes.write_text("## 什么是张量？\n多维数组。\n", encoding="utf-8")
    (report,) = import_notes([notes], data_dir=data_home)
    assert report.deck == "我的笔记"
    # Stable: the same file lands in the same deck again.
    (again,) = import_notes([notes], data_dir=data_home)
    assert (again.deck, again.unchanged) == ("我的笔记", report.added)
    assert _deck(data_home, "我的笔记")[0].card_count == 1


def test_same_question_from_two_files_of_one_run_into_one_deck_is_refused(data_home, tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("Q: 小结\nA: 一\n", encoding="utf-8")
    second.write_text("Q: x\nA: y\nQ: 小结\nA: 二\n", encoding="utf-8")
    with pytest.raises(NoteImportError, match=r"b\.txt:3: the same question is at .*a\.txt:1"):
        import_notes([first, second], data_dir=data_home, deck="mixed")
    assert _snapshot(data_home) == {}


@pytest.mark.parametrize(
    "bad",
    [
        None,  # missing
        b"",  # empty
        b"\x00\x01\x02binary",  # binary
        "问：张量？\n答：数组。\n".encode("gbk"),  # not UTF-8
        b"nothing that looks like a card\n",  # no cards
        b"Q: question without answer\n",  # malformed
    ],
)
def test_a_bad_file_leaves_every_deck_unchanged(data_home, tmp_path, bad):
    qa = _copy("qa-mixed.txt", tmp_path)
    import_notes([qa], data_dir=data_home)
    before = _snapshot(data_home)
    qa.write_text("Q: 改过的\nA: 新答案\n", encoding="utf-8")
    bad_file = tmp_path / "bad.txt"
    if bad is not None:
        bad_file.write_bytes(bad)
    with pytest.raises(NoteImportError, match=r"bad\.txt"):
        # The good, edited file comes first and a new deck too: neither may be written.
        import_notes([qa, FIXTURES / "anki-export.txt", bad_file], data_dir=data_home)
    assert _snapshot(data_home) == before


def test_a_refused_first_import_creates_nothing(data_home, tmp_path):
    with pytest.raises(NoteImportError):
        import_notes([FIXTURES / "cnn-notes.md", tmp_path / "missing.md"], data_dir=data_home)
    assert not data_home.exists()


@pytest.mark.parametrize(
    ("deck", "file", "message"),
    [
        ("dl-interview", "cnn-notes.md", "deck name 'dl-interview' is taken by a packaged deck"),
        (None, "dl-interview.md", "deck name 'dl-interview' is taken by a packaged deck"),
        ("Bad Name", "cnn-notes.md", "deck name 'Bad Name' must be"),
    ],
)
def test_packaged_or_invalid_deck_name_is_refused(data_home, tmp_path, deck, file, message):
    path = tmp_path / file
    shutil.copy(FIXTURES / "cnn-notes.md", path)
    if file == "dl-interview.md":
        # No title: the deck would be named after the file.
        path.write_text("## 问\n答\n", encoding="utf-8")
    with pytest.raises(NoteImportError, match=message):
        import_notes([path], data_dir=data_home, deck=deck)
    assert _snapshot(data_home) == {}


def test_delete_removes_only_user_decks_and_keeps_reviews(data_home, monkeypatch):
    monkeypatch.setenv("TUTOR_NOW", "2025-03-01T08:00:00+00:00")
    import_notes([FIXTURES / "cnn-notes.md"], data_dir=data_home, deck="cnn-notes")
    first = f"u-cnn-notes-{_sha8('卷积层的输出尺寸怎么算')}"
    with Study.open(data_home) as study:
        study.rate(first, "good")
    assert delete_deck("cnn-notes", data_dir=data_home) == 3
    with pytest.raises(UnknownDeckError, match="you have no deck 'cnn-notes'"):
        delete_deck("cnn-notes", data_dir=data_home)
    with pytest.raises(BadInputError, match="'dl-interview' is a packaged deck"):
        delete_deck("dl-interview", data_dir=data_home)
    with Study.open(data_home) as study:
        assert [record.rating for record in study.history(first)] == ["good"]
        assert first not in {entry.card_id for entry in study.queue()}


@pytest.mark.parametrize("source", ["cnn-notes.md", "qa-mixed.txt", "anki-export.txt"])
def test_export_then_import_gives_the_same_cards(data_home, tmp_path, source):
    (report,) = import_notes([FIXTURES / source], data_dir=data_home)
    _, cards = _deck(data_home, report.deck)
    exported = tmp_path / "out" / "deck.md"
    exported.parent.mkdir()
    assert export_deck(report.deck, exported, data_dir=data_home) == len(cards)

    fresh = tmp_path / "fresh"
    (again,) = import_notes([exported], data_dir=fresh, deck=report.deck)
    _, back = _deck(fresh, report.deck)
    assert [(card.id, card.question, card.answer) for card in back] == [
        (card.id, " ".join(card.question.split()), card.answer) for card in cards
    ]
    # Into the learner's own collection, the exported file changes nothing.
    (same,) = import_notes([exported], data_dir=data_home, deck=report.deck)
    assert (same.added, same.updated) == ((), ())


def test_export_refuses_to_overwrite_a_file(data_home, tmp_path):
    import_notes([FIXTURES / "cnn-notes.md"], data_dir=data_home, deck="cnn-notes")
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "mine.md"
    target.write_text("my own notes", encoding="utf-8")
    with pytest.raises(BadInputError, match="exists"):
        export_deck("cnn-notes", target, data_dir=data_home)
    assert target.read_text(encoding="utf-8") == "my own notes"
    export_deck("cnn-notes", target, data_dir=data_home, overwrite=True)
    assert target.read_text(encoding="utf-8").startswith("# 卷积神经网络复习笔记\n")
    assert [path.name for path in target.parent.iterdir()] == ["mine.md"]  # no temporary file left


IMPORT = """
import sys
from pathlib import Path
from tutor.engine.importing import import_notes
import_notes([Path(sys.argv[2])], data_dir=Path(sys.argv[1]), deck=sys.argv[3] if len(sys.argv) > 3 else None)
"""


def _qa_file(path: Path, count: int, prefix: str) -> Path:
    path.write_text("".join(f"Q: {prefix} 问题 {i}？\nA: 答案 {i}。\n\n" for i in range(count)), encoding="utf-8")
    return path


def test_two_concurrent_imports_into_one_deck_both_land(data_home, tmp_path):
    open_collection(data_home).close()
    files = [_qa_file(tmp_path / f"{name}.txt", 200, name) for name in ("first", "second")]
    processes = [
        subprocess.Popen([sys.executable, "-c", IMPORT, str(data_home), str(path), "shared"], stderr=subprocess.PIPE)
        for path in files
    ]
    for process in processes:
        assert process.wait(timeout=120) == 0, process.stderr.read().decode()
    deck, cards = _deck(data_home, "shared")
    assert deck.card_count == 400
    assert {card.source.file for card in cards} == {"first.txt", "second.txt"}


RATE = """
import sys
from pathlib import Path
from tutor.engine.study import Study
with Study.open(Path(sys.argv[1])) as study:
    for card_id in sys.argv[2:]:
        study.rate(card_id, "good")
"""


def test_an_import_and_ratings_from_another_process_both_land(data_home, tmp_path):
    open_collection(data_home).close()
    with open_collection(data_home) as collection:
        corpus = [card.id for card in collection.select(decks=["dl-interview"])][:40]
    notes = _qa_file(tmp_path / "big.txt", 3000, "big")
    importer = subprocess.Popen([sys.executable, "-c", IMPORT, str(data_home), str(notes)], stderr=subprocess.PIPE)
    rater = subprocess.Popen([sys.executable, "-c", RATE, str(data_home), *corpus], stderr=subprocess.PIPE)
    assert importer.wait(timeout=180) == 0, importer.stderr.read().decode()
    assert rater.wait(timeout=180) == 0, rater.stderr.read().decode()
    with Study.open(data_home) as study:
        assert study.collection.deck("big").card_count == 3000
        assert all(study.card_state(card_id).reps == 1 for card_id in corpus)


def test_an_import_killed_midway_leaves_the_collection_as_before(data_home, tmp_path):
    import_notes([FIXTURES / "qa-mixed.txt"], data_dir=data_home)
    before = _snapshot(data_home)
    notes = _qa_file(tmp_path / "huge.txt", 20000, "huge")
    importer = subprocess.Popen([sys.executable, "-c", IMPORT, str(data_home), str(notes)])
    # Kill it while it writes: once the write transaction has begun (the WAL grows), not before.
    wal = Path(str(database_path(data_home)) + "-wal")
    deadline = time.monotonic() + 120
    start_size = wal.stat().st_size if wal.exists() else 0
    while time.monotonic() < deadline and importer.poll() is None:
        if wal.exists() and wal.stat().st_size > start_size + 200_000:
            break
        time.sleep(0.01)
    assert importer.poll() is None, "the import finished before it could be killed"
    os.kill(importer.pid, signal.SIGKILL)
    importer.wait(timeout=30)
    assert _snapshot(data_home) == before
    # The collection still works: the same import now lands whole.
    (report,) = import_notes([notes], data_dir=data_home)
    assert len(report.added) == 20000
    assert _deck(data_home, "huge")[0].card_count == 20000
