"""Grading a typed answer against a card's key points as an examiner would, without a store.

A key point is made by one clause of the answer (or two adjacent clauses of one sentence) that

- holds enough of the point's words (CJK characters and bigrams, Latin words), after the course glossary has
  read every synonym, English name and abbreviation as its term (降采样 = downsampling = 下采样);
- holds enough of the words the question does not already contain: typing the question back makes nothing;
- holds the point's numbers, as an examiner reads them (:mod:`tutor.engine.grading.numbers`);
- holds the names the point gives (Softmax, GELU): another name in their place is another claim;
- neither negates the point (不, 没有, 无法, not, cannot …; for a point that only names things, also "都不能…",
  "没有帮助" after them or "去掉" before them) nor says its opposite (增大/减小, 静态/动态 …);
- speaks of the point's subject: not of the question's other subject, also when that subject was named by the
  clause before it ("动态图很灵活，部署方便"), and not of another one in the point's place ("节点是数据流" for 边是数据流).

Each point's result says which words of the answer made it, or why it was missed. A key point may list
accepted alternatives in the deck, separated by " | " ("不含参数 | 没有参数"). A card without key points (a
learner's imported note, say) is graded against points taken from its reference answer.
"""

import bisect
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from tutor.engine.grading.clauses import (
    KIN,
    NEGATIONS_CJK,
    PHRASE_LENGTH,
    TERM_MARK,
    Clause,
    canonical,
    decisive_words,
    left_context,
    negated_opposite,
    negations,
    opposed,
    read_negated_opposites,
    says_direction,
    split_clauses,
    units,
)
from tutor.engine.grading.misstated import MisstatedNumber, misstated_numbers
from tutor.engine.grading.numbers import Quantity, read_quantities
from tutor.questions.card import Card, point_wordings
from tutor.questions.glossary import load_glossary
from tutor.questions.text import is_cjk, normalize
from tutor.vocabulary import rating_for_score

HIT_COVERAGE = 0.55
"""Share of a key point's words a clause must hold for the point to count."""
NEW_COVERAGE = 0.55
"""Share of the point's words that the question does not contain which the clause must hold."""
TOPIC_COVERAGE = 0.5
"""Share of the point's glossary terms the clause must hold."""
TERMS_COVERAGE = 0.45
"""Share of the point's words (and of its new words) enough for a clause that holds every one of its terms."""
PARTIAL_FLOOR = 0.4
"""Share of a point's new words a clause must hold for partial credit when it does not make the point."""
PARTIAL_MOST = 0.5
"""The most credit a point the answer only half makes can earn (an examiner's half mark)."""
WRONG_CLAIM_COST = 1.0
"""Credit a point that the answer negates or contradicts takes from the points it makes (an examiner's deduction
for a false statement: "池化会缩小感受野" is worse than saying nothing of the receptive field)."""
WRONG_CLAIM_COVERAGE = 1.0
"""Share of a point's words a clause that negates or contradicts it must hold to cost credit: all of them (a point
of numbers alone costs nothing: its words cannot be checked)."""


class Miss:
    """Why a key point was not counted (the values are shown to the learner)."""

    MISSING = "missing"
    NEGATED = "negated"
    CONTRADICTED = "contradicted"
    WRONG_NUMBER = "wrong number"
    QUESTION_ONLY = "only the question's words"


@dataclass(frozen=True)
class PointResult:
    """How one key point fared."""

    point: str
    """The key point (with its alternatives, as the deck writes it)."""
    coverage: float
    """Share of its words found in the clause that came closest, 0 to 1."""
    made: bool = False
    """True when the answer makes the point."""
    evidence: str = ""
    """The answer's words that made the point, or that came closest to it."""
    reason: str | None = None
    """Why the point was missed (a :class:`Miss` value); None when it was made."""
    detail: str = ""
    """What the reason refers to: the negating or opposite words, the wrong numbers."""
    credit: float | None = None
    """The point's share of the score: 1 when made, partial credit when the closest clause holds part of its
    new words without negating or contradicting them, minus :data:`WRONG_CLAIM_COST` when a clause that holds all
    its words negates or contradicts it, else 0 (None: decided by ``made``)."""

    @property
    def earned(self) -> float:
        """The credit the point earns, -1 to 1."""
        if self.credit is not None:
            return self.credit
        return 1.0 if self.made else 0.0

    @property
    def hit(self) -> bool:
        """True when the answer makes the point."""
        return self.made

    @property
    def label(self) -> str:
        """The point as the learner reads it: its main wording, without the alternatives the deck accepts."""
        return point_wordings(self.point)[0]

    @property
    def alternatives(self) -> tuple[str, ...]:
        """The other wordings the deck accepts for the point."""
        return point_wordings(self.point)[1:]

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data."""
        return {
            "point": self.label,
            "alternatives": list(self.alternatives),
            "coverage": self.coverage,
            "hit": self.made,
            "made": self.made,
            "evidence": self.evidence,
            "reason": self.reason,
            "detail": self.detail,
            "credit": self.earned,
        }


@dataclass(frozen=True)
class Grade:
    """The grade of one typed answer."""

    card_id: str
    """The card answered."""
    score: float
    """Mean credit of the key points, 0 to 1: each point made counts 1, a point half made partial credit, a point
    stated wrongly takes one away, and so does a number the reference answer states otherwise (once an answer);
    the score stays at 0 or above."""
    points: tuple[PointResult, ...]
    """Each key point with how it fared."""
    reference: str
    """The card's reference answer (Markdown), shown after grading."""
    derived_points: bool = False
    """True when the card had no key points and they were taken from the reference answer."""
    misstated: tuple[MisstatedNumber, ...] = ()
    """Numbers of the answer that the reference answer states otherwise."""

    @property
    def misstated_cost(self) -> float:
        """The credit the misstated numbers take away (see :func:`_misstated_cost`)."""
        return _misstated_cost(self.misstated)

    @property
    def hits(self) -> tuple[str, ...]:
        """Key points the answer made."""
        return tuple(result.label for result in self.points if result.made)

    @property
    def missed(self) -> tuple[str, ...]:
        """Key points the answer missed."""
        return tuple(result.label for result in self.points if not result.made)

    @property
    def rating(self) -> str:
        """The name of the FSRS rating this grade stands for (:data:`tutor.vocabulary.GRADE_BANDS`)."""
        return rating_for_score(self.score).label

    def to_dict(self) -> dict[str, Any]:
        """Return the grade as plain data."""
        return {
            "card_id": self.card_id,
            "score": self.score,
            "rating": self.rating,
            "hits": list(self.hits),
            "missed": list(self.missed),
            "points": [result.to_dict() for result in self.points],
            "reference": self.reference,
            "derived_points": self.derived_points,
            "misstated_numbers": [number.to_dict() for number in self.misstated],
        }


