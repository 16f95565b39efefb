"""Deterministic checks on a draft, shown beside the buttons, and per-bullet evidence.

They run on every draft, AI-written or edited by a human, and flag what needs a human look:
numbers, quotes and names that the article does not contain, chatbot artefacts, a wrong
language, too many or too long bullets. They never change the text.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from bot.domain import Article
from bot.summarizer.text import (
    DETECTABLE,
    WORD,
    clean_paragraphs,
    content_stems,
    detect_language,
    normalize_language,
    split_sentences,
    stem,
    stopwords,
)
from bot.summarizer.types import Check, Evidence, HouseStyle

# --- numbers ------------------------------------------------------------------------------------

_NUMBER = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[.,'’\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?!\d)"
    r"(?:\s*([^\W\d_]+\.?))?"
)
# fmt: off
_SCALES = {
    "de": {
        "tausend": 3, "tsd": 3, "tsd.": 3,
        "million": 6, "millionen": 6, "mio": 6, "mio.": 6,
        "milliarde": 9, "milliarden": 9, "mrd": 9, "mrd.": 9,
        "billion": 12, "billionen": 12,
    },
    "en": {
        "thousand": 3, "k": 3,
        "million": 6, "millions": 6, "mn": 6, "m": 6,
        "billion": 9, "billions": 9, "bn": 9,
        "trillion": 12, "trillions": 12, "tn": 12,
    },
}
_NUMBER_WORDS = {
    "de": {
        "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
        "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "zwanzig": 20, "dreißig": 30,
        "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80,
        "neunzig": 90, "hundert": 100, "einhundert": 100, "tausend": 1000,
        "eintausend": 1000, "zehntausend": 10_000, "hunderttausend": 100_000,
        "dutzend": 12,
    },
    "en": {
        "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "twenty": 20, "thirty": 30,
        "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
        "hundred": 100, "thousand": 1000, "dozen": 12,
    },
}
# fmt: on


@dataclass(frozen=True, slots=True)
class NumberMention:
    span: str
    values: frozenset[Decimal]  # what the mention may mean (scale applied)
    base_values: frozenset[Decimal]  # the figure without its scale word


def _scale_table(language: str | None) -> dict[str, int]:
    if language in _SCALES:
        return _SCALES[language]
    return {**_SCALES["de"], **_SCALES["en"]}


def _readings(figure: str, language: str | None = None) -> set[Decimal]:
    """The values ``figure`` can mean: 45.000 and 1,5 in German, 45,000 and 1.5 in English.

    A single separator followed by exactly three digits is read as thousands in the text's
    own notation (German ".", English ","); the other language's separator keeps both readings
    (1,5 in English text is still 1.5). Mixed separators (1.234,5 / 1,234.5) are unambiguous.
    """
    digits = re.sub(r"[\u00a0\u202f'’ ]", "", figure)
    readings: set[str] = set()
    if "." in digits and "," in digits:
        decimal_mark = "." if digits.rfind(".") > digits.rfind(",") else ","
        group_mark = "," if decimal_mark == "." else "."
        readings.add(digits.replace(group_mark, "").replace(decimal_mark, "."))
    elif "." in digits or "," in digits:
        mark = "." if "." in digits else ","
        parts = digits.split(mark)
        own_group_mark = {"de": ".", "en": ","}.get(language or "")
        if len(parts) > 2:  # 1.500.000: grouping only
            readings.add("".join(parts))
        elif len(parts[1]) == 3:  # 45.000 / 45,000
            readings.add(parts[0] + parts[1])
            if own_group_mark != mark:
                readings.add(f"{parts[0]}.{parts[1]}")
        else:  # 1,5 / 3.25 / 10.30
            readings.add(f"{parts[0]}.{parts[1]}")
    else:
        readings.add(digits)
    values = set()
    for reading in readings:
        try:
            values.add(Decimal(reading).normalize())
        except InvalidOperation:
            continue
    return values


@lru_cache(maxsize=16)
def _word_table(language: str | None) -> dict[str, int]:
    if language in _NUMBER_WORDS:
        return _NUMBER_WORDS[language]
    return {**_NUMBER_WORDS["de"], **_NUMBER_WORDS["en"]}


@lru_cache(maxsize=16)
def _word_pattern(language: str | None) -> re.Pattern[str]:
    """Number words, each with the word after it (a possible scale: "zehn Millionen")."""
    words = sorted(_word_table(language), key=len, reverse=True)
    return re.compile(
        r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])(?:(?=\s+([^\W\d_]+)))?",
        re.IGNORECASE,
    )


def find_numbers(text: str, language: str | None, *, words: bool = True) -> list[NumberMention]:
    """Numbers in ``text``: figures in German and English notation, scale words, number words."""
    scales = _scale_table(language)
    mentions: list[NumberMention] = []
    consumed: list[tuple[int, int]] = []  # spans already read (a figure and its scale word)
    for match in _NUMBER.finditer(text):
        figure, word = match.group(1), match.group(2)
        base = frozenset(_readings(figure, language))
        exponent = scales.get(word.casefold()) if word else None
        if exponent is None and word and word.endswith(".") and word[:-1].casefold() in scales:
            exponent = scales[word[:-1].casefold()]
        if exponent is not None:
            values = frozenset((value * Decimal(10) ** exponent).normalize() for value in base)
            span = match.group(0)
            consumed.append((match.start(), match.end()))
        else:
            values = base
            span = figure
        mentions.append(NumberMention(span.strip(), values, base))
    if words:
        table = _word_table(language)
        pattern = _word_pattern(language)
        skip_until = -1
        for match in pattern.finditer(text):
            if match.start() < skip_until or any(a <= match.start() < b for a, b in consumed):
                continue
            value = Decimal(table[match.group(1).casefold()])
            scale = match.group(2)
            exponent = scales.get(scale.casefold()) if scale else None
            if exponent is not None:
                scaled = frozenset({(value * Decimal(10) ** exponent).normalize()})
                skip_until = match.end(2)
                span = text[match.start() : skip_until]
                mentions.append(NumberMention(span, scaled, frozenset({value})))
            else:
                mentions.append(
                    NumberMention(match.group(1), frozenset({value}), frozenset({value}))
                )
    return mentions


def _article_numbers(article: Article, text: str, language: str | None) -> set[Decimal]:
    values: set[Decimal] = {Decimal(0), Decimal(1)}
    sources = [text, article.title or ""]
    for source in sources:
        for language_guess in {language, "de", "en"}:
            for mention in find_numbers(source, language_guess):
                values |= mention.values | mention.base_values
    if article.published:
        for part in re.findall(r"\d+", article.published[:10]):
            values.add(Decimal(part).normalize())
    return values


# --- quotes -------------------------------------------------------------------------------------

_QUOTE = re.compile(
    r"„([^“”\"„]{2,}?)[“”\"]"
    r"|“([^”“]{2,}?)”"
    r"|\"([^\"]{2,}?)\""
    r"|»([^«»]{2,}?)«"
    r"|«([^«»]{2,}?)»"
    r"|‚([^‘’‚]{2,}?)[‘’]"
    r"|‹([^‹›]{2,}?)›"
    r"|›([^‹›]{2,}?)‹"
)
_ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:…|\.\.\.)\s*\]|\(\s*(?:…|\.\.\.)\s*\)|…|\.\.\.)\s*")
_FOLD_MAP = str.maketrans({"’": "'", "‘": "'", "´": "'", "`": "'", "–": "-", "—": "-", "‑": "-"})


def fold(text: str) -> str:
    """Casefolded, NFC, one space between words, typographic apostrophes and dashes unified."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_FOLD_MAP).split()).casefold()


