"""The collection in the store: the move from the previous release, the corpus sync, search parity, first use."""

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import timezone
from pathlib import Path

import pytest

from tutor.engine.collection import open_collection
from tutor.engine.study import Study
from tutor.errors import DeckError
from tutor.locations import database_path, user_decks_dir
from tutor import locations
from tutor.questions.deck import load_deck
from tutor.questions.library import load_library, packaged_deck_paths
from tutor.questions.search import SearchIndex
from tutor.questions.suggest import suggest, vocabulary

RELEASE_1 = Path(__file__).parent / "fixtures" / "release-1"
"""A data directory written by the release before the collection moved into the store (schema 1): two decks
imported as YAML (cnn-notes.md and qa-mixed.txt of tests/questions/fixtures) and six ratings of four cards."""


def _release_1(data_dir: Path) -> Path:
    shutil.copytree(RELEASE_1, data_dir, dirs_exist_ok=True)
    return data_dir


def _old_rows(data_dir: Path) -> tuple[list, list]:
    db = sqlite3.connect(database_path(data_dir))
    try:
        log = db.execute("SELECT id, card_id, rating, reviewed_us, mode, state_before FROM review_log ORDER BY id").fetchall()
        states = db.execute(
            "SELECT card_id, state, stability, difficulty, due_us, last_review_us, reps, lapses FROM card "
            "WHERE state > 0 ORDER BY card_id"
        ).fetchall()
    finally:
        db.close()
    return log, states


def test_a_release_1_data_directory_keeps_every_id_and_review(data_dir):
    _release_1(data_dir)
    old_decks = {path.stem: load_deck(path, user=True) for path in sorted(user_decks_dir(data_dir).glob("*.yaml"))}
    log_before, states_before = _old_rows(data_dir)
    assert len(log_before) == 6

    with Study.open(data_dir, tz=timezone.utc) as study:
        for name, deck in old_decks.items():
            summary = study.collection.deck(name)
            assert (summary.user, summary.title) == (True, deck.title)
            assert study.collection.select(decks=[name]) == list(deck.cards)
        rated = {record.card_id for record in study.collection.store.schedule_records()}
        assert rated == {row[1] for row in log_before}
    log_after, states_after = _old_rows(data_dir)
    assert (log_after, states_after) == (log_before, states_before)
    # Moved and committed: the YAML files are gone, and a second start has nothing to move.
    assert not user_decks_dir(data_dir).exists()
    with open_collection(data_dir) as collection:
        assert [deck.name for deck in collection.decks if deck.user] == ["cnn-notes", "qa-mixed"]


def test_yaml_decks_stay_on_disk_when_the_move_fails(data_dir):
    _release_1(data_dir)
    (user_decks_dir(data_dir) / "zz-broken.yaml").write_text("deck: [not, valid\n", encoding="utf-8")
    with pytest.raises(DeckError, match=r"zz-broken\.yaml:\d+"):
        open_collection(data_dir)
    assert sorted(path.name for path in user_decks_dir(data_dir).iterdir()) == [
        "cnn-notes.yaml",
        "qa-mixed.yaml",
        "zz-broken.yaml",
    ]


def test_stale_temporary_deck_files_are_removed_at_start(data_dir):
    folder = user_decks_dir(data_dir)
    folder.mkdir()
    (folder / ".cnn-notes.abc123.tmp").write_text("half a deck", encoding="utf-8")
    open_collection(data_dir).close()
    assert not folder.exists()