def _misstated_cost(misstated: tuple[MisstatedNumber, ...]) -> float:
    """The credit misstated numbers take away: one point, once an answer however many there are."""
    return -WRONG_CLAIM_COST if misstated else 0.0


@dataclass(frozen=True)
class _Form:
    """One way of making a key point, read once per card."""

    canon: str
    units: frozenset[str]
    new: frozenset[str]
    """Its units that the question does not contain."""
    quantities: tuple[Quantity, ...]
    new_quantities: tuple[Quantity, ...]
    """Its quantities that the question does not state."""
    negations: int
    """1 when the point itself is negative (不含参数), else 0."""
    subjects: frozenset[str]
    """Terms the point shares with the question (静态图 in a question on static and dynamic graphs)."""
    others: frozenset[str]
    """The question's other terms: a clause about one of them instead is about something else."""
    defined: frozenset[str] = frozenset()
    """For a definition ("epoch是全部样本训练一次"): the terms and English words of what it defines."""
    definition: frozenset[str] = frozenset()
    """For a definition: the units of what it says the defined thing is."""

    naming: bool = False
    """True for a point that only names things ("Dropout", "提前终止", "数理逻辑"): what the clause says of them
    decides whether it is made."""
    role_subject: str | None = None
    """For a point that says what its subject is or does ("边是数据流"): that subject (边)."""
    predicate: frozenset[str] = frozenset()
    """For such a point: the units of what it says its subject is or does (数据流)."""


@dataclass(frozen=True)
class _Member:
    """One clause of a window, read once."""

    text: str
    canon: str
    context: str
    units: frozenset[str]
    quantities: tuple[Quantity, ...]
    before: tuple[str, ...] = ()
    """The clauses before it in its sentence (canonical), nearest first: a clause that names no subject goes on
    with theirs."""


@dataclass(frozen=True)
class _Window:
    """One clause, or two adjacent clauses of a sentence, as candidate evidence."""

    text: str
    members: tuple[_Member, ...]
    units: frozenset[str]
    quantities: tuple[Quantity, ...]


_DEFINITION = re.compile(r"^(?P<subject>[^，,。；;]{1,24}?)(?<!不)(?<!并非)(?:就是|是指|指的是|是|指|表示|即|=)(?P<rest>.+)$")
"""A key point that says what something is: the defined thing, then what it is."""


def _definition(canon: str) -> tuple[frozenset[str], frozenset[str]]:
    """The defined thing's strong units (terms, English words) and the definition's units; empty when not one."""
    match = _DEFINITION.match(canon)
    if not match:
        return frozenset(), frozenset()
    subject = frozenset(u for u in units(match["subject"], point=True) if u.startswith(TERM_MARK) or not is_cjk(u[0]))
    return (subject, units(match["rest"], point=True)) if subject else (frozenset(), frozenset())


_LIST_SEPARATOR = re.compile(r"(?<!\s)\s*(?:以及|或者|和|与|及|或|、|,|，|/|(?<![a-z])(?:and|or|vs\.?|versus)(?![a-z]))\s*")


_QUESTION_END = re.compile(r"[?？。；;!！]")


def _segment_terms(segment: str) -> tuple[list[str], bool]:
    """The terms of one segment of a question, and whether the segment starts with one."""
    found = list(load_glossary().scan(segment))
    opens = bool(found) and not segment[: found[0][0]].strip()
    return [entry.term.lower() for _, _, entry in found], opens


@lru_cache(maxsize=4096)
def _question(question: str) -> tuple[frozenset[str], frozenset[str], tuple[Quantity, ...], frozenset[frozenset[str]]]:
    """The question's units, its glossary terms, its quantities, and the terms it lists together.

    Terms listed together ("batch size, Iteration 和 Epoch", "静态图模式或动态图模式") are the subjects the
    question compares: a clause about one of them is not about another.
    """
    canon = canonical(question)
    glossary = load_glossary()
    # Each sentence apart: "DP 和 DDP 有什么区别？DP 的瓶颈在哪里？" lists DP and DDP although DP comes back later.
    sentences = [
        [_segment_terms(segment) for segment in _LIST_SEPARATOR.split(sentence)]
        for sentence in _QUESTION_END.split(canon)
    ]
    segments = [segment for sentence in sentences for segment, _ in sentence]
    # Across each separator: the left's last term the right does not repeat, the right's first term the left
    # does not hold ("静态图模式或动态图模式": 静态图 and 动态图; "model.train 和 model.eval": 训练 and 评估). A list's
    # next item starts with its term: "梯度下降法，并简述其在神经网络训练中的作用" lists nothing.
    groups: list[set[str]] = []
    for (left, _), (right, opens) in (pair for sentence in sentences for pair in zip(sentence, sentence[1:])):
        before = [term for term in left if term not in right]
        after = [term for term in right if term not in left]
        if before and after and opens:
            pair = {before[-1], after[0]}
            joined = [group for group in groups if group & pair]
            for group in joined:
                groups.remove(group)
                pair |= group
            groups.append(pair)
    pairs = {frozenset((x, y)) for group in groups for x in group for y in group if x != y}
    terms = frozenset(term for segment in segments for term in segment)
    return units(canon), terms, read_quantities(question), frozenset(pairs)


