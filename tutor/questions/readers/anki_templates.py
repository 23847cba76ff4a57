"""Anki's card templates and cloze deletions, rendered to the HTML of one side of one card.

Anki builds a card's two sides from its note type's templates: ``{{Field}}`` and ``{{filter:Field}}``
replacements, ``{{#Field}}…{{/Field}}`` sections shown when the field is not empty, ``{{^Field}}…{{/Field}}``
when it is, and the special fields ``{{FrontSide}}``, ``{{Tags}}``, ``{{Deck}}``, ``{{Subdeck}}``, ``{{Card}}``
and ``{{Type}}``. A cloze note's ``{{cloze:Text}}`` shows, on card *n*, the deletions numbered *n* as ``[…]``
(or ``[hint]``) on the question and filled in (bold) on the answer; the other deletions show their text.
Deletions may nest (``{{c1::a {{c2::b}}}}``) and may belong to several cards (``{{c1,2::…}}``).

What a terminal cannot do is dropped: ``{{type:…}}`` input boxes on the question and ``{{tts…}}`` speech.
Every pattern here is linear in its input (no nested quantifiers): templates and fields come from other
people's packages.
"""

import re
from dataclasses import dataclass, field
from functools import lru_cache

_TAG = re.compile(r"\{\{([^{}]*)\}\}")
_CLOZE_TOKEN = re.compile(r"\{\{c(\d+(?:,\d+)*)::|\}\}")
_HTML_TAG = re.compile(r"<[^<>]*>")
_MATH_OPEN = ("\\(", "\\[")
_MATH_CLOSE = ("\\)", "\\]")


@dataclass
class _Cloze:
    """One deletion: the cards it belongs to, its content (text and nested deletions) and its hint."""

    ordinals: frozenset[int]
    offset: int
    """Where the deletion starts in the field (to tell whether it sits inside MathJax)."""
    children: list = field(default_factory=list)
    hint: str | None = None


def _parse_clozes(text: str) -> list:
    """Return ``text`` as a list of strings and :class:`_Cloze` nodes; unbalanced braces stay text."""
    root: list = []
    stack: list[_Cloze] = []
    position = 0
    for match in _CLOZE_TOKEN.finditer(text):
        target = stack[-1].children if stack else root
        if match.start() > position:
            target.append(text[position : match.start()])
        position = match.end()
        if match.group(1) is not None:
            stack.append(_Cloze(frozenset(int(n) for n in match.group(1).split(",")), match.start()))
        elif stack:
            cloze = _finish(stack.pop())
            (stack[-1].children if stack else root).append(cloze)
        else:
            target.append(match.group(0))
    if position < len(text):
        (stack[-1].children if stack else root).append(text[position:])
    # Deletions left open at the end are text, as Anki shows them.
    while stack:
        cloze = stack.pop()
        opening = "{{c" + ",".join(str(n) for n in sorted(cloze.ordinals)) + "::"
        (stack[-1].children if stack else root).extend([opening, *cloze.children])
    return root


def _finish(cloze: _Cloze) -> _Cloze:
    """Split the hint off a closed deletion: the text after the first ``::`` at its own level."""
    for index, child in enumerate(cloze.children):
        if isinstance(child, str) and "::" in child:
            before, hint = child.split("::", 1)
            rest = "".join(_plain(node) for node in cloze.children[index + 1 :])
            cloze.children = [*cloze.children[:index], before]
            cloze.hint = hint + rest
            break
    return cloze


def _plain(node) -> str:
    return node if isinstance(node, str) else "".join(_plain(child) for child in node.children)


def _in_math(text: str, offset: int) -> bool:
    """Whether ``offset`` of ``text`` lies inside a MathJax ``\\(…\\)`` or ``\\[…\\]``."""
    before = text[:offset]
    opened = max(before.rfind(mark) for mark in _MATH_OPEN)
    return opened > max(before.rfind(mark) for mark in _MATH_CLOSE)


def render_cloze(text: str, number: int, *, answer: bool) -> str:
    """Return field ``text`` as card ``number`` of its cloze note shows it, on the question or the answer."""
    nodes = _parse_clozes(text)

    def render(items: list) -> str:
        parts = []
        for node in items:
            if isinstance(node, str):
                parts.append(node)
            elif number not in node.ordinals:
                parts.append(render(node.children))
            elif not answer:
                parts.append(f"[{node.hint}]" if node.hint else "[…]")
            elif _in_math(text, node.offset):
                parts.append(render(node.children))  # bold would break the formula
            else:
                parts.append(f"<b>{render(node.children)}</b>")
        return "".join(parts)

    return render(nodes)


