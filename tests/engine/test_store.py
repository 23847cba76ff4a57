"""The database file: schema and migrations, foreign and corrupt files refused untouched, read-only folders."""

import os
import shutil
import sqlite3
import subprocess
from datetime import timezone
from pathlib import Path

import pytest

from tutor.engine.migrations import APPLICATION_ID, MIGRATIONS
from tutor.engine.store import Store
from tutor.engine.study import Study
from tutor.errors import BadInputError, ExitCode, StoreError
from tutor.locations import database_path
from tutor.questions.card import Card


def test_a_new_database_is_migrated_to_the_last_schema_in_wal_mode(data_dir):
    with Store.open(data_dir):
        pass
    db = sqlite3.connect(database_path(data_dir))
    assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"card", "review_log", "drill", "setting", "review_totals"} <= tables


def test_migrations_are_named_functions_in_order():
    assert [migration.__name__ for migration in MIGRATIONS][:1] == ["m001_initial"]
    assert all(migration.__name__.startswith(f"m{index:03d}_") for index, migration in enumerate(MIGRATIONS, 1))


def test_reopening_keeps_the_data_and_does_not_migrate_again(data_dir, small_library, clock):
    with Study.open(data_dir, small_library, tz=timezone.utc) as study:
        study.rate("a1", "good")
    with Study.open(data_dir, small_library, tz=timezone.utc) as study:
        assert study.card_state("a1").reps == 1


def assert_refused_untouched(data_dir: Path, content: bytes, *messages: str) -> None:
    path = database_path(data_dir)
    path.write_bytes(content)
    with pytest.raises(StoreError) as caught:
        Store.open(data_dir)
    text = str(caught.value)
    assert str(path) in text
    for message in messages:
        assert message in text
    assert path.read_bytes() == content
    assert sorted(p.name for p in data_dir.iterdir()) == [path.name]
    assert caught.value.exit_code == ExitCode.FAILURE


def test_a_file_that_is_not_sqlite_is_refused_and_left_untouched(data_dir):
    content = "学习记录\nnot a database\n".encode() * 100
    assert_refused_untouched(data_dir, content, "not a tutor database", "will not overwrite")


def test_another_programs_sqlite_database_is_refused_and_left_untouched(data_dir, tmp_path):
    other = tmp_path / "other.db"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE notes (text TEXT)")
    db.execute("INSERT INTO notes VALUES ('keep me')")
    db.commit()
    db.close()
    assert_refused_untouched(data_dir, other.read_bytes(), "another program")


def test_a_corrupt_tutor_database_is_refused_and_left_untouched(data_dir, tmp_path, small_library, clock):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with Study.open(scratch, small_library) as study:
        study.rate("a1", "good")
    content = bytearray(database_path(scratch).read_bytes())
    content[100:160] = b"\xff" * 60  # page 1's b-tree header: the schema can no longer be read
    assert_refused_untouched(data_dir, bytes(content), "corrupt")