@lru_cache(maxsize=65536)
def _siblings(a: str, b: str) -> bool:
    """True for two different terms of one kind: 静态图 and 动态图, 张量并行 and 流水线并行 (a common ending), not a
    kind and its own sort (模型剪枝, written 剪枝, and 结构化剪枝)."""
    if a in b or b in a or _written_in(a, b) or _written_in(b, a):
        return False
    common = 0
    for x, y in zip(reversed(a), reversed(b)):
        if x != y:
            break
        common += 1
    return common >= (1 if is_cjk(a[-1]) else 4)


def _written_in(a: str, b: str) -> bool:
    """True when one of the written forms of term ``a`` is part of term ``b`` (剪枝, a form of 模型剪枝, in 结构化剪枝)."""
    entry = load_glossary().entry(a)
    return entry is not None and any(len(form) > 1 and normalize(form) in b for form in entry.forms)


@lru_cache(maxsize=8192)
def _forms(point: str, question: str) -> tuple[_Form, ...]:
    asked, asked_terms, asked_quantities, listed = _question(question)
    forms = []
    for alternative in point_wordings(point):
        canon = canonical(alternative)
        point_units = units(canon, point=True)
        terms = frozenset(entry.term.lower() for entry in load_glossary().terms_in(canon))
        # The point's subjects are the terms it shares with the question that the question sets against others
        # (listed together, or of one kind): a word every subject shares (模型 in model.train/model.eval) is not one.
        subjects = frozenset(
            s for s in terms & asked_terms if any(s in pair for pair in listed) or any(_siblings(s, t) for t in asked_terms)
        )
        # A subject is only told apart from the question's other terms of its kind: 静态图 from 动态图, not
        # from every word the question uses.
        others = frozenset(
            t
            for t in asked_terms - terms
            if any(_siblings(t, s) or frozenset((t, s)) in listed for s in subjects)
            and not any(_mentions(term, t) for term in terms)  # 神经网络 is said by the point's own 卷积神经网络
        )
        quantities = read_quantities(alternative)
        new_quantities = tuple(q for q in quantities if not any(q.matches(a) for a in asked_quantities))
        defined, definition = _definition(canon)
        forms.append(
            _Form(canon, point_units, point_units - asked, quantities, new_quantities, negations(canon) % 2,
                  subjects, others, defined, definition, naming=_only_terms(canon) and not quantities,
                  role_subject=_role_subject(canon), predicate=_predicate(canon))
        )
    return tuple(_as_main(form, forms[0]) for form in forms)


def _as_main(form: _Form, main: _Form) -> _Form:
    """An alternative wording of a point is about what its main wording is about: "按层切分到多卡" for
    "流水线并行把不同层放到不同设备" is said of 流水线并行, not of 张量并行."""
    if form is main:
        return form
    if main.subjects and not form.subjects:
        form = replace(form, subjects=main.subjects, others=main.others)
    if main.defined and not form.defined:
        form = replace(form, defined=main.defined, definition=form.units)
    return form


def _only_terms(canon: str) -> bool:
    """True when ``canon`` is glossary terms and nothing else (but separators such as 和 or a comma)."""
    rest, last = [], 0
    for start, end, _ in load_glossary().scan(canon):
        rest.append(canon[last:start])
        last = end
    if last == 0:
        return False
    rest.append(canon[last:])
    return not units(_LIST_SEPARATOR.sub(" ", " ".join(rest)))


def _windows(clauses: tuple[Clause, ...]) -> list[_Window]:
    members = [
        _Member(
            c.text, c.canon, c.context, units(c.canon) | units(c.context), read_quantities(c.text),
            tuple(b.canon for b in reversed(clauses[:index]) if b.sentence == c.sentence),
        )
        for index, c in enumerate(clauses)
    ]
    windows = []
    for index, member in enumerate(members):
        windows.append(_Window(member.text, (member,), member.units, member.quantities))
        if index + 1 < len(clauses) and clauses[index + 1].sentence == clauses[index].sentence:
            after = members[index + 1]
            windows.append(
                _Window(f"{member.text}，{after.text}", (member, after), member.units | after.units,
                        member.quantities + after.quantities)
            )
    # Single clauses first: the evidence shown is the smallest that makes the point.
    return sorted(windows, key=lambda window: len(window.members))


def _found(unit: str, window_units: frozenset[str]) -> bool:
    if unit in window_units:
        return True
    if unit.startswith(TERM_MARK):
        # A longer term holds the point's term: 平移不变性 says 不变性, 池化层 says 池化; a kin term says it too.
        kin = KIN.get(unit[1:], ())
        return any(other.startswith(TERM_MARK) and (unit[1:] in other or other[1:] in kin) for other in window_units)
    if is_cjk(unit):
        return False
    # Latin words share a long prefix: gradient/gradients, normalize/normalization.
    return any(_same_stem(unit, other) for other in window_units if not is_cjk(other) and other[0] != TERM_MARK)


def _same_stem(a: str, b: str) -> bool:
    shortest = min(len(a), len(b))
    if shortest < 4:
        return False
    common = 0
    for x, y in zip(a, b):
        if x != y:
            break
        common += 1
    return common >= max(4, 0.75 * shortest)


