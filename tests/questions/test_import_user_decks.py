"""User decks: stable ids, re-imports that update in place, all-or-nothing writes, names, collisions, deletion."""

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from tutor.errors import BadInputError, NoteImportError, StoreError, UnknownDeckError
from tutor.locations import user_decks_dir
from tutor.questions.library import load_library
from tutor.questions.readers.note import NoteFile
from tutor.questions.user_decks import (
    card_id,
    default_deck_name,
    delete_user_deck,
    find_user_deck,
    import_notes,
)

FIXTURES = Path(__file__).parent / "fixtures"


def _sha8(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


def _copy(name: str, folder: Path) -> Path:
    return Path(shutil.copy(FIXTURES / name, folder / name))


def _snapshot(data_dir: Path) -> dict[str, bytes]:
    folder = user_decks_dir(data_dir)
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())} if folder.exists() else {}


def test_card_id_hashes_the_question_folded_in_width_case_spacing_and_end_punctuation():
    # Full-width ＲｅＬＵ, extra spaces and the full-width question mark fold away.
    assert card_id("cnn", "  什么是ＲｅＬＵ ？ ") == f"u-cnn-{_sha8('什么是relu')}"
    assert card_id("cnn", "什么是 relu?") == card_id("cnn", "什么是  ReLU")


@pytest.mark.parametrize(
    ("title", "file", "expected"),
    [
        ("CNN 复习笔记", "x.md", "cnn"),
        # No Latin letter in the title: the file name, as a slug.
        ("卷积神经网络复习笔记", "CNN_Notes (v2).md", "cnn-notes-v2"),
        ("第 3 章", "ch3.md", "ch3"),
        (None, "Deep Learning.txt", "deep-learning"),
        # Neither has a Latin letter: a stable hash of the title.
        ("卷积", "笔记.md", f"notes-{_sha8('卷积')}"),
        (None, "笔记.txt", f"notes-{_sha8('笔记')}"),
    ],
)
def test_default_deck_name_is_a_readable_ascii_slug(title, file, expected):
    notes = NoteFile(path=Path(file), format="markdown", title=title, notes=())
    assert default_deck_name(notes) == expected


def test_imported_deck_loads_as_a_user_deck_with_stable_ids(data_home, tmp_path):
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
    deck = load_library(user_decks_dir(data_home)).deck("cnn-notes")
    assert deck.user and deck.title == "卷积神经网络复习笔记"
    assert [card.id for card in deck.cards] == [
        f"u-cnn-notes-{_sha8('卷积层的输出尺寸怎么算')}",
        f"u-cnn-notes-{_sha8('用 pytorch 验证输出尺寸')}",
        f"u-cnn-notes-{_sha8('池化层的作用是什么')}",
    ]
    assert deck.cards[2].answer == "- 下采样，减少参数和计算量\n- 扩大感受野\n- 对小的平移有不变性\n"
    assert (deck.cards[2].source.file, deck.cards[2].source.line) == ("cnn-notes.md", 34)


def test_reimporting_the_same_file_changes_nothing(data_home):
    import_notes([FIXTURES / "qa-mixed.txt"], data_dir=data_home)
    before = _snapshot(data_home)
    (report,) = import_notes([FIXTURES / "qa-mixed.txt"], data_dir=data_home)
    assert (len(report.added), len(report.updated), len(report.unchanged), report.removed) == (0, 0, 4, ())
    assert _snapshot(data_home) == before


