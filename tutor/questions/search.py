"""Ranked, Chinese-aware search over cards: BM25F over two fields (question, answer) of character bigrams and words."""

import math
from collections import Counter
from dataclasses import dataclass

from tutor.questions.card import Card
from tutor.questions.text import normalize, tokens

_K1 = 1.2
_B = 0.75
_QUESTION_WEIGHT = 3.0  # a hit in the question says more about what the card is about than one in the answer


@dataclass(frozen=True)
class SearchHit:
    """A card that matched a query, with its score (higher is better)."""

    card: Card
    """The matching card."""
    score: float
    """BM25F score, scaled by the share of the query's terms found and a bonus for the whole phrase."""


def _query_terms(query: str) -> list[str]:
    # Single CJK characters only count when the query has nothing longer: 梯度 should not match every 度.
    terms = tokens(query)
    longer = [term for term in terms if len(term) > 1]
    return list(dict.fromkeys(longer or terms))


def _required(count: int) -> int:
    return count if count <= 2 else math.ceil(count / 2)


@dataclass(frozen=True)
class _Field:
    """One field of every card, tokenised: the term counts of each card and its length."""

    counts: tuple[Counter, ...]
    lengths: tuple[int, ...]
    average: float

    @classmethod
    def of(cls, texts: list[str]) -> "_Field":
        counts = tuple(Counter(tokens(text)) for text in texts)
        lengths = tuple(sum(count.values()) or 1 for count in counts)
        return cls(counts=counts, lengths=lengths, average=sum(lengths) / max(len(lengths), 1))


@dataclass(frozen=True)
class SearchIndex:
    """Cards tokenised once, so that each query (one per keystroke in the app) only scores them."""

    cards: tuple[Card, ...]
    """The cards searched, in the order of ties."""
    _questions: _Field
    _answers: _Field

    @classmethod
    def build(cls, cards: list[Card] | tuple[Card, ...]) -> "SearchIndex":
        """Tokenise the questions and answers (with tags and key points) of ``cards``."""
        return cls(
            cards=tuple(cards),
            _questions=_Field.of([card.question for card in cards]),
            _answers=_Field.of([" ".join((card.answer, *card.tags, *card.key_points)) for card in cards]),
        )

    def search(self, query: str, *, limit: int | None = None) -> list[SearchHit]:
        """Return the cards matching ``query``, best first.

        Terms are Latin words (any case), numbers and two-character CJK pieces. A card matches when it contains
        every term of a one- or two-term query, or half the terms of a longer one (so 梯度消失的原因 still finds
        梯度消失产生的原因). Each field is normalised by its length (BM25F), so a short question about the query
        ranks above a long answer that mentions it in passing; the whole query as written adds a bonus.
        """
        terms = _query_terms(query)
        if not terms:
            return []
        questions, answers = self._questions, self._answers
        frequency = Counter(
            term for q, a in zip(questions.counts, answers.counts) for term in terms if q[term] or a[term]
        )
        phrase = normalize(query).strip()
        hits = []
        for index, card in enumerate(self.cards):
            question, answer = questions.counts[index], answers.counts[index]
            matched = [term for term in terms if question[term] or answer[term]]
            if len(matched) < _required(len(terms)):
                continue
            score = 0.0
            for term in matched:
                weight = _QUESTION_WEIGHT * question[term] / (
                    1 - _B + _B * questions.lengths[index] / questions.average
                )
                weight += answer[term] / (1 - _B + _B * answers.lengths[index] / answers.average)
                idf = math.log(1 + (len(self.cards) - frequency[term] + 0.5) / (frequency[term] + 0.5))
                score += idf * weight * (_K1 + 1) / (weight + _K1)
            question_text = normalize(card.question)
            if phrase in question_text:
                # the more of the question the phrase makes up, the more the card is about it
                score *= 2 + 4 * len(phrase) / len(question_text)
            elif phrase in normalize(card.answer):
                score *= 1.3
            hits.append(SearchHit(card=card, score=score * len(matched) / len(terms)))
        hits.sort(key=lambda hit: -hit.score)
        return hits[:limit] if limit else hits


def search(cards: list[Card] | tuple[Card, ...], query: str, *, limit: int | None = None) -> list[SearchHit]:
    """Return the cards matching ``query``, best first (see :meth:`SearchIndex.search`).

    Tokenises every card: to run many queries over the same cards, build a :class:`SearchIndex` once.
    """
    return SearchIndex.build(cards).search(query, limit=limit)
