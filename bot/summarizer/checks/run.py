"""All checks of a draft at once (:func:`run_checks`): each bullet tied to its supporting
sentences, then its numbers, quotes and speakers checked against them, its names against the
whole article, its wording for artefacts and its negations; and the language of the bullets
(:func:`language_checks`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import Decimal

from bot.domain import Article
from bot.summarizer.checks.artefacts import blank_quotes, find_artefacts
from bot.summarizer.checks.evidence import ArticleIndex, Support, content_terms, word_count
from bot.summarizer.checks.names import bare_word, find_absent_names, is_capitalised
from bot.summarizer.checks.negation import CLAUSE_MARKS, negated_source, negation_difference
from bot.summarizer.checks.numbers import NumberMention, find_numbers, number_matches, scale_table
from bot.summarizer.checks.quotes import (
    QuoteSpan,
    find_quote_spans,
    find_words,
    fold,
    quote_fragments,
    quote_in_article,
)
from bot.summarizer.text import (
    DETECTABLE,
    WORD,
    detect_language,
    normalize_language,
    stem,
    stopwords,
)
from bot.summarizer.types import Check, Evidence, HouseStyle


def _article_speaker(quote: str, index: ArticleIndex) -> tuple[set[str], set[str], str] | None:
    """Who says ``quote`` in the article: name words in the quotation's own sentences, in
    the sentences before, and the nearest one."""
    fragments = quote_fragments(quote)
    if not fragments:
        return None
    own: set[str] = set()
    before: set[str] = set()
    nearest = ""
    for span in index.quotes:
        if find_words(span.folded, fragments[0]) >= 0:
            mine, earlier = index.speakers_near(span)
            own.update(bare_word(word) for word in mine)
            before.update(bare_word(word) for word in earlier)
            nearest = nearest or (mine or earlier or [""])[0]
    return (own, before, nearest) if own or before else None


def _bullet_speaker(text: str, span: QuoteSpan, index: ArticleIndex) -> str | None:
    """The article name nearest to a quotation in the bullet, outside any quotation."""
    unquoted = blank_quotes(text)
    best: tuple[int, str] | None = None
    for token in WORD.finditer(unquoted):
        word = token.group()
        if not is_capitalised(word):
            continue
        if bare_word(word) not in index.name_words and fold(word) not in index.name_words:
            continue
        distance = min(abs(token.start() - span.end), abs(token.end() - span.start))
        if best is None or distance < best[0]:
            best = (distance, word)
    return best[1] if best else None


_UNIT_WORDS = 2


def _unit(text: str, mention: NumberMention, language: str) -> frozenset[str]:
    """What a figure counts: the stems of the next content words, and a currency sign."""
    stops = stopwords(language)
    unit: set[str] = set()
    before = text[max(0, mention.start - 2) : mention.start]
    for sign in "$€£¥%":
        if sign in before or text[mention.end : mention.end + 2].strip().startswith(sign):
            unit.add(sign)
    after = CLAUSE_MARKS.split(text[mention.end : mention.end + 60])[0]
    for token in WORD.findall(after)[: _UNIT_WORDS + 2]:
        folded = token.casefold()
        if folded in stops or folded in scale_table(language):
            continue
        unit.add(stem(token, language))
        if len(unit - set("$€£¥%")) >= _UNIT_WORDS:
            break
    if "prozent" in unit or "percent" in unit or "per cent" in unit:
        unit.add("%")
    return frozenset(unit)


def _counterpart(
    mention: NumberMention,
    text: str,
    language: str,
    *,
    support: Sequence[int],
    bullet: Sequence[NumberMention],
    index: ArticleIndex,
    same_unit: bool,
) -> NumberMention | None:
    """A figure of the same kind in the supporting sentences that the bullet does not use;
    with ``same_unit``, only one that counts the same thing ("21 Prozent" / "5,7 Prozent")."""
    unit = _unit(text, mention, language) if same_unit else frozenset()
    for i in support:
        sentence = index.sentences[i]
        for candidate in index.sentence_numbers[i]:
            if candidate.year_like != mention.year_like or candidate.values <= {0, 1}:
                continue
            if candidate.ordinal != mention.ordinal:  # "88th minute" is not "two minutes"
                continue
            if any(number_matches(other, candidate.values) for other in bullet):
                continue
            if same_unit and not _comparable(unit, _unit(sentence, candidate, index.language)):
                continue
            return candidate
    return None


def run_checks(
    article: Article,
    bullets: Sequence[str],
    style: HouseStyle,
    language: str,
    *,
    headline: str | None = None,
    fields: Sequence[tuple[str, str]] = (),
    index: ArticleIndex | None = None,
) -> tuple[tuple[Check, ...], tuple[Evidence, ...]]:
    """Checks and per-bullet evidence for ``bullets`` (written in ``language``) about ``article``.

    Used on AI drafts and on human edits alike. Checks on the model's free ``headline`` carry
    ``bullet=None``; checks on an output field of ``fields`` ((name, text) pairs) carry
    ``bullet=None`` and ``field=name``. Numbers, quotes, names, artefacts and negations are
    checked on each part alike; evidence is kept for bullets only.
    """
    index = index or ArticleIndex.build(article)
    lang = normalize_language(language) or index.language
    checks: list[Check] = []
    evidence: list[Evidence] = []

    parts: list[tuple[int | None, str | None, str]] = [(i, None, b) for i, b in enumerate(bullets)]
    if headline:
        parts.append((None, None, headline))
    parts.extend((None, name, text) for name, text in fields if text.strip())
    single_word_names = lang != "de"
    for position, field_name, text in parts:
        mine: list[Check] = []
        support = index.support(text, lang)
        supporting = [index.sentences[i] for i in support.sentences]
        numbers = _number_checks(position, text, lang, support, index)
        mine.extend(numbers)
        quote_flags = _quote_checks(position, text, index)
        mine.extend(quote_flags)
        if position is not None:
            shown = index.sentences[support.shown] if support.shown >= 0 else ""
            if any(c.message_key == "check.number_differs" for c in numbers):
                shown = supporting[0]  # the sentence that says the other figure
            for flag in quote_flags:
                if flag.kind == "attribution" or flag.message_key == "check.quote_negated":
                    shown = index.sentence_of_quote(flag.text) or shown  # who said it, where
            evidence.append(Evidence(position, shown, support.score))
        for name in find_absent_names(
            text, index.vocabulary, lang, single_words=single_word_names, names=index.name_words
        ):
            mine.append(Check("name", position, name, "check.name"))
        for artefact in find_artefacts(text, lang):
            mine.append(Check("artefact", position, artefact, "check.artefact"))
        quoted = any(c.kind in ("quote", "attribution") for c in mine)
        if supporting and lang == index.language and not quoted:
            difference = negation_difference(text, supporting, lang)
            if difference is not None:
                kind, cue = difference
                mine.append(Check("negation", position, cue, f"check.negation_{kind}"))
        if field_name is not None:
            mine = [replace(check, field=field_name) for check in mine]
        checks.extend(mine)

    for position, bullet in enumerate(bullets):
        words = word_count(bullet)
        if words > style.max_words_per_bullet:
            checks.append(
                Check(
                    "length",
                    position,
                    bullet,
                    "check.length",
                    {"words": words, "limit": style.max_words_per_bullet},
                )
            )
    if len(bullets) != style.bullets:
        checks.append(
            Check(
                "count",
                None,
                str(len(bullets)),
                "check.count",
                {"count": len(bullets), "expected": style.bullets},
            )
        )
    checks.extend(language_checks(bullets, lang))
    return tuple(checks), tuple(evidence)


_CONTEXT_WORDS = 3
_FIGURE = re.compile(r"\d")


def _context(text: str, mention: NumberMention, language: str) -> dict[str, float]:
    """What a figure is about: the words next to it (up to the next figure or clause mark),
    weighted 1, 1/2, 1/3 by distance, plus each content word of its clause once."""
    stops = stopwords(language)
    scales = scale_table(language)
    left = CLAUSE_MARKS.split(text[: mention.start])[-1]
    right = CLAUSE_MARKS.split(text[mention.end :])[0]
    clause = f"{left} {right}"
    left = _FIGURE.split(left)[-1]
    right = _FIGURE.split(right)[0]
    weights: dict[str, float] = {}
    for token in WORD.findall(clause):
        if token.casefold() not in stops and token.casefold() not in scales:
            weights[stem(token, language)] = 1.0

    def add(tokens: Iterable[str]) -> None:
        kept = [t for t in tokens if t.casefold() not in scales]
        for distance, token in enumerate(kept[:_CONTEXT_WORDS], 1):
            term = "~" + stem(token, language)  # a separate term: proximity, not presence
            weights[term] = max(weights.get(term, 0.0), 1 / distance)

    add(reversed(WORD.findall(left)))
    add(WORD.findall(right))
    return weights


def _comparable(unit: frozenset[str], other: frozenset[str]) -> bool:
    """Two figures count the same thing: a shared unit word, or neither has one."""
    return bool(unit & other) or not (unit or other)


def _similarity(a: Mapping[str, float], b: Mapping[str, float], *, near: bool = False) -> float:
    """How much two figures' words overlap; with ``near``, only the words next to them."""
    return sum(
        weight * b[term]
        for term, weight in a.items()
        if term in b and (not near or term.startswith("~"))
    )