def _role_subject(canon: str) -> str | None:
    """The short subject of a clause that says what something is or does ("边" of "边是数据流"), else None."""
    match = _ROLE_SUBJECT.match(canon)
    return match["subject"] if match and units(match["subject"]) else None  # not "也" of 也就是


_ROLE_SUBJECT = re.compile(
    r"^(?P<subject>[^\s，,。；;：:（(]{1,6}?)\s*(?<!不)(?:就是|是|表示|表达|代表|指|为|对应|用于|用来|负责)(?!不)"
)
"""A clause that starts with what it is about, then a word that says what that is or does."""


def _predicate(canon: str) -> frozenset[str]:
    """The units of what a clause that says what its subject is says it is ("数据流" of "边是数据流"), else empty."""
    match = _ROLE_SUBJECT.match(canon)
    return units(canon[match.end() :], point=True) if match and units(match["subject"]) else frozenset()


def _other_role_subject(form: _Form, window: _Window) -> str | None:
    """For a point that says what its subject is ("边是数据流"): the subject a window's clause gives in its place
    ("节点是数据流" says it of the nodes), as "节点 ≠ 边"; else None. For a window of two clauses that each say what
    their own subject is ("节点表示数据，边表示操作"), the first's subject: the second clause is not about it."""
    subjects = [_role_subject(member.canon) for member in window.members]
    if len(subjects) > 1 and all(subjects) and len(set(subjects)) == len(subjects):
        return f"{subjects[1]} ≠ {subjects[0]}"
    mine = form.role_subject
    said = " ".join(member.canon for member in window.members)
    if mine and mine not in said and subjects[0] and subjects[0] not in form.canon:
        return f"{subjects[0]} ≠ {mine}"
    return None


def _name(unit: str) -> bool:
    """True for a Latin-script name or term of three letters or more (softmax, §layernorm, all_gather)."""
    word = unit.lstrip(TERM_MARK)
    return word.isascii() and sum(c.isalpha() for c in word) >= 3


def _phrase(unit: str) -> bool:
    """True for a term long enough to be made by its words too (see :data:`PHRASE_LENGTH`)."""
    return is_cjk(unit[1:2]) and len(unit) - 1 >= PHRASE_LENGTH


@lru_cache(maxsize=65536)
def _weight(unit: str) -> int:
    """Terms and Latin words weigh more than the characters and bigrams of other words: they carry the meaning."""
    return 1 if is_cjk(unit) else 2


def _share(wanted: frozenset[str], found: list[str]) -> float:
    total = sum(_weight(unit) for unit in wanted)
    return sum(_weight(unit) for unit in found) / total if total else 1.0


def _span(canon: str, found_units: list[str]) -> tuple[int, int] | None:
    """The stretch of ``canon`` that holds ``found_units`` (bigrams and words when any), each word taken where the
    words stand closest together: a word said earlier in a long clause (特征 of "不相关的特征…提取低维特征") is not
    where the point is made."""
    words = [word for word in (unit.lstrip(TERM_MARK) for unit in found_units) if word in canon]
    if not words:
        return None
    strong = [word for word in words if len(word) > 1] or words
    places = {word: [match.start() for match in re.finditer(re.escape(word), canon)] for word in words}

    def nearest(word: str, anchor: int) -> int:
        positions = places[word]
        index = bisect.bisect_left(positions, anchor)
        return min(positions[max(0, index - 1) : index + 1], key=lambda position: abs(position - anchor))

    def stretch(anchor: int) -> tuple[int, int]:
        # Characters too, taken near the anchor: the 学 of "学不会…做出正确决策" is where 学会正确决策 begins.
        return min(nearest(word, anchor) for word in words), max(nearest(word, anchor) + len(word) for word in words)

    # The narrowest stretch around any place of a word (a few in any real clause; capped for a flood of text).
    anchors = [position for word in strong for position in places[word][:_SPAN_ANCHORS]]
    return min(map(stretch, anchors), key=lambda bounds: bounds[1] - bounds[0])


_SPAN_ANCHORS = 64
"""Places of a word tried as the point's centre in one clause."""


@dataclass(frozen=True)
class _Verdict:
    made: bool
    coverage: float
    reason: str | None
    detail: str
    evidence: str
    rank: int
    """How close the window came: 3 made, 2 the words matched but it was refused, 1 only the question's words."""
    credit: float = 0.0
    """Partial credit for a window that holds part of the point's new words and neither negates nor contradicts them."""


def _scope(form: _Form, member: _Member) -> str:
    """The words of a clause that speak of the point: from a little before its first word to its last."""
    found = [_as_written(unit, member.units) for unit in form.units if _found(unit, member.units)]
    opposite = opposed(form.canon, member.canon)
    if opposite:
        found.append(opposite[1])  # the opposite word stands for the point's: 感受野不会缩小 is about 扩大感受野
    span = _span(member.canon, found)
    if span is None:
        return ""
    start, end = span
    after = _AFTER_NEGATION.match(member.canon, end) or (form.naming and _PREDICATE_NEGATION.match(member.canon, end))
    start = _list_start(member.canon, start)  # "并不是来自进化论和控制论": the negation reaches 控制论 too
    end = after.end() if after else end
    if 0 < end < len(member.canon) and member.canon[end - 1] in NEGATIONS_CJK:
        end += 1  # a 不 cut from 不断 or 不同 would read as a negation: the word is taken whole
    return member.canon[left_context(member.canon, start) : end]


def _removed(form: _Form, scope: str) -> int:
    """1 when a removal verb stands right before the thing a naming point names ("去掉 Dropout" negates it
    as 不用 would), else 0."""
    if not form.naming or _REMOVAL.search(form.canon):
        return 0  # the point names a removal itself ("丢弃decoder", drop-connect reads 丢弃连接)
    return int(any(_REMOVED.search(scope, 0, scope.find(unit[1:])) for unit in form.units if unit[1:] in scope))


