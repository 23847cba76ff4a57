"""Grading a typed answer against a card's key points, in Chinese or English, without a store.

A key point counts as made when enough of its tokens appear anywhere in the answer. The tokens are those of
search (:func:`tutor.questions.text.tokens`): each CJK character and each pair of adjacent ones, Latin words
and numbers. Bags of characters and bigrams need no segmentation dictionary and ignore order, so
"减少计算量和参数" makes the point "减少参数和计算量", and a typo costs a little coverage rather than the point.
Numbers are compared by value with a relative tolerance, and a point whose number is wrong is missed however
well its words match.

A card without key points (a learner's imported note, say) is graded against points taken from its reference
answer: its bold phrases, else the lead phrase of each line.
"""

import math
import os
import re
from dataclasses import dataclass
from typing import Any

from tutor.questions.card import Card
from tutor.questions.text import is_cjk, normalize, tokens

HIT_COVERAGE = 0.6
"""Share of a key point's tokens an answer must contain for the point to count."""
NUMBER_TOLERANCE = 0.01
"""Relative difference under which two numbers are the same (3.14 makes the point 3.1416)."""
STOP_CHARACTERS = frozenset("的了和与及或是在等个一中为其以而对之也就都把被")
"""Function characters: alone they say nothing about the topic, so they do not count as matches."""

_NUMBER = re.compile(r"(?<![a-z0-9.])[-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?%?")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_MATH_NOISE = re.compile(r"[$^{}]")
_CODE_BLOCK = re.compile(r"```.*?```", re.S)
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINE_MARK = re.compile(r"^\s*(?:[-*+>]|\d+[.)、]|#+)\s*")
_LEAD = re.compile(r"^(.{2,24}?)[：:]")
_CLAUSE = re.compile(r"[，。；,;.!?！？]")
_MAX_DERIVED_POINTS = 8


@dataclass(frozen=True)
class PointResult:
    """How one key point fared."""

    point: str
    """The key point."""
    coverage: float
    """Share of its tokens found in the answer, 0 to 1 (0 when one of its numbers is wrong)."""

    @property
    def hit(self) -> bool:
        """True when the answer makes the point."""
        return self.coverage >= HIT_COVERAGE


@dataclass(frozen=True)
class Grade:
    """The grade of one typed answer."""

    card_id: str
    """The card answered."""
    score: float
    """Share of the key points made, 0 to 1."""
    points: tuple[PointResult, ...]
    """Each key point with its coverage."""
    reference: str
    """The card's reference answer (Markdown), shown after grading."""
    derived_points: bool = False
    """True when the card had no key points and they were taken from the reference answer."""

    @property
    def hits(self) -> tuple[str, ...]:
        """Key points the answer made."""
        return tuple(result.point for result in self.points if result.hit)

    @property
    def missed(self) -> tuple[str, ...]:
        """Key points the answer missed."""
        return tuple(result.point for result in self.points if not result.hit)

    @property
    def rating(self) -> str:
        """The FSRS rating this grade stands for: again below 1/2, hard below 4/5, else good.

        A typed answer never earns easy: easy means "too easy", which a grade cannot tell.
        """
        if self.score < 0.5:
            return "again"
        if self.score < 0.8:
            return "hard"
        return "good"

    def to_dict(self) -> dict[str, Any]:
        """Return the grade as plain data."""
        return {
            "card_id": self.card_id,
            "score": self.score,
            "rating": self.rating,
            "hits": list(self.hits),
            "missed": list(self.missed),
            "points": [{"point": r.point, "coverage": r.coverage, "hit": r.hit} for r in self.points],
            "reference": self.reference,
            "derived_points": self.derived_points,
        }


def _units(text: str) -> set[str]:
    """Word tokens of ``text``: CJK characters and bigrams and Latin words; numbers and stop characters out."""
    return {
        token
        for token in tokens(_MATH_NOISE.sub("", text))
        if not _DIGITS.fullmatch(token) and not (len(token) == 1 and token in STOP_CHARACTERS)
    }


def _numbers(text: str) -> list[tuple[float, ...]]:
    """The numbers in ``text``, each as the values it may stand for (50% is 0.5 or 50)."""
    values = []
    # Math markup is dropped so that $49M^2$ reads as the key point 49M² does.
    for match in _NUMBER.findall(normalize(_MATH_NOISE.sub("", text))):
        if match.endswith("%"):
            number = float(match[:-1])
            values.append((number / 100, number))
        else:
            values.append((float(match),))
    return values


def _same_number(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return any(math.isclose(x, y, rel_tol=NUMBER_TOLERANCE, abs_tol=1e-12) for x in a for y in b)


def _same_stem(a: str, b: str) -> bool:
    """True when two Latin words share a long prefix (gradient/gradients, normalize/normalization)."""
    shortest = min(len(a), len(b))
    if shortest < 4:
        return False
    common = len(os.path.commonprefix((a, b)))
    return common >= max(4, 0.75 * shortest)


def _found(unit: str, answer_units: set[str]) -> bool:
    if unit in answer_units:
        return True
    if not is_cjk(unit):
        return any(_same_stem(unit, other) for other in answer_units)
    return False


def point_coverage(point: str, answer: str) -> float:
    """Return the share of ``point``'s tokens found in ``answer`` (0 when a number of the point is absent)."""
    return _coverage(point, _units(answer), _numbers(answer))


def _coverage(point: str, answer_units: set[str], answer_numbers: list[tuple[float, ...]]) -> float:
    units = _units(point)
    numbers = _numbers(point)
    words = sum(_found(unit, answer_units) for unit in units) / len(units) if units else 1.0
    if not numbers:
        return words if units else 0.0
    matched = sum(any(_same_number(number, other) for other in answer_numbers) for number in numbers)
    return words * matched / len(numbers)


def derive_points(answer: str) -> tuple[str, ...]:
    """Return key points taken from a reference answer: its bold phrases, else each line's lead phrase."""
    text = _CODE_BLOCK.sub(" ", answer)
    bold = [phrase.strip(" ：:") for phrase in _BOLD.findall(text)]
    bold = [phrase for phrase in dict.fromkeys(bold) if _units(phrase)]
    if len(bold) >= 2:
        return tuple(bold[:_MAX_DERIVED_POINTS])
    points = []
    for line in text.splitlines():
        line = _LINE_MARK.sub("", line.replace("**", "").replace("`", "")).strip()
        if not line:
            continue
        lead = _LEAD.match(line)
        phrase = lead.group(1) if lead else _CLAUSE.split(line, maxsplit=1)[0]
        phrase = phrase.strip()
        if _units(phrase) and phrase not in points:
            points.append(phrase)
    return tuple(points[:_MAX_DERIVED_POINTS])


def grade_answer(card: Card, text: str) -> Grade:
    """Grade the typed answer ``text`` to ``card`` against its key points.

    Returns a :class:`Grade`: the share of key points made, each point's coverage, and the reference answer.
    """
    points = card.key_points
    derived = not points
    if derived:
        points = derive_points(card.answer)
    answer_units = _units(text)
    answer_numbers = _numbers(text)
    results = tuple(PointResult(point, _coverage(point, answer_units, answer_numbers)) for point in points)
    score = sum(result.hit for result in results) / len(results) if results else 0.0
    return Grade(card_id=card.id, score=score, points=results, reference=card.answer, derived_points=derived)
