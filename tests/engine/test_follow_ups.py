"""Follow-up questions of the corpus are never queued before the question they follow."""

import re
from datetime import timedelta, timezone

import pytest
from engine_support import T0

from tutor.engine.study import Study
from tutor.questions.library import load_library

FOLLOW_UP = re.compile(r"^(c000-\d+)-(\d+)$")
"""The seed-000 reader numbers the questions of a section ``c000-<section>-<k>``; question k follows k − 1."""


@pytest.fixture(scope="module")
def library():
    return load_library()


def _follow_ups(library) -> list[tuple[str, str]]:
    pairs = []
    for card in library.cards:
        match = FOLLOW_UP.match(card.id)
        if match and int(match.group(2)) > 1:
            pairs.append((f"{match.group(1)}-{int(match.group(2)) - 1}", card.id))
    return pairs


def test_the_corpus_has_follow_ups(library):
    assert ("c000-1-1", "c000-1-2") in _follow_ups(library) and ("c000-2-1", "c000-2-2") in _follow_ups(library)


@pytest.mark.parametrize("decks", [None, ["aics-answers"]])
def test_new_cards_queue_follow_ups_after_their_parents(tmp_path, library, clock, decks):
    with Study.open(tmp_path, library, tz=timezone.utc) as study:
        study.update_settings(new_per_day=len(library.cards))
        order = [entry.card_id for entry in study.queue(decks=decks)]
    for parent, child in _follow_ups(library):
        assert order.index(parent) < order.index(child), (parent, child)


def test_one_new_card_a_day_meets_each_parent_before_its_follow_up(tmp_path, library, clock):
    with Study.open(tmp_path, library, tz=timezone.utc) as study:
        study.update_settings(new_per_day=1)
        met = []
        for day in range(6):
            clock.set(T0 + timedelta(days=day))
            fresh = [entry.card_id for entry in study.queue() if entry.kind == "new"]
            assert len(fresh) == 1
            met.append(fresh[0])
            study.rate(fresh[0], "good")
    for parent, child in _follow_ups(library):
        if child in met:
            assert parent in met[: met.index(child)], (parent, child)
    assert "c000-1-2" in met and "c000-2-2" in met