_SEPARATOR_BEFORE = re.compile(r"(?:和|与|及|、|或)\s*$")
_ITEM_BEFORE = re.compile(r"[^，,。；;和与及、或\s][^，,。；;和与及、或]{0,11}$")
"""A list's separator, and the item before it, each read back from where the next item starts."""


def _list_start(canon: str, start: int) -> int:
    """Where the list whose last item starts at ``start`` begins ("进化论和" before 控制论), else ``start``."""
    while (separator := _SEPARATOR_BEFORE.search(canon, max(0, start - 8), start)) and (
        item := _ITEM_BEFORE.search(canon, max(0, separator.start() - 12), separator.start())
    ):
        start = item.start()
    return start


_AFTER_NEGATION = re.compile(
    r"[^，,。；;]{0,6}?(?:无关|没有?关系|不对|不成立|不正确|是错的|错了|不存在|没有?使?用|没有?(?:帮助|作用|效果|用处)|无效"
    r"|不起作用|无助于|不管用)"
)
"""A negation said after the point's words: "池化跟扩大感受野没关系" (没关系 reads 无关), "Dropout 对过拟合没有帮助"."""
_PREDICATE_NEGATION = re.compile(
    r"\s{0,3}(?:不|没|无法|并非|(?:(?:does|do|is|are|can|will|did)\s{0,3})?(?:n't|not)(?![a-z])|never|cannot)"
    r"|[^，,。；;]{1,24}?(?:都|也|均|全|并)\s{0,3}(?:不|没|无法)"
)
"""What is said of named things, negated right after them ("dropout doesn't help") or after the rest of their list
("Dropout 和提前终止都不能缓解过拟合")."""
_REMOVAL = re.compile(r"丢弃|舍弃|抛弃|取消|省去|省掉")
_REMOVED = re.compile(rf"(?:{_REMOVAL.pattern})\s*(?:掉|了)?\s*$")
"""A removal verb right before a named thing (去掉, remove and drop read 丢弃)."""


def _as_written(unit: str, window_units: frozenset[str]) -> str:
    """The answer's term that holds a point's term (§平移不变性 for §不变性), so a negation before it is in scope."""
    if not unit.startswith(TERM_MARK) or unit in window_units:
        return unit
    return next((other for other in window_units if other.startswith(TERM_MARK) and unit[1:] in other), unit)


def _as_term(name: str) -> str:
    """A term as the glossary writes it, for the learner (DistributedDataParallel, not distributeddataparallel)."""
    entry = load_glossary().entry(name)
    return entry.term if entry else name


def _other_subject(form: _Form, member: _Member) -> str | None:
    """The question's other subject that one clause names instead of the point's ("动态图 ≠ 静态图"), else None."""
    said = member.canon + " " + member.context
    if form.subjects and not any(_names(said, subject) for subject in form.subjects):
        # A clause that names no subject goes on with the subject the nearest clause before it opens with
        # ("TensorFlow 才是动态图，在学术界最流行" says TensorFlow is popular).
        if not any(_mentions(said, term) for term in form.others):
            said = _topic(member.before, form.subjects | form.others)
        other = next((term for term in form.others if _mentions(said, term)), None)
        if other:
            return f"{_as_term(other)} ≠ {'/'.join(sorted(map(_as_term, form.subjects)))}"
    return None


def _names(said: str, subject: str) -> bool:
    """True when ``said`` names ``subject``, also by its stem (激活 for 激活值, 空泡 for 空泡率)."""
    return _mentions(said, subject) or (len(subject) >= 3 and is_cjk(subject[-1]) and _mentions(said, subject[:-1]))


def _mentions(text: str, term: str) -> bool:
    """True when ``text`` holds ``term`` other than as the term's negative (结构化剪枝 is not in 非结构化剪枝)."""
    return term in text.replace("非" + term, " ")


def _topic(before: tuple[str, ...], subjects: frozenset[str]) -> str:
    """The one of ``subjects`` that the nearest clause naming any of them opens with, or "" (also when that clause
    names one further on: then it is no topic)."""
    clause = next((clause for clause in before if any(subject in clause for subject in subjects)), "")
    return next((subject for subject in subjects if clause.lstrip().startswith(subject)), "")


def _contradiction(form: _Form, member: _Member) -> str | None:
    """What in one clause says the opposite of the point, or names another subject instead of the point's."""
    opposite = opposed(form.canon, read_negated_opposites(form.canon, member.canon + " " + member.context))
    if opposite:
        return f"{opposite[1]} ≠ {opposite[0]}"
    return _other_subject(form, member)


def _about_subject(form: _Form, member: _Member) -> bool:
    """True when a clause names the point's subject, or goes on with it as the topic of the clause before it."""
    said = member.canon + " " + member.context
    return any(_names(said, subject) for subject in form.subjects) or (
        _topic(member.before, form.subjects | form.others) in form.subjects
    )


_WITHOUT = re.compile(r"(?<![a-z])(?:without|no)\s+(?!longer|more)(\S+)")


def _without_other(form: _Form, scope: str) -> str:
    """The scope less "without"/"no" before a word that is not the point's: "without 激活函数, 神经网络只能表达线性"
    makes "仅能表达线性映射" (a condition, not a negation of the point), "no 参数" still negates "有参数"."""

    def keep(match: re.Match[str]) -> str:
        word_units = units(match[1])
        about_point = any(_found(unit, word_units) for unit in form.units)
        return match[0] if about_point else match[1]

    return _WITHOUT.sub(keep, scope)


