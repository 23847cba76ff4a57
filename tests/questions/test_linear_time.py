"""Rendering, reading and grading run in time linear in the text, whatever someone else's deck holds.

Every regular expression of tutor.questions (and of the grader) is found by looking — module attributes that
are compiled patterns, and literal patterns passed to ``re`` functions in the source — so a new pattern is
tested without anyone listing it. Each is run over the whole of 100 KB adversarial texts, from every start
position (``finditer``): a pattern with nested or overlapping quantifiers takes seconds to minutes there
(issue 17 measured an answer of repeated ``<img x`` at 9.6 KB taking 57 s). Then the functions that take
untrusted text are fed the inputs that were slow before. Times are CPU seconds of this process, so a busy
machine does not fail the test.
"""

import ast
import importlib
import inspect
import pkgutil
import re
import time
import pytest

import tutor.questions

SIZE = 100_000
LIMIT = 1.0
"""CPU seconds allowed for one pattern over one input, or for one function over one input."""

# Pieces of Markdown, HTML, LaTeX, Anki templates and note formats, each repeated to 100 KB: openings without
# their closings, long runs of one character, and marks that the patterns look for.
FRAGMENTS = (
    "<img x ", "<a", "<iframe>", "![a", "![a](b", "[a](", "\\[a", "\\(a", "$$a", "$a ", "$1", "**a", "*a",
    "`a", "```\n", "~~~\n", " ", "\t", "a", "1.", "_{a", "^{", "{", "}", "{{a", "{{c1::", "&a", "&#", "#",
    "# ", "Q:", "问：", "-", "a-", "a_", "1e", "。", "\n", "中", "（", "\\a", "a ", ".", "<", "!", "|",
    "\x1b]", "\x1b[1", "[sound:", "src=", "alt=\"", "<hr id=",
)


def _modules():
    import tutor.engine.grading

    names = [info.name for info in pkgutil.walk_packages(tutor.questions.__path__, "tutor.questions.")]
    names.append("tutor.engine.grading")
    if hasattr(tutor.engine.grading, "__path__"):  # the grader is a package
        names += [info.name for info in pkgutil.walk_packages(tutor.engine.grading.__path__, "tutor.engine.grading.")]
    return [importlib.import_module(name) for name in names]


