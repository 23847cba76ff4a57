"""Numbers as an examiner reads them: 6万 = 60k = 60,000 = 6×10⁴, 1.2亿, ∞, intervals, units, 3×3 = 3x3 = 3*3.

A text's numbers are read into :class:`Quantity` values of three shapes:

- a scalar, with the values it may stand for (50% is 0.5 or 50; 400 MB is 4×10⁸ bytes, 400 MiB or 400);
- a shape such as 3×3 or 16×5×5 (a product written with × between plain integers, and nothing else);
- an interval such as (0, 1), [0, +∞), "0 到 1" or "between -1 and 1", compared by its end points.

A formula in one or two letters (2(p-1), (p-1)V/p, 33×512+512×10) is a scalar: it is evaluated with fixed
values for its letters, so 2(p−1) equals 2p−2 and differs from 2p, and 33×512+512×10 equals 22016.
"""

import ast
import math
import re
import unicodedata
from dataclasses import dataclass

TOLERANCE = 0.01
"""Relative difference under which two values are the same when one of them is approximate (3.14, 6万, 60k)."""

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPERSCRIPT_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
_GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "lambda": "λ", "epsilon": "ε", "theta": "θ"}
_LETTER_VALUES = {"α": 0.37, "β": 1.9, "γ": 0.61, "λ": 0.23, "ε": 0.07, "θ": 0.53}
"""Values given to letters when a formula is evaluated: arbitrary, unlikely to make two formulas agree by chance."""
_SCALES = {
    "万": 1e4, "亿": 1e8, "千": 1e3, "百万": 1e6, "千万": 1e7, "百亿": 1e10, "千亿": 1e11, "万亿": 1e12,
    "k": 1e3, "m": 1e6, "b": 1e9, "bn": 1e9, "million": 1e6, "billion": 1e9, "thousand": 1e3,
}
_BYTES = {"b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "字节": 1, "byte": 1, "bytes": 1}
_BINARY = {"kb": 2**10, "mb": 2**20, "gb": 2**30, "tb": 2**40}
_TIMES = {"ms": 1e-3, "s": 1.0, "us": 1e-6, "μs": 1e-6, "ns": 1e-9, "毫秒": 1e-3, "秒": 1.0, "微秒": 1e-6}
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

_NUM = r"\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+"
_INF = r"[+-]?(?:∞|infinity|inf|正无穷大?|负无穷大?|无穷大?|无限大?)"
_SCALE = r"(?:百万|千万|百亿|千亿|万亿|万|亿|千|billion|million|thousand|bn|k|m|b)"
_UNIT = r"(?:kb|mb|gb|tb|bytes|byte|字节|ms|us|μs|ns|毫秒|微秒|秒|%|s)"
_SCALAR = rf"(?:{_INF}|[+-]?(?:{_NUM})(?:\*10\^[+-]?\d+|e[+-]?\d+)?\s?{_SCALE}?\s?{_UNIT}?)(?![a-z0-9])"
_ENDPOINT = rf"(?:{_INF}|[+-]?(?:[0-9a-zα-ω().*/+-]*?[0-9a-zα-ω)]))"
_BRACKETED = re.compile(rf"([(\[])\s*({_ENDPOINT})\s*,\s*({_ENDPOINT})\s*([)\]])")
# Each pattern below that a run of digits or formula characters could start anywhere in is anchored to the
# start of that run by a look-behind, so finditer tries one start per run: linear time on any text.
_WORDED = re.compile(
    rf"(?<![0-9.,])(?:between\s+|from\s+|在\s*)?({_SCALAR}|{_INF})\s*(?:到|至|~|～|and|to)\s*({_SCALAR}|{_INF})(?:\s*之间)?"
)
_AT_LEAST = ("≥", ">=", "大于等于", "不小于", "大于或等于")
_BOUND = re.compile(rf"(≥|>=|≤|<=|大于等于|大于或等于|不小于|小于等于|小于或等于|不大于)\s*({_SCALAR})")
"""A range given by one bound (≥ 0, 大于等于 0): an interval to ±∞. A strict bound (> 0, 大于 1) stays a number."""
_ALL_REALS = re.compile(r"全体实数|所有实数|整个实数轴|任意实数|实数域|all real numbers|the whole real line")
_NON_NEGATIVE = re.compile(r"非负(?:实数|数|值)?|non-negative|nonnegative")
_FORMULA = re.compile(r"(?<![0-9a-zα-ω().*/+^-])[0-9a-zα-ω().*/+^-]*[0-9)][0-9a-zα-ω().*/+^-]*")
_SHAPE = re.compile(r"(?<!\d)\d+(?:\*\d+)+")
_SCALAR_RE = re.compile(_SCALAR)
_FRACTION_CN = re.compile(r"(?<![一二两三四五六七八九十\d])([一二两三四五六七八九十\d]+)分之([一二两三四五六七八九十\d]+)")
COUNT_CN = re.compile(r"(?<![一二两三四五六七八九十百千万亿\d第])([二两三四五六七八九十]|十[一二三四五六七八九])(?=\s*(?:个|种|层|步|份|类|块|张|位|倍|台|组|项|条|门|阶段))")
"""A count in Chinese numerals before a measure word (三个卷积核, 两种方法). 第三层 is an ordinal, and 一 is left
out: 一个, 一次 mostly say "a", not a count an examiner checks."""
_LETTER_OPERATION = re.compile(r"[a-zα-ω)][+*/^-][a-zα-ω(]")
_EN_DIGITS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_COUNT_EN = re.compile(r"(?<![a-z])(?:two|three|four|five|six|seven|eight|nine|ten)(?![a-z])")
"""A count in English words ("three 3×3 convolutions"); "one" is left out like 一."""
_IMPLICIT_PRODUCT = re.compile(r"(?<=[0-9a-zα-ω)])(?=[(a-zα-ω])|(?<=\))(?=[0-9])")


@dataclass(frozen=True)
class Quantity:
    """One number, shape or interval read from a text."""

    kind: str
    """"scalar", "shape" or "interval"."""
    values: tuple[float, ...]
    """A scalar: the values it may stand for. A shape: its sizes. An interval: its two end points."""
    text: str
    """The words it was read from, to show the learner."""
    exact: bool = True
    """False when the value is approximate (a decimal, a scale such as 万 or k): compared with a tolerance."""

    def matches(self, other: "Quantity") -> bool:
        """True when ``other`` says the same as this quantity (an examiner would accept it)."""
        if self.kind != other.kind:
            # A bound and a number: "导数 ≤ 1" states the 1 of "导数小于1" (an interval to ±∞ and its finite end).
            scalar, interval = (self, other) if self.kind == "scalar" else (other, self)
            if scalar.kind != "scalar" or interval.kind != "interval" or not any(map(math.isinf, interval.values)):
                return False
            end = next(value for value in interval.values if not math.isinf(value)) if not all(
                map(math.isinf, interval.values)) else None
            return end is not None and any(_same(value, end, TOLERANCE) for value in scalar.values)
        if self.kind == "shape":
            return self.values == other.values
        tolerance = 0.0 if self.exact and other.exact else TOLERANCE
        if self.kind == "interval":
            return all(_same(a, b, tolerance) for a, b in zip(self.values, other.values))
        return any(_same(a, b, tolerance) for a in self.values for b in other.values)


def _same(a: float, b: float, tolerance: float) -> bool:
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=max(tolerance, 1e-9), abs_tol=1e-12)