def _swapped_in_sentence(
    mention: NumberMention,
    text: str,
    language: str,
    *,
    support: Support,
    bullet: Sequence[NumberMention],
    index: ArticleIndex,
) -> NumberMention | None:
    """A figure the supporting sentence has, but about something else: the sentence gives
    "18 Stunden, mit Übersetzung 7 Stunden" and the bullet "mit Übersetzung 18 Stunden".
    Returns the sentence's other figure whose words fit the bullet's clearly better."""
    mine = _context(text, mention, language)
    if not mine:
        return None
    unit = _unit(text, mention, language)
    for i in support.sentences:
        sentence = index.sentences[i]
        found = index.sentence_numbers[i]
        same = [m for m in found if mention.values & m.values]
        if not same:
            continue
        own = [_context(sentence, m, index.language) for m in same]
        here = max(_similarity(mine, context) for context in own)
        for other in found:
            if other in same or other.values <= {0, 1} or other.year_like != mention.year_like:
                continue
            if other.ordinal != mention.ordinal:
                continue
            if any(number_matches(b, other.values) for b in bullet):
                continue
            if not _comparable(unit, _unit(sentence, other, index.language)):
                continue
            theirs = _context(sentence, other, index.language)
            there = _similarity(mine, theirs)
            # The figure is the sentence's too: a swap only if a word right next to it in the
            # bullet is next to the other figure and not to its own ("mit Übersetzung 18
            # Stunden" for "18 Stunden, mit Übersetzung 7 Stunden"), not merely a word of the
            # other figure's clause ("im vergangenen Jahr … 290 Millionen").
            distinct = {t: w for t, w in theirs.items() if not any(t in o for o in own)}
            if there > here + _SWAP_MARGIN and _similarity(mine, distinct, near=True) > 0:
                return other
    return None


