"""List the key-point wordings that the reference answers of many other cards of their deck make.

Usage: python scripts/alternatives_specificity.py [--at-least N]

A wording an examiner accepts for a point ("死亡ReLU | 神经元死掉 | 梯度恒为0") must be specific to it: one that the
reference answers of other cards make as well ("小模型", "参数更少") lets an off-topic answer earn the point. For
each wording that N or more other cards' reference answers of the deck make, and three more than the point's main
wording, the script prints the card, the wording, and both counts, most general first. It takes a few minutes.
"""

import argparse
from collections import defaultdict

from tutor.engine.grading import _judge, _question, _subject_forms, _windows
from tutor.engine.grading.clauses import split_clauses
from tutor.questions.card import point_wordings
from tutor.questions.library import load_library

_MORE_THAN_MAIN = 3
"""How many more other cards' answers must make a wording than make the main one for it to be listed."""


def general_wordings(at_least: int) -> list[tuple[int, int, str, str]]:
    """Each alternative wording made by ``at_least`` or more other cards' reference answers of its deck, as
    (cards making it, cards making the main wording, card id, wording), most general first."""
    cards = [card for card in load_library().cards if card.key_points]
    decks = defaultdict(list)
    for card in cards:
        decks[card.deck].append(card)
    windows = {card.id: _windows(split_clauses(card.answer)) for card in cards}
    found = []
    for deck in decks.values():
        for card in deck:
            asked = _question(card.question)[0]
            others = [windows[other.id] for other in deck if other is not card]
            for point in card.key_points:
                forms = _subject_forms(point, card.question, card.answer)
                made = [sum(any(_judge(form, w, asked).made for w in answer) for answer in others) for form in forms]
                for wording, count in zip(point_wordings(point)[1:], made[1:]):
                    if count >= at_least and count >= made[0] + _MORE_THAN_MAIN:
                        found.append((count, made[0], card.id, wording))
    return sorted(found, reverse=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--at-least", type=int, default=6, help="other cards' answers that make a wording")
    args = parser.parse_args()
    rows = general_wordings(args.at_least)
    for count, main_count, card_id, wording in rows:
        print(f"{card_id}\t{wording}\t{count} other cards (main wording: {main_count})")
    print(f"{len(rows)} wordings made by {args.at_least} or more other cards' answers")


if __name__ == "__main__":
    main()