def find_quotes(text: str) -> list[str]:
    return [next(group for group in match.groups() if group) for match in _QUOTE.finditer(text)]


def quote_in_article(quote: str, folded_article: str) -> bool:
    """True when every fragment of ``quote`` (split at ellipses) occurs verbatim in the article."""
    fragments = [fold(part).strip(" ,.;:!?-") for part in _ELLIPSIS.split(quote)]
    fragments = [f for f in fragments if f]
    return bool(fragments) and all(f in folded_article for f in fragments)


# --- names --------------------------------------------------------------------------------------

_NAME_SEPARATOR = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?:;…]\W*$")


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _present(word: str, words: set[str], stems: set[str], language: str) -> bool:
    folded = fold(word)
    candidates = {folded, folded.removesuffix("'s"), folded.removesuffix("s")}
    if candidates & words:
        return True
    if stem(word, language) in stems:
        return True
    parts = [p for p in folded.split("-") if p]
    return len(parts) > 1 and all(p in words for p in parts)


def find_absent_names(
    text: str, words: set[str], stems: set[str], language: str, *, single_words: bool
) -> list[str]:
    """Runs of capitalised words (``Olaf Scholz``) with a word that the article lacks.

    Sentence-initial stop words ("Die", "The") are not part of a name. In languages that do
    not capitalise nouns, ``single_words`` also reports lone capitalised words mid-sentence.
    """
    stops = stopwords(language)
    tokens = list(WORD.finditer(text))
    runs: list[list[tuple[str, bool]]] = []
    current: list[tuple[str, bool]] = []
    previous_end = 0
    for token in tokens:
        word = token.group()
        gap = text[previous_end : token.start()]
        before = text[: token.start()].rstrip()
        initial = not before or bool(_SENTENCE_END.search(before))
        contiguous = bool(current) and (gap == "" or _NAME_SEPARATOR.fullmatch(gap) is not None)
        if _capitalised(word):
            if not contiguous:
                if current:
                    runs.append(current)
                current = []
            current.append((word, initial))
        elif current:
            runs.append(current)
            current = []
        previous_end = token.end()
    if current:
        runs.append(current)

    absent: list[str] = []
    for whole_run in runs:
        run = whole_run
        # A sentence-initial word that the article has in lower case ("Am", "Die") or a stop
        # word at either end ("Bleiben Sie", "I") is not part of a name.
        while run and (fold(run[0][0]) in stops or (run[0][1] and fold(run[0][0]) in words)):
            run = run[1:]
        while run and fold(run[-1][0]) in stops:
            run = run[:-1]
        if not run:
            continue
        if len(run) == 1 and not (single_words and not run[0][1]):
            continue
        if any(not _present(word, words, stems, language) for word, _ in run):
            name = " ".join(word for word, _ in run)
            if name not in absent:
                absent.append(name)
    return absent


