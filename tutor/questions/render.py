"""Rendering cards for a terminal: Markdown through Rich, LaTeX math as readable Unicode, errata visible."""

import re
from functools import lru_cache

from tutor.questions.card import Card
from tutor.questions.markdown import strip_broken_references
from tutor.questions.terminal_text import terminal_text

_FENCE = re.compile(r"(^```.*?^```[^\n]*$|^~~~.*?^~~~[^\n]*$|`[^`\n]+`)", re.MULTILINE | re.DOTALL)
# Math delimiters are found by a scan (see _replace_spans), not by a lazy ".+?" that would rescan the rest of
# the text from every unclosed "\[" or "$$".
_DISPLAY_OPEN = re.compile(r"\$\$|\\\[")
_INLINE_OPEN = re.compile(r"\\\(")
_CLOSING = {"$$": "$$", "\\[": "\\]", "\\(": "\\)"}
# [^$\n] cannot pass the next '$', so each '$' costs at most a scan to the next one.
_DOLLAR_MATH = re.compile(r"(?<![\\$])\$([^$\n]+?)(?<!\\)\$(?!\d)")
_MATH_SIGNS = re.compile(r"[\\^_{]")
_LONGEST_MATH = 2000
"""Longer "math" is no formula a learner reads; it is shown as written rather than parsed."""
_LONGEST_LINE = 2000
"""Characters of one line shown (the corpus's longest line has 375): Rich lays out about 150 KB a second."""
_LONGEST_TEXT = 60_000
"""Characters of one text shown (the corpus's longest answer has 3,158); ``--json`` gives the whole text."""
_MOST_FORMULAS = 1000
"""Formulas converted in one text (the corpus has at most 42 in an answer); the rest are shown as written,
so that a text of 16,000 tiny formulas cannot keep pylatexenc busy for seconds."""

