"""Seed reader for 001_afbe78144d1a8b4d.txt: the AICS course's homework sheets (作业一 … 作业八) with answers.

Questions come in two numberings:

* ``2.2 …``, ``5.7 …``: textbook exercise numbers (id ``c001-2.2``);
* ``1. …``, ``2. …`` counted from 1 again under each ``作业X`` heading (id ``c001-hw3-1``); the first question
  of the document has no heading before it (id ``c001-1``).

Answers also use ``1.``, ``2.`` for their own sub-points, so a numbered line is a question only when its number
is the next question number of the sheet and it asks for something (给出, 列出, 为什么, …). After a textbook
numbered question, numbered lines are sub-points until the next ``作业X`` heading.
"""

import re
from pathlib import Path

from seeds.seed000 import chinese_numeral, clean_question, tidy_markdown

_SHEET = re.compile(r"^作业([一二三四五六七八九十]+)[：:]?$")
_EXERCISE = re.compile(r"^(\d+)\.(\d+)\s+(.+)$")
_NUMBERED = re.compile(r"^(\d+)\.\s*(.+)$")
_ASKS = re.compile(r"给出|列出|说明|为什么|画出|针对|简述|请|分析|如何|什么|？|\?")
_MISSING_PLOT = "绘图结果如下："
# The conversion ran the heading 必须串行 of 5.8 into the list under 可并行 (the table after it has it right).
_MERGED_LISTS = "数据分发、前向传播、反向传播、必须串行、梯度同步、参数更新。"


def read(path: Path) -> list[dict]:
    """Read the seed document and return its cards in document order.

    Returns:
        dicts with ``id``, ``question``, ``answer`` (Markdown) and ``line`` (1-based line of the question).
    """
    lines = path.read_text(encoding="utf-8").splitlines()
    cards: list[dict] = []
    answer: list[str] = []
    sheet: int | None = None
    next_number: int | None = 1  # next question number of the current sheet; None after a textbook exercise

    def close() -> None:
        # A heading closes the last card's answer, and so does the next question: keep the first.
        if cards and "answer" not in cards[-1]:
            cards[-1]["answer"] = tidy_markdown(answer)
        answer.clear()

    for index, raw in enumerate(lines):
        line = raw.strip()
        if match := _SHEET.match(line):
            close()
            sheet, next_number = chinese_numeral(match.group(1)), 1
            continue
        if match := _EXERCISE.match(line):
            close()
            next_number = None
            number = f"{match.group(1)}.{match.group(2)}"
            cards.append({"id": f"c001-{number}", "question": clean_question(match.group(3)), "line": index + 1})
            continue
        match = _NUMBERED.match(line)
        if match and next_number is not None and int(match.group(1)) == next_number and _ASKS.search(match.group(2)):
            close()
            prefix = f"hw{sheet}-" if sheet is not None else ""
            cards.append({"id": f"c001-{prefix}{next_number}", "question": clean_question(match.group(2)),
                          "line": index + 1})
            next_number += 1
            continue
        if line == _MERGED_LISTS:
            answer.extend(["数据分发、前向传播、反向传播。", "必须串行：梯度同步、参数更新。"])
            continue
        answer.append(raw)
        if line == _MISSING_PLOT:
            # The plot itself was an image that did not survive the conversion.
            answer.extend(["", "〔原文此处有插图：五种激活函数的图像（未收录）〕"])
    close()
    return cards