# --- artefacts ----------------------------------------------------------------------------------

_ARTEFACTS = [
    re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    for pattern in (
        # German chatbot phrases
        r"\bals\s+(?:eine?\s+)?KI\b",
        r"\bals\s+(?:ein\s+)?(?:KI-)?Sprachmodell\b",
        r"\bBleiben\s+Sie\s+dran\b",
        r"\bHier\s+(?:ist|sind|finden\s+Sie)\s+(?:eine|die|Ihre)\s+(?:kurze\s+)?Zusammenfassung",
        r"\bIch\s+hoffe,?\s+(?:das|dies)\s+hilft",
        r"\bLassen\s+Sie\s+(?:mich|es\s+mich)\s+wissen\b",
        r"\b(?:dieser|der)\s+Artikel\s+(?:berichtet|beschreibt|erklärt|behandelt|zeigt)\b",
        r"\bZusammenfassend\b",
        r"\bFazit:",
        # English chatbot phrases
        r"\bAs\s+an\s+AI\b",
        r"\bas\s+a\s+(?:large\s+)?language\s+model\b",
        r"\bStay\s+tuned\b",
        r"\bHere(?:'s|’s|\s+is|\s+are)\s+(?:a|the|your)\s+(?:brief\s+|short\s+|quick\s+)?summary",
        r"\bI\s+hope\s+(?:this|that)\s+helps\b",
        r"\bLet\s+me\s+know\b",
        r"\b(?:this|the)\s+article\s+(?:reports|describes|explains|discusses|covers)\b",
        r"\bIn\s+(?:summary|conclusion)\b",
        r"\bTL;?DR\b",
        r"^\s*(?:Sure|Certainly|Of\s+course|Gerne|Natürlich)\s*[!,.:]",
        # Markdown and chat formatting
        r"^\s*#{1,6}\s+\S.*$",
        r"\*\*[^*]+\*\*",
        r"^\s*[-*•]\s+",
        r"\[[^\]]+\]\([^)]+\)",
        r"`[^`]+`",
        r"[\U0001F300-\U0001FAFF\u2600-\u27BF]",
    )
]