def prepare(text: str) -> str:
    """Fold a text for reading numbers: superscripts as powers, × · and x between digits as *, − as -, lower case."""
    text = text.replace("**", " ").replace("`", " ")
    text = _SUPERSCRIPT_RUN.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPTS), text)
    text = unicodedata.normalize("NFKC", text).lower()
    text = text.replace("\\times", "*").replace("\\cdot", "*").replace("\\infty", "∞").replace("\\alpha", "α")
    text = text.replace("\\beta", "β").replace("\\frac", "")
    text = re.sub(r"[−–—]", "-", text)
    text = re.sub(r"[×·∙]", "*", text)
    text = re.sub(r"(?<=\d)\s*[x*]\s*(?=\d)", "*", text)
    # An operator between spaces joins its operands: F(x) + x is F(x)+x, p - 1 is p-1.
    text = re.sub(r"(?<=[0-9a-zα-ω)])[ \t]*([+*/^])[ \t]*(?=[0-9a-zα-ω(])", r"\1", text)
    text = re.sub(r"(?<=[0-9a-zα-ω)])[ \t]+-[ \t]+(?=[0-9a-zα-ω(])", "-", text)
    text = re.sub(r"(?<=\d)\s*\*\s*10\s*\^\s*\{?([+-]?\d+)\}?", r"*10^\1", text)
    text = re.sub(r"[{}$]", "", text)
    for word, letter in _GREEK.items():
        text = re.sub(rf"(?<![a-z]){word}(?![a-z])", letter, text)
    return text


