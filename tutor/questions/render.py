"""Rendering cards for a terminal: Markdown through Rich, LaTeX math as readable Unicode, errata visible."""

import re
from functools import lru_cache

from tutor.questions.card import Card
from tutor.questions.markdown import strip_broken_references
from tutor.questions.terminal_text import terminal_text

_FENCE = re.compile(r"(^```.*?^```[^\n]*$|^~~~.*?^~~~[^\n]*$|`[^`\n]+`)", re.MULTILINE | re.DOTALL)
_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$|\\\[(.+?)\\\]", re.DOTALL)
_INLINE_MATH = re.compile(r"(?<![\\$])\$([^$\n]+?)(?<!\\)\$(?!\d)|\\\((.+?)\\\)")
_MATH_SIGNS = re.compile(r"[\\^_{]")

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


def math_to_unicode(latex: str) -> str:
    """Return readable Unicode for a LaTeX math expression (``\\frac{a}{b}`` → ``a/b``, ``\\sum`` → ``∑``)."""
    text = _converter().latex_to_text(_scripts(latex.strip()))
    return re.sub(r"[ \t]+", " ", text).strip()


def _convert_math(markdown: str) -> str:
    def display(match: re.Match) -> str:
        body = match.group(1) if match.group(1) is not None else match.group(2)
        return "\n\n    " + math_to_unicode(body).replace("\n", " ") + "\n\n"

    def inline(match: re.Match) -> str:
        body = match.group(1) if match.group(1) is not None else match.group(2)
        # Pandoc's rule ($ hugging its content) tells "$5 and $10" from math; LaTeX signs override it.
        if match.group(1) is not None and body != body.strip() and not _MATH_SIGNS.search(body):
            return match.group(0)
        return math_to_unicode(body)

    return _INLINE_MATH.sub(inline, _DISPLAY_MATH.sub(display, markdown))


def terminal_markdown(markdown: str) -> str:
    """Return Markdown ready for a terminal: math as Unicode and missing figures as a short note.

    Code blocks and inline code are left exactly as written; control characters are removed everywhere.
    """
    pieces = _FENCE.split(strip_broken_references(terminal_text(markdown)))
    return "".join(piece if index % 2 else _convert_math(piece) for index, piece in enumerate(pieces))


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
