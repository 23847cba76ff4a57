"""Chinese-aware tokens: CJK characters and their bigrams, lower-cased Latin words, and numbers.

Character bigrams find two-character words such as 梯度 or 池化 without a segmentation dictionary, so search
and grading start instantly and tolerate small differences in wording.
"""

import re
import unicodedata

TOKENS_VERSION = 1
"""Bump when :func:`tokens` changes: the store rebuilds its full-text index, which holds these tokens."""


def normalize(text: str) -> str:
    """Fold full-width forms to ASCII (NFKC) and lower-case, so ＲｅＬＵ and relu compare equal."""
    return unicodedata.normalize("NFKC", text).lower()


def tokens(text: str) -> list[str]:
    """Return the search tokens of ``text``: each CJK character and bigram, each Latin word, each number.

    A hyphenated or underscored word gives its parts and the joined form (all-reduce: all, reduce, allreduce).
    """
    result: list[str] = []
    # The patterns are written in the calls, so ``re`` compiles them (~10 ms for the CJK ranges) at the first
    # call and caches them, not every command that imports this module for TOKENS_VERSION.
    runs = re.findall(
        r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*|\d+(?:\.\d+)?", normalize(text)
    )
    for run in runs:
        if is_cjk(run):
            result.extend(run)
            result.extend(run[i : i + 2] for i in range(len(run) - 1))
        elif "-" in run or "_" in run:
            # all-reduce, all_reduce and allreduce are one word: keep the parts and the joined form
            parts = re.split(r"[-_]", run)
            result.extend(parts)
            result.append("".join(parts))
        else:
            result.append(run)
    return result


_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def is_cjk(token: str) -> bool:
    """True when ``token`` starts with a CJK character (a CJK unit of the grader, a token of search)."""
    return _CJK.match(token) is not None