def _content(folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(locations, "packaged_deck_paths", lambda: sorted(folder.glob("*.yaml")))


def test_a_packaged_card_edited_or_removed_in_a_new_version_keeps_its_history(data_dir, tmp_path, monkeypatch):
    content = tmp_path / "content"
    content.mkdir()
    for path in packaged_deck_paths():
        shutil.copy(path, content / path.name)
    _content(content, monkeypatch)
    with Study.open(data_dir, tz=timezone.utc) as study:
        study.rate("c004-q5", "good")
        study.rate("c004-q9", "again")
        edited_state = study.card_state("c004-q5")

    # The next version: c004-q5's answer is reworded, c004-q9 is gone.
    deck_file = next(content.glob("004-*.yaml"))
    deck = load_deck(deck_file)
    removed = deck.cards[[card.id for card in deck.cards].index("c004-q9")]
    text = deck_file.read_text(encoding="utf-8")
    old_answer_line = deck.cards[[card.id for card in deck.cards].index("c004-q5")].answer.splitlines()[0]
    text = text.replace(old_answer_line, "（新版）" + old_answer_line, 1)
    deck_file.write_text(text, encoding="utf-8")
    new_deck = load_deck(deck_file)
    start = text.index("- id: c004-q9")
    end = text.index("- id:", start + 1)
    deck_file.write_text(text[:start] + text[end:], encoding="utf-8")

    with Study.open(data_dir, tz=timezone.utc) as study:
        assert study.card("c004-q5").answer.startswith("（新版）")
        assert study.card("c004-q5") == new_deck.cards[[card.id for card in new_deck.cards].index("c004-q5")]
        assert study.card_state("c004-q5") == edited_state
        assert [record.rating for record in study.history("c004-q9")] == ["again"]
        assert "c004-q9" not in {entry.card_id for entry in study.queue()}
        assert "c004-q9" not in {hit.card.id for hit in study.collection.search(removed.question)}


def test_an_unchanged_corpus_is_not_parsed(data_dir, monkeypatch):
    open_collection(data_dir).close()
    expected = len(load_library(None).cards)

    def refuse(*args, **kwargs):
        raise AssertionError("a deck file was parsed although the corpus is unchanged")

    monkeypatch.setattr("tutor.questions.deck.parse_deck", refuse)
    monkeypatch.setattr("tutor.questions.deck.load_deck", refuse)
    with open_collection(data_dir) as collection:
        assert collection.card_count == expected
        assert [deck.name for deck in collection.decks] == [
            "aics-answers",
            "aics-homework",
            "dl-topics",
            "ai-compute-modes",
            "dl-interview",
        ]


SEARCH_QUERIES = (
    "卷积",
    "梯度",
    "梯度消失的原因",
    "池化层的作用",
    "过拟合",
    "注意力机制",
    "反向传播",
    "参数量",
    "relu",
    "all-reduce",
    "Batch Normalization",
    "LSTM 门",
    "dropout",
    "0.5",
    "学习率",
)


def test_search_on_the_store_ranks_the_corpus_as_the_in_memory_index_does(data_dir):
    # The reference: SearchIndex tokenises every card in Python; the store reads the same counts from FTS5.
    corpus = load_library(None)
    index = SearchIndex.build(corpus.cards)
    with open_collection(data_dir) as collection:
        for query in SEARCH_QUERIES:
            expected = [(hit.card.id, hit.score) for hit in index.search(query)]
            assert expected, f"{query}: the reference finds nothing, so the comparison below would be empty"
            found = [(hit.card.id, hit.score) for hit in collection.search(query)]
            # Cards found only through the glossary's other forms of a term follow the ones with the words typed.
            typed = found[: len(expected)]
            assert [card_id for card_id, _ in typed] == [card_id for card_id, _ in expected], query
            assert [score for _, score in typed] == pytest.approx([score for _, score in expected]), query
            assert [card_id for card_id, _ in collection.store.search(query)] == [card_id for card_id, _ in expected]


def test_search_finds_cards_that_use_another_form_of_a_glossary_term(data_dir):
    with open_collection(data_dir) as collection:
        typed = {card_id for card_id, _ in collection.store.search("降采样")}
        found = [hit.card for hit in collection.search("降采样")]
    # The pooling card says 下采样, not 降采样: found through the glossary, after the cards with the words typed.
    assert "c000-hw-3.3" not in typed and "c000-hw-3.3" in {card.id for card in found}
    assert {card.id for card in found[: len(typed)]} == typed


def test_search_within_a_deck_ranks_as_the_index_of_that_deck(data_dir):
    corpus = load_library(None)
    index = SearchIndex.build(corpus.deck("dl-interview").cards)
    with open_collection(data_dir) as collection:
        found = [hit.card.id for hit in collection.search("梯度", decks=["dl-interview"])]
    assert found == [hit.card.id for hit in index.search("梯度")]


FIRST_USE = """
import sys
import time
from pathlib import Path
from tutor.engine.collection import open_collection
with open_collection(Path(sys.argv[1])) as collection:
    assert collection.card_count > 0
"""


def test_twenty_simultaneous_first_uses_of_an_empty_data_directory_all_succeed(tmp_path):
    data = tmp_path / "fresh"
    processes = [
        subprocess.Popen([sys.executable, "-c", FIRST_USE, str(data)], stderr=subprocess.PIPE, text=True)
        for _ in range(20)
    ]
    errors = [process.communicate(timeout=120)[1] for process in processes]
    assert [process.returncode for process in processes] == [0] * 20, "\n".join(errors)
    with open_collection(data) as collection:
        assert collection.card_count == len(load_library(None).cards)


@pytest.mark.parametrize("typo", ["梯渡", "梯度消时", "卷机", "gradiant", "relo", "gradiant descent", "批归一"])
def test_did_you_mean_from_the_index_suggests_as_the_cards_do(data_dir, typo):
    # The reference: the vocabulary of every card, tokenised in Python; the store reads its index instead.
    cards = load_library(None).cards
    with open_collection(data_dir) as collection:
        assert suggest(typo, collection.vocabulary()) == suggest(typo, vocabulary(cards))


def test_settled_content_files_are_not_read_again_until_their_size_or_time_changes(data_dir, tmp_path, monkeypatch):
    content = tmp_path / "content"
    content.mkdir()
    hour_ago = time.time() - 3600
    for path in packaged_deck_paths():
        shutil.copy(path, content / path.name)
        os.utime(content / path.name, (hour_ago, hour_ago))
    _content(content, monkeypatch)
    open_collection(data_dir).close()  # hashes the files and remembers their sizes and times

    def refuse(data: bytes) -> str:
        raise AssertionError("a content file was hashed although no file changed")

    monkeypatch.setattr("tutor.engine.collection._digest", refuse)
    with open_collection(data_dir) as collection:
        assert collection.card_count == len(load_library(None).cards)
    # A change that keeps the file settled (an hour old) but not its size: read and hashed again.
    changed = next(content.glob("004-*.yaml"))
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# 新版\n", encoding="utf-8")
    os.utime(changed, (hour_ago + 1, hour_ago + 1))
    with pytest.raises(AssertionError, match="hashed"):
        open_collection(data_dir)