_SWAP_MARGIN = 0.5


def _number_checks(
    position: int | None, text: str, language: str, support: Support, index: ArticleIndex
) -> list[Check]:
    """Each figure must be in the supporting sentences. One that is not is flagged when the
    supporting sentence has another figure of the same thing ("21: the article says 12") or
    when the article has it nowhere; a figure from a related sentence is fine."""
    mentions = find_numbers(text, language)
    pool: set[Decimal] = set()
    for i in support.sentences:
        pool |= index.sentence_values[i]
    checks = []
    for mention in mentions:
        if number_matches(mention, pool):
            swapped = _swapped_in_sentence(
                mention, text, language, support=support, bullet=mentions, index=index
            )
            if swapped is not None:
                checks.append(
                    Check(
                        "number",
                        position,
                        mention.span,
                        "check.number_differs",
                        {"says": swapped.span},
                    )
                )
            continue
        other = _counterpart(
            mention,
            text,
            language,
            support=support.sentences,
            bullet=mentions,
            index=index,
            same_unit=True,
        )
        if other is not None and number_matches(mention, index.numbers):
            # The article has the figure elsewhere: a swap only if the supporting sentence
            # is clearly the bullet's (two or more of its content words), not a sentence that
            # merely shares a word ("costs") with a bullet whose figure says where it is from.
            shared = (
                content_terms(text, index.language, stopwords(index.language))
                & (index.sentence_terms[support.sentences[0]])
            )
            if len(shared) < 2:
                other = None
        if other is None:
            if index.backs_number(mention, text, support):
                continue
            if number_matches(mention, index.numbers):
                continue
            other = _counterpart(
                mention,
                text,
                language,
                support=support.sentences,
                bullet=mentions,
                index=index,
                same_unit=False,
            )
        if other is not None:
            checks.append(
                Check(
                    "number", position, mention.span, "check.number_differs", {"says": other.span}
                )
            )
        else:
            checks.append(Check("number", position, mention.span, "check.number"))
    return checks


def _quote_checks(position: int | None, text: str, index: ArticleIndex) -> list[Check]:
    checks = []
    for span in find_quote_spans(text):
        quote = span.text
        if not quote_in_article(quote, index.folded):
            checks.append(Check("quote", position, quote, "check.quote"))
            continue
        source = negated_source(quote, index.folded, index.quotes)
        if source is not None:
            checks.append(Check("quote", position, quote, "check.quote_negated", {"says": source}))
            continue
        speaker = _bullet_speaker(text, span, index)
        found = _article_speaker(quote, index)
        if speaker is None or found is None:
            continue
        own, before, nearest = found
        name = bare_word(speaker)
        if name in own:
            continue
        # A person named in the bullet while the quotation's own sentence names someone
        # else is a misattribution; a body ("Pro Bahn") may speak through the person
        # named there, so for it the sentence before counts too.
        if (not own or name not in index.person_words) and name in before:
            continue
        checks.append(
            Check(
                "attribution",
                position,
                quote,
                "check.attribution",
                {"speaker": speaker, "says": nearest},
            )
        )
    return checks


def language_checks(bullets: Iterable[str], expected: str) -> list[Check]:
    text = " ".join(bullets)
    if expected not in DETECTABLE:
        return []
    guess = detect_language(text)
    if guess.words < 8 or guess.language in (None, expected):
        return []
    assert guess.language is not None
    if guess.share(guess.language) - guess.share(expected) < 0.05:
        return []
    return [
        Check(
            "language",
            None,
            guess.language,
            "check.language",
            {"expected": expected, "found": guess.language},
        )
    ]
