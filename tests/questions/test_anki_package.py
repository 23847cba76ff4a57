"""Anki packages written by Anki itself (current, legacy, .colpkg) and by genanki, read without Anki's library.

The fixtures are made by ``fixtures/anki/make_fixtures.py`` (Anki 26.9.3 and genanki 0.13.1); its HISTORY is
the review history of the first Basic card.
"""

import sqlite3
import zipfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tutor.errors import NoteImportError
from tutor.questions.readers import anki_package
from tutor.questions.readers.anki_package import ReviewKind, protobuf_fields, read_anki_package

ANKI = Path(__file__).parent / "fixtures" / "anki"
BY_ANKI = ["modern.apkg", "legacy.apkg", "collection.colpkg"]
START = datetime(2026, 1, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "collection", "schema"),
    [
        ("modern.apkg", "collection.anki21b", 18),
        ("legacy.apkg", "collection.anki21", 11),
        ("collection.colpkg", "collection.anki21b", 18),
        ("genanki.apkg", "collection.anki2", 11),
    ],
)
def test_each_kind_of_package_reads_its_own_collection(name, collection, schema):
    package = read_anki_package(ANKI / name)
    assert (package.collection, package.schema) == (collection, schema)


@pytest.mark.parametrize("name", BY_ANKI)
def test_one_card_per_anki_card_by_note_type(name):
    package = read_anki_package(ANKI / name)
    # Basic 1 each, reversed 2 (front → back, back → front), cloze one per number, type-in 1.
    assert Counter(card.note_type for card in package.cards) == {
        "Basic": 2,
        "Basic (and reversed card)": 2,
        "Cloze": 2,
        "Basic (type in the answer)": 1,
    }
    assert package.decks == ("智能计算系统", "智能计算系统::复习")


def test_genanki_package_has_its_note_types_cards():
    package = read_anki_package(ANKI / "genanki.apkg")
    assert Counter(card.note_type for card in package.cards) == {
        "Basic (genanki)": 2,
        "Basic (and reversed card) (genanki)": 2,
        "Cloze (genanki)": 2,
    }
    assert package.decks == ("智能计算系统::复习",)


def _sides(name: str) -> dict[tuple[str, int], tuple[str, str]]:
    package = read_anki_package(ANKI / name)
    return {(card.note_type.removesuffix(" (genanki)"), card.ordinal, card.question): (card.question, card.answer)
            for card in package.cards}


@pytest.mark.parametrize("name", [*BY_ANKI, "genanki.apkg"])
def test_fields_become_clean_markdown(name):
    sides = set(_sides(name).values())
    # <b> → bold, &nbsp; and &amp; decoded, <br> → a line break, the image a placeholder, [sound:] dropped.
    assert ("什么是**卷积**？", "用卷积核在输入上滑动做加权求和\\\n参数共享 & 局部连接\\\n〔图片：conv.png〕") in sides
    # A list stays a list, a <div> its own paragraph, MathJax \( \) written as the corpus's $ $.
    assert ("常见的激活函数", "- sigmoid\n- **ReLU**: $f(x)=\\max(0,x)$\n\nsoftmax 的和为 1") in sides
    # The reversed note: both directions.
    back = "沿负梯度方向更新参数：$$\\theta \\leftarrow \\theta - \\eta \\nabla L$$"
    assert {("梯度下降", back), (back, "梯度下降")} <= sides
    # Cloze: [… ] or the hint on the question, the deletion filled in (bold) on the answer with Back Extra.
    assert ("[…]用链式法则计算梯度，<一次前向>", "**反向传播**用链式法则计算梯度，<一次前向>\\\n见第 3 章") in sides
    assert ("反向传播用[求导规则]计算梯度，<一次前向>", "反向传播用**链式法则**计算梯度，<一次前向>\\\n见第 3 章") in sides


def test_type_in_the_answer_drops_the_input_box():
    sides = set(_sides("modern.apkg").values())
    assert ("ReLU 的全称", "Rectified Linear Unit") in sides


@pytest.mark.parametrize("name", [*BY_ANKI, "genanki.apkg"])
def test_tags_and_images_are_kept(name):
    package = read_anki_package(ANKI / name)
    first = next(card for card in package.cards if card.question == "什么是**卷积**？")
    assert first.tags == ("cnn", "第3章")
    assert first.images == ("conv.png",)
    assert package.media["conv.png"].startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("name", [*BY_ANKI, "genanki.apkg"])
def test_review_history_skips_rows_that_are_not_answers(name):
    package = read_anki_package(ANKI / name)
    first = next(card for card in package.cards if card.question == "什么是**卷积**？")
    history = [review for review in package.reviews if review.card_id == first.card_id]
    # make_fixtures.HISTORY less its manual row (a set due date, ease 0).
    days = [0, 0.01, 1, 4, 4.01, 9]
    assert [(review.reviewed_at, review.rating, review.duration_ms) for review in history] == [
        (datetime.fromtimestamp((START.timestamp() * 1000 + int(day * 86_400_000)) / 1000, UTC), rating, ms)
        for day, rating, ms in zip(days, [3, 3, 3, 1, 3, 4], [8000, 5000, 4000, 12000, 6000, 3000])
    ]
    assert [review.kind for review in history] == [
        ReviewKind.LEARN, ReviewKind.LEARN, ReviewKind.REVIEW, ReviewKind.REVIEW, ReviewKind.RELEARN,
        ReviewKind.REVIEW,
    ]