def _scalar_values(match_text: str) -> tuple[tuple[float, ...], bool] | None:
    """The values a scalar's words stand for, and whether they are exact."""
    text = match_text.strip().replace(" ", "")
    infinity = re.fullmatch(_INF, text)
    if infinity:
        return ((-math.inf,) if text.startswith("-") or text.startswith("负") else (math.inf,)), True
    number = re.match(rf"[+-]?(?:{_NUM})", text)
    if number is None:
        return None
    literal = number.group()
    value = float(literal.replace(",", ""))
    exact = "." not in literal
    rest = text[number.end() :]
    power = re.match(r"\*10\^([+-]?\d+)|e([+-]?\d+)", rest)
    if power:
        value *= 10.0 ** int(power.group(1) or power.group(2))
        rest = rest[power.end() :]
        exact = False
    scale = re.match(_SCALE, rest)
    unit_rest = rest
    if scale and rest not in _BYTES and rest not in _TIMES:
        value *= _SCALES[scale.group()]
        unit_rest = rest[scale.end() :]
        exact = False
    values = [value]
    if unit_rest == "%":
        values = [value / 100, value]
    elif unit_rest in _BYTES:
        # Decimal and binary multiples both pass (1 GB = 1000 or 1024 MB); a bare number only for plain bytes.
        values = [value * _BYTES[unit_rest], value * _BINARY.get(unit_rest, _BYTES[unit_rest])]
    elif unit_rest in _TIMES:
        values = [value * _TIMES[unit_rest], value]
    return tuple(dict.fromkeys(values)), exact


def _formula_value(text: str) -> float | None:
    """Evaluate a formula in numbers and single letters (each letter a fixed value); None when it is not one."""
    expression = text.replace("^", "**")
    expression = _IMPLICIT_PRODUCT.sub("*", expression)
    letters = set(re.findall(r"[a-zα-ω]+", expression))
    if any(len(letter) > 1 for letter in letters):
        return None
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        return None
    names = {name: _LETTER_VALUES.get(name, 1.7 + (ord(name) % 29) / 7) for name in letters}
    return _evaluate(tree.body, names)