def _literal_patterns(module) -> list[re.Pattern]:
    """Patterns written as string literals in calls such as ``re.sub(r"…", …)`` inside ``module``."""
    found = []
    for node in ast.walk(ast.parse(inspect.getsource(module))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "re"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            # Flags only narrow or widen what '.' and '^' match; without them the sweep is no easier.
            found.append(re.compile(node.args[0].value))
    return found


def _patterns() -> dict[str, re.Pattern]:
    patterns: dict[tuple[str, int], tuple[str, re.Pattern]] = {}
    for module in _modules():
        attributes = [(name, value) for name, value in vars(module).items() if isinstance(value, re.Pattern)]
        literals = [(f"line {index}", pattern) for index, pattern in enumerate(_literal_patterns(module))]
        for name, pattern in attributes + literals:
            patterns.setdefault((pattern.pattern, pattern.flags), (f"{module.__name__}.{name}", pattern))
    return dict(patterns.values())


PATTERNS = _patterns()


def _leading_literal(source: str) -> str:
    """The text a pattern starts with, read up to its first operator (``<img\\b[^>]*`` → ``<img``)."""
    literal = []
    position = 0
    while position < len(source):
        char = source[position]
        if char == "\\" and position + 1 < len(source) and not source[position + 1].isalnum():
            literal.append(source[position + 1])
            position += 2
        elif char in "\\[](){}.*+?|^$":
            break
        else:
            literal.append(char)
            position += 1
    # A quantifier after the last character applies to it alone.
    if position < len(source) and source[position] in "*+?{" and literal:
        literal.pop()
    return "".join(literal)


def _inputs(pattern: re.Pattern) -> list[tuple[str, str]]:
    texts = [(repr(fragment), fragment * (SIZE // len(fragment))) for fragment in FRAGMENTS]
    texts += [
        ("heading then 100 KB of spaces", "# a" + " " * SIZE + "b"),
        ("heading, spaces, hashes", "# a" + " " * SIZE + "#x"),
        ("one 100 KB line of words", "word " * (SIZE // 5)),
    ]
    opening = _leading_literal(pattern.pattern)
    if opening:
        texts += [(f"{opening!r} repeated", opening * (SIZE // len(opening)))]
        texts += [(f"{opening!r} and a word, repeated", (opening + "a ") * (SIZE // (len(opening) + 2)))]
    return texts


def _cpu_seconds(function, *args) -> float:
    started = time.process_time()
    function(*args)
    return time.process_time() - started


def test_the_patterns_are_found():
    # The sweep below is only as good as the search for patterns: the known ones must be in it.
    from tutor.questions import markdown, render

    found = set(PATTERNS.values())
    assert {markdown._IMAGE, markdown._HTML_IMG, render._DOLLAR_MATH} <= found
    assert len(PATTERNS) >= 30


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_every_pattern_runs_in_linear_time_on_adversarial_text(name):
    pattern = PATTERNS[name]
    slow = []
    for label, text in _inputs(pattern):
        seconds = _cpu_seconds(lambda: (pattern.match(text), sum(1 for _ in pattern.finditer(text))))
        if seconds >= LIMIT:
            slow.append(f"{label}: {seconds:.1f} s")
    assert not slow, f"{name} ({pattern.pattern!r}) is slow on 100 KB of " + "; ".join(slow)


HOSTILE_TEXTS = {
    "repeated <img x without >": "<img x " * (SIZE // 7),
    "unclosed ![a": "![a" * (SIZE // 3),
    "unclosed \\[a": "\\[a" * (SIZE // 3),
    "unclosed \\(a on one line": "\\(a" * (SIZE // 3),
    "unclosed $$a": "$$a" * (SIZE // 3),
    "unclosed <iframe>": "<iframe>" * (SIZE // 8),
    "nested scripts": "$" + "x^{" * 600 + "}" * 600 + "$",
    "one 100 KB line": "梯度" * (SIZE // 2),
    "unpaired bold marks": "**a" * (SIZE // 3),
    "unclosed fences": "~~~\n" * (SIZE // 4),
    "aligned without end": "$$\\begin{aligned} a &= b \\\\" * (SIZE // 30),
    "erratum-like math words": "h_{t−1} " * (SIZE // 8),
}


@pytest.mark.parametrize("label", sorted(HOSTILE_TEXTS))
def test_preparing_markdown_for_the_terminal_is_fast_on_hostile_text(label):
    # terminal_markdown (math, figures, controls), then markdown-it with tutor's repairs of its tokens.
    from tutor.questions.markdown_tokens import parse
    from tutor.questions.render import terminal_markdown

    assert _cpu_seconds(lambda: parse(terminal_markdown(HOSTILE_TEXTS[label]))) < LIMIT


@pytest.mark.parametrize(
    "text",
    [
        "## a" + " " * SIZE + "b\n\nanswer\n",  # issue 17: import took 28 s
        "## q\n\n" + "<img x " * (SIZE // 7) + "\n",
        "## q\n\n" + "\\[a" * (SIZE // 3) + "\n",
    ],
    ids=["heading then spaces", "img tags", "display math"],
)
def test_reading_a_hostile_note_file_is_fast(tmp_path, text):
    from tutor.questions.readers.detect import read_note_file

    path = tmp_path / "notes.md"
    path.write_text(text, encoding="utf-8")
    assert _cpu_seconds(read_note_file, path) < LIMIT


def test_an_anki_export_full_of_unclosed_tags_is_fast(tmp_path):
    from tutor.questions.readers.detect import read_note_file

    path = tmp_path / "export.txt"
    path.write_text("question\t" + "<a" * (SIZE // 2) + "\n", encoding="utf-8")
    assert _cpu_seconds(read_note_file, path) < LIMIT


def test_a_10_mb_line_is_cut_for_display():
    # issue 17: `tutor show` of a single 10 MB line took 46 s; the learner sees the start and what is left out.
    import io

    from rich.console import Console

    from tutor.questions.card import Card
    from tutor.questions.render import card_renderable

    card = Card(id="u-long", deck="d", question="q", answer="梯度" * 5_000_000)
    console = Console(width=80, file=io.StringIO(), color_system=None)
    assert _cpu_seconds(console.print, card_renderable(card)) < LIMIT
    shown = console.file.getvalue()
    assert "梯度梯度" in shown and "此行过长，其余 9998000 字未显示" in shown


def test_an_erratum_of_100_kb_of_math_words_is_fast():
    from tutor.questions.card import Card, Erratum
    from tutor.questions.markdown_tokens import parse
    from tutor.questions.render import errata_markdown, terminal_markdown

    prose = "h_{t−1} \\beta " * (SIZE // 14)
    card = Card(id="e", deck="d", question="q", answer="a", errata=(Erratum(prose, prose, "tests/x.py::t"),))
    assert _cpu_seconds(lambda: parse(terminal_markdown(errata_markdown(card)))) < LIMIT