@pytest.mark.parametrize("name", BY_ANKI)
def test_every_answer_of_the_package_is_read(name):
    package = read_anki_package(ANKI / name)
    # 6 of HISTORY, 2 + 2 of the shorter histories, 1 answered by Anki's scheduler; skipped: HISTORY's manual
    # row and Anki's own "set due date" row.
    assert (len(package.reviews), package.skipped_rows) == (11, 2)
    times = [review.reviewed_at for review in package.reviews]
    assert times == sorted(times)


@pytest.mark.parametrize(
    ("ease", "kind", "factor", "answer"),
    [
        (3, ReviewKind.REVIEW, 2500, True),
        (1, ReviewKind.LEARN, 0, True),
        (0, ReviewKind.MANUAL, 0, False),  # set due date / forget
        (0, ReviewKind.RESCHEDULED, 2500, False),
        (3, ReviewKind.FILTERED, 0, False),  # cramming that did not reschedule
        (3, ReviewKind.FILTERED, 2500, True),
    ],
)
def test_which_revlog_rows_are_answers(ease, kind, factor, answer):
    assert anki_package.is_answer(ease, kind, factor) is answer


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("a \\(x^2\\) b", "a $x^2$ b"),
        ("\\[ \\sum_i x_i \\]", "$$\\sum_i x_i$$"),
        ("\\(a\\) and \\[b\\] and \\(c\\)", "$a$ and $$b$$ and $c$"),
        ("left open \\(x", "left open \\(x"),
    ],
)
def test_mathjax_becomes_the_corpus_math(text, markdown):
    assert anki_package.mathjax_to_dollars(text) == markdown


def test_protobuf_reader_reads_varints_and_nested_messages():
    # PackageMetadata{version: 3} and MediaEntry{name: "a.png", size: 300}.
    assert protobuf_fields(b"\x08\x03") == [(1, 3)]
    assert protobuf_fields(b"\x0a\x05a.png\x10\xac\x02") == [(1, b"a.png"), (2, 300)]
    with pytest.raises(ValueError):
        protobuf_fields(b"\x0a\x09a.png")


# Bad packages: one line that says which, nothing read.


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _genanki_collection(tmp_path: Path) -> Path:
    with zipfile.ZipFile(ANKI / "genanki.apkg") as archive:
        archive.extract("collection.anki2", tmp_path)
    return tmp_path / "collection.anki2"


def _refusal(path: Path) -> str:
    with pytest.raises(NoteImportError) as caught:
        read_anki_package(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message


def test_a_file_that_is_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "deck.apkg"
    path.write_text("Front\tBack\n", encoding="utf-8")
    assert "not an Anki package (not a zip file)" in _refusal(path)


def test_a_zip_without_a_collection_is_refused(tmp_path):
    path = _zip(tmp_path / "deck.apkg", {"media": b"{}", "0": b"x"})
    assert "without an Anki collection" in _refusal(path)


def test_an_unknown_schema_is_refused(tmp_path):
    collection = _genanki_collection(tmp_path)
    with sqlite3.connect(collection) as db:
        db.execute("UPDATE col SET ver = 42")
    db.close()
    path = _zip(tmp_path / "deck.apkg", {"collection.anki2": collection.read_bytes()})
    assert "unknown Anki collection schema 42" in _refusal(path)


def test_a_newer_package_version_is_refused(tmp_path):
    path = _zip(tmp_path / "deck.apkg", {"meta": b"\x08\x07", "collection.anki21b": b"x"})
    assert "unknown Anki package version 7" in _refusal(path)


def test_a_corrupt_sqlite_file_is_refused(tmp_path):
    data = _genanki_collection(tmp_path).read_bytes()
    # The SQLite header kept, the pages after it overwritten.
    path = _zip(tmp_path / "deck.apkg", {"collection.anki2": data[:100] + b"\xff" * (len(data) - 100)})
    assert "collection.anki2 is corrupt" in _refusal(path)


@pytest.mark.parametrize("data", [b"not a database at all" * 100, b""])
def test_garbage_instead_of_sqlite_is_refused(tmp_path, data):
    path = _zip(tmp_path / "deck.apkg", {"collection.anki21": data})
    assert "collection.anki21 is corrupt (not an SQLite database)" in _refusal(path)


def test_an_empty_zstd_collection_is_refused(tmp_path):
    import zstandard

    path = _zip(tmp_path / "deck.apkg", {"meta": b"\x08\x03", "collection.anki21b": zstandard.compress(b"")})
    assert "collection.anki21b is corrupt (not an SQLite database)" in _refusal(path)


def test_a_corrupt_zstd_collection_is_refused(tmp_path):
    path = _zip(tmp_path / "deck.apkg", {"meta": b"\x08\x03", "collection.anki21b": b"\x28\xb5\x2f\xfd" + b"\xff" * 64})
    assert "collection.anki21b is corrupt (cannot decompress" in _refusal(path)


def test_a_decompression_bomb_stops_at_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(anki_package, "MAX_COLLECTION_BYTES", 4096)
    assert "is larger than" in _refusal(ANKI / "modern.apkg")


def test_a_missing_file_is_refused(tmp_path):
    assert "no such file" in _refusal(tmp_path / "missing.apkg")


def test_a_directory_or_a_fifo_is_refused_at_once(tmp_path):
    import os

    folder = tmp_path / "deck.apkg"
    folder.mkdir()
    assert "is a directory, not a regular file" in _refusal(folder)
    fifo = tmp_path / "pipe.apkg"
    os.mkfifo(fifo)
    assert "is a named pipe (FIFO), not a regular file" in _refusal(fifo)