def _evaluate(node: ast.AST, names: dict[str, float]) -> float | None:
    """Evaluate arithmetic only (no calls, no attributes): the formula comes from the learner's text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)):
        return float(node.value)
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _evaluate(node.operand, names)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    if isinstance(node, ast.BinOp):
        left, right = _evaluate(node.left, names), _evaluate(node.right, names)
        if left is None or right is None:
            return None
        try:
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Sub):
                return left - right
            if isinstance(node.op, ast.Mult):
                return left * right
            if isinstance(node.op, ast.Div):
                return left / right
            if isinstance(node.op, ast.Pow) and abs(right) <= 64:
                return left**right
        except (ZeroDivisionError, OverflowError):
            return None
    return None


def _endpoint(text: str) -> float | None:
    text = text.strip()
    read = _scalar_values(text) if _SCALAR_RE.fullmatch(text) else None
    if read is not None:
        return read[0][0]
    return _formula_value(text)


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text in _CN_DIGITS:
        return _CN_DIGITS[text]
    if len(text) == 2 and text[0] == "十" and text[1] in _CN_DIGITS:
        return 10 + _CN_DIGITS[text[1]]
    return None


def _balanced(formula: str, start: int, end: int) -> tuple[str, int, int]:
    """Cut a formula at its unbalanced parentheses: "3/4(3" is 3/4, "(p-1)" stays whole, "x)" is x."""
    depth, opened = 0, []
    for index, character in enumerate(formula):
        if character == "(":
            opened.append(index)
        elif character == ")":
            if not opened:
                return _balanced(formula[:index], start, start + index)
            opened.pop()
    if opened:
        cut = opened[0]
        if cut == 0:
            return _balanced(formula[1:], start + 1, end)
        return _balanced(formula[:cut], start, start + cut)
    return formula, start, end


def read_quantities(text: str) -> tuple[Quantity, ...]:
    """Return the numbers, shapes and intervals of ``text``, in order of appearance."""
    text = prepare(text)
    found: list[tuple[int, Quantity]] = []
    taken = [False] * len(text)

    def take(start: int, end: int, quantity: Quantity) -> None:
        if any(taken[start:end]):
            return
        for index in range(start, end):
            taken[index] = True
        found.append((start, quantity))

    for match in _BRACKETED.finditer(text):
        low, high = _endpoint(match.group(2)), _endpoint(match.group(3))
        if low is not None and high is not None and low <= high:
            take(match.start(), match.end(), Quantity("interval", (low, high), match.group().strip()))
    for match in _WORDED.finditer(text):
        low, high = _endpoint(match.group(1)), _endpoint(match.group(2))
        if low is not None and high is not None and low < high:
            take(match.start(), match.end(), Quantity("interval", (low, high), match.group().strip()))
    for match in _BOUND.finditer(text):
        value = _endpoint(match.group(2))
        if value is not None:
            bounds = (value, math.inf) if match.group(1) in _AT_LEAST else (-math.inf, value)
            take(match.start(), match.end(), Quantity("interval", bounds, match.group().strip()))
    for match in _ALL_REALS.finditer(text):
        take(match.start(), match.end(), Quantity("interval", (-math.inf, math.inf), match.group()))
    for match in _NON_NEGATIVE.finditer(text):
        take(match.start(), match.end(), Quantity("interval", (0.0, math.inf), match.group()))
    for match in _FRACTION_CN.finditer(text):
        denominator, numerator = _cn_number(match.group(1)), _cn_number(match.group(2))
        if denominator and numerator is not None:
            take(match.start(), match.end(), Quantity("scalar", (numerator / denominator,), match.group(), False))
    for match in COUNT_CN.finditer(text):
        take(match.start(), match.end(), Quantity("scalar", (float(_cn_number(match.group(1))),), match.group()))
    for match in _COUNT_EN.finditer(text):
        take(match.start(), match.end(), Quantity("scalar", (float(_EN_DIGITS[match.group()]),), match.group()))
    for match in _FORMULA.finditer(text):
        start, end = match.span()
        formula = match.group()
        # Trim what cannot end a formula (a trailing dot or an operator) and unbalanced outer parentheses.
        while formula and formula[-1] in ".+-*/^(":
            formula, end = formula[:-1], end - 1
        formula, start, end = _balanced(formula, start, end)
        if not formula or any(taken[start:end]):
            continue
        if _SHAPE.fullmatch(formula):
            sizes = tuple(float(size) for size in formula.split("*"))
            take(start, end, Quantity("shape", sizes, formula.replace("*", "×")))
            continue
        scalar = _SCALAR_RE.match(text, start)
        if scalar and scalar.end() >= end and not re.search(r"[a-zα-ω()]", formula.rstrip("kmb")):
            read = _scalar_values(scalar.group())
            if read is not None:
                take(start, scalar.end(), Quantity("scalar", read[0], scalar.group().strip(), read[1]))
            continue
        if re.fullmatch(r"[+-]?\d+(?:\.\d+)?", formula):
            continue
        if not re.search(r"\d", formula) and not _LETTER_OPERATION.search(formula):
            continue  # a letter alone (x, γ) is a name; letters joined by an operator (F(x)+x) are a formula
        if re.search(r"[a-zα-ω]{2,}", formula) and not re.fullmatch(r"[+-]?[\d.]+(?:e[+-]?\d+)?", formula):
            # words such as "fp16" or "conv1" are names, not formulas
            continue
        value = _formula_value(formula)
        if value is not None and math.isfinite(value):
            take(start, end, Quantity("scalar", (value,), formula, not re.search(r"\.\d", formula)))
    for match in _SCALAR_RE.finditer(text):
        start, end = match.span()
        if start > 0 and re.match(r"[a-z_]", text[start - 1]):
            continue  # the digits of a name: fp16, conv1, int8
        read = _scalar_values(match.group())
        if read is not None:
            take(start, end, Quantity("scalar", read[0], match.group().strip(), read[1]))
    return tuple(quantity for _, quantity in sorted(found, key=lambda item: item[0]))
