"""The HTML most Anki fields hold, to Markdown exactly as markdownify converts it, twenty times faster.

An Anki package of 30,000 cards has some 50,000 fields to convert; through BeautifulSoup and markdownify that
takes minutes. Most fields use a handful of tags: ``b``/``strong``, ``i``/``em``, ``u``, ``span``, ``font``,
``br``, ``div``, ``p`` and flat ``ul``/``ol`` lists. For those, :func:`simple_markdown` builds the same tree
BeautifulSoup's ``html.parser`` builds and applies markdownify 1.2's own rules (its whitespace handling,
newline collapsing between children, ``chomp`` of bold and italics, list bullets) with
:mod:`tutor.questions.readers.anki_text`'s options and ``<br>`` rule. Anything else (another tag, a comment,
a nested list, an entity written loosely, misnested tags) returns None, and the caller uses markdownify.
``tests/questions/test_simple_html.py`` checks the two agree on thousands of generated fields.
"""

import html
import re
from html.entities import html5

_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)([^<>]*)>")
_ENTITY = re.compile(r"&(#[0-9]{1,7};|#[xX][0-9A-Fa-f]{1,6};|[A-Za-z][A-Za-z0-9]{0,31};)")
_INLINE = {"b": "**", "strong": "**", "i": "*", "em": "*"}
_PLAIN = frozenset({"u", "span", "font"})
_BLOCK = frozenset({"div", "p", "ul", "ol", "li"})
_KNOWN = frozenset(_INLINE) | _PLAIN | _BLOCK | {"br"}
_WHITESPACE = re.compile(r"[\t \r\n]+")
_EXTRACT_NEWLINES = re.compile(r"^(\n*)((?:.*[^\n])?)(\n*)$", flags=re.DOTALL)
_LINE = re.compile(r"^(.*)", flags=re.MULTILINE)


class _Node:
    __slots__ = ("name", "children", "parent", "text", "index")

    def __init__(self, name: str | None, parent: "_Node | None", text: str = "") -> None:
        self.name = name
        """The tag's name, or None for text."""
        self.children: list[_Node] = []
        self.parent = parent
        self.text = text
        self.index = 0
        """Position among the parent's children."""

    def sibling(self, step: int) -> "_Node | None":
        if self.parent is None:
            return None
        position = self.index + step
        siblings = self.parent.children
        return siblings[position] if 0 <= position < len(siblings) else None


def _entities_are_strict(text: str) -> bool:
    """Whether every ``&`` starts an entity that both parsers decode the same way."""
    for position in (match.start() for match in re.finditer("&", text)):
        entity = _ENTITY.match(text, position)
        if entity is None:
            return False
        body = entity.group(1)
        if not body.startswith("#") and body not in html5:
            return False
        if body.startswith("#"):
            number = int(body[2:-1], 16) if body[1] in "xX" else int(body[1:-1])
            if not 0x20 <= number <= 0x10FFFF or 0xD800 <= number <= 0xDFFF or 0x7F <= number <= 0x9F:
                return False
    return True


def _parse(source: str) -> _Node | None:
    """Return the tree BeautifulSoup would build, or None when the HTML is outside the subset."""
    if "\r" in source or "<!" in source or "<?" in source or not _entities_are_strict(source):
        return None
    root = _Node("[document]", None)
    open_tags = [root]
    position = 0

    def add_text(text: str) -> bool:
        if "<" in text or ">" in text:
            return False
        if text:
            node = _Node(None, open_tags[-1], html.unescape(text))
            open_tags[-1].children.append(node)
        return True

    for match in _TAG.finditer(source):
        if not add_text(source[position : match.start()]):
            return None
        position = match.end()
        closing, name, attributes = match.group(1) == "/", match.group(2).lower(), match.group(3)
        if name not in _KNOWN or attributes.count('"') % 2 or attributes.count("'") % 2:
            return None
        if name == "br":
            if closing:
                return None
            node = _Node("br", open_tags[-1])
            open_tags[-1].children.append(node)
        elif closing:
            if open_tags[-1].name != name:
                return None
            open_tags.pop()
        else:
            if attributes.rstrip().endswith("/"):
                return None
            if name == "li" and open_tags[-1].name not in ("ul", "ol"):
                return None
            if name in ("ul", "ol") and any(tag.name == "li" for tag in open_tags):
                return None  # nested lists: markdownify indents them; not worth repeating here
            if name == "ol" and "start" in attributes.lower():
                return None
            node = _Node(name, open_tags[-1])
            open_tags[-1].children.append(node)
            open_tags.append(node)
    if not add_text(source[position:]) or len(open_tags) != 1:
        return None
    _number(root)
    return root