def find_artefacts(text: str) -> list[str]:
    found: list[str] = []
    for pattern in _ARTEFACTS:
        for match in pattern.finditer(text):
            span = match.group().strip()
            if span and span not in found:
                found.append(span)
    return found


# --- evidence -----------------------------------------------------------------------------------


def best_evidence(
    bullets: Sequence[str], sentences: Sequence[str], language: str
) -> tuple[Evidence, ...]:
    """For each bullet, the article sentence sharing most of its (IDF-weighted) content words.

    The score is the weighted share of the bullet's content stems found in that sentence:
    1.0 means every content word of the bullet occurs in it, 0.0 that none does. Words that
    occur nowhere in the article weigh most, so an unsupported claim pulls the score down.
    """
    sentence_stems = [content_stems(sentence, language) for sentence in sentences]
    frequency: Counter[str] = Counter(s for stems in sentence_stems for s in stems)
    n = len(sentences)

    def weight(term: str) -> float:
        return math.log((n + 1) / (frequency.get(term, 0) + 0.5))

    evidence = []
    for index, bullet in enumerate(bullets):
        terms = content_stems(bullet, language)
        total = sum(weight(term) for term in terms)
        best_score, best_sentence = 0.0, ""
        if total > 0:
            for sentence, stems in zip(sentences, sentence_stems, strict=True):
                score = sum(weight(term) for term in terms & stems) / total
                if score > best_score:
                    best_score, best_sentence = score, sentence
        evidence.append(Evidence(index, best_sentence, round(best_score, 3)))
    return tuple(evidence)


def word_count(text: str) -> int:
    """Words as a reader counts them: a lone dash or ellipsis is not a word."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


# --- all checks ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArticleIndex:
    """What the checks need from an article, computed once per article."""

    language: str
    text: str
    folded: str
    words: set[str]
    stems: set[str]
    numbers: set[Decimal]
    sentences: list[str]

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
        return cls(
            language=lang,
            text=text,
            folded=fold(full),
            words=set(WORD.findall(fold(full))),
            stems={stem(word, lang) for word in WORD.findall(full)},
            numbers=_article_numbers(article, text, lang),
            sentences=split_sentences(text, lang),
        )


def run_checks(
    article: Article,
    bullets: Sequence[str],
    style: HouseStyle,
    language: str,
    *,
    headline: str | None = None,
    index: ArticleIndex | None = None,
) -> tuple[tuple[Check, ...], tuple[Evidence, ...]]:
    """Checks and per-bullet evidence for ``bullets`` (written in ``language``) about ``article``.

    Used on AI drafts and on human edits alike. Checks on the headline carry ``bullet=None``.
    """
    index = index or ArticleIndex.build(article)
    lang = normalize_language(language) or index.language
    checks: list[Check] = []

    parts: list[tuple[int | None, str]] = [(i, b) for i, b in enumerate(bullets)]
    if headline:
        parts.append((None, headline))
    single_word_names = lang != "de"
    for position, text in parts:
        for mention in find_numbers(text, lang):
            if not mention.values & index.numbers:
                checks.append(Check("number", position, mention.span, "check.number"))
        for quote in find_quotes(text):
            if not quote_in_article(quote, index.folded):
                checks.append(Check("quote", position, quote, "check.quote"))
        for name in find_absent_names(
            text, index.words, index.stems, lang, single_words=single_word_names
        ):
            checks.append(Check("name", position, name, "check.name"))
        for artefact in find_artefacts(text):
            checks.append(Check("artefact", position, artefact, "check.artefact"))

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
    evidence = best_evidence(bullets, index.sentences, lang)
    return tuple(checks), evidence


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