def _cloze_only(text: str, number: int) -> str:
    """Return the text of card ``number``'s deletions, joined by ``, `` (Anki's ``cloze-only`` filter)."""
    found: list[str] = []

    def walk(items: list) -> None:
        for node in items:
            if isinstance(node, str):
                continue
            if number in node.ordinals:
                found.append(_plain(node))
            else:
                walk(node.children)

    walk(_parse_clozes(text))
    return ", ".join(found)


def field_is_empty(value: str) -> bool:
    """Whether a field shows nothing: only tags and white space (an image counts as something)."""
    if "<img" in value.lower():
        return False
    return not _HTML_TAG.sub("", value).replace("&nbsp;", " ").strip()


@dataclass(frozen=True)
class CardContext:
    """What a template can refer to besides the note's fields."""

    fields: dict[str, str]
    """The note's fields by name (HTML)."""
    ordinal: int
    """The card's ordinal: its template's index, or its cloze number minus one."""
    tags: str = ""
    deck: str = ""
    note_type: str = ""
    template: str = ""


def _apply(filters: list[str], name: str, context: CardContext, *, answer: bool) -> str:
    special = {
        "Tags": context.tags,
        "Deck": context.deck,
        "Subdeck": context.deck.split("::")[-1],
        "Type": context.note_type,
        "Card": context.template,
        "CardFlag": "",
        "FrontSide": "",  # the answer is shown apart from the question: see render_side
    }
    value = context.fields.get(name, special.get(name, ""))
    for name_of_filter in reversed(filters):
        kind = name_of_filter.strip()
        if kind == "cloze":
            value = render_cloze(value, context.ordinal + 1, answer=answer)
        elif kind == "cloze-only":
            value = _cloze_only(value, context.ordinal + 1)
        elif kind == "text":
            value = _HTML_TAG.sub("", value)
        elif kind == "type":
            # The question's input box; on the answer Anki compares with what was typed: show the field.
            value = value if answer else ""
        elif kind.startswith("tts"):
            value = ""
        # hint, furigana, kana, kanji and add-on filters: the text itself is the closest a terminal gets.
    return value


@lru_cache(maxsize=512)  # a package has a few templates and thousands of cards
def _parse_template(template: str) -> list:
    """Return a template as a tree: strings, ("field", filters, name) and ("section", name, inverted, body)."""
    root: list = []
    stack: list[tuple[str, bool, list, list]] = []
    body = root
    position = 0
    for match in _TAG.finditer(template):
        body.append(template[position : match.start()])
        position = match.end()
        tag = match.group(1).strip()
        if tag[:1] in ("#", "^"):
            section: list = []
            stack.append((tag[1:].strip(), tag[0] == "^", section, body))
            body = section
        elif tag[:1] == "/":
            if stack:
                name, inverted, section, parent = stack.pop()
                parent.append(("section", name, inverted, section))
                body = parent
        elif tag and tag[0] not in ("!", "="):
            *filters, name = tag.split(":")
            body.append(("field", filters, name.strip()))
    body.append(template[position:])
    while stack:  # a section never closed runs to the end, as Anki renders it
        name, inverted, section, parent = stack.pop()
        parent.append(("section", name, inverted, section))
    return root


def _render_tree(nodes: list, context: CardContext, *, answer: bool) -> str:
    parts = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(node)
        elif node[0] == "field":
            parts.append(_apply(node[1], node[2], context, answer=answer))
        else:
            _, name, inverted, body = node
            if name in context.fields:
                empty = field_is_empty(context.fields[name])
            elif re.fullmatch(r"c\d+", name):
                empty = context.ordinal + 1 != int(name[1:])
            else:
                empty = not _apply([], name, context, answer=answer).strip()
            if empty == inverted:
                parts.append(_render_tree(body, context, answer=answer))
    return "".join(parts)


_ANSWER_RULE = re.compile(r"<hr\s+id\s*=\s*[\"']?answer[\"']?\s*/?>", re.IGNORECASE)


def render_side(template: str, context: CardContext, *, answer: bool) -> str:
    """Return the HTML of one side of a card.

    The answer side is what Anki shows below the question: ``{{FrontSide}}`` renders as nothing, and when the
    side has Anki's ``<hr id=answer>`` only what follows it is kept.
    """
    html = _render_tree(_parse_template(template), context, answer=answer)
    if answer:
        rule = _ANSWER_RULE.search(html)
        if rule:
            html = html[rule.end() :]
    return html
