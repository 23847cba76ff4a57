"""User decks: stable card ids and readable, stable deck names (storing them: tests/engine/test_importing.py)."""

import hashlib
from pathlib import Path

import pytest

from tutor.questions.anki_decks import anki_deck_name
from tutor.questions.readers.note import NoteFile
from tutor.questions.user_decks import card_id, deck_slug, default_deck_name


def _sha8(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


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
        # No Latin letter in either: the Chinese title, else the Chinese file name.
        ("卷积", "笔记.md", "卷积"),
        (None, "我的笔记.md", "我的笔记"),
        ("第 3 章", "第三章.md", "第-3-章"),
        # Nothing to make a name of: a stable hash of the title.
        ("!!!", "___.md", f"notes-{_sha8('!!!')}"),
    ],
)
def test_default_deck_name_is_a_readable_slug(title, file, expected):
    notes = NoteFile(path=Path(file), format="markdown", title=title, notes=())
    assert default_deck_name(notes) == expected


def test_long_titles_that_share_a_beginning_get_different_names():
    first, second = "深度学习" * 20 + "上", "深度学习" * 20 + "下"
    assert deck_slug(first, cjk=True) != deck_slug(second, cjk=True)
    assert len(deck_slug(first, cjk=True)) == 64


@pytest.mark.parametrize(
    ("anki_deck", "expected"),
    [
        ("Physics::Chapter 1", "physics-chapter-1"),
        # A Chinese Anki deck is named like a Chinese Markdown file, not by a hash.
        ("智能计算系统::复习", "智能计算系统-复习"),
        ("深度学习", "深度学习"),
        ("!!!", f"anki-{_sha8('!!!')}"),
    ],
)
def test_anki_deck_names_follow_the_same_rule_as_note_files(anki_deck, expected):
    assert anki_deck_name(anki_deck) == expected
