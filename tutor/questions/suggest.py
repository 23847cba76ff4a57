""""Did you mean": the corpus terms nearest to a query that found nothing (梯渡 → 梯度, gradiant → gradient).

The vocabulary is what search can find: two-character CJK pieces and Latin words of the questions and answers,
and whole key points and tags (梯度消失), each with the number of cards it occurs in. A query is compared with
terms of about its length by edit distance; the nearest win, the commoner first.
"""

from collections import Counter
from collections.abc import Iterable, Mapping

from tutor.questions.card import Card, point_wordings
from tutor.questions.search import answer_text
from tutor.questions.text import normalize, tokens


def vocabulary(cards: Iterable[Card]) -> Counter:
    """Return each searchable term of ``cards`` with the number of cards it occurs in."""
    counts: Counter = Counter()
    for card in cards:
        # What search indexes: the answer field holds the key points (their alternatives too) and tags.
        terms = {term for term in tokens(f"{card.question} {answer_text(card)}") if len(term) >= 2}
        wordings = (wording for point in card.key_points for wording in point_wordings(point))
        terms.update(normalize(phrase).strip() for phrase in (*wordings, *card.tags))
        terms.discard("")
        counts.update(terms)
    return counts


def indexed_vocabulary(terms: Mapping[str, int], phrases: Mapping[str, int]) -> Counter:
    """Return the vocabulary of :func:`vocabulary` as a full-text index holds it: ``terms`` are the index's
    tokens (of two characters or more) and ``phrases`` the tags and key points, each with its number of cards.

    The index's answer field also holds the tags and key points, so a term counts the cards that have it there
    too: what search finds, and close enough to order suggestions.
    """
    counts = Counter(terms)
    for phrase, count in phrases.items():
        for wording in point_wordings(phrase):
            key = normalize(wording).strip()
            if key:
                counts[key] += count
    return counts


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b`` (insert, delete, replace one character), or ``limit + 1`` when
    it is over ``limit`` (the work stops early)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _allowed(text: str) -> int:
    # One slip in a short word, two in a longer one: more would suggest unrelated terms.
    return 1 if len(text) <= 4 else 2 if len(text) <= 9 else 3


def _nearest(word: str, words: Counter, limit: int) -> list[str]:
    allowed = _allowed(word)
    scored = []
    for term, count in words.items():
        if term != word:
            distance = edit_distance(word, term, allowed)
            if distance <= allowed:
                scored.append((distance, -count, term))
    scored.sort()
    return [term for _, _, term in scored[:limit]]


def suggest(query: str, words: Counter, *, limit: int = 3) -> list[str]:
    """Return up to ``limit`` queries near ``query`` made of terms of ``words`` (see :func:`vocabulary`).

    The whole query is compared first (梯渡 → 梯度, 梯度消时 → 梯度消失); when nothing is near it, each of its
    space-separated words that is not a term is replaced by its nearest term (gradiant descent → gradient
    descent). An empty list when nothing is near.
    """
    text = " ".join(normalize(query).split())
    if not text:
        return []
    whole = _nearest(text, words, limit)
    if whole:
        return whole
    parts = text.split(" ")
    if len(parts) < 2:
        return []
    fixed = []
    for part in parts:
        nearest = [] if part in words else _nearest(part, words, 1)
        fixed.append(nearest[0] if nearest else part)
    return [" ".join(fixed)] if fixed != parts else []
