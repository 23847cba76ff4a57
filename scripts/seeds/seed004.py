"""Reader for seed 004 (深度学习面试问答): an outline of ``- Qn **question**`` items with indented answers.

The answers are written as an indentation outline rather than Markdown: labels are bullets, explanations
are plain lines indented under them, formulas and tables sit at whatever depth the author typed them.
Rendered as they are, the plain lines would run into the paragraph of the label above them ("Definition
batch-size: ..."). So each answer is parsed into a tree by indentation and written back as Markdown:

- a short top-level label with content under it (``- 梯度消失的定义``) becomes a ``###`` heading;
- bullets stay bullets, nested by their depth; plain lines that have lines under them become bullets too;
- plain lines under a bullet become paragraphs of that item; ``1 xxx`` lines become numbered items;
- formulas (``\\[ … \\]``, ``$$ … $$``), tables and images are kept whole as blocks of the item they follow.

Q3 occurs twice in the seed; the second one gets the id ``c004-q3b``.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

_QUESTION = re.compile(r"^- Q(\d+)\s+\*\*(.+)\*\*\s*$")
_BULLET = re.compile(r"^[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^(\d+) (?=\S)")
_UNTITLED_IMAGE = re.compile(r"!\[Untitled\]\(")

_LABEL_MAX_CHARS = 24
"""A top-level item this short, with content under it, is a section title rather than a statement."""

# Typos of the seed that would break the Markdown, fixed where the answer is built.
_TYPOS = {
    "代表$$为真实图片的概率": "代表$x$为真实图片的概率",  # an empty $$ opens display math
}


@dataclass
class _Node:
    """One piece of an answer outline: a bullet, a plain line, or a block kept whole."""

    kind: str
    """``bullet``, ``text`` or ``block`` (formula, table, image)."""
    lines: list[str]
    """The text; several lines only for blocks, without the outline's indentation."""
    children: list["_Node"] = field(default_factory=list)
    """The lines indented under this one (or continuing a bullet), in order."""


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _is_image(text: str) -> bool:
    return text.startswith("![") or text.startswith("<img")


def _items(lines: list[str]) -> list[tuple[int, str, list[str], bool]]:
    """Split answer lines into (indent, kind, lines, after_blank) items; formulas and tables span lines."""
    items = []
    index = 0
    after_blank = False
    while index < len(lines):
        line = lines[index].rstrip()
        text = line.strip()
        if not text:
            after_blank = True
            index += 1
            continue
        indent = _indent(line)
        if text.startswith("\\[") and "\\]" not in text:
            end = index
            while end + 1 < len(lines) and "\\]" not in lines[end]:
                end += 1
            block = lines[index : end + 1]
            items.append((indent, "block", [row.rstrip() for row in block], after_blank))
            index = end + 1
        elif text.startswith("|"):
            end = index
            while end + 1 < len(lines) and lines[end + 1].strip().startswith("|"):
                end += 1
            items.append((indent, "block", [row.strip() for row in lines[index : end + 1]], after_blank))
            index = end + 1
        elif text.startswith("\\[") or (text.startswith("$$") and text.endswith("$$")) or _is_image(text):
            items.append((indent, "block", [text], after_blank))
            index += 1
        elif bullet := _BULLET.match(text):
            items.append((indent, "bullet", [bullet.group(1).strip()], after_blank))
            index += 1
        else:
            items.append((indent, "text", [text], after_blank))
            index += 1
        after_blank = False
    return items


def _dedent_block(lines: list[str]) -> list[str]:
    margin = min(_indent(line) for line in lines if line.strip())
    return [line[margin:] for line in lines]


def _outline(lines: list[str]) -> list[_Node]:
    """Build the answer tree: a line belongs to the nearest line above it that is indented less.

    A plain line or block right under a bullet at the same indent (no blank line between) continues that
    bullet, as the author meant, and is attached to it.
    """
    root = _Node("root", [])
    stack: list[tuple[int, _Node]] = [(-1, root)]
    continuing: tuple[int, _Node] | None = None  # the bullet that same-indent plain lines continue
    for indent, kind, rows, after_blank in _items(lines):
        node = _Node(kind, _dedent_block(rows) if kind == "block" else rows)
        if kind != "bullet" and continuing and not after_blank and continuing[0] == indent:
            continuing[1].children.append(node)
            continue
        while stack[-1][0] >= indent:
            stack.pop()
        stack[-1][1].children.append(node)
        if kind != "block":
            stack.append((indent, node))
        continuing = (indent, node) if kind == "bullet" else None
    return root.children


def _is_item(node: _Node) -> bool:
    """Whether the node is written as a list item (bullets, and plain lines with lines under them)."""
    return node.kind == "bullet" or (node.kind == "text" and bool(node.children))


def _is_label(node: _Node) -> bool:
    """Whether a top-level item is a section title: short, not a sentence, with content under it."""
    text = node.lines[0]
    return (
        _is_item(node)
        and bool(node.children)
        and len(text) <= _LABEL_MAX_CHARS
        and not text.endswith((".", "。", ":", "："))
    )


def _has_blocks(node: _Node) -> bool:
    return any(not _is_item(child) or _has_blocks(child) for child in node.children)


def _render(nodes: list[_Node], prefix: str, top: bool) -> list[str]:
    out: list[str] = []
    previous: _Node | None = None
    previous_label = False
    for node in nodes:
        text = node.lines[0]
        label = top and _is_label(node)
        tight = (
            previous is not None
            and _is_item(previous)
            and _is_item(node)
            and not _has_blocks(previous)
            and not label
            and not previous_label
        )
        if previous is not None and not tight:
            out.append("")
        if label:
            out.append(f"### {text}")
            out.append("")
            out.extend(_render(node.children, prefix, top=False))
        elif _is_item(node):
            out.append(f"{prefix}- {text}")
            if node.children:
                if not _is_item(node.children[0]):
                    out.append("")
                out.extend(_render(node.children, prefix + "  ", top=False))
        elif node.kind == "text" and (numbered := _NUMBERED.match(text)):
            out.append(f"{prefix}{numbered.group(1)}. {text[numbered.end():]}")
        else:
            out.extend(f"{prefix}{line}" if line else "" for line in node.lines)
        previous, previous_label = node, label
    return out


def _markdown(lines: list[str]) -> str:
    text = "\n".join(_render(_outline(lines), "", top=True)) + "\n"
    for typo, fixed in _TYPOS.items():
        text = text.replace(typo, fixed)
    # "Untitled" is the name an editor gave every figure; the note that replaces the image says enough.
    return _UNTITLED_IMAGE.sub("![](", text)


def read(path: Path) -> list[dict]:
    """Return the cards of the seed in document order: dicts with id, question, answer and line (1-based)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = [(index, match) for index, line in enumerate(lines) if (match := _QUESTION.match(line))]
    cards = []
    seen: set[str] = set()
    for position, (start, match) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        card_id = f"c004-q{match.group(1)}"
        if card_id in seen:
            card_id += "b"  # the seed numbers two questions Q3; the second keeps a distinct, stable id
        seen.add(card_id)
        cards.append(
            {
                "id": card_id,
                "question": match.group(2).strip(),
                "answer": _markdown(lines[start + 1 : end]),
                "line": start + 1,
            }
        )
    return cards