def test_reimporting_an_edited_file_updates_in_place_without_duplicates(data_home, tmp_path):
    notes = _copy("qa-mixed.txt", tmp_path)
    import_notes([notes], data_dir=data_home)
    deck_file = user_decks_dir(data_home) / "qa-mixed.yaml"
    # The learner tags a card by hand in the deck file; an update of its answer must keep the tag.
    document = yaml.safe_load(deck_file.read_text(encoding="utf-8"))
    document["cards"][0]["tags"] = ["gradients"]
    deck_file.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    old_ids = [card["id"] for card in document["cards"]]

    text = notes.read_text(encoding="utf-8")
    text = text.replace("层数一深梯度就趋于 0。", "层数一深梯度就指数级趋于 0。")  # card 1 edited
    text = text.replace("问: ReLU 的导数是多少？\n答: x > 0 时为 1，否则为 0。\n", "")  # card 3 deleted
    text += "\nQ: 什么是学习率预热？\nA: 训练开始时从小学习率逐步增大。\n"  # a new card
    notes.write_text(text, encoding="utf-8")
    (report,) = import_notes([notes], data_dir=data_home)

    assert (report.added, report.updated, report.removed) == (
        (card_id("qa-mixed", "什么是学习率预热？"),),
        (old_ids[0],),
        (old_ids[2],),
    )
    assert report.unchanged == (old_ids[1], old_ids[3])
    deck = load_library(user_decks_dir(data_home)).deck("qa-mixed")
    ids = [card.id for card in deck.cards]
    assert ids == [old_ids[0], old_ids[1], old_ids[3], card_id("qa-mixed", "什么是学习率预热？")]
    assert deck.cards[0].answer.endswith("层数一深梯度就指数级趋于 0。\n")
    assert deck.cards[0].tags == ("gradients",)


def test_several_files_share_a_deck_and_reimporting_one_keeps_the_others_cards(data_home, tmp_path):
    qa = _copy("qa-mixed.txt", tmp_path)
    reports = import_notes([FIXTURES / "cnn-notes.md", qa], data_dir=data_home, deck="course")
    assert [(report.deck, len(report.added)) for report in reports] == [("course", 3), ("course", 4)]
    qa.write_text("Q: 只剩一题\nA: 是的\n", encoding="utf-8")
    (report,) = import_notes([qa], data_dir=data_home, deck="course")
    assert (len(report.added), len(report.removed)) == (1, 4)
    deck = load_library(user_decks_dir(data_home)).deck("course")
    assert [card.source.file for card in deck.cards] == ["cnn-notes.md"] * 3 + ["qa-mixed.txt"]


def test_question_repeated_in_one_file_gets_numbered_ids(data_home, tmp_path):
    notes = tmp_path / "rep.txt"
    notes.write_text("Q: 小结\nA: 一\nQ: 小结\nA: 二\n", encoding="utf-8")
    (report,) = import_notes([notes], data_dir=data_home)
    base = card_id("rep", "小结")
    assert report.added == (base, f"{base}-2")


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


def test_write_failure_is_reported_and_leaves_no_temporary_file(data_home):
    data_home.mkdir(parents=True)
    (data_home / "decks").write_text("a file where the folder should be")
    with pytest.raises(StoreError, match="cannot write the deck file"):
        import_notes([FIXTURES / "cnn-notes.md"], data_dir=data_home)
    assert sorted(path.name for path in data_home.iterdir()) == ["decks"]


def test_import_leaves_only_deck_files_behind(data_home):
    import_notes([FIXTURES / "cnn-notes.md", FIXTURES / "anki-export.txt"], data_dir=data_home)
    assert sorted(_snapshot(data_home)) == ["anki-export.yaml", "cnn-notes.yaml"]


def test_delete_finds_and_removes_only_user_decks(data_home):
    import_notes([FIXTURES / "cnn-notes.md"], data_dir=data_home)
    path, deck = find_user_deck("cnn-notes", data_home)
    assert path == user_decks_dir(data_home) / "cnn-notes.yaml" and len(deck.cards) == 3
    delete_user_deck(path)
    assert not path.exists()
    with pytest.raises(UnknownDeckError, match="you have no deck 'cnn-notes'"):
        find_user_deck("cnn-notes", data_home)
    with pytest.raises(BadInputError, match="'dl-interview' is a packaged deck"):
        find_user_deck("dl-interview", data_home)


def test_a_broken_user_deck_can_still_be_found_by_its_file_name(data_home):
    folder = user_decks_dir(data_home)
    folder.mkdir(parents=True)
    (folder / "broken.yaml").write_text("deck: [not, valid\n", encoding="utf-8")
    assert find_user_deck("broken", data_home) == (folder / "broken.yaml", None)
