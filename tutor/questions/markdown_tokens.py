"""Markdown as Chinese cards write it, parsed by markdown-it (Rich's parser) with two repairs.

1. **Bold beside Chinese punctuation.** CommonMark only lets ``**`` close when it is not preceded by
   punctuation, or is followed by white space or punctuation. Chinese puts no space between words, so
   ``是**小批量（mini-batch）**数据`` leaves both ``**`` as text. Any ``**`` that markdown-it left as text is
   paired here, left to right within one run of inline text, and becomes bold.
2. **Line breaks in table cells.** A table row is one line, so tables write ``<br>`` for a break inside a cell;
   Rich drops inline HTML and the two lines ran together. ``<br>`` becomes a hard break.

Both Rich (the command line) and Textual (the app, through Rich's Markdown) draw the repaired tokens.
"""

import re
from functools import lru_cache

_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_STRONG = "**"


@lru_cache(maxsize=1)
def _parser():
    from markdown_it import MarkdownIt  # Rich's own parser, configured as Rich configures it

    return MarkdownIt().enable("strikethrough").enable("table")


def _token(kind: str, **fields):
    from markdown_it.token import Token

    return Token(type=kind, nesting=fields.pop("nesting", 0), tag=fields.pop("tag", ""), **fields)


def _repair_inline(children: list) -> list:
    """Return inline tokens with leftover ``**`` pairs made bold and ``<br>`` made a hard break."""
    tokens: list = []
    delimiters: list[int] = []
    for child in children:
        if child.type == "html_inline" and _BREAK.fullmatch(child.content.strip()):
            tokens.append(_token("hardbreak", tag="br"))
        elif child.type == "text" and _STRONG in child.content:
            for index, part in enumerate(child.content.split(_STRONG)):
                if index:
                    delimiters.append(len(tokens))
                    tokens.append(_token("text", content=_STRONG))
                if part:
                    tokens.append(_token("text", content=part))
        else:
            tokens.append(child)
    opening = None
    for position in delimiters:
        between = tokens[opening + 1 : position] if opening is not None else []
        # A pair holds some text and does not straddle a link or another span's opening or closing.
        if opening is not None and between and all(token.nesting == 0 for token in between):
            tokens[opening] = _token("strong_open", tag="strong", nesting=1, markup=_STRONG)
            tokens[position] = _token("strong_close", tag="strong", nesting=-1, markup=_STRONG)
            opening = None
        else:
            opening = position
    return tokens


def parse(markdown: str) -> list:
    """Return markdown-it's block tokens of ``markdown``, with the repairs of the module docstring."""
    tokens = _parser().parse(markdown)
    for token in tokens:
        if token.type == "inline" and token.children:
            token.children = _repair_inline(token.children)
    return tokens


def plain_text(markdown: str) -> str:
    """Return the words of ``markdown`` without its markup, on one line (for lists, titles and table cells).

    Inline code keeps its text without backticks, emphasis its text without stars, a link its text.
    """
    words = []
    for token in parse(markdown):
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                words.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                words.append(" ")
        if token.type == "fence" or token.type == "code_block":
            words.append(" " + token.content.strip().replace("\n", " "))
        if token.nesting == -1 and token.block:
            words.append(" ")
    return " ".join("".join(words).split())
