"""Rendering cards for a terminal: Markdown through Rich, LaTeX math as readable Unicode, errata visible."""

import re
from functools import lru_cache

from tutor.questions.card import Card
from tutor.questions import markdown_tokens
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
_SUPERSCRIPT["−"], _SUBSCRIPT["−"] = "⁻", "₋"  # U+2212, the minus sign of typeset text
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
    """Replace each span from an opening delimiter to its closing one by ``convert(opening, body, indent)``.

    ``indent`` is the white space that starts the opening's line when nothing else comes before it on that
    line (a formula on its own line in a list item), else the empty string.

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
        line_start = text.rfind("\n", 0, opening.start()) + 1
        indent = text[line_start : opening.start()]
        indent = indent if not indent.strip() else ""
        pieces += [text[position : opening.start()], convert(opening.group(0), text[start:end], indent)]
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

    def display(opening: str, body: str, indent: str) -> str:
        if not convertible(body):
            return opening + body + _CLOSING[opening]
        # An indented code block (inside a list item when the formula is): the lines of a multi-line
        # equation keep their own lines and alignment.
        return "\n\n" + "".join(f"{indent}    {line}\n" for line in _display_lines(body)) + "\n"

    def inline(opening: str, body: str, _indent: str) -> str:
        return math_to_unicode(body) if convertible(body) else opening + body + _CLOSING[opening]

    def dollars(match: re.Match) -> str:
        body = match.group(1)
        # Pandoc's rule ($ hugging its content) tells "$5 and $10" from math; LaTeX signs override it.
        if body != body.strip() and not _MATH_SIGNS.search(body):
            return match.group(0)
        return math_to_unicode(body) if convertible(body) else match.group(0)

    text = _replace_spans(markdown, _DISPLAY_OPEN, display, one_line=False)
    return _DOLLAR_MATH.sub(dollars, _replace_spans(text, _INLINE_OPEN, inline, one_line=True))


_ENVIRONMENT = re.compile(r"\\begin\{(aligned|align\*?|alignedat|gathered|gather\*?|split|cases|dcases)\}")
_MOST_CELLS = 200
"""Cells of multi-line equations laid out in one formula; a formula with more is written on one line."""


def _width(text: str) -> int:
    """Terminal columns of ``text``: CJK characters take two, combining marks (the tilde of C̃) none."""
    import unicodedata

    return sum(
        0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text
    )


def _environment_lines(kind: str, prefix: str, rows: list[list[str]]) -> list[str]:
    """Lay out the rows of an ``aligned`` (cells aligned by column) or ``cases`` environment (a brace before)."""
    columns = max(map(len, rows))
    widths = [max((_width(row[column]) for row in rows if column < len(row)), default=0) for column in range(columns)]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[column] - _width(cell)) for column, cell in enumerate(row)]
        lines.append(("   " if "cases" in kind else " ").join(cells).rstrip())
    if "cases" in kind:
        lines = [("{ " if number == 0 else "  ") + line for number, line in enumerate(lines)]
    lead = prefix + " " if prefix else ""
    return [(lead if number == 0 else " " * _width(lead)) + line for number, line in enumerate(lines)]


def _display_lines(latex: str) -> list[str]:
    """Return a display formula as lines: one per row of its aligned/cases environments, else one line."""
    lines: list[str] = []
    position = 0
    text = ""
    while (opening := _ENVIRONMENT.search(latex, position)) is not None:
        closing = latex.find(f"\\end{{{opening.group(1)}}}", opening.end())
        rows = [row.split("&") for row in latex[opening.end() : closing].split("\\\\") if row.strip()]
        if closing == -1 or not rows or sum(map(len, rows)) > _MOST_CELLS:
            break
        prefix = math_to_unicode(text + latex[position : opening.start()])
        cells = [[math_to_unicode(cell) for cell in row] for row in rows]
        lines += _environment_lines(opening.group(1), prefix, cells)
        position, text = closing + len(opening.group(1)) + len("\\end{}"), ""
    rest = math_to_unicode(latex[position:]).replace("\n", " ")
    if lines and rest:
        lines[-1] += " " + rest
    return lines or [rest]


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


# In an erratum's prose, a word such as h_{t−1}, Σ_{x_j∈M} or \beta is math written without dollars.
_ERRATUM_KEPT = re.compile(r"\$[^$\n]*\$|`[^`\n]*`")
_ERRATUM_WORD = re.compile(r"[^\s\u2e80-\u9fff\uff00-\uffef]+")
_LATEX_SIGN = re.compile(r"[_^]\{|\\[A-Za-z]")


def _dollars_around_math(text: str) -> str:
    """Return prose with each word that holds LaTeX (``_{``, ``^{``, ``\\name``) put between dollars."""

    def words(prose: str) -> str:
        return _ERRATUM_WORD.sub(lambda word: f"${word.group()}$" if _LATEX_SIGN.search(word.group()) else word.group(), prose)

    pieces = []
    position = 0
    for kept in _ERRATUM_KEPT.finditer(text):
        pieces += [words(text[position : kept.start()]), kept.group()]
        position = kept.end()
    pieces.append(words(text[position:]))
    return "".join(pieces)


ERRATA_TITLE = "勘误"
"""The title of the box that shows a card's errata."""


def errata_markdown(card: Card) -> str:
    """Return the card's errata as Markdown, in Chinese: for each, what the source says and the correction.

    The test that computes each correction (``Erratum.check``) stays in the data and in ``--json``; the
    learner reads the correction itself. Math written without dollars is rendered like the answers' math.
    """
    blocks = [
        f"**原文**：{_dollars_around_math(erratum.claim)}\n\n**更正**：{_dollars_around_math(erratum.correction)}"
        for erratum in card.errata
    ]
    return "\n\n---\n\n".join(blocks)


# Anything that could make text other than paragraphs (or a paragraph other than plain text) in Markdown.
_MARKDOWN_SIGN = re.compile(
    r"[\\`*_#>\[\]<&|~$]|://|www\.|^[ \t]*(?:[-+=]|\d+[.)])|^(?: {4}|\t)| {2}$", re.MULTILINE
)
_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def markdown_renderable(markdown: str, **options):
    """Return a Rich renderable of card Markdown: :func:`terminal_markdown`, then Rich's Markdown drawn over
    the repaired tokens of :mod:`tutor.questions.markdown_tokens`. ``options`` go to Rich's Markdown.

    Plain paragraphs (most imported notes) are drawn as Rich draws them, without loading a Markdown parser:
    that is half of what ``tutor show`` costs.
    """
    text = terminal_markdown(markdown)
    if not _MARKDOWN_SIGN.search(text) and set(options) <= {"style", "code_theme"}:  # a theme of no code
        return _paragraphs(text, options.get("style"))
    return _markdown_class()(text, **options)


def _paragraphs(text: str, style: str | None):
    """Plain Markdown paragraphs as Rich's Markdown draws them: lines joined by a space, a blank line between."""
    from rich.console import Group, NewLine
    from rich.text import Text

    paragraphs = [" ".join(line.strip() for line in block.split("\n")) for block in _BLANK_LINES.split(text.strip())]
    parts = []
    for index, paragraph in enumerate(paragraph for paragraph in paragraphs if paragraph):
        if index:
            parts.append(NewLine())
        line = Text(paragraph, justify="left")
        if style:
            line.stylize(style)  # the words, not the padding after them, as Rich's Markdown styles them
        parts.append(line)
    return Group(*parts)


@lru_cache(maxsize=1)
def _markdown_class():
    from rich.markdown import Markdown  # rich costs ~30 ms: only when drawing

    class CardMarkdown(Markdown):
        """Rich's Markdown over the tokens of :func:`tutor.questions.markdown_tokens.parse`."""

        def __init__(self, markup: str, **options) -> None:
            super().__init__("", **options)
            self.markup = markup
            self.parsed = markdown_tokens.parse(markup)

    return CardMarkdown


def plain_line(markdown: str) -> str:
    """Return card Markdown (a question, usually) as one line of plain text: math as Unicode, no markup."""
    return markdown_tokens.plain_text(terminal_markdown(markdown))


def card_renderable(card: Card, *, show_answer: bool = True):
    """Return a Rich renderable of the card: question, answer, errata, tags, key points and demos."""
    from rich.console import Group  # rich costs ~30 ms: only when drawing
    from rich.panel import Panel
    from rich.text import Text

    def plain(text: str, style: str) -> Text:
        return Text(terminal_text(text), style=style)

    parts = [plain(f"{card.id} · {card.deck}", "dim"), markdown_renderable(card.question, style="bold")]
    if show_answer:
        parts.append(markdown_renderable(card.answer, code_theme="monokai"))
        if card.errata:
            parts.append(Panel(markdown_renderable(errata_markdown(card)), title=ERRATA_TITLE, border_style="yellow"))
        if card.key_points:
            parts.append(plain("要点：" + " · ".join(card.key_point_labels), "cyan"))
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
