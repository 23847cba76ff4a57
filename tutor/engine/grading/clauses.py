"""An answer cut into clauses, each read through the glossary, with the words that negate or oppose a point.

A key point is made by one clause of the answer (or two adjacent clauses of one sentence), never by words
scattered over it. A clause inherits the topic it is written under: the lead of its sentence ("动态图：边运行边
构建，易于调试") and the heading or list item above it, so "易于调试" under "动态图" is about dynamic graphs.
"""

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from tutor.engine.grading.numbers import COUNT_CN
from tutor.questions.glossary import load_glossary
from tutor.questions.text import is_cjk, normalize

NEGATIONS_CJK = frozenset("不没无未非勿缺")
"""Characters that negate what follows (不, 不能, 无法, 没有, 并非, 未, 无, 不会, 而不是, 缺乏 all contain one)."""
NOT_NEGATIONS = (
    "不同", "不断", "不仅", "不但", "不少", "不过", "不管", "不论", "无论", "不久", "无穷", "无限", "未来", "非常",
    "差不多", "不得不", "不可或缺", "除非", "并不只", "毫无疑问", "非线性", "缺点", "缺陷", "不变性",
    "不可避免", "不可防止", "不免", "免不了", "无一例外", "不重要", "非结构化", "非均匀", "有向无环", "无监督",
    "不敏感", "硬件无关", "平台无关", "没见过", "未见过", "未知", "未标注", "无标签", "无标注", "不规则", "不均匀",
)
"""Words that contain a negating character but do not negate (不同 is "different", 无穷 "infinite", 不重要 "minor",
硬件无关 "hardware-independent", 没见过 "unseen", 不规则 "irregular", 不可避免 "inevitably", which the glossary
reads 不可防止)."""
_NEGATION_EN = re.compile(
    r"(?<![a-z])(?:not|no|cannot|never|without|neither|nor|none|rather than|instead of|fail|fails|failed|lacks?"
    r"|lacking|hardly|unable)(?![a-z])|n't"
)
OPPOSITES = (
    ("增加", "减少"), ("越大", "越小"), ("过大", "过小"), ("太大", "太小"), ("前向", "反向"), ("正向扩散", "反向扩散"),
    ("静态", "动态"), ("全局", "局部"), ("串行", "并行"), ("稀疏", "稠密"), ("上采样", "下采样"),
    ("最大化", "最小化"), ("高维", "低维"), ("同步", "异步"), ("越来越深", "越来越浅"), ("更快", "更慢"),
    ("行并行", "列并行"), ("按行", "按列"), ("生成模型", "判别模型"), ("等价", "不同"), ("灵活性强", "灵活性差"),
    ("易于", "难以"), ("非线性", "线性"), ("边构建边执行", "先构建"), ("边构建", "先构建"), ("边执行", "先构建"), ("半精度", "bf16"), ("启用", "关闭"), ("方便", "困难"), ("训练模式", "评估模式"), ("上溢", "下溢"), ("欠拟合", "过拟合"),
    ("相反方向", "方向"), ("负梯度方向", "梯度方向"), ("计算量小", "过大"),
    ("大于", "小于"), ("高于", "低于"), ("越强", "越弱"), ("更强", "更弱"), ("越长", "越短"), ("长期", "短期"),
    ("单进程", "多进程"), ("单机", "多机"), ("有监督", "无监督"), ("正类", "负类"), ("上界", "下界"),
    ("优于", "不佳"), ("防止", "加剧"), ("变深", "变浅"), ("深层", "浅层"), ("越来越深", "浅层"), ("越高", "越低"),
    ("很高", "很低"), ("较强", "较弱"), ("手动", "自动"), ("编码器", "解码器"), ("共享", "独立"), ("有向", "无向"),
    ("无环", "有环"), ("无环", "带环"), ("训练集", "测试集"), ("训练集", "验证集"), ("训练误差", "验证误差"),
    ("同一", "不同"), ("相同", "不同"), ("输入层", "输出层"), ("丢弃", "保留"), ("软标签", "硬标签"), ("可训练", "固定"),
    ("平滑", "尖锐"), ("非结构化", "结构化"),
)
"""Pairs of opposite words (after the glossary has merged synonyms: 增大, 提高, 扩大 all read 增加)."""