def _number(node: _Node) -> None:
    for index, child in enumerate(node.children):
        child.index = index
        _number(child)


def _remove_inside(node: _Node | None) -> bool:
    return node is not None and node.name in _BLOCK


def _content(node: _Node | None) -> bool:
    return node is not None and (node.name is not None or bool(node.text.strip()))


def _content_sibling(node: _Node, step: int) -> _Node | None:
    sibling = node.sibling(step)
    while sibling is not None and not _content(sibling):
        sibling = sibling.sibling(step)
    return sibling


def _ignored(node: _Node, parent: _Node) -> bool:
    if node.name is not None or node.text.strip() != "":
        return False
    before, after = node.sibling(-1), node.sibling(1)
    if _remove_inside(parent) and (before is None or after is None):
        return True
    return _remove_inside(before) or _remove_inside(after)


def _one_space_or_break(match: re.Match) -> str:
    run = match.group(0)
    return "\n" if "\n" in run or "\r" in run else " "


def _text(node: _Node) -> str:
    # markdownify's two passes in one, linear: a run of white space holding a line break is one line break,
    # any other run one space.
    text = _WHITESPACE.sub(_one_space_or_break, node.text)
    before, after = node.sibling(-1), node.sibling(1)
    if _remove_inside(before) or (_remove_inside(node.parent) and before is None):
        text = text.lstrip(" \t\r\n")
    if _remove_inside(after) or (_remove_inside(node.parent) and after is None):
        text = text.rstrip()
    return text


def _tag(node: _Node, parents: frozenset[str]) -> str:
    inner = parents | {node.name}
    strings = [
        _tag(child, inner) if child.name is not None else _text(child)
        for child in node.children
        if not _ignored(child, node)
    ]
    collapsed = [""]
    for string in (string for string in strings if string):
        leading, content, trailing = _EXTRACT_NEWLINES.match(string).groups()
        if collapsed[-1] and leading:
            previous = collapsed.pop()
            leading = "\n" * min(2, max(len(previous), len(leading)))
        collapsed.extend([leading, content, trailing])
    return _convert(node, "".join(collapsed))


def _chomp(text: str, mark: str) -> str:
    prefix = " " if text and text[0] == " " else ""
    suffix = " " if text and text[-1] == " " else ""
    text = text.strip()
    return f"{prefix}{mark}{text}{mark}{suffix}" if text else ""


def _convert(node: _Node, text: str) -> str:
    name = node.name
    if name in _INLINE:
        return _chomp(text, _INLINE[name])
    if name == "br":
        before, after = _content_sibling(node, -1), _content_sibling(node, 1)
        if after is None or after.name == "br" or before is None:
            return text
        return ("\n\n" if before.name == "br" else "\\\n") + text
    if name == "div":
        text = text.strip()
        return f"\n\n{text}\n\n" if text else ""
    if name == "p":
        text = text.strip(" \t\r\n")
        return f"\n\n{text}\n\n" if text else ""
    if name in ("ul", "ol"):
        after = _content_sibling(node, 1)
        return "\n\n" + text + ("\n" if after is not None and after.name not in ("ul", "ol") else "")
    if name == "li":
        text = text.strip()
        if not text:
            return "\n"
        if node.parent.name == "ol":
            bullet = f"{1 + sum(1 for sibling in node.parent.children[: node.index] if sibling.name == 'li')}."
        else:
            bullet = "-"
        bullet += " "
        indent = " " * len(bullet)
        text = _LINE.sub(lambda match: indent + match.group(1) if match.group(1) else "", text)
        return f"{bullet}{text[len(bullet):]}\n"
    if name == "[document]":
        return text.strip("\n")
    return text  # u, span, font: their text


def simple_markdown(source: str) -> str | None:
    """Return markdownify's Markdown of ``source`` (before tutor's final clean-up), or None when ``source``
    uses HTML outside the subset this module handles."""
    root = _parse(source)
    return None if root is None else _tag(root, frozenset())
