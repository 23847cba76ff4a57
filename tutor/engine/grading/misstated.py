"""Numbers an answer states where the reference answer states another ("T 设回 10 做推理" for "T 设回 1 做推理").

Key points carry the numbers an examiner looks for first; the reference answer carries more ("GPT-3 有 96 层", "每个
输出特征图需要 3 个卷积核"). An answer's number is misstated when its clause says what a clause of the reference says,
in nearly the same words, and the number stands in the same place (the same words around it, the same measure word
after it), but none of the reference's numbers there is the answer's. A number the reference gives anywhere, one
the key points or the question give, a product of the clause's own number with another (16 张图 × 3 = 48 个卷积核),
a number between two the reference gives in its place, a number in the learner's own example (比如 1000 个样本) and
a negated clause are never misstated. A sentence the reference marks as corrected (〔见勘误〕) is read from its
correction instead.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from tutor.engine.grading.clauses import Clause, canonical, negations, split_clauses, units
from tutor.engine.grading.numbers import Quantity, prepare, read_quantities

MOST_SHOWN = 3
"""Misstated numbers listed at most: one costs the point, a few show the learner the pattern."""
ALIGNED_SHARE = 0.6
"""Share of an answer clause's words (bigrams, terms, Latin words) that a reference clause must hold to say the
same thing."""

_MEASURE = frozenset("个种层步份类块张位倍台组项条次维轮级")
"""Measure words: 12 层 and 12 个 count different things."""
_BEFORE, _AFTER = 8, 6
"""Characters read either side of a number for the words around it."""
_EXAMPLE = re.compile(
    r"比如|例如|假设|假如|如果|举例|譬如|e\.g\.|for example|for instance|suppose|(?<![a-z])if(?![a-z])", re.IGNORECASE
)
"""A learner's own example: its numbers are the learner's to choose."""
_CORRECTION_MARK = "〔见勘误〕"
_SENTENCE_END = re.compile(rf"(?<=[。\n])(?![ \t]*{_CORRECTION_MARK})|(?<={_CORRECTION_MARK})")
"""Where a sentence of the reference ends: after its 。 or line, and after the correction mark that follows them."""
_FORMULA_CHARACTERS = "0123456789 \t\n.,+*/=×^()-"
"""Numbers and operators right before a number ("22016 + 522 = 22538"): the words around it are before them."""
_LETTER = re.compile(r"[a-zα-ω]")


@dataclass(frozen=True)
class MisstatedNumber:
    """A number of the answer that the reference answer states otherwise."""

    said: str
    """The answer's number, as written."""
    expected: tuple[str, ...]
    """The reference's numbers in its place."""
    evidence: str
    """The answer's clause."""
    reference: str
    """The reference's clause."""

    @property
    def explanation(self) -> str:
        """What is wrong, for the learner: "10 where the reference says 1"."""
        return f"{self.said} where the reference says {' or '.join(self.expected)}"

    def to_dict(self) -> dict[str, object]:
        """Return it as plain data."""
        return {
            "said": self.said, "expected": list(self.expected), "evidence": self.evidence, "reference": self.reference
        }


@dataclass(frozen=True)
class _Placed:
    """A number with the words around it."""

    quantity: Quantity
    measure: str
    around: frozenset[str]


def _words(canon: str) -> frozenset[str]:
    """The units that carry meaning: terms, CJK bigrams and Latin words (names such as gpt-3 among them)."""
    return frozenset(unit for unit in units(canon) if len(unit) > 1)


def _placed(text: str) -> tuple[_Placed, ...]:
    """The plain numbers and shapes of ``text`` (not formulas such as 2σ(2x)-1), each with the words around it."""
    prepared = prepare(text)
    found, position = [], 0
    for quantity in read_quantities(text):
        if quantity.kind == "interval" or _LETTER.search(quantity.text.rstrip("kmb")):
            continue
        start = prepared.find(quantity.text, position)
        if start < 0:
            continue
        position = start + len(quantity.text)
        rest = prepared[position:].lstrip(" +")  # "100+ 层" counts 层
        measure = rest[:1] if rest[:1] in _MEASURE else ""
        before = prepared[:start].rstrip(_FORMULA_CHARACTERS)
        around = before[-_BEFORE:] + " " + rest[:_AFTER]
        found.append(_Placed(quantity, measure, _words(canonical(around))))
    return tuple(found)


