"""Seed reader for 000_d1e2c6fd8dc6d6a6.txt: the AICS course's answers to the chapter questions and homework.

The document has three kinds of question:

* ``第一问`` … ``第五问`` sections, each holding one or more ``➤`` sub-questions (one card each,
  id ``c000-<section>-<k>``);
* numbered homework questions ``2.1 …`` to ``5.4 …`` (id ``c000-hw-2.1``);
* ``Q1`` … ``Q4``, whose question text is the next paragraph (id ``c000-q1``); inside their answers ``➤`` marks
  a sub-heading, not a question.

The Markdown helpers here (``tidy_markdown`` and friends) are shared with the reader of 001, which comes from
the same course and was converted from PDF the same way.
"""

import re
from pathlib import Path

_CHINESE_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}

_SECTION = re.compile(r"^第([一二三四五六七八九十]+)问$")
_SUB_QUESTION = re.compile(r"^➤\s*(.+)$")
_HOMEWORK = re.compile(r"^(\d)\.(\d)\s+(.+)$")
_Q_HEADING = re.compile(r"^Q(\d+)$")

_FENCE = re.compile(r"^\s*```")
_LIST_ITEM = re.compile(r"^(\s*)([-*+]|\d+[.)])\s+")
_BOLD_WITH_TRAILING_COLON = re.compile(r"\*\*([^*\n]+?)([：:])\*\*")
_HTML_CODE = re.compile(r"<code>(.*?)</code>")
_FIGURE_CAPTION = re.compile(r"^Figure \d+\.\s*(.+?)\.?$")
_BARE_LATEX = {r"\approx": "≈", r"\times": "×", r"\tanh": "tanh"}
_SENTENCE_END = "。！？；.!?;:："


def chinese_numeral(text: str) -> int:
    """Return the value of a small Chinese numeral (一 … 十九)."""
    if text.startswith("十"):
        return 10 + (_CHINESE_NUMERALS[text[1:]] if len(text) > 1 else 0)
    if len(text) == 2 and text.endswith("十"):
        return _CHINESE_NUMERALS[text[0]] * 10
    return _CHINESE_NUMERALS[text]


def clean_question(text: str) -> str:
    """Strip decoration from a question line: bullets, trailing colons and spaces."""
    return text.strip().lstrip("➤").strip().rstrip("：:").strip()


def _is_table_row(line: str) -> bool:
    return "\t" in line and line.strip() != ""


def _cells(line: str) -> list[str]:
    return [_HTML_CODE.sub(r"`\1`", cell.strip()).replace("|", r"\|") for cell in line.split("\t")]


def _tables(lines: list[str]) -> list[str]:
    """Turn runs of tab-separated lines (tables flattened by the PDF conversion) into Markdown pipe tables.

    A second row made of dashes only is the original separator. A table that repeats the header of the table
    just before it (the PDF broke it across a page) is joined to that table.
    """
    out: list[str] = []
    last_header: list[str] | None = None
    i = 0
    while i < len(lines):
        if not _is_table_row(lines[i]):
            if lines[i].strip():
                last_header = None
            out.append(lines[i])
            i += 1
            continue
        rows = []
        while i < len(lines) and _is_table_row(lines[i]):
            rows.append(_cells(lines[i]))
            i += 1
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        if len(rows) > 1 and all(re.fullmatch(r"-+", cell) for cell in rows[1] if cell):
            del rows[1]
        header, body = rows[0], rows[1:]
        if header == last_header:
            while out and not out[-1].strip():
                out.pop()
        else:
            out.append("| " + " | ".join(header) + " |")
            out.append("|" + "---|" * width)
        out.extend("| " + " | ".join(row) + " |" for row in body)
        last_header = header
    return out


