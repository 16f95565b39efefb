"""The article indexed once per draft (:class:`ArticleIndex`): its sentences, their terms and
figures, and the supporting sentence(s) of each bullet (:class:`Support`).
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType

from bot.domain import Article
from bot.summarizer.checks.names import (
    bare_word,
    find_name_words,
    find_person_words,
    is_capitalised,
)
from bot.summarizer.checks.numbers import (
    NumberMention,
    article_numbers,
    find_numbers,
    number_matches,
)
from bot.summarizer.checks.quotes import (
    QuoteSpan,
    find_quote_spans,
    find_words,
    fold,
    quote_fragments,
)
from bot.summarizer.checks.vocabulary import Vocabulary
from bot.summarizer.text import (
    WORD,
    clean_paragraphs,
    detect_language,
    normalize_language,
    split_sentences,
    stem,
    stopwords,
)

# --- evidence -----------------------------------------------------------------------------------


_NUMBER_WEIGHT = 0.5
_SHOWN_NUMBER_WEIGHT = 1.5


@dataclass(frozen=True, slots=True)
class Support:
    """The sentences (indices into the article's, best first) that back a bullet, and how well."""

    sentences: tuple[int, ...]
    score: float
    shown: int = -1  # the sentence shown to the editor (figures weigh more)


@lru_cache(maxsize=32)
def _stop_stems(language: str) -> frozenset[str]:
    return frozenset(stem(word, language) for word in stopwords(language))


def content_terms(text: str, language: str, stops: frozenset[str]) -> set[str]:
    """Stems of the content words of ``text``; hyphenated compounds also by their parts.

    A word whose stem is a stop word's is left out in every form, so that "homes" and
    "home" (a stop word in the English list) are treated alike on both sides.
    """
    stop_stems = _stop_stems(language)
    terms: set[str] = set()
    for token in WORD.findall(text):
        for part in (token, *token.split("-")) if "-" in token else (token,):
            if len(part) > 1 and part.casefold() not in stops:
                term = stem(part, language)
                if term not in stop_stems:
                    terms.add(term)
    return terms


def word_count(text: str) -> int:
    """Words as a reader counts them: a lone dash or ellipsis is not a word."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


# --- all checks ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleIndex:
    """What the checks need from an article, computed once per article (never shared)."""

    language: str
    text: str
    folded: str
    vocabulary: Vocabulary
    numbers: frozenset[Decimal]
    sentences: tuple[str, ...]
    sentence_terms: tuple[frozenset[str], ...]
    sentence_numbers: tuple[tuple[NumberMention, ...], ...]
    sentence_values: tuple[frozenset[Decimal], ...]
    sentence_starts: tuple[int, ...]  # offset of each sentence in ``text``
    quotes: tuple[QuoteSpan, ...]
    name_words: frozenset[str]
    frequency: Mapping[str, int] = field(default_factory=dict)
    person_words: frozenset[str] = frozenset()

    @property
    def words(self) -> frozenset[str]:
        return self.vocabulary.words

    @property
    def stems(self) -> frozenset[str]:
        return self.vocabulary.stems

    @classmethod
    def build(cls, article: Article, language: str | None = None) -> ArticleIndex:
        paragraphs, _removed = clean_paragraphs(article.text)
        text = "\n".join(paragraphs)
        lang = (
            normalize_language(language)
            or normalize_language(article.language)
            or detect_language(text).language
            or "en"
        )
        full = f"{article.title or ''}\n{article.site_name or ''}\n{text}"
        stops = stopwords(lang)
        sentences = tuple(split_sentences(text, lang))
        starts = []
        cursor = 0
        for sentence in sentences:
            at = text.find(sentence, cursor)
            starts.append(at if at >= 0 else cursor)
            cursor = (at if at >= 0 else cursor) + len(sentence)
        terms = tuple(frozenset(content_terms(sentence, lang, stops)) for sentence in sentences)
        mentions = []
        values = []
        for sentence in sentences:
            found = find_numbers(sentence, lang)
            mentions.append(tuple(found))
            pool: set[Decimal] = set()
            for guess in {lang, "de", "en"}:
                for mention in find_numbers(sentence, guess) if guess != lang else found:
                    pool |= mention.values | mention.base_values
            values.append(frozenset(pool))
        frequency: Counter[str] = Counter(t for sentence_terms in terms for t in sentence_terms)
        return cls(
            language=lang,
            text=text,
            folded=fold(full),
            vocabulary=Vocabulary.build(full, lang),
            numbers=frozenset(article_numbers(article, values, lang)),
            sentences=sentences,
            sentence_terms=terms,
            sentence_numbers=tuple(mentions),
            sentence_values=tuple(values),
            sentence_starts=tuple(starts),
            quotes=tuple(find_quote_spans(text)),
            name_words=find_name_words(full, stops),
            person_words=find_person_words(full, stops, lang),
            frequency=MappingProxyType(dict(frequency)),
        )

    # --- support ---------------------------------------------------------------------------

    def _weight(self, df: int) -> float:
        n = len(self.sentences)
        return math.log((n + 1) / (df + 0.5))

    def support(self, text: str, language: str) -> Support:
        """The sentence that backs ``text`` best (content words and figures, IDF-weighted),
        and a second one when the bullet joins two facts (it adds two or more content words
        and a quarter of the weight).

        Figures count twice over. For the checks a figure weighs half a word: it breaks ties
        between sentences on the same topic ("$44.2 million per week" vs "$53 million a
        week") without letting a figure taken from elsewhere outvote the bullet's words. For
        the sentence shown to the editor it weighs one and a half: of two sentences that a
        bullet joins, the one with its figures is the one to check it against.
        """
        if not self.sentences:
            return Support((), 0.0)
        stops = stopwords(self.language)
        terms = content_terms(text, self.language, stops)
        weights = {term: self._weight(self.frequency.get(term, 0)) for term in terms}
        mentions = [m for m in find_numbers(text, language) if not m.values <= {0, 1}]
        number_hits = []
        for mention in mentions:
            hits = {i for i, pool in enumerate(self.sentence_values) if mention.values & pool}
            number_hits.append((hits, self._weight(len(hits))))
        content_total = sum(weights.values())
        numbers_total = sum(w for _, w in number_hits)
        if content_total + numbers_total <= 0:
            return Support((), 0.0)
        best, best_score = -1, 0.0
        shown, shown_score = -1, 0.0
        for i, sentence_terms in enumerate(self.sentence_terms):
            content = sum(weights[t] for t in terms & sentence_terms)
            figures = sum(w for hits, w in number_hits if i in hits)
            score = content + _NUMBER_WEIGHT * figures
            if score > best_score:
                best, best_score = i, score
            if content + _SHOWN_NUMBER_WEIGHT * figures > shown_score:
                shown, shown_score = i, content + _SHOWN_NUMBER_WEIGHT * figures
        if best < 0:
            return Support((), 0.0)
        chosen = [best]
        missing = terms - self.sentence_terms[best]
        second, second_gain = -1, 0.0
        for i, sentence_terms in enumerate(self.sentence_terms):
            if i == best:
                continue
            new = missing & sentence_terms
            gain = sum(weights[t] for t in new)
            if len(new) >= 2 and gain > second_gain:
                second, second_gain = i, gain
        if second >= 0 and second_gain >= 0.25 * content_total:
            chosen.append(second)
        total = content_total + _SHOWN_NUMBER_WEIGHT * numbers_total
        return Support(tuple(chosen), round(shown_score / total, 3), shown)

    def backs_number(self, mention: NumberMention, text: str, support: Support) -> bool:
        """True if a sentence next to the supporting one, or one sharing a content word with
        the bullet that the supporting sentence lacks, has the figure: a bullet may join
        two facts ("voted 14 to 5 to build …" from "approved a plan …" + "The vote was 14
        to 5"). A figure from an unrelated part of the article stays unbacked."""
        if not support.sentences:
            return False
        best = support.sentences[0]
        terms = content_terms(text, self.language, stopwords(self.language))
        missing = terms - self.sentence_terms[best]
        for i, pool in enumerate(self.sentence_values):
            if i in support.sentences or not number_matches(mention, pool):
                continue
            if abs(i - best) == 1 and self.sentence_terms[i] & terms:
                return True
            if missing & self.sentence_terms[i]:
                return True
        return False

    # --- quotes ----------------------------------------------------------------------------

    def _sentence_at(self, offset: int) -> int:
        return max(0, bisect_left(self.sentence_starts, offset + 1) - 1)

    def sentence_of_quote(self, quote: str) -> str | None:
        """The article sentence(s) holding the quotation that ``quote`` is taken from."""
        fragments = quote_fragments(quote)
        for span in self.quotes:
            if fragments and find_words(span.folded, fragments[0]) >= 0:
                first = self._sentence_at(span.start)
                last = self._sentence_at(max(span.start, span.end - 1))
                return " ".join(self.sentences[first : last + 1])
        return None

    def _names_between(self, start: int, end: int, span: QuoteSpan) -> list[str]:
        found = []
        for token in WORD.finditer(self.text, start, end):
            if span.start <= token.start() < span.end or not is_capitalised(token.group()):
                continue
            if (
                bare_word(token.group()) in self.name_words
                or fold(token.group()) in self.name_words
            ):
                distance = min(abs(token.start() - span.start), abs(token.start() - span.end))
                found.append((distance, token.group()))
        return [word for _, word in sorted(found)]

    def speakers_near(self, span: QuoteSpan) -> tuple[list[str], list[str]]:
        """Name words around an article quotation, nearest first: those in its own
        sentence(s), and those in the sentence before (up to three where its own name
        nobody: "…", sagte er)."""
        first = self._sentence_at(span.start)
        last = self._sentence_at(max(span.start, span.end - 1))
        end = self.sentence_starts[last + 1] if last + 1 < len(self.sentences) else len(self.text)
        own = self._names_between(self.sentence_starts[first], end, span)
        back = 1 if own else 3
        before = self._names_between(
            self.sentence_starts[max(0, first - back)], self.sentence_starts[first], span
        )
        return own, before