_SUPERSCRIPT = dict(zip("0123456789+-=()nix", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱˣ"))
_SUPERSCRIPT.update(dict(zip("abcdefghjklmoprstuvwyzT", "ᵃᵇᶜᵈᵉᶠᵍʰʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷʸᶻᵀ")))
_SUBSCRIPT = dict(zip("0123456789+-=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ"))
_SCRIPT = re.compile(r"([_^])(?:\{([^{}]*)\}|(\\[A-Za-z]+|[A-Za-z0-9]))")
_SCRIPT_MACROS = {"\\top": "ᵀ", "\\intercal": "ᵀ", "\\prime": "′", "\\ast": "*", "\\star": "*", "\\dagger": "†"}


@lru_cache(maxsize=1)
def _converter():
    from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

    def fraction(node, l2tobj) -> str:
        parts = [l2tobj.nodelist_to_text([arg]).strip() for arg in node.nodeargd.argnlist[-2:]]
        wrapped = [part if re.fullmatch(r"[\w.∂∇]+", part) else f"({part})" for part in parts]
        return "/".join(wrapped)

    context = get_default_latex_context_db().filter_context(keep_categories=None)
    context.add_context_category(
        "tutor",
        prepend=True,
        macros=[
            MacroTextSpec("frac", simplify_repl=fraction),
            MacroTextSpec("dfrac", simplify_repl=fraction),
            MacroTextSpec("tfrac", simplify_repl=fraction),
            MacroTextSpec("top", "ᵀ"),
            MacroTextSpec("intercal", "ᵀ"),
            MacroTextSpec("odot", "⊙"),
            MacroTextSpec("otimes", "⊗"),
            MacroTextSpec("oplus", "⊕"),
            MacroTextSpec("quad", "  "),
            MacroTextSpec("qquad", "    "),
            MacroTextSpec("left", ""),
            MacroTextSpec("right", ""),
            MacroTextSpec("big", ""),
            MacroTextSpec("Big", ""),
            MacroTextSpec("bigg", ""),
            MacroTextSpec("Bigg", ""),
            MacroTextSpec("displaystyle", ""),
            MacroTextSpec("limits", ""),
            MacroTextSpec("nolimits", ""),
            MacroTextSpec("operatorname", "%(1)s"),
            MacroTextSpec("mathrm", "%(1)s"),
            MacroTextSpec("boldsymbol", "%(1)s"),
            MacroTextSpec("tilde", "%(1)s\u0303"),
            MacroTextSpec("bar", "%(1)s\u0304"),
            MacroTextSpec("overline", "%(1)s\u0305"),
            MacroTextSpec("vec", "%(1)s\u20d7"),
        ],
    )
    return LatexNodes2Text(latex_context=context, math_mode="text", strict_latex_spaces=False)


def _scripts(latex: str) -> str:
    """Turn ``x^{2}``/``x_{ij}`` into Unicode super- and subscripts where every character has one."""

    def replace(match: re.Match) -> str:
        mark, group, single = match.groups()
        body = group if group is not None else single
        table = _SUPERSCRIPT if mark == "^" else _SUBSCRIPT
        if body and all(char in table for char in body.replace(" ", "")):
            return "".join(table[char] for char in body.replace(" ", ""))
        if body.strip() in _SCRIPT_MACROS:
            return _SCRIPT_MACROS[body.strip()]
        return f"{mark}({body})" if len(body) > 1 else mark + body

    # A space after each macro name keeps \sum_i from reading as one macro once _i becomes a Unicode letter.
    latex = re.sub(r"(\\[A-Za-z]+)(?=[_^])", r"\1 ", latex)
    previous = None
    while previous != latex:
        previous, latex = latex, _SCRIPT.sub(replace, latex)
    return latex


@lru_cache(maxsize=4096)
def math_to_unicode(latex: str) -> str:
    """Return readable Unicode for a LaTeX math expression (``\\frac{a}{b}`` → ``a/b``, ``\\sum`` → ``∑``)."""
    text = _converter().latex_to_text(_scripts(latex.strip()))
    return re.sub(r"[ \t]+", " ", text).strip()


def _replace_spans(text: str, openings: re.Pattern, convert, *, one_line: bool) -> str:
    """Replace each span from an opening delimiter to its closing one by ``convert(opening, body)``.

    The body is never empty; with ``one_line`` it holds no newline. An opening without its closing stays as
    written. The next closing of each kind and the next newline are remembered, so the whole text is scanned
    a bounded number of times however many delimiters are left open.
    """
    pieces = []
    position = 0
    found: dict[str, int] = {}  # closing delimiter → its first position at or after the last search's start
    newline = -1
    while (opening := openings.search(text, position)) is not None:
        closing = _CLOSING[opening.group(0)]
        start = opening.end()
        end = found.get(closing)
        if end is None or (end != -1 and end < start + 1):
            end = found[closing] = text.find(closing, start + 1)
        if one_line and end != -1:
            if newline < start:
                newline = text.find("\n", start)
                newline = len(text) if newline == -1 else newline
            end = -1 if newline < end else end
        if end == -1:
            pieces.append(text[position:start])
            position = start
            continue
        pieces += [text[position : opening.start()], convert(opening.group(0), text[start:end])]
        position = end + len(closing)
    pieces.append(text[position:])
    return "".join(pieces)


def _convert_math(markdown: str, budget: list[int]) -> str:
    """Return ``markdown`` with its math as Unicode; ``budget`` holds how many more formulas may be converted."""

    def convertible(body: str) -> bool:
        if len(body) > _LONGEST_MATH or budget[0] <= 0:
            return False
        budget[0] -= 1
        return True

    def display(opening: str, body: str) -> str:
        if not convertible(body):
            return opening + body + _CLOSING[opening]
        return "\n\n    " + math_to_unicode(body).replace("\n", " ") + "\n\n"

    def inline(opening: str, body: str) -> str:
        return math_to_unicode(body) if convertible(body) else opening + body + _CLOSING[opening]

    def dollars(match: re.Match) -> str:
        body = match.group(1)
        # Pandoc's rule ($ hugging its content) tells "$5 and $10" from math; LaTeX signs override it.
        if body != body.strip() and not _MATH_SIGNS.search(body):
            return match.group(0)
        return math_to_unicode(body) if convertible(body) else match.group(0)

    text = _replace_spans(markdown, _DISPLAY_OPEN, display, one_line=False)
    return _DOLLAR_MATH.sub(dollars, _replace_spans(text, _INLINE_OPEN, inline, one_line=True))


def _cut_for_display(text: str) -> str:
    """Return ``text`` cut to what a terminal can lay out at once, saying in Chinese how much is left out."""
    if len(text) <= _LONGEST_LINE:
        return text
    # Each shown line costs at least one character of the budget, so no more lines than that are split off.
    lines = text.split("\n", _LONGEST_TEXT)
    shown: list[str] = []
    used = 0
    for number, line in enumerate(lines):
        if used >= _LONGEST_TEXT:
            left = len(lines) - number + lines[-1].count("\n")
            shown.append(f"\n〔全文过长，其余 {left} 行未显示〕")
            break
        if len(line) > _LONGEST_LINE:
            line = f"{line[:_LONGEST_LINE]}…〔此行过长，其余 {len(line) - _LONGEST_LINE} 字未显示〕"
        shown.append(line)
        used += len(line) + 1
    return "\n".join(shown)


def terminal_markdown(markdown: str) -> str:
    """Return Markdown ready for a terminal: math as Unicode and missing figures as a short note.

    Code blocks and inline code are left exactly as written; control characters are removed everywhere.
    Very long lines and texts are cut, with a note of how much is not shown.
    """
    pieces = _FENCE.split(strip_broken_references(terminal_text(_cut_for_display(markdown))))
    budget = [_MOST_FORMULAS]
    return "".join(piece if index % 2 else _convert_math(piece, budget) for index, piece in enumerate(pieces))


def errata_markdown(card: Card) -> str:
    """Return the card's errata as Markdown: the original claim, the correction and the check behind it."""
    lines = []
    for erratum in card.errata:
        lines.append(f"- **原文**：{erratum.claim}\n  **更正**：{erratum.correction}\n  *（验证：`{erratum.check}`）*")
    return terminal_markdown("\n".join(lines))


def card_renderable(card: Card, *, show_answer: bool = True):
    """Return a Rich renderable of the card: question, answer, errata, tags, key points and demos."""
    from rich.console import Group  # rich costs ~30 ms: only when drawing
    from rich.markdown import Markdown
    from rich.panel import Panel
    from rich.text import Text

    def plain(text: str, style: str) -> Text:
        return Text(terminal_text(text), style=style)

    parts = [plain(f"{card.id} · {card.deck}", "dim"), plain(terminal_markdown(card.question), "bold")]
    if show_answer:
        parts.append(Markdown(terminal_markdown(card.answer), code_theme="monokai"))
        if card.errata:
            parts.append(Panel(Markdown(errata_markdown(card)), title="勘误 errata", border_style="yellow"))
        if card.key_points:
            parts.append(plain("要点：" + " · ".join(card.key_points), "cyan"))
    footer = []
    if card.tags:
        footer.append("tags: " + ", ".join(card.tags))
    if card.demos:
        footer.append("demos: " + ", ".join(demo.name for demo in card.demos))
    if card.source:
        footer.append(f"source: {card.source.file}:{card.source.line}")
    if footer:
        parts.append(plain(" | ".join(footer), "dim"))
    return Group(*parts)