def _refusal(form: _Form, window: _Window) -> tuple[str, str, str] | None:
    """Why a window cannot make the point although it holds its words: (reason, detail, clause)."""
    members = window.members
    if len(members) > 1:
        # A clause that adds none of the point's new words or numbers is only the other's context ("不是 X，而是 Y").
        # The opposite of a point's word is that word said the other way: its clause is not mere context.
        found = [
            frozenset(u for u in form.new if _found(u, m.units))
            | frozenset(i for i, q in enumerate(form.quantities) if any(q.matches(o) for o in m.quantities))
            | frozenset(opposed(form.canon, f"{m.canon} {m.context}") or ())
            for m in members
        ]
        members = tuple(
            m for i, m in enumerate(members) if found[i] - frozenset().union(*(f for j, f in enumerate(found) if j != i))
        ) or members
    scopes = [_without_other(form, read_negated_opposites(form.canon, _scope(form, member))) for member in members]
    counts = [negations(scope) + _removed(form, scope) for scope in scopes]
    # A positive point is negated by any of its clauses ("也没有逆向去噪的过程，不需要最小化去噪损失" is not a double
    # negation); a negative one ("池化层，没有参数") by the two together.
    opposite = [negated_opposite(form.canon, scope) for scope in scopes]
    if form.negations:
        refused = sum(counts) % 2 != form.negations
        negated = [scope for scope in scopes if negations(scope) or _removed(form, scope)] or scopes[:1]
        flipped = any(opposite)
    else:
        # Of a positive point, a negated opposite answers for its own clause only: "它不能减少参数，也不会扩大感受野"
        # still negates 扩大感受野.
        odd = [index for index, count in enumerate(counts) if count % 2]
        refused = bool(odd)
        negated = [scopes[index] for index in odd if not opposite[index]]
        flipped = not negated
    if refused:
        if flipped:
            # A negated opposite says the point (不增加计算量 for 计算量减少), if about the point's subject.
            other = next((o for o in map(lambda m: _other_subject(form, m), members) if o), None)
            return (Miss.CONTRADICTED, other, window.text) if other else None
        return Miss.NEGATED, negated[0], window.text
    for member in members:
        contradiction = _contradiction(form, member)
        if contradiction:
            return Miss.CONTRADICTED, contradiction, member.text
    return None


def _defines_another(form: _Form, window: _Window, siblings: tuple[_Form, ...]) -> bool:
    """True when the point is a definition and the window names another of the card's defined things, not its own.

    "batch size 是每次训练的样本数" does not say what an iteration is; a table row naming neither may.
    """
    if not form.defined or any(_found(unit, window.units) for unit in form.defined):
        return False
    return any(
        s.defined and not s.defined & form.defined and all(_found(unit, window.units) for unit in s.defined)
        for s in siblings
    )


def _swapped(form: _Form, window: _Window, siblings: tuple[_Form, ...]) -> str | None:
    """For a definition: the other definition of the card the window states instead, as "X ≠ Y's", else None.

    "epoch 指一次训练的样本数" holds epoch's words but says what a batch size is: the window holds another
    definition's words more fully than this one's.
    """
    if not any(_found(unit, window.units) for unit in form.defined):
        return None  # a clause that does not name the defined thing is not about it (see _defines_another)
    for sibling in siblings:
        if not sibling.defined or sibling.defined & form.defined:
            continue
        # Only the words that tell the two definitions apart count (both may say 样本 and 训练), and neither
        # definition's mention of the other's defined thing ("样本数/batch size" names batch size).
        mine = form.definition - sibling.definition - sibling.defined
        yours = sibling.definition - form.definition - form.defined
        if not mine or not yours:
            continue
        own = _share(mine, [u for u in mine if _found(u, window.units)])
        theirs = _share(yours, [u for u in yours if _found(u, window.units)])
        if theirs >= HIT_COVERAGE and theirs > own:
            name = lambda subject: "/".join(sorted(u.lstrip(TERM_MARK) for u in subject))  # noqa: E731
            return f"{name(form.defined)} ≠ {name(sibling.defined)}"
    return None


