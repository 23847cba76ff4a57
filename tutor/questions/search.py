"""Ranked, Chinese-aware search over cards: BM25F over two fields (question, answer) of character bigrams and words."""

import math
from collections import Counter
from dataclasses import dataclass

from tutor.questions.card import Card
from tutor.questions.text import normalize, tokens

K1 = 1.2
"""BM25's term-frequency saturation."""
B = 0.75
"""BM25's length normalisation."""
QUESTION_WEIGHT = 3.0
"""A hit in the question says more about what the card is about than one in the answer."""


@dataclass(frozen=True)
class SearchHit:
    """A card that matched a query, with its score (higher is better)."""

    card: Card
    """The matching card."""
    score: float
    """BM25F score, scaled by the share of the query's terms found and a bonus for the whole phrase."""


def query_terms(query: str) -> list[str]:
    """Return the distinct search terms of ``query`` (see :meth:`SearchIndex.search`)."""
    # Single CJK characters only count when the query has nothing longer: 梯度 should not match every 度.
    terms = tokens(query)
    longer = [term for term in terms if len(term) > 1]
    return list(dict.fromkeys(longer or terms))


def query_phrase(query: str) -> str:
    """Return the whole query as written, in the normal form the phrase bonus looks for."""
    return normalize(query).strip()


def required_terms(count: int) -> int:
    """Return how many of a query's ``count`` terms a card must contain to match."""
    return count if count <= 2 else math.ceil(count / 2)


def field_length(text_tokens: list[str]) -> int:
    """Return the length BM25F normalises a field by: its number of tokens (at least 1)."""
    return len(text_tokens) or 1


def answer_text(card: Card) -> str:
    """Return what the answer field of search holds: the answer with the card's tags and key points."""
    return " ".join((card.answer, *card.tags, *card.key_points))


def inverse_frequency(total: int, frequency: int) -> float:
    """Return the BM25 idf of a term found in ``frequency`` of ``total`` cards."""
    return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))


@dataclass(frozen=True)
class Candidate:
    """What scoring needs of one card that holds some of a query's terms."""

    question_counts: dict[str, int]
    """Occurrences of each query term in the question."""
    answer_counts: dict[str, int]
    """Occurrences of each query term in the answer field (answer, tags, key points)."""
    question_length: int
    """Tokens in the question (:func:`field_length`)."""
    answer_length: int
    """Tokens in the answer field."""
    question_chars: int
    """Characters of the normalised question."""
    phrase_in_question: bool
    """The whole query as written is in the normalised question."""
    phrase_in_answer: bool
    """The whole query as written is in the normalised answer."""


def score(
    candidate: Candidate,
    terms: list[str],
    idf: dict[str, float],
    averages: tuple[float, float],
    phrase: str,
) -> float | None:
    """Return the score of ``candidate`` for the query ``terms`` (None when it does not match).

    ``idf`` is each term's inverse frequency and ``averages`` the mean question and answer lengths of the
    cards searched. The definition of the ranking: :class:`SearchIndex` calls it, and the store's FTS5 search
    computes the same arithmetic in the same order in SQL (so that 10,000 matches are not scored one by one
    in Python); ``tests/engine/test_collection.py`` checks that both give the same scores on the corpus.
    """
    question, answer = candidate.question_counts, candidate.answer_counts
    matched = [term for term in terms if question.get(term) or answer.get(term)]
    if len(matched) < required_terms(len(terms)):
        return None
    total = 0.0
    for term in matched:
        weight = QUESTION_WEIGHT * question.get(term, 0) / (
            1 - B + B * candidate.question_length / averages[0]
        )
        weight += answer.get(term, 0) / (1 - B + B * candidate.answer_length / averages[1])
        total += idf[term] * weight * (K1 + 1) / (weight + K1)
    if candidate.phrase_in_question:
        # the more of the question the phrase makes up, the more the card is about it
        total *= 2 + 4 * len(phrase) / candidate.question_chars
    elif candidate.phrase_in_answer:
        total *= 1.3
    return total * len(matched) / len(terms)


@dataclass(frozen=True)
class _Field:
    """One field of every card, tokenised: the term counts of each card and its length."""

    counts: tuple[Counter, ...]
    lengths: tuple[int, ...]
    average: float

    @classmethod
    def of(cls, texts: list[str]) -> "_Field":
        counts = tuple(Counter(tokens(text)) for text in texts)
        lengths = tuple(sum(count.values()) or 1 for count in counts)  # field_length, without a second list
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
            _answers=_Field.of([answer_text(card) for card in cards]),
        )

    def search(self, query: str, *, limit: int | None = None) -> list[SearchHit]:
        """Return the cards matching ``query``, best first.

        Terms are Latin words (any case), numbers and two-character CJK pieces. A card matches when it contains
        every term of a one- or two-term query, or half the terms of a longer one (so 梯度消失的原因 still finds
        梯度消失产生的原因). Each field is normalised by its length (BM25F), so a short question about the query
        ranks above a long answer that mentions it in passing; the whole query as written adds a bonus.
        """
        terms = query_terms(query)
        if not terms:
            return []
        questions, answers = self._questions, self._answers
        frequency = Counter(
            term for q, a in zip(questions.counts, answers.counts) for term in terms if q[term] or a[term]
        )
        idf = {term: inverse_frequency(len(self.cards), frequency[term]) for term in terms}
        averages = (questions.average, answers.average)
        phrase = query_phrase(query)
        hits = []
        for index, card in enumerate(self.cards):
            question, answer = questions.counts[index], answers.counts[index]
            if not any(question[term] or answer[term] for term in terms):
                continue
            question_text = normalize(card.question)
            candidate = Candidate(
                question_counts={term: question[term] for term in terms},
                answer_counts={term: answer[term] for term in terms},
                question_length=questions.lengths[index],
                answer_length=answers.lengths[index],
                question_chars=len(question_text),
                phrase_in_question=phrase in question_text,
                phrase_in_answer=phrase in normalize(card.answer),
            )
            value = score(candidate, terms, idf, averages, phrase)
            if value is not None:
                hits.append(SearchHit(card=card, score=value))
        hits.sort(key=lambda hit: -hit.score)
        return hits[:limit] if limit else hits


def search(cards: list[Card] | tuple[Card, ...], query: str, *, limit: int | None = None) -> list[SearchHit]:
    """Return the cards matching ``query``, best first (see :meth:`SearchIndex.search`).

    Tokenises every card: to run many queries over the same cards, build a :class:`SearchIndex` once.
    """
    return SearchIndex.build(cards).search(query, limit=limit)