def test_a_truncated_tutor_database_is_refused_and_left_untouched(data_dir, tmp_path, small_library, clock):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    with Study.open(scratch, small_library) as study:
        study.rate("a1", "good")
    content = database_path(scratch).read_bytes()
    assert_refused_untouched(data_dir, content[: len(content) // 3], "corrupt")


def test_a_database_from_a_newer_tutor_is_refused(data_dir):
    with Store.open(data_dir):
        pass
    db = sqlite3.connect(database_path(data_dir))
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer tutor"):
        Store.open(data_dir)


def test_an_empty_file_is_a_new_database(data_dir):
    database_path(data_dir).write_bytes(b"")
    with Store.open(data_dir) as store:
        assert store.read("PRAGMA user_version")[0][0] == len(MIGRATIONS)


@pytest.fixture
def read_only(tmp_path):
    """Make folders read-only for this test, even for root (which ignores permission bits): immutable."""
    made = []

    def make(path: Path) -> Path:
        if os.geteuid() != 0:
            path.chmod(0o555)
        elif shutil.which("chattr") is None or subprocess.run(["chattr", "+i", str(path)]).returncode != 0:
            pytest.skip("running as root where chattr +i is unavailable: cannot make a folder read-only")
        made.append(path)
        return path

    yield make
    for path in made:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=True)
        path.chmod(0o755)


def test_a_read_only_data_directory_gives_a_clear_message(data_dir, read_only):
    read_only(data_dir)
    with pytest.raises(StoreError, match=r"data directory .* is read-only"):
        Store.open(data_dir)


def test_a_read_only_data_directory_with_a_database_gives_a_clear_message(data_dir, read_only):
    with Store.open(data_dir):
        pass
    read_only(data_dir)
    with pytest.raises(StoreError, match="read-only"):
        Store.open(data_dir)


def test_a_missing_data_directory_is_created(tmp_path):
    with Store.open(tmp_path / "new" / "data") as store:
        assert store.path == database_path(tmp_path / "new" / "data")


def test_a_data_directory_that_cannot_be_created_gives_a_clear_message(tmp_path, read_only):
    (tmp_path / "parent").mkdir()
    read_only(tmp_path / "parent")
    with pytest.raises(StoreError, match="cannot create the data directory"):
        Store.open(tmp_path / "parent" / "data")


def test_a_data_directory_that_is_a_file_gives_a_clear_message(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        Store.open(tmp_path / "file")


def test_settings_survive_reopening(data_dir, small_library):
    with Study.open(data_dir, small_library) as study:
        study.update_settings(new_per_day=7, day_start_hour=2)
    with Study.open(data_dir, small_library) as study:
        assert (study.settings.new_per_day, study.settings.day_start_hour) == (7, 2)


def test_an_unknown_setting_is_refused(study):
    with pytest.raises(BadInputError, match="unknown setting"):
        study.update_settings(colour="blue")


def _counted(store: Store) -> dict[str, int]:
    """Each deck's cards as the store reports them, next to a count of its cards read one by one."""
    return {deck.name: (deck.card_count, len(store.select(decks=[deck.name]))) for deck in store.decks()}


def test_deck_totals_follow_every_change_of_the_cards(data_dir):
    def cards(deck: str, ids: str, text: str = "q") -> list[Card]:
        return [Card(id=card_id, deck=deck, question=f"{text} {card_id}", answer="答案") for card_id in ids.split()]

    with Store.open(data_dir) as store:
        with store.transaction() as tx:
            tx.put_deck("a", title="A", origin="imported", cards=cards("a", "a1 a2 a3"))
            tx.put_deck("b", title="B", origin="imported", cards=cards("b", "b1 b2"))
        with store.transaction() as tx:
            # One card changed (longer text), one removed, one added; b2 moves from b to a.
            tx.put_deck("a", title="A", origin="imported", cards=cards("a", "a1 a3 a4 b2", "a longer question"),
                        take_from_other_decks=True)
        assert {name: pair[0] for name, pair in _counted(store).items()} == {"a": 4, "b": 1}
        assert all(reported == read for reported, read in _counted(store).values())
        assert store.card_count() == 5 and store.card_count(["b"]) == 1
        with store.transaction() as tx:
            tx.delete_deck("a")
        assert _counted(store) == {"b": (1, 1)}
        assert store.card_count() == 1


def test_a_schema_2_database_gets_its_deck_totals_when_migrated(data_dir):
    with Store.open(data_dir) as store:
        with store.transaction() as tx:
            tx.put_deck("a", title="A", origin="imported", cards=[
                Card(id=f"a{i}", deck="a", question=f"问题 {i}", answer="答案") for i in range(3)
            ])
    # Back to the schema of the previous release, as its database was: no totals, version 2.
    db = sqlite3.connect(database_path(data_dir))
    for trigger in ("card_text_count", "card_text_uncount", "card_text_recount"):
        db.execute(f"DROP TRIGGER {trigger}")
    db.execute("DROP TABLE deck_total")
    db.execute("DROP TABLE card_fts_docs")
    db.execute("DROP INDEX card_deck")
    db.execute("PRAGMA user_version = 2")
    db.commit()
    db.close()
    with Store.open(data_dir) as store:
        assert _counted(store) == {"a": (3, 3)}
        assert store.search("问题")
        assert store.search_vocabulary()[0]["问题"] == 3