def _judge(form: _Form, window: _Window, asked: frozenset[str], siblings: tuple[_Form, ...] = ()) -> _Verdict:
    if len(window.members) > 1 and any(_other_subject(form, member) for member in window.members):
        # One clause is about the question's other subject ("线性回归不是用来解决回归问题的，感知机做二分类"): the two
        # do not make a point together, and that clause's negation is not this point's. Each is judged alone.
        return _Verdict(False, 0.0, Miss.MISSING, "", "", 0)
    window_units = window.units
    said = " ".join(f"{member.canon} {member.context}" for member in window.members)
    opposite = opposed(form.canon, said)
    if opposite and form.others and not any(_about_subject(form, member) for member in window.members):
        # Of a point about one of the subjects the question compares, a clause that says the opposite word and not
        # of that subject is about the other one ("剩下的还是稠密张量" after "粗粒度的剪掉整个通道"): neither made
        # nor contradicted.
        return _Verdict(False, 0.0, Miss.MISSING, "", "", 0)
    if opposite:
        # The clause speaks of the point in the opposite word: judge it as if it had used the point's word.
        window_units = window_units | units(opposite[0], point=True) | units(opposite[0])
    for word in decisive_words(form.canon):
        if word not in said and says_direction(word, said):
            # Another word for the same way ("higher entropy", 增加, for 熵越大) says the point's word.
            window_units = window_units | units(word, point=True) | units(word)
    found = [unit for unit in form.units if _found(unit, window_units)]
    for phrase in (unit for unit in form.units if _phrase(unit) and unit not in found):
        if any(other.startswith(TERM_MARK) and _siblings(phrase[1:], other[1:]) for other in window_units):
            # The phrase's characters belong to another term of its kind in the clause: 批归一化 does not say the
            # 归一化 of 层归一化.
            spelled = units(phrase[1:]) - {phrase}
            found = [unit for unit in found if unit not in spelled]
    coverage = _share(form.units, found) if form.units else 1.0
    new_coverage = _share(form.new, [unit for unit in found if unit in form.new]) if form.new else 1.0
    terms = frozenset(unit for unit in form.units if unit.startswith(TERM_MARK) and not _phrase(unit))
    # The point's terms carry its topic: its relation words alone ("T 越大" for "熵越大") do not make it.
    topic = _share(terms, [unit for unit in found if unit in terms]) if terms else 1.0
    words_ok = coverage >= HIT_COVERAGE and new_coverage >= NEW_COVERAGE and topic >= TOPIC_COVERAGE
    if terms and topic == 1.0 and min(coverage, new_coverage) >= TERMS_COVERAGE and not _asks_term(terms, asked):
        # Every term of the point is there, its other words said another way ("一层层乘下去"), and none of its
        # terms is the question's (全连接层 in the question holds 连接 of "两两相连").
        words_ok = True
    predicate = [unit for unit in form.predicate if _found(unit, window_units)]
    if form.predicate and _share(form.predicate, predicate) < TOPIC_COVERAGE:
        # What the point says its subject is must be said: "节点表示张量" does not make "节点表示操作".
        words_ok = False
    names = [unit for unit in form.new if _name(unit)]
    if names and not any(_found(unit, window_units) for unit in names):
        # A name the question does not give (Softmax, GELU, all_gather) is what the point says: another name in its
        # place ("自注意力里用 ReLU") is another claim, and a learner writes names as they are, in any language. Of a
        # point that names several ("Sigmoid和Tanh梯度消失"), one may be said at a time.
        words_ok = False
    if not form.new and not form.new_quantities:
        # Every word of the point is in the question: the clause must add words of its own.
        words_ok = words_ok and len(window.units - asked) >= 2
    if not words_ok:
        rank = 1 if coverage >= HIT_COVERAGE and form.units else 0
        other = rank and next(filter(None, (_other_subject(form, member) for member in window.members)), None)
        if other:
            # The point's words are said of the question's other subject ("静态图…，易于调试" for 动态图易于调试).
            return _Verdict(False, coverage, Miss.CONTRADICTED, other, window.text, 2)
        reason = Miss.QUESTION_ONLY if rank else Miss.MISSING
        credit = 0.0 if _defines_another(form, window, siblings) else _partial(form, window, found)
        return _Verdict(False, coverage, reason, "", window.text if rank else "", rank, credit)
    if _defines_another(form, window, siblings):
        return _Verdict(False, coverage, Miss.MISSING, "", window.text, 1)
    swapped = (_swapped(form, window, siblings) if form.defined else None) or _other_role_subject(form, window)
    if swapped:
        return _Verdict(False, coverage, Miss.CONTRADICTED, swapped, window.text, 2)
    refusal = _refusal(form, window)
    if refusal:
        return _Verdict(False, coverage, refusal[0], refusal[1], refusal[2], 2)
    unmatched = [q for q in form.quantities if not any(q.matches(other) for other in window.quantities)]
    if unmatched:
        said = [
            other.text
            for other in window.quantities
            if any(other.kind == q.kind for q in unmatched) and not any(p.matches(other) for p in form.quantities)
        ]
        if said:
            wanted = ", ".join(q.text for q in unmatched)
            return _Verdict(False, coverage, Miss.WRONG_NUMBER, f"{', '.join(said)} (expected {wanted})", window.text, 2)
        return _Verdict(False, coverage, Miss.MISSING, f"no {', '.join(q.text for q in unmatched)}", window.text, 1)
    return _Verdict(True, coverage, None, "", window.text, 3)


@lru_cache(maxsize=8192)
def _asks_term(terms: frozenset[str], asked: frozenset[str]) -> bool:
    """True when a term of the question holds one of ``terms``."""
    return any(a.startswith(TERM_MARK) and t[1:] in a for t in terms for a in asked)


def _partial(form: _Form, window: _Window, found: list[str]) -> float:
    """Credit for a window that holds part of the point's new words (an examiner's partial mark), else 0.

    Only the point's own new words count, so the question's words earn nothing; a window that negates or
    contradicts them, or states another number than the point's, earns nothing either.
    """
    if len(form.new) < 3:
        return 0.0  # a point of one or two words is made or not
    new_found = [unit for unit in found if unit in form.new]
    share = _share(form.new, new_found)
    if share < PARTIAL_FLOOR or not any(unit.startswith(TERM_MARK) or len(unit) > 1 for unit in new_found):
        return 0.0
    said = " ".join(member.canon for member in window.members)
    if not all(says_direction(word, said) for word in decisive_words(form.canon)):
        return 0.0  # "沿梯度方向" holds most of "沿梯度相反方向" but not the word that decides it
    if _refusal(form, window):
        return 0.0
    if any(other.kind == q.kind and not q.matches(other) for q in form.quantities for other in window.quantities):
        return 0.0
    return round(PARTIAL_MOST * min(1.0, share / NEW_COVERAGE), 2)


