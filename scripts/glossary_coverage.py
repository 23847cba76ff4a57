"""List the corpus vocabulary the course glossary gives no English form for.

Usage: python scripts/glossary_coverage.py [--top N]

Two lists, for whoever grows ``content/glossary.tsv``:

1. every glossary term without an English name or a Latin abbreviation (an English answer cannot make a point
   that uses it);
2. the words of the decks' key points that no glossary form covers, most frequent first. The grader reads a
   key point as its glossary terms plus the characters and bigrams of its other words
   (:func:`tutor.engine.grading.clauses.units`); a word left outside every term is matched by its characters
   only, so an English or reworded answer cannot make it. Words are cut with jieba's dictionary (two CJK
   characters or more, function words left out).

The last line gives the counts, to compare before and after a change to the glossary.
"""

import argparse
import re
import sys
from collections import Counter

import jieba

from tutor.engine.grading import ALTERNATIVE_SEPARATOR
from tutor.errors import DeckError
from tutor.questions.glossary import load_glossary
from tutor.questions.library import load_library
from tutor.questions.text import normalize

_CJK_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,}$")
_LATIN = re.compile(r"[a-z]")
# Words that carry no course meaning of their own: an examiner does not look for them.
_FUNCTION_WORDS = frozenset(
    "可以 一个 一种 进行 通过 使用 需要 不同 没有 不能 不会 就是 以及 或者 因为 所以 而且 而是 只是 只有 这个 这些 那些 "
    "其中 其他 每个 每次 所有 相同 同时 之间 之后 之前 以上 以下 可能 能够 用于 用来 作为 对于 关于 由于 如果 也是 还是 "
    "并且 但是 然后 从而 因此 一样 一起 一次 两个 多个 一些 更加 非常 比较 主要 直接 本身 自己 它们 我们 他们 这样 这种".split()
)


def glossary_without_english() -> list[str]:
    """Return the glossary terms with no English name and no Latin abbreviation."""
    missing = []
    for entry in load_glossary().entries:
        latin = [form for form in (*entry.english, *entry.abbreviations) if _LATIN.search(form.lower())]
        if not latin and not _LATIN.search(entry.term.lower()):
            missing.append(entry.term)
    return missing


def uncovered_key_point_words() -> Counter[str]:
    """Count the key-point words (jieba's cut) that fall outside every glossary form, over the whole corpus."""
    glossary = load_glossary()
    counts: Counter[str] = Counter()
    jieba.setLogLevel(60)  # its "Building prefix dict" notice is not this script's output
    for card in load_library().cards:
        for point in card.key_points:
            for alternative in point.split(ALTERNATIVE_SEPARATOR):
                text = normalize(alternative)
                covered = [False] * len(text)
                for start, end, _ in glossary.scan(text):
                    covered[start:end] = [True] * (end - start)
                position = 0
                for word in jieba.cut(text):
                    span = covered[position : position + len(word)]
                    position += len(word)
                    if _CJK_WORD.match(word) and word not in _FUNCTION_WORDS and not any(span):
                        counts[word] += 1
    return counts


def main() -> None:
    """Print both lists and the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=80, help="how many uncovered key-point words to list")
    top = parser.parse_args().top
    try:
        terms = glossary_without_english()
        words = uncovered_key_point_words()
    except DeckError as error:
        sys.exit(f"error: {error}")
    print(f"glossary terms without an English form ({len(terms)}):")
    print("  " + " ".join(terms))
    print(f"key-point words outside the glossary, most frequent first (top {top} of {len(words)}):")
    print("  " + " ".join(f"{word}×{count}" for word, count in words.most_common(top)))
    repeated = sum(1 for count in words.values() if count >= 2)
    print(f"counts: {len(terms)} terms without English; {len(words)} uncovered key-point words "
          f"({repeated} used twice or more, {sum(words.values())} uses)")


if __name__ == "__main__":
    main()