@dataclass(frozen=True)
class _Statement:
    """A clause of the reference that states numbers."""

    text: str
    words: frozenset[str]
    numbers: tuple[_Placed, ...]


@lru_cache(maxsize=512)
def _reference(answer: str, corrections: tuple[str, ...]) -> tuple[tuple[_Statement, ...], tuple[Quantity, ...]]:
    """The reference's clauses that state numbers, and every number it states."""
    kept = "".join(sentence for sentence in _SENTENCE_END.split(answer) if _CORRECTION_MARK not in sentence)
    clauses = split_clauses("\n".join([kept, *corrections]))
    statements = []
    for clause in clauses:
        # A clause is read with the topic it is written under: a table's cell ("96 层") is said of its row and column
        # (GPT-3, Transformer层数).
        said = f"{clause.context} {clause.text}" if clause.context else clause.text
        numbers = _placed(said)
        if numbers:
            statements.append(_Statement(clause.text, _words(canonical(said)), numbers))
    return tuple(statements), tuple(q for clause in clauses for q in read_quantities(clause.text))


def _sentences_left_alone(clauses: tuple[Clause, ...]) -> frozenset[int]:
    """The sentences whose numbers are not checked: the learner's own example, and a sentence marked 〔见勘误〕 (the
    reference's own sentence, flagged as wrong where it stands; the mark may follow the sentence's 。 on its own)."""
    examples = {clause.sentence for clause in clauses if _EXAMPLE.search(clause.text)}
    marked = {clause.sentence for clause in clauses if _CORRECTION_MARK in clause.text}
    marked |= {clause.sentence - 1 for clause in clauses if clause.text == _CORRECTION_MARK}
    return frozenset(examples | marked)


def _derived(quantity: Quantity, own: list[float], known: list[float]) -> bool:
    """True when the number is the clause's own number times another it or the reference gives (16 × 3 = 48)."""
    return quantity.kind == "scalar" and any(
        abs(a * b - value) < 1e-9
        for value in quantity.values
        for a in own
        for b in known
        if a >= 2 and b >= 2 and value not in (a, b)
    )


def _within(quantity: Quantity, there: list[tuple[_Statement, Quantity]]) -> bool:
    """True when the reference gives several numbers in the place and the answer's lies between them ("12 层到
    100+ 层": 48 层 is one of them)."""
    values = [value for _, q in there if q.kind == "scalar" for value in q.values]
    inside = all(min(values, default=0) <= value <= max(values, default=0) for value in quantity.values)
    return quantity.kind == "scalar" and len(values) > 1 and inside


def misstated_numbers(
    clauses: tuple[Clause, ...],
    answer: str,
    corrections: tuple[str, ...],
    given: tuple[Quantity, ...],
    judged: tuple[Quantity, ...] = (),
) -> tuple[MisstatedNumber, ...]:
    """The numbers of an answer's ``clauses`` that the reference ``answer`` (with its errata ``corrections``) states
    otherwise, the first :data:`MOST_SHOWN` of them.

    ``given`` (the key points' and the question's numbers) are never misstated. ``judged`` are the numbers of the
    key points the answer missed: where the reference states one of them, the missed point is the deduction.
    """
    statements, stated = _reference(answer, corrections)
    known = [*stated, *given]
    known_values = [value for q in known if q.kind == "scalar" for value in q.values]
    left_alone = _sentences_left_alone(clauses)
    found = []
    for clause in clauses:
        numbers = _placed(clause.text)
        if not numbers or negations(clause.canon) % 2 or clause.sentence in left_alone:
            continue
        words = _words(clause.canon)
        if not words:
            continue
        own = [value for placed in numbers if placed.quantity.kind == "scalar" for value in placed.quantity.values]
        for placed in numbers:
            quantity = placed.quantity
            if any(quantity.matches(other) for other in known) or _derived(quantity, own, own + known_values):
                continue
            there = [
                (statement, other.quantity)
                for statement in statements
                if len(words & statement.words) >= ALIGNED_SHARE * len(words)
                for other in statement.numbers
                if other.quantity.kind == quantity.kind
                and other.measure == placed.measure
                and placed.around & other.around
            ]
            if not there or any(q.matches(other) for _, q in there for other in judged) or _within(quantity, there):
                continue
            expected = tuple(dict.fromkeys(q.text for _, q in there))
            found.append(MisstatedNumber(quantity.text, expected, clause.text, there[0][0].text))
            if len(found) == MOST_SHOWN:
                return tuple(found)
    return tuple(found)