@lru_cache(maxsize=1024)
def _subject_forms(point: str, question: str, reference: str) -> tuple[_Form, ...]:
    """The point's forms, each given the subject its clause in the reference answer is about, when the point
    names none: "服务器" under "DP：…上传给一个服务器累加" is about DP, so "DDP 用服务器汇总" does not make it. A cell of
    a comparison table is about its column's heading ("滤波器、通道或整层" under 结构化剪枝).
    """
    forms = _forms(point, question)
    asked, asked_terms, _, listed = _question(question)
    candidates = frozenset(
        t for t in asked_terms if any(t in pair for pair in listed) or any(_siblings(t, u) for u in asked_terms)
    )
    if not candidates or any(form.subjects for form in forms):
        return forms
    windows = _windows(split_clauses(reference))
    made = [(verdict, window) for window in windows if (verdict := _judge(forms[0], window, asked)).made]
    if not made:
        return forms
    # The clause that makes the point most fully (the first of those): the standard flow's list of what pruning
    # removes is not where the reference says which kind of pruning removes filters.
    window = max(made, key=lambda pair: pair[0].coverage)[1]
    said = " ".join(f"{member.canon} {member.context}" for member in window.members)
    named = frozenset(c for c in candidates if _mentions(said, c))
    named = frozenset(c for c in named if not any(c != d and c in d for d in named))  # 非结构化剪枝 holds 结构化剪枝
    if len(named) != 1:
        return forms  # the reference names several subjects here, or none: the point is about no one of them
    others = frozenset(
        t for t in candidates - named
        if any(_siblings(t, s) or frozenset((t, s)) in listed for s in named)
        and not any(_mentions(term, t) or _mentions(t, term) for term in named)
    )
    return tuple(replace(form, subjects=named, others=others) for form in forms) if others else forms


def _grade_point(
    point: str, question: str, windows: list[_Window], siblings: tuple[_Form, ...] = (), reference: str = ""
) -> PointResult:
    asked = _question(question)[0]
    best: _Verdict | None = None
    credit = 0.0
    wrong_claim = False
    main, *alternatives = _subject_forms(point, question, reference)
    for window in windows:
        verdict = _judge(main, window, asked, siblings)
        # A clause that negates, contradicts or misstates the point's main wording ("分布的熵越小" for 熵越大)
        # makes none of its alternatives either ("分布更平滑").
        others = (_judge(form, window, asked, siblings) for form in alternatives) if verdict.rank < 2 else ()
        # Half a point is judged on the main wording alone, and so is a contradiction: an alternative of one word
        # ("sparse") is contradicted by any clause that names its opposite. A negation of any wording is one.
        credit = max(credit, verdict.credit)
        wrong_claim = wrong_claim or _wrong_claim(main, verdict)
        for verdict in (verdict, *others):
            if verdict.made:
                return PointResult(point, verdict.coverage, True, verdict.evidence, credit=1.0)
            wrong_claim = wrong_claim or (verdict.reason == Miss.NEGATED and _wrong_claim(main, verdict))
            if best is None or (verdict.rank, verdict.coverage) > (best.rank, best.coverage):
                best = verdict
    if best is None:
        return PointResult(point, 0.0, False, "", Miss.MISSING, credit=0.0)
    if best.rank == 2:
        credit = -WRONG_CLAIM_COST if wrong_claim else 0.0  # no partial credit elsewhere for a refused point
    return PointResult(point, best.coverage, False, best.evidence, best.reason, best.detail, credit)


def _wrong_claim(form: _Form, verdict: _Verdict) -> bool:
    """True when a clause holding all the words of the point negates or contradicts it (a point of numbers alone
    has no words to hold)."""
    return (
        verdict.reason in (Miss.NEGATED, Miss.CONTRADICTED)
        and verdict.coverage >= WRONG_CLAIM_COVERAGE
        and bool(form.units)
    )


_CODE_BLOCK = re.compile(r"```.*?```", re.S)
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINE_MARK = re.compile(r"^\s*(?:[-*+>]|\d+[.)、]|#+)\s*")
_LEAD = re.compile(r"^(.{2,24}?)[：:]")
_CLAUSE = re.compile(r"[，。；,;.!?！？]")
_MAX_DERIVED_POINTS = 8


def derive_points(answer: str) -> tuple[str, ...]:
    """Return key points taken from a reference answer: its bold phrases, else each line's lead phrase."""
    text = _CODE_BLOCK.sub(" ", answer)
    bold = [phrase.strip(" ：:") for phrase in _BOLD.findall(text)]
    bold = [phrase for phrase in dict.fromkeys(bold) if units(canonical(phrase))]
    if len(bold) >= 2:
        return tuple(bold[:_MAX_DERIVED_POINTS])
    points: list[str] = []
    for line in text.splitlines():
        line = _LINE_MARK.sub("", line.replace("**", "").replace("`", "")).strip()
        if not line:
            continue
        lead = _LEAD.match(line)
        phrase = lead.group(1) if lead else _CLAUSE.split(line, maxsplit=1)[0]
        phrase = phrase.strip()
        if units(canonical(phrase)) and phrase not in points:
            points.append(phrase)
    return tuple(points[:_MAX_DERIVED_POINTS])


def grade_answer(card: Card, text: str) -> Grade:
    """Grade the typed answer ``text`` to ``card`` against its key points.

    Returns a :class:`Grade`: the share of key points made, and for each point the answer's words that made
    it or the reason it was missed, with the reference answer.
    """
    points = card.key_points
    derived = not points
    if derived:
        points = derive_points(card.answer)
    clauses = split_clauses(text)
    windows = _windows(clauses)
    results = tuple(
        _grade_point(
            point, card.question, windows,
            tuple(f for other in points if other != point for f in _forms(other, card.question)), card.answer,
        )
        for point in points
    )
    stated = [tuple(q for form in _forms(point, card.question) for q in form.quantities) for point in points]
    given = tuple(q for quantities in stated for q in quantities) + _question(card.question)[2]
    missed = tuple(q for quantities, result in zip(stated, results) if not result.made for q in quantities)
    misstated = misstated_numbers(
        clauses, card.answer, tuple(erratum.correction for erratum in card.errata), given, missed
    )
    earned = sum(result.earned for result in results) + _misstated_cost(misstated)
    score = max(0.0, earned) / len(results) if results else 0.0
    return Grade(card.id, score, results, card.answer, derived, misstated)
