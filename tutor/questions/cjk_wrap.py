"""Line breaking for Chinese text in Rich and Textual.

Rich (and Textual, which reuses Rich's ``divide_line``) breaks lines only at whitespace, so an unspaced run of
Chinese is one long "word": a sentence that follows an English word jumps to the next line and leaves a ragged
gap, and table cells are cut with an ellipsis. Chinese may break between any two characters, except that
closing punctuation (，。）” …) must not start a line and opening punctuation (（“ …) must not end one. This
module gives Rich's word splitter those break opportunities; it changes where lines break, never the text.

This is the project's one patch of a library's private function, and it is kept on purpose: Textual wraps at
render time, at a width known only then, through ``rich._wrap.divide_line``, which takes no splitter argument.
Pre-wrapping with wcwidth would need that width before layout and would freeze the breaks when the terminal is
resized; a renderable of our own in every widget that shows text would duplicate Textual's layout. A test
(tests/questions/test_cjk_wrap.py) fails when Rich or Textual changes what the patch relies on.
"""

import re
from collections.abc import Iterable

_CJK = "\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
_OPEN = "（「『【《〈〔“‘([{"
_CLOSE = "，。、；：？！）」』】》〉〕”’…—·％%)\\]},.;:!?"
# A word carries the white space after it; the text's leading white space goes with the first word. The
# pattern does not start with \s*, which would rescan a long run of spaces from each of its positions.
_WORD = re.compile(rf"[{re.escape(_OPEN)}]*(?:[{_CJK}]|[^\s{_CJK}]+)[{re.escape(_CLOSE)}]*\s*")
_SPACE = re.compile(r"\s*")


def cjk_words(text: str) -> Iterable[tuple[int, int, str]]:
    """Yield ``(start, end, word)`` like ``rich._wrap.words``, with each CJK character its own word.

    Closing punctuation stays with the character before it and opening punctuation with the one after it.
    """
    position = 0
    start = _SPACE.match(text).end()
    # When only white space is left, Rich's splitter yields nothing for it either.
    while start < len(text) and (match := _WORD.match(text, start)) is not None:
        yield position, match.end(), text[position : match.end()]
        position = start = match.end()


def install() -> None:
    """Make Rich's (and so Textual's) line wrapping break Chinese text between characters. Idempotent."""
    import rich._wrap  # rich==15.0.0 is pinned: ``words`` is the splitter ``divide_line`` calls

    rich._wrap.words = cjk_words
