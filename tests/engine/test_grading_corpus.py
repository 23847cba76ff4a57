"""The grader over every card of the corpus: each reference answer earns its own key points, no key point is
made by the question's words, and a question typed back as its answer earns (almost) nothing."""

import pytest

from tutor.engine.grading import grade_answer
from tutor.engine.grading.clauses import canonical, units
from tutor.engine.grading.numbers import read_quantities
from tutor.questions.card import point_wordings
from tutor.questions.library import load_library

CARDS = [card for card in load_library().cards if card.key_points]


def test_the_corpus_has_key_points_to_grade():
    assert len(CARDS) >= 150


@pytest.mark.parametrize("card", CARDS, ids=lambda card: card.id)
def test_every_cards_reference_answer_scores_at_least_0_9(card):
    # The reference as the learner sees it: the answer with the corrections of its errata.
    reference = "\n".join([card.answer, *(erratum.correction for erratum in card.errata)])
    grade = grade_answer(card, reference)
    assert grade.score >= 0.9, [(r.point, r.reason, r.detail) for r in grade.points if not r.made]


@pytest.mark.parametrize("card", CARDS, ids=lambda card: card.id)
def test_the_question_typed_back_scores_at_most_0_2(card):
    assert grade_answer(card, card.question).score <= 0.2


def test_no_key_point_is_only_words_of_its_question():
    # An examiner looks for something the question does not already say: each wording of a point holds a word
    # or a number of its own.
    restating = []
    for card in CARDS:
        asked = units(canonical(card.question))
        asked_numbers = read_quantities(card.question)
        for point in card.key_points:
            forms = point_wordings(point)
            if any(
                not (units(canonical(form), point=True) - asked)
                and all(any(q.matches(a) for a in asked_numbers) for q in read_quantities(form))
                for form in forms
            ):
                restating.append((card.id, point))
    assert restating == []
