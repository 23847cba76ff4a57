"""List the corpus vocabulary the course glossary gives no English form for.

Usage: python scripts/glossary_coverage.py [--top N]

Three lists, for whoever grows ``content/glossary.tsv``:

1. every glossary term without an English name or a Latin abbreviation of its own, with the longer term whose
   English holds it (an English answer cannot make a point that uses a term with neither);
2. the words of the decks' key points that no glossary form covers, most frequent first. The grader reads a
   key point as its glossary terms plus the characters and bigrams of its other words
   (:func:`tutor.engine.grading.clauses.units`); a word left outside every term is matched by its characters
   only, so an English or reworded answer cannot make it. Words are cut with jieba's dictionary (two CJK
   characters or more, function words left out);
3. the key points an answer written wholly in English cannot make: the share of the point's units that an
   English answer can hold (its glossary terms, their characters, its Latin words and numbers) is under
   :data:`~tutor.engine.grading.HIT_COVERAGE`;
4. the CJK forms that start in one word of the cards' questions and answers (jieba's cut) and end in the next:
   a form that reads 通过深度 as 通·过深·度 makes a term of words that do not say it.

The last line gives the counts, to compare before and after a change to the glossary.
"""

import argparse
import re
import sys
from collections import Counter

import jieba

from tutor.engine.grading import HIT_COVERAGE
from tutor.engine.grading.clauses import canonical, units
from tutor.errors import DeckError
from tutor.questions.card import point_wordings
from tutor.questions.glossary import load_glossary
from tutor.questions.library import load_library
from tutor.questions.text import is_cjk, normalize

_CJK_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]{2,}$")
_CJK_TEXT = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")
_LATIN = re.compile(r"[a-z]")
# Words that carry no course meaning of their own: an examiner does not look for them.
_FUNCTION_WORDS = frozenset(
    "可以 一个 一种 进行 通过 使用 需要 不同 没有 不能 不会 就是 以及 或者 因为 所以 而且 而是 只是 只有 这个 这些 那些 "
    "其中 其他 每个 每次 所有 相同 同时 之间 之后 之前 以上 以下 可能 能够 用于 用来 作为 对于 关于 由于 如果 也是 还是 "
    "并且 但是 然后 从而 因此 一样 一起 一次 两个 多个 一些 更加 非常 比较 主要 直接 本身 自己 它们 我们 他们 这样 这种".split()
)


def glossary_without_english() -> list[tuple[str, str | None]]:
    """Return the glossary terms with no English name and no Latin abbreviation of their own.

    Each comes with the longer term whose English an answer can use instead, or None: "residual" is a form of
    残差连接, whose characters hold 残差, so an English answer still holds 残差.
    """
    def latin(entry) -> bool:
        return any(_LATIN.search(form.lower()) for form in (entry.term, *entry.english, *entry.abbreviations))

    entries = load_glossary().entries
    missing = []
    for entry in entries:
        if not latin(entry):
            holder = next((other.term for other in entries if entry.term in other.term and latin(other)), None)
            missing.append((entry.term, holder))
    return missing


def uncovered_key_point_words() -> Counter[str]:
    """Count the key-point words (jieba's cut) that fall outside every glossary form, over the whole corpus."""
    glossary = load_glossary()
    counts: Counter[str] = Counter()
    jieba.setLogLevel(60)  # its "Building prefix dict" notice is not this script's output
    for card in load_library().cards:
        for point in card.key_points:
            for alternative in point_wordings(point):
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


def _english_share(point: str) -> float:
    """The weighted share of a key point's units that an answer in English can hold (the grader's weights)."""
    canon = canonical(point)
    # An English answer reads, after the glossary, as the point's terms and Latin words with nothing between.
    kept = [" "] * len(canon)
    for start, end, _ in load_glossary().scan(canon):
        kept[start:end] = canon[start:end]
    kept = [char if char != " " or is_cjk(canon[i]) else canon[i] for i, char in enumerate(kept)]
    reachable = units("".join(kept))
    wanted = units(canon, point=True)
    total = sum(1 if is_cjk(unit) else 2 for unit in wanted)
    return sum(1 if is_cjk(unit) else 2 for unit in wanted if unit in reachable) / total if total else 1.0


def points_out_of_english_reach() -> list[tuple[str, str, float]]:
    """Return (card id, key point, share) for each key point no English answer can make, over the whole corpus."""
    found = []
    for card in load_library().cards:
        for point in card.key_points:
            share = max(_english_share(alternative) for alternative in point_wordings(point))
            if share < HIT_COVERAGE:
                found.append((card.id, point, share))
    return found


def forms_across_words() -> dict[str, Counter[str]]:
    """For each CJK form that starts inside one word of the corpus and ends inside the next, count those words."""
    glossary = load_glossary()
    found: dict[str, Counter[str]] = {}
    jieba.setLogLevel(60)
    for card in load_library().cards:
        text = normalize(f"{card.question}\n{card.answer}")
        words, position = [], 0
        for word in jieba.cut(text):
            words.append((position, position + len(word), word))
            position += len(word)
        for start, end, _ in glossary.scan(text):
            if not _CJK_TEXT.match(text[start:end]):
                continue
            for first, last, word in words:
                # A form inside a word, or at its edge (计算 of 计算资源), reads part of it; one that starts in a
                # word and ends in the next (过深 of 通过|深度) reads neither.
                crosses = (first < start < last < end) or (start < first < end < last)
                if crosses and _CJK_WORD.match(word):
                    found.setdefault(text[start:end], Counter())[word] += 1
    return found


def main() -> None:
    """Print both lists and the counts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=80, help="how many uncovered key-point words to list")
    top = parser.parse_args().top
    try:
        terms = glossary_without_english()
        words = uncovered_key_point_words()
        unreachable = points_out_of_english_reach()
        across = forms_across_words()
    except DeckError as error:
        sys.exit(f"error: {error}")
    print(f"glossary terms without an English form of their own ({len(terms)}), with the term whose English holds them:")
    print("  " + " ".join(f"{term} ({holder or 'none'})" for term, holder in terms))
    bare = sum(1 for _, holder in terms if holder is None)
    print(f"key-point words outside the glossary, most frequent first (top {top} of {len(words)}):")
    print("  " + " ".join(f"{word}×{count}" for word, count in words.most_common(top)))
    print(f"key points an English answer cannot make ({len(unreachable)}):")
    for card_id, point, share in unreachable:
        print(f"  {card_id}: {point}  ({share:.0%} reachable)")
    print(f"forms that start in one word of the cards and end in the next (top {top} of {len(across)}):")
    for form, crossed in sorted(across.items(), key=lambda item: -sum(item[1].values()))[:top]:
        print(f"  {form}: " + " ".join(f"{word}×{count}" for word, count in crossed.most_common(4)))
    repeated = sum(1 for count in words.values() if count >= 2)
    print(f"counts: {len(terms)} terms without English of their own, {bare} with none at all; {len(words)} uncovered key-point words "
          f"({repeated} used twice or more, {sum(words.values())} uses); {len(unreachable)} key points out of "
          "reach in English")


if __name__ == "__main__":
    main()
