"""The library: packaged decks found from the installed package, user decks beside them, lookups by id."""

import pytest

from tutor.errors import DeckError, UnknownCardError, UnknownDeckError
from tutor.questions.library import load_library, packaged_deck_paths

USER_DECK = "deck: mine\ntitle: Mine\ncards:\n  - {id: m-1, question: 我的问题, answer: 我的答案, tags: [cnn]}\n"


def test_the_packaged_decks_are_found():
    names = {path.name for path in packaged_deck_paths()}
    assert len(names) == 5, names


def test_user_decks_load_after_the_packaged_ones(tmp_path):
    (tmp_path / "mine.yaml").write_text(USER_DECK, encoding="utf-8")
    library = load_library(tmp_path)
    assert library.decks[-1].name == "mine" and library.decks[-1].user
    assert not any(deck.user for deck in library.decks[:-1])
    assert library.card("m-1").answer.strip() == "我的答案"


def test_a_missing_user_folder_is_no_error(tmp_path):
    assert load_library(tmp_path / "nothing-here").decks == load_library().decks


def test_a_user_deck_may_not_reuse_a_card_id(tmp_path):
    card_id = load_library().cards[0].id
    (tmp_path / "clash.yaml").write_text(USER_DECK.replace("m-1", card_id), encoding="utf-8")
    with pytest.raises(DeckError, match="clash.yaml:1: card id"):
        load_library(tmp_path)


def test_unknown_card_and_deck_are_refused():
    library = load_library()
    with pytest.raises(UnknownCardError):
        library.card("no-such-card")
    with pytest.raises(UnknownDeckError):
        library.select(decks=["no-such-deck"])


def test_select_filters_by_deck_and_tag(tmp_path):
    (tmp_path / "mine.yaml").write_text(USER_DECK, encoding="utf-8")
    library = load_library(tmp_path)
    assert [card.id for card in library.select(decks=["mine"], tags=["cnn"])] == ["m-1"]
    assert library.select(decks=["mine"], tags=["rnn"]) == []
