"""Ranked, Chinese-aware search over cards (BM25 over character bigrams and words)."""

import math
from collections import Counter
from dataclasses import dataclass

from tutor.questions.card import Card
from tutor.questions.text import normalize, tokens

_K1 = 1.2
_B = 0.75
_QUESTION_WEIGHT = 3  # a hit in the question says more about what the card is about than one in the answer


@dataclass(frozen=True)
class SearchHit:
    """A card that matched a query, with its score (higher is better)."""

    card: Card
    """The matching card."""
    score: float
    """BM25 score; phrase matches add a bonus."""


def _document(card: Card) -> Counter:
    counts = Counter(tokens(card.answer + " " + " ".join(card.tags) + " " + " ".join(card.key_points)))
    for token in tokens(card.question):
        counts[token] += _QUESTION_WEIGHT
    return counts


def _query_terms(query: str) -> list[str]:
    # Single CJK characters only count when the query has nothing longer: 梯度 should not match every 度.
    terms = tokens(query)
    longer = [term for term in terms if len(term) > 1]
    return list(dict.fromkeys(longer or terms))


def _required(count: int) -> int:
    return count if count <= 2 else math.ceil(count / 2)


def search(cards: list[Card] | tuple[Card, ...], query: str, *, limit: int | None = None) -> list[SearchHit]:
    """Return the cards matching ``query``, best first.

    Terms are Latin words (any case), numbers and two-character CJK pieces. A card matches when it contains
    every term of a one- or two-term query, or most terms of a longer one (so 梯度消失的原因 still finds
    梯度消失产生的原因); cards with more of the terms, and with the whole query as written, rank higher.
    """
    terms = _query_terms(query)
    if not terms:
        return []
    documents = [_document(card) for card in cards]
    lengths = [sum(document.values()) for document in documents]
    average = sum(lengths) / max(len(lengths), 1)
    frequency = Counter(term for document in documents for term in set(terms) if document[term])
    phrase = normalize(query).strip()
    hits = []
    for card, document, length in zip(cards, documents, lengths):
        matched = [term for term in terms if document[term]]
        if len(matched) < _required(len(terms)):
            continue
        score = 0.0
        for term in matched:
            idf = math.log(1 + (len(cards) - frequency[term] + 0.5) / (frequency[term] + 0.5))
            count = document[term]
            score += idf * count * (_K1 + 1) / (count + _K1 * (1 - _B + _B * length / average))
        if phrase in normalize(card.question):
            score *= 2
        elif phrase in normalize(card.answer):
            score *= 1.3
        hits.append(SearchHit(card=card, score=score * len(matched) / len(terms)))
    hits.sort(key=lambda hit: -hit.score)
    return hits[:limit] if limit else hits