_KIN_PAIRS = (
    ("减少", "防止"), ("误差", "损失函数"), ("架构", "结构"), ("神经元", "节点"), ("遗忘", "丢弃"),
    ("效果", "性能"), ("保存", "内存"), ("模拟", "等价"), ("多个", "大量"), ("批处理", "批次"), ("逐层执行", "串行"),
    ("设备", "gpu"), ("显存", "内存"), ("节省", "减少"),
)
KIN = {term: frozenset(b if term == a else a for a, b in _KIN_PAIRS if term in (a, b)) for pair in _KIN_PAIRS for term in pair}
"""Terms an examiner reads alike in an answer though the glossary keeps them apart: 过拟合减轻 (防止) makes
降低过拟合 (减少), 节点 says 神经元, 训练 loss (损失函数) says 训练误差, 显卡 (GPU) says 设备, 显存 and 内存 are one memory to a
learner, 节省 says 减少 (lower case, as
:func:`units` writes terms)."""

STOP_CHARACTERS = frozenset("的了和与及或是在等个一中为其以而对之也就都把被着这那它其")
"""Function characters: alone they say nothing about the topic, so they neither count nor join bigrams."""
STOP_WORDS = frozenset(
    "a an the of and or to is are was were be been being in on at for with by as it its this that these those "
    "which who whose what when where so such than then there their them they we you your our us i he she each "
    "per into from up out over under also can could may might will would should must do does did has have had "
    "very much many some any all both only just more most less e.g i.e etc".split()
)
"""English function words, dropped before matching."""

_SENTENCE_END = re.compile(r"[。；;！？!?\n]|\.(?=\s|$)(?<!\d\.)")
_CLAUSE_BREAK = re.compile(
    r"[，,：](?!\}?\d{3}(?!\d))|:(?!//)(?=\s|$)|、(?=[^\s，,。；;：:、]{1,6}?(?<!不)(?:是|表示|代表|对应)(?!不))"
)
"""Where a clause ends: a comma or colon (not a thousands separator), or 、 before an item that says what its own
subject is ("边表示算子、节点表示数据" is two statements)."""
_TABLE_RULE = re.compile(r"[|\-:\s]+")
"""The rule under a table's heading row (|---|:---:|), or a line of rules."""
_CONTRAST = re.compile(r"(?=而是|而不是|而非|但是|然而|不过|反而|却|(?<!不)但(?!是))|(?<![a-z])(?=but |whereas |however|rather than |instead of )")
_LIST_MARK = re.compile(r"^\s*(?:[-*+>]\s+|\d+[.)、．]\s*|[（(]\d+[)）]\s*|#+\s*)+")
_MARKUP = re.compile(r"\*\*|__|`|\$|\\\(|\\\)|\\\[|\\\]")
_COLON = re.compile(r"[：:](?!//)")
_RUN_GAP = re.compile(r"(?<=[\u3400-\u9fff])[\s\-_/]+(?=[\u3400-\u9fff])")
_LATIN_WORD = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
_LATIN_TOKEN = re.compile(r"[0-9a-zα-ω().*/+^×·_-]+")
_NAME_WITH_DIGITS = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")
"""With two letters or more: fp16, resnet50, lenet-5, 1f1b are names, not numbers (60k, 3x3, 6e4 are)."""
_LEAD_LIMIT = 24
"""A sentence's lead (the words before its colon) is at most this long; a longer one is not a topic."""


@dataclass(frozen=True)
class Clause:
    """One clause of an answer."""

    text: str
    """The learner's words."""
    canon: str
    """The words read through the glossary (normalised, each term in its canonical form)."""
    context: str
    """The topic it is written under, read through the glossary ("" when none)."""
    sentence: int
    """Index of its sentence: clauses of one sentence may make a point together."""


