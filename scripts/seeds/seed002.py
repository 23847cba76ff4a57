"""Reader for seed 002 (深度学习专题): Markdown notes, one topic per top-level heading.

Each topic starts with a ``# `` heading; one topic (the matrix product) starts with a ``###`` heading
right after a ``----`` separator instead, because it was pasted from another document. Deeper headings
inside a topic (``##``, ``###``) belong to its answer. The answer is the Markdown under the heading,
kept as it is, without the ``----`` separators between topics.
"""

import re
from pathlib import Path

_SEPARATOR = re.compile(r"^-{3,}\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _title(text: str) -> str:
    """The heading text without its Markdown emphasis (``### **Python 矩阵乘积**`` -> ``Python 矩阵乘积``)."""
    return re.sub(r"\*\*(.+?)\*\*", r"\1", text).strip()


def _topic_starts(lines: list[str]) -> list[int]:
    """Indices of the lines that open a topic: ``# `` headings, or any heading first after a separator."""
    starts = []
    in_code = False
    after_separator = False
    for index, line in enumerate(lines):
        if _FENCE.match(line):
            in_code = not in_code
            continue
        if in_code or not line.strip():
            continue
        heading = _HEADING.match(line)
        if heading and (len(heading.group(1)) == 1 or after_separator):
            starts.append(index)
        after_separator = bool(_SEPARATOR.match(line))
    return starts


def read(path: Path) -> list[dict]:
    """Return the cards of the seed in document order: dicts with id, question, answer and line (1-based)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    starts = _topic_starts(lines)
    cards = []
    for number, start in enumerate(starts, start=1):
        end = starts[number] if number < len(starts) else len(lines)
        body = [line.rstrip() for line in lines[start + 1 : end] if not _SEPARATOR.match(line)]
        cards.append(
            {
                "id": f"c002-{number}",
                "question": _title(_HEADING.match(lines[start]).group(2)),
                "answer": "\n".join(body).strip("\n") + "\n",
                "line": start + 1,
            }
        )
    return cards