def _join_broken_sentences(lines: list[str]) -> list[str]:
    """Join a sentence the PDF conversion split across paragraphs (``…捕捉到长`` / blank / ``距离依赖关系。``)."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if (
            i + 2 < len(lines)
            and len(line.strip()) >= 25
            and line.rstrip()[-1] not in _SENTENCE_END
            and not lines[i + 1].strip()
            and len(lines[i + 2].strip()) <= 20
            and lines[i + 2].rstrip().endswith("。")
            and not _LIST_ITEM.match(lines[i + 2])
        ):
            out.append(line.rstrip() + lines[i + 2].strip())
            i += 3
            continue
        out.append(line)
        i += 1
    return out


def _list_structure(lines: list[str]) -> list[str]:
    """Give list items and one-line paragraphs the structure a Markdown renderer needs.

    The PDF conversion wrote one item per line: a line right under a list item (no blank line) is a sub-point
    of it and becomes a nested item, unless the same text is a top-level item elsewhere in the answer (a lost
    bullet); consecutive plain lines are separate statements and become separate paragraphs instead of being
    run together. A one-space indent is too small to nest in Markdown: it nests under an item that ends with a
    colon (the item introduces the sub-points) and is a sibling otherwise.
    """
    top_items = {line[2:].strip() for line in lines if line.startswith("- ")}
    out: list[str] = []
    previous = ""  # kind of the previous non-blank line: "", "item", "text", "table"
    parent = ""  # text of the last top-level item
    for line in lines:
        if not line.strip():
            out.append("")
            previous = ""
            continue
        item = _LIST_ITEM.match(line)
        if item and item.group(1) == " ":
            line = ("  " if parent.endswith(("：", ":")) else "") + line[1:]
            item = _LIST_ITEM.match(line)
        if line.startswith("|"):
            if previous and previous != "table":
                out.append("")
            previous = "table"
        elif item:
            if previous in ("text", "table"):
                out.append("")
            if not item.group(1):
                parent = line[item.end():].strip()
            previous = "item"
        elif previous == "item" and not line.startswith(" "):
            line = ("- " if line.strip() in top_items else "  - ") + line.strip()
        elif previous in ("text", "table"):
            out.append("")
            previous = "text"
        else:
            previous = "text"
        out.append(line)
    return out


def _drop_repeated_paragraphs(lines: list[str]) -> list[str]:
    """Drop a paragraph that repeats the one just before it (a formula the conversion wrote twice)."""
    out: list[str] = []
    last_paragraph = None
    for line in lines:
        if line.strip() and line == last_paragraph and out and not out[-1].strip():
            out.pop()
            continue
        if line.strip():
            last_paragraph = line
        out.append(line)
    return out


def _inline(line: str) -> str:
    """Fix inline Markdown that CommonMark renders literally."""
    # "**标题：**正文": a closing ** after punctuation and before a letter does not close, so move the colon out.
    line = _BOLD_WITH_TRAILING_COLON.sub(r"**\1**\2", line)
    line = _HTML_CODE.sub(r"`\1`", line)
    if "$" not in line:
        for latex, symbol in _BARE_LATEX.items():
            line = re.sub(re.escape(latex) + r"(?![A-Za-z])", symbol, line)
    return line


def _decoration(line: str) -> str:
    """Replace the document's bullet glyphs by Markdown list items and sub-question marks by bold headings."""
    stripped = line.strip()
    if stripped.startswith("- ❖"):
        return "- " + stripped[3:].strip()
    if stripped.startswith(("❖", "•")):
        text = stripped[1:].strip()
        # A short plain ❖ line heads the paragraphs below it; a long one is an item of a list.
        return f"**{text}**" if len(text) <= 30 and "**" not in text else "- " + text
    if stripped.startswith("➤"):
        return "**" + stripped[1:].strip() + "**"
    if stripped.startswith("△"):
        return "**" + stripped[1:].strip() + "**"
    caption = _FIGURE_CAPTION.match(stripped)
    if caption:
        return f"〔原文此处有插图：{caption.group(1)}（未收录）〕"
    return line


def tidy_markdown(lines: list[str]) -> str:
    """Return the Markdown of an answer from its raw seed lines, code blocks left exactly as they are."""
    blocks: list[tuple[bool, list[str]]] = []  # (is_code, lines)
    in_code = False
    for line in lines:
        if _FENCE.match(line):
            if not in_code:
                blocks.append((True, [line.strip()]))
            else:
                blocks[-1][1].append(line.strip())
            in_code = not in_code
            continue
        if in_code:
            blocks[-1][1].append(line.rstrip())
            continue
        if not blocks or blocks[-1][0]:
            blocks.append((False, []))
        # Trailing tabs are empty cells of a flattened table row; other trailing space is noise.
        text = line.replace("\u00a0", " ")
        text = text.rstrip(" ") if "\t" in text.strip(" ") else text.rstrip()
        blocks[-1][1].append("" if not text.strip() else text)
    out: list[str] = []
    for is_code, block in blocks:
        if is_code:
            if out and out[-1]:
                out.append("")
            out.extend(block)
            out.append("")
            continue
        block = [_inline(_decoration(line)) if line else "" for line in block]
        block = _list_structure(_tables(_drop_repeated_paragraphs(_join_broken_sentences(block))))
        out.extend(block)
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def read(path: Path) -> list[dict]:
    """Read the seed document and return its cards in document order.

    Returns:
        dicts with ``id``, ``question``, ``answer`` (Markdown) and ``line`` (1-based line of the question).
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    cards: list[dict] = []
    answer: list[str] = []
    section: int | None = None  # the current 第X问, while ➤ lines are questions
    sub_count = 0
    skip_to = -1  # index of a Q heading's question paragraph, which is not part of any answer

    def close() -> None:
        # A heading closes the last card's answer, and so does the next question: keep the first.
        if cards and "answer" not in cards[-1]:
            cards[-1]["answer"] = tidy_markdown(answer)
        answer.clear()

    for index, raw in enumerate(lines):
        if index <= skip_to:
            continue
        line = raw.strip()
        if match := _SECTION.match(line):
            close()
            section, sub_count = chinese_numeral(match.group(1)), 0
            continue
        if section is not None and (match := _SUB_QUESTION.match(line)):
            close()
            sub_count += 1
            cards.append({"id": f"c000-{section}-{sub_count}", "question": clean_question(match.group(1)),
                          "line": index + 1})
            continue
        if match := _HOMEWORK.match(line):
            close()
            section = None
            number = f"{match.group(1)}.{match.group(2)}"
            cards.append({"id": f"c000-hw-{number}", "question": clean_question(match.group(3)), "line": index + 1})
            continue
        if match := _Q_HEADING.match(line):
            close()
            section = None
            skip_to = next(j for j in range(index + 1, len(lines)) if lines[j].strip())
            cards.append({"id": f"c000-q{match.group(1)}", "question": clean_question(lines[skip_to]),
                          "line": skip_to + 1})
            continue
        answer.append(raw)
    close()
    return cards