def _depth_split(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split ``text`` at ``pattern``, but not inside brackets: (0, 1) and [0, +∞) stay whole."""
    pieces, depth, start = [], 0, 0
    for index, character in enumerate(text):
        if character in "([（【":
            depth += 1
        elif character in ")]）】" and depth:
            depth -= 1
        elif depth == 0 and pattern.match(text, index) and pattern.match(text, index).end() > index:
            pieces.append(text[start:index])
            start = pattern.match(text, index).end()
    pieces.append(text[start:])
    return pieces


def _split_contrast(clause: str) -> list[str]:
    positions = sorted({match.start() for match in _CONTRAST.finditer(clause.lower()) if match.start() > 0})
    bounds = [0, *positions, len(clause)]
    return [clause[a:b] for a, b in zip(bounds, bounds[1:])]


_PARTICLE = re.compile(
    r"(?<![A-Za-z])(?P<verb>(?:turn|switch|pass|look|set|leave|throw|give)(?:s|es|ed|ing)?)"
    r"\s(?P<object>(?:the\s|its\s|their\s|a\s)?[A-Za-z][\w-]{0,30}(?:\s(?:layers?|units?|terms?))?)"
    r"\s(?P<particle>on|off|in|up|out|away)"
    r"(?=\s?(?:$|[.,;:!?)\]，。；：]|(?:and|or|when|while|during|in|at|by|for|to|so|but|because|with|after|before|if)"
    r"(?![A-Za-z])))",
    re.IGNORECASE,
)
"""An English phrasal verb split around its object ("turns dropout off"), read as written whole ("turns off
dropout") so that the glossary knows it."""


def canonical(text: str) -> str:
    """``text`` read through the glossary, its CJK runs joined across spaces and English function words."""
    canon = load_glossary().canonical(_PARTICLE.sub(r"\g<verb> \g<particle> \g<object>", _MARKUP.sub("", text)))
    canon = " ".join(word for word in canon.split(" ") if word.strip(".,;:()") not in STOP_WORDS)
    return _RUN_GAP.sub("", canon)


def _heading_level(raw: str, line: str) -> int:
    """2 for a section heading (Markdown # or a bold line), 1 for a line that ends with a colon, else 0."""
    if raw.lstrip().startswith("#") or re.fullmatch(r"(?<!\s)\s*(?:[-*]\s*)?\*\*[^*]+\*\*\s*(?:[：:]\s*)?", raw):
        return 2
    if line.rstrip().endswith(("：", ":")) and len(line) <= 40:
        return 1
    # A list item that only names something ("- `model.train()`", "1. 静态图模式") heads what follows it.
    named = _MARKUP.sub("", line)
    if raw.lstrip()[:1] in "-*+0123456789" and len(named) <= _LEAD_LIMIT and not re.search(r"[，。；,;!?！？:：]", named):
        return 2
    return 0


def _parts(text: str) -> list[str]:
    """The clauses of one sentence (or one table cell): cut at commas and at contrast words, trimmed."""
    parts = (part.strip(" \t：:") for piece in _depth_split(text, _CLAUSE_BREAK) for part in _split_contrast(piece))
    return [part for part in parts if part]


def split_clauses(text: str) -> tuple[Clause, ...]:
    """Cut an answer into clauses, each with the topic it is written under."""
    clauses: list[Clause] = []
    section, subsection = "", ""
    sentence_index = 0
    in_code = False
    lines = text.splitlines()
    columns: list[str] = []
    for index, raw in enumerate(lines):
        if raw.strip().startswith("```"):
            in_code = not in_code
            continue
        line = _LIST_MARK.sub("", raw).strip()
        if _TABLE_RULE.fullmatch(line):
            continue
        if not line.startswith("|"):
            columns = []
        else:
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            if index + 1 < len(lines) and _TABLE_RULE.fullmatch(lines[index + 1].strip()):
                columns = cells  # the heading row of a table
            elif len(cells) == len(columns) >= 3:
                # A comparison table: each cell is said of its row's label under its column's heading ("剪除单位" of
                # 非结构化剪枝), a sentence of its own.
                heading = " ".join(part for part in (section, subsection) if part)
                for cell, column in zip(cells[1:], columns[1:]):
                    context = canonical(" ".join(part for part in (heading, cells[0], column) if part))
                    clauses += [Clause(part, canonical(part), context, sentence_index) for part in _parts(cell)]
                    sentence_index += 1
                continue
            line = " ".join(cells)  # another table row reads as one clause
        if not line:
            continue
        level = 0 if in_code else _heading_level(raw, line)
        for sentence in _depth_split(line, _SENTENCE_END):
            sentence = sentence.strip()
            if not sentence:
                continue
            heading = " ".join(part for part in (section, subsection) if part)
            pieces = []
            lead = ""
            colon = _COLON.search(sentence)
            if colon and 0 < colon.start() <= _LEAD_LIMIT and sentence[colon.end() :].strip():
                lead, sentence = sentence[: colon.start()], sentence[colon.end() :]
                pieces.append((lead, canonical(heading)))
            context = canonical(" ".join(part for part in (heading, lead) if part))
            pieces.append((sentence, context))
            for piece, piece_context in pieces:
                clauses += [Clause(part, canonical(part), piece_context, sentence_index) for part in _parts(piece)]
            sentence_index += 1
        if level == 2:
            section, subsection = _MARKUP.sub("", line).rstrip("：: "), ""
        elif level == 1:
            subsection = _MARKUP.sub("", line).rstrip("：: ")
    return tuple(clauses)


PHRASE_LENGTH = 4
"""A CJK term this long is a phrase: a key point holding it may be made by its words as well as by the term."""
TERM_MARK = "§"
"""Marks a unit that is a whole glossary term (§感受野), apart from the characters it is written with."""


def units(canon: str, *, point: bool = False) -> frozenset[str]:
    """The matching units of a canonical text (numbers left out).

    Each glossary term is one unit (§下采样). The rest gives CJK characters and bigrams and Latin words. For a
    key point (``point``) only the words outside its terms give characters, so a point is made by its terms
    and its other words; an answer's text gives every character and bigram, so a point's plain words can be
    found inside the answer's terms. Function and negating characters neither count nor join bigrams:
    polarity is judged apart (:func:`negations`), so 不能减少参数 and 减少参数 share every unit.
    """
    masked = _mask_exceptions(canon)
    found: set[str] = set()
    pieces = []
    last = 0
    # Terms are read in the text as written (非线性 is a term, not 线性), characters in the masked text (the 非 of
    # 非线性 negates nothing): masking keeps every character in place, so the spans agree.
    for start, end, entry in load_glossary().scan(canon):
        term = normalize(entry.term)
        found.add(TERM_MARK + term)
        if point and is_cjk(term[0]) and len(term) >= PHRASE_LENGTH:
            continue  # a phrase (跨通道信息融合) is also made by its words, not only by one of its listed forms
        pieces.append(masked[last:start] if point else masked[last:end])
        last = end
    pieces.append(masked[last:])
    if not point:
        pieces = [masked]
    for piece in pieces:
        piece = COUNT_CN.sub(" ", piece)  # a count (三层) is compared as a number, not by its character
        for run in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", piece):
            kept = [c for c in run if c not in STOP_CHARACTERS and c not in NEGATIONS_CJK]
            found.update(kept)
            found.update(x + y for x, y in zip(kept, kept[1:]))
        for token in _LATIN_TOKEN.findall(piece):
            for part in re.split(r"[()]", token):
                if re.search(r"\d", part):
                    # A number or a formula (60k, 2(p-1)) is compared by value by the number reader; a name
                    # with digits (fp16, resnet50, 1f1b: two letters or more) is a word.
                    name = part.strip(".*/+^×·")
                    if _NAME_WITH_DIGITS.fullmatch(name) and len(re.findall(r"[a-z]", name)) >= 2:
                        found.add(name)
                    continue
                for word in _LATIN_WORD.findall(part):
                    if word not in STOP_WORDS:
                        found.add(stem(word))
                        if "-" in word or "_" in word:
                            found.update(stem(piece) for piece in re.split(r"[-_]", word) if piece)
    return frozenset(found)


@cache
def _english_stemmer():
    import snowballstemmer  # loaded on the first English word: most answers are Chinese

    return snowballstemmer.stemmer("english")


@cache
def stem(word: str) -> str:
    """An English word's Snowball stem (normalization, normalize and normalizing all read "normal")."""
    if not word.isascii() or not word.isalpha():
        return word
    return _english_stemmer().stemWord(word)


def _mask_exceptions(text: str) -> str:
    for word in NOT_NEGATIONS:
        if word in text:
            text = text.replace(word, "".join("_" if c in NEGATIONS_CJK else c for c in word))
    return text


def negations(text: str) -> int:
    """How many negating words ``text`` (canonical) holds, words such as 不同 or 无穷 not counted."""
    masked = _mask_exceptions(text)
    return sum(1 for c in masked if c in NEGATIONS_CJK) + len(_NEGATION_EN.findall(masked))


@lru_cache(maxsize=8192)
def _opposite_pairs(point: str) -> tuple[tuple[str, str], ...]:
    """Each (word of the point, its opposite) of :data:`OPPOSITES` that the point says one way only."""
    return tuple(
        (mine, theirs)
        for first, second in OPPOSITES
        for mine, theirs in ((first, second), (second, first))
        if mine in point and theirs not in point.replace(mine, "")
    )


def opposed(point: str, clause: str) -> tuple[str, str] | None:
    """The pair (the point's word, the clause's opposite word) when the clause says the opposite, else None."""
    for mine, theirs in _opposite_pairs(point):
        # One word may hold the other (非线性 holds 线性): look for each outside the other.
        if theirs in clause.replace(mine, ""):
            if mine not in clause.replace(theirs, "") or (theirs in mine and mine not in clause):
                return mine, theirs
    # Across words of one way: "学习率越小" says the opposite of "学习率过大" too.
    for mine in decisive_words(point):
        group = next((group for group in DIRECTIONS[:2] if mine in group), None)
        if group is not None:
            other = DIRECTIONS[DIRECTIONS.index(group) ^ 1]
            theirs = next((word for word in other if word in clause), None)
            if theirs and says_direction(theirs, clause):
                return mine, theirs
    return None


_NEGATED_WORD = r"(?:不会|不再|并不|并没有|没有|不|没|未)\s{0,2}"


def read_negated_opposites(point: str, text: str) -> str:
    """``text`` with each negated opposite of a word of ``point`` read as that word: for 验证误差上升时停止,
    "连续几轮不下降" says 上升 (增加), not a negation of the point."""
    for mine, theirs in _opposite_pairs(point):
        if theirs in text:
            text = re.sub(_NEGATED_WORD + re.escape(theirs), mine, text)
    return text


def negated_opposite(point: str, text: str) -> bool:
    """True when ``text`` negates the opposite of a word of the point right before it: 不会缩小 says 扩大."""
    opposite = opposed(point, text)
    if opposite is None:
        return False
    start = text.find(opposite[1])
    return negations(text[max(0, start - 4) : start]) == 1


DIRECTIONS = (
    frozenset(("增加", "越大", "过大", "太大", "更快", "最大化")),
    frozenset(("减少", "越小", "过小", "太小", "更慢", "最小化")),
    frozenset(("易于",)), frozenset(("难以",)), frozenset(("启用",)), frozenset(("关闭",)), frozenset(("相反方向", "负梯度方向")),
)
"""Words of :data:`OPPOSITES` that say which way something goes (not which of two things it is about), in groups
that say the same way: "higher entropy" (增加) says 熵越大."""


def says_direction(word: str, text: str) -> bool:
    """True when ``text`` says the way that the decisive ``word`` says, and not the other way too
    (see :data:`DIRECTIONS`): "学习率越小震荡越大" says both ways and so neither of 过大's.
    """
    group = next((group for group in DIRECTIONS if word in group), frozenset((word,)))
    index = DIRECTIONS.index(group) if group in DIRECTIONS else -1
    other = DIRECTIONS[index ^ 1] if index in (0, 1) else frozenset()
    return any(same in text for same in group) and not any(
        theirs in text.replace(mine, "") for theirs in other for mine in group
    )


_DIRECTION_PAIRS = tuple(
    (mine, theirs)
    for pair in OPPOSITES
    for mine, theirs in (pair, pair[::-1])
    if any(mine in group for group in DIRECTIONS)
)


@lru_cache(maxsize=8192)
def decisive_words(point: str) -> tuple[str, ...]:
    """The point's words that say which way it goes (增加, 相反方向 …): without them a clause says something else."""
    return tuple(mine for mine, theirs in _DIRECTION_PAIRS if mine in point and theirs not in point.replace(mine, ""))


def left_context(text: str, start: int, tokens: int = 8) -> int:
    """The index ``tokens`` CJK characters or Latin words before ``start`` (where a negation of a span begins)."""
    position, counted = start, 0
    while position > 0 and counted < tokens:
        position -= 1
        character = text[position]
        if is_cjk(character):
            counted += 1
        elif character.isalnum() or character == "'":
            while position > 0 and (text[position - 1].isalnum() or text[position - 1] == "'"):
                position -= 1
            counted += 1
        elif character in "，,。；;":
            break
    return position
