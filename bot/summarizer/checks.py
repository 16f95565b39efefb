"""Deterministic checks on a draft, shown beside each bullet, and per-bullet evidence.

They run on every draft, AI-written or edited by a human, and flag what needs a human look.
Each bullet is first tied to its supporting sentence(s) in the article (content words and
figures, IDF-weighted); then its numbers, quotes and speakers are checked against *those*
sentences (a figure from elsewhere in the article is still wrong here), its names against
the whole article (German compounds and hyphens split into parts), its wording for chatbot
artefacts and its negations against the supporting sentence. They never change the text.
All module-level tables are immutable, so the checks are safe from any thread.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from types import MappingProxyType

from bot.domain import Article
from bot.summarizer.text import (
    DETECTABLE,
    WORD,
    clean_paragraphs,
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
_NUMBER_WORDS: dict[str, dict[str, float]] = {
    "de": {
        "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7, "acht": 8,
        "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "dreizehn": 13, "vierzehn": 14,
        "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17, "achtzehn": 18, "neunzehn": 19,
        "zwanzig": 20, "dreißig": 30,
        "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80,
        "neunzig": 90, "hundert": 100, "einhundert": 100, "tausend": 1000,
        "eintausend": 1000, "zehntausend": 10_000, "hunderttausend": 100_000,
        "dutzend": 12, "anderthalb": 1.5, "eineinhalb": 1.5, "zweieinhalb": 2.5,
        "dreieinhalb": 3.5, "viereinhalb": 4.5, "fünfeinhalb": 5.5, "sechseinhalb": 6.5,
        "siebeneinhalb": 7.5, "achteinhalb": 8.5, "neuneinhalb": 9.5, "zehneinhalb": 10.5,
    },
    "en": {
        "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
        "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
        "twenty": 20, "thirty": 30,
        "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
        "hundred": 100, "thousand": 1000, "dozen": 12,
    },
}
# Words just before a figure that make it approximate ("rund 45.000", "more than 9,000").
_HEDGES = frozenset((
    "rund", "etwa", "ca", "circa", "zirka", "knapp", "fast", "beinahe", "nahezu", "annähernd",
    "gut", "über", "rd", "mindestens", "ungefähr", "about", "around", "roughly", "nearly",
    "almost", "some", "approximately", "approx", "over", "estimated",
    "mehr als", "weniger als", "bis zu", "more than", "less than", "fewer than", "at least",
    "up to", "close to", "just over", "just under",
))
# fmt: on
_SCALES_RO = MappingProxyType({k: MappingProxyType(v) for k, v in _SCALES.items()})
_NUMBER_WORDS_RO = MappingProxyType({k: MappingProxyType(v) for k, v in _NUMBER_WORDS.items()})
del _SCALES, _NUMBER_WORDS


@dataclass(frozen=True, slots=True)
class NumberMention:
    span: str
    values: frozenset[Decimal]  # what the mention may mean (scale applied)
    base_values: frozenset[Decimal]  # the figure without its scale word
    start: int = 0
    end: int = 0
    quantum: Decimal = Decimal(1)  # the figure's last digit, scale applied (4.2 Mio. → 100000)
    hedged: bool = False  # "rund", "about", "more than" … just before it
    ordinal: bool = False  # "88th", "80. Jahrestag"

    @property
    def year_like(self) -> bool:
        return all(v == v.to_integral_value() and 1900 <= v <= 2100 for v in self.base_values)


@lru_cache(maxsize=16)
def _scale_table(language: str | None) -> Mapping[str, int]:
    if language is not None and language in _SCALES_RO:
        return _SCALES_RO[language]
    return MappingProxyType({**_SCALES_RO["de"], **_SCALES_RO["en"]})


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
def _word_table(language: str | None) -> Mapping[str, float]:
    if language is not None and language in _NUMBER_WORDS_RO:
        return _NUMBER_WORDS_RO[language]
    return MappingProxyType({**_NUMBER_WORDS_RO["de"], **_NUMBER_WORDS_RO["en"]})


@lru_cache(maxsize=16)
def _word_pattern(language: str | None) -> re.Pattern[str]:
    """Number words, each with the word after it (a possible scale: "zehn Millionen")."""
    words = sorted(_word_table(language), key=len, reverse=True)
    return re.compile(
        r"(?<![\w-])(" + "|".join(map(re.escape, words)) + r")(?![\w-])(?:(?=\s+([^\W\d_]+)))?",
        re.IGNORECASE,
    )


# fmt: off
_TENS = MappingProxyType({
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50,
    "sechzig": 60, "siebzig": 70, "achtzig": 80, "neunzig": 90,
})
_UNITS = MappingProxyType({
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
    "acht": 8, "neun": 9,
})
# fmt: on
_COMPOUND_NUMBER = re.compile(r"(?<![\w-])([^\W\d_]+?)(?:-|und)([^\W\d_]+)(?![\w-])", re.IGNORECASE)
_AND_A_HALF = re.compile(r"\s+(?:and\s+a|und\s+ein)\s+half?b?\b", re.IGNORECASE)
# "88th", "2nd"; "80. Jahrestag" (a German ordinal: a short figure, a full stop, a word)
_ORDINAL = re.compile(
    r"(?:st|nd|rd|th)\b|(?<=(?<!\d)\d)\.\s+[^\W\d_]|(?<=(?<!\d)\d\d)\.\s+[^\W\d_]"
)


def _hedged(text: str, start: int) -> bool:
    """True if one of the two words before ``start`` makes the figure approximate."""
    before = [w.casefold() for w in WORD.findall(text[max(0, start - 30) : start])[-2:]]
    return bool(before) and (before[-1] in _HEDGES or " ".join(before) in _HEDGES)


def _quantum(figure: str, language: str | None, exponent: int) -> Decimal:
    """The unit of the figure's last written digit, scaled: 44.2 → 0.1, 5,7 Mrd. → 10**8."""
    digits = re.sub(r"[\u00a0\u202f'’ ]", "", figure)
    decimals = 0
    marks = [m for m in ".," if m in digits]
    if len(marks) == 2:
        decimals = len(digits) - max(digits.rfind("."), digits.rfind(",")) - 1
    elif marks:
        parts = digits.split(marks[0])
        own_group_mark = {"de": ".", "en": ","}.get(language or "")
        if len(parts) == 2 and not (len(parts[1]) == 3 and own_group_mark in (None, marks[0])):
            decimals = len(parts[1])
    return Decimal(10) ** (exponent - decimals)


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
            span = match.group(0).strip()
            end = match.start() + len(match.group(0).rstrip())
            consumed.append((match.start(), match.end()))
        else:
            values = base
            span = figure
            end = match.end(1)
        mentions.append(
            NumberMention(
                span,
                values,
                base,
                match.start(),
                end,
                _quantum(figure, language, exponent or 0),
                _hedged(text, match.start()),
                exponent is None and _ORDINAL.match(text, match.end(1)) is not None,
            )
        )
    if words:
        table = _word_table(language)
        pattern = _word_pattern(language)
        skip_until = -1
        for match in _COMPOUND_NUMBER.finditer(text):  # "sixty-one", "einundzwanzig"
            first, second = match.group(1).casefold(), match.group(2).casefold()
            if first in _TENS and second in _UNITS:
                value = Decimal(_TENS[first] + _UNITS[second])
            elif first in _UNITS and second in _TENS:
                value = Decimal(_UNITS[first] + _TENS[second])
            else:
                continue
            consumed.append((match.start(), match.end()))
            mentions.append(
                NumberMention(
                    match.group(),
                    frozenset({value}),
                    frozenset({value}),
                    match.start(),
                    match.end(),
                    Decimal(1),
                    _hedged(text, match.start()),
                )
            )
        for match in pattern.finditer(text):
            if match.start() < skip_until or any(a <= match.start() < b for a, b in consumed):
                continue
            value = Decimal(table[match.group(1).casefold()])
            half = _AND_A_HALF.match(text, match.end(1))
            if half:  # "two and a half hours", "drei und ein halb"
                value += Decimal("0.5")
                skip_until = half.end()
            scale = match.group(2)
            exponent = scales.get(scale.casefold()) if scale else None
            hedged = _hedged(text, match.start())
            if exponent is not None:
                scaled = frozenset({(value * Decimal(10) ** exponent).normalize()})
                skip_until = match.end(2)
                span = text[match.start() : skip_until]
                quantum = Decimal(10) ** exponent
                mentions.append(
                    NumberMention(
                        span, scaled, frozenset({value}), match.start(), skip_until, quantum, hedged
                    )
                )
            else:
                mentions.append(
                    NumberMention(
                        match.group(1),
                        frozenset({value}),
                        frozenset({value}),
                        match.start(),
                        match.end(1),
                        Decimal(1),
                        hedged,
                    )
                )
    mentions.sort(key=lambda m: m.start)
    return mentions


def number_matches(mention: NumberMention, pool: Collection[Decimal]) -> bool:
    """True if ``pool`` holds what ``mention`` says: the same value, the value rounded to the
    mention's last digit (44 for 44.2, "5,7 Mrd." for 5.73 billion), or, for a hedged figure
    ("rund 45.000", "more than 9,000"), a value that rounds to it at its last non-zero digit
    ("rund 45.000" for 44.800, but "rund 1.870" is not 1.750 and "mehr als 30" not 20)."""
    if any(value in pool for value in mention.values):
        return True
    half = mention.quantum / 2
    for value in mention.values:
        exponent = value.normalize().as_tuple().exponent
        rounded = Decimal(10) ** max(0, exponent if isinstance(exponent, int) else 0)
        hedge = max(mention.quantum, rounded) / 2
        for candidate in pool:
            difference = abs(candidate - value)
            if difference <= half and (value != 0 or candidate == 0):
                return True
            if mention.hedged and difference <= hedge:
                return True
    return False


def _article_numbers(
    article: Article, sentence_values: Iterable[frozenset[Decimal]], language: str | None
) -> set[Decimal]:
    """Every figure of the article (its sentences, title and date), and 0 and 1."""
    values: set[Decimal] = {Decimal(0), Decimal(1)}
    for pool in sentence_values:
        values |= pool
    for language_guess in {language, "de", "en"}:
        for mention in find_numbers(article.title or "", language_guess):
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
_QUOTE_MARKS = '„“”"»«‚‘‹›'


def fold(text: str) -> str:
    """Casefolded, NFC, one space between words, typographic apostrophes and dashes unified."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_FOLD_MAP).split()).casefold()


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A quotation in a text: its words as written and where it stands (marks included)."""

    text: str
    start: int
    end: int

    @property
    def folded(self) -> str:
        return fold(self.text)


def find_quote_spans(text: str) -> list[QuoteSpan]:
    spans = []
    for match in _QUOTE.finditer(text):
        spans.append(QuoteSpan(next(g for g in match.groups() if g), match.start(), match.end()))
    return spans


def find_quotes(text: str) -> list[str]:
    return [span.text for span in find_quote_spans(text)]


def _fragments(quote: str) -> list[str]:
    fragments = [fold(part).strip(" ,.;:!?-") for part in _ELLIPSIS.split(quote)]
    return [f for f in fragments if f]


def find_words(haystack: str, needle: str, start: int = 0) -> int:
    """The first position >= ``start`` where ``needle`` stands as whole words, else -1
    ("eine Wahl" is not in "keine Wahl")."""
    position = haystack.find(needle, start)
    while position >= 0:
        end = position + len(needle)
        before = haystack[position - 1] if position else " "
        after = haystack[end] if end < len(haystack) else " "
        if not (before.isalnum() and needle[:1].isalnum()) and not (
            after.isalnum() and needle[-1:].isalnum()
        ):
            return position
        position = haystack.find(needle, position + 1)
    return -1


def quote_in_article(quote: str, folded_article: str) -> bool:
    """True when every fragment of ``quote`` (split at ellipses) occurs verbatim in the article."""
    fragments = _fragments(quote)
    return bool(fragments) and all(find_words(folded_article, f) >= 0 for f in fragments)


# Negation cues. "nor"/"noch" are left out: they pair with "neither"/"weder" (one negation).
_NEGATIONS = frozenset(
    (
        "not",
        "no",
        "never",
        "none",
        "nobody",
        "nothing",
        "neither",
        "nowhere",
        "cannot",
        "without",
        "nicht",
        "nichts",
        "kein",
        "keine",
        "keinen",
        "keinem",
        "keiner",
        "keines",
        "keinerlei",
        "nie",
        "niemals",
        "niemand",
        "niemanden",
        "nirgends",
        "weder",
        "ohne",
    )
)


def _is_negation(word: str) -> bool:
    folded = word.casefold().replace("’", "'")
    return folded in _NEGATIONS or folded.endswith("n't")


def negated_source(
    quote: str, folded_article: str, article_quotes: Sequence[QuoteSpan]
) -> str | None:
    """The article's wording when ``quote`` occurs in it only right after a negation.

    "Everyone will succeed" is in "Not everyone will succeed" word for word, yet says the
    opposite. Returns the article's quotation (or its words) for the flag, else None.
    """
    fragments = _fragments(quote)
    if not fragments or _is_negation((WORD.findall(fragments[0]) or [""])[0]):
        return None
    first = fragments[0]
    position = find_words(folded_article, first)
    negated_at = -1
    while position >= 0:
        before = folded_article[max(0, position - 60) : position]
        cut = max(before.rfind(mark) for mark in _QUOTE_MARKS + ".!?:;")
        words = WORD.findall(before[cut + 1 :])[-3:]
        if not any(_is_negation(word) for word in words):
            return None  # the words also stand without a negation
        negated_at = position
        position = find_words(folded_article, first, position + 1)
    if negated_at < 0:
        return None
    for span in article_quotes:
        folded = span.folded
        index = find_words(folded, first)
        if index > 0 and any(_is_negation(w) for w in WORD.findall(folded[:index])[-3:]):
            return span.text
    return None


# --- names --------------------------------------------------------------------------------------

_NAME_SEPARATOR = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?:;…]\W*$")
# fmt: off
# Heads of German institution names ("Bundesnetzagentur", "Kartellamt", "Stadtwerke"): an
# unknown compound ending in one names an organisation, not a thing.
_INSTITUTION_HEADS = (
    "agentur", "amt", "ämter", "behörde", "ministerium", "gericht", "bank", "kasse", "konzern",
    "verband", "verbund", "werk", "werke", "partei", "institut", "zentrale", "kommission",
    "stiftung", "gesellschaft", "kammer", "union", "polizei", "anwaltschaft", "dienst",
    "gruppe", "holding", "versicherung", "akademie", "universität", "hochschule", "klinik",
    "klinikum", "verein", "parlament", "senat", "betriebe", "bahnen", "rundfunk", "bund",
    "bündnis", "liga", "büro", "zentrum", "forum", "netzwerk", "kanzlei", "verlag", "sender",
    "museum",
)
# Endings of German common nouns. A capitalised word the article lacks that ends otherwise
# ("Merz", "Siemens", "Lufthansa", "Olaf") is more likely a name than a paraphrase.
_NOUN_ENDINGS = (
    "ung", "heit", "keit", "schaft", "tion", "sion", "ität", "ismus", "nis", "tum", "ling",
    "chen", "lein", "er", "erin", "entin", "antin", "istin", "ärin", "ern", "en", "e", "el",
    "ie", "ik", "ur", "ent", "ant", "enz", "anz", "um", "or", "ei", "ist", "at", "ät", "eur",
    "age", "ine", "chef", "ag", "ug", "ieg", "kt", "ht", "ft", "rt", "st", "nd", "ng", "ss",
    "ß", "ck", "tz", "ld", "ahl", "eil", "ahn", "ohn", "aum", "eis", "ies", "eit", "dt", "of",
    "us", "rk",
)
# fmt: on
_FUGEN = ("s", "es", "n", "en", "er", "e")
_INFLECTIONS = ("", "s", "es", "n", "en", "e", "er", "ern", "in", "innen", "'s")


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _acronym(word: str) -> bool:
    return sum(ch.isupper() for ch in word) >= 2 or any(ch.isdigit() for ch in word)


def _institution(word: str) -> bool:
    folded = word.casefold()
    return any(
        folded.endswith(head) and len(folded) >= len(head) + 3 for head in _INSTITUTION_HEADS
    )


def _name_shaped(word: str) -> bool:
    """A capitalised German word that does not end like a common noun."""
    folded = word.casefold()
    return len(folded) > 3 and not folded.endswith(_NOUN_ENDINGS)


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The article's words (casefolded), their stems, and sorted lists for affix look-ups."""

    language: str
    words: frozenset[str]
    stems: frozenset[str]
    forward: tuple[str, ...]  # sorted words
    backward: tuple[str, ...]  # sorted reversed words
    names: tuple[str, ...] = ()  # capitalised runs ("aachener verkehrsverbund"), casefolded

    @classmethod
    def build(cls, text: str, language: str) -> Vocabulary:
        tokens = WORD.findall(fold(text))
        words = set(tokens)
        for token in tokens:
            if "-" in token:
                words.update(part for part in token.split("-") if part)
        names: set[str] = set()
        for line in text.split("\n"):
            run: list[str] = []
            for token in [*WORD.findall(line), ""]:
                if token[:1].isupper():
                    run.append(token)
                    continue
                for i in range(len(run)):  # every tail of a run: "Verkehrsverbund (AVV)"
                    names.add(fold(" ".join(run[i:])))
                run = []
        return cls(
            language,
            frozenset(words),
            frozenset(stem(word, language) for word in words),
            tuple(sorted(words)),
            tuple(sorted(word[::-1] for word in words)),
            tuple(sorted(names)),
        )

    def spells_out(self, acronym: str) -> bool:
        """True if the article names what ``acronym`` abbreviates: its letters in order in a
        capitalised name, from the name's first letter ("NRW": "Nordrhein-Westfalen")."""
        letters = [ch for ch in acronym.casefold() if ch.isalpha()]
        if len(letters) < 2:
            return False
        for name in self.names:
            if not name.startswith(letters[0]) or len(name) > 12 * len(letters):
                continue
            position = 1
            for letter in letters[1:]:
                position = name.find(letter, position) + 1
                if position == 0:
                    break
            else:
                return True
        return False

    def has_prefix(self, prefix: str) -> bool:
        i = bisect_left(self.forward, prefix)
        return i < len(self.forward) and self.forward[i].startswith(prefix)

    def has_suffix(self, suffix: str) -> bool:
        reversed_suffix = suffix[::-1]
        i = bisect_left(self.backward, reversed_suffix)
        return i < len(self.backward) and self.backward[i].startswith(reversed_suffix)

    def contains(self, word: str) -> bool:
        """True if ``word`` (any case, inflected, in a compound) is the article's."""
        folded = fold(word)
        if not folded:
            return True
        if folded in self.words or stem(folded, self.language) in self.stems:
            return True
        for ending in ("'s", "s", "es", "n", "en", "e"):
            if folded.endswith(ending) and folded[: -len(ending)] in self.words:
                return True
        if "-" in folded:
            return all(self.contains(part) for part in folded.split("-") if part)
        if _acronym(word) and self.spells_out(word):
            return True
        if self.language != "de" or len(folded) < 4:
            return False
        # German compounds: a word the article has inside a longer one ("Parade" in
        # "Militärparade"), a longer form of an article word ("Geschäftsführerin"), or a
        # compound of article words ("Musk-Firma" → "Muskfirma", "Gipfeltreffen").
        if self.has_suffix(folded) or self.has_prefix(folded):
            return True
        return self._compound(folded, 0)

    def _compound(self, word: str, depth: int) -> bool:
        if depth > 3:
            return False
        for cut in range(len(word) - 3, 3, -1):
            head, rest = word[:cut], word[cut:]
            if not (head in self.words or stem(head, self.language) in self.stems):
                continue
            for fuge in ("", *_FUGEN):
                if fuge and not rest.startswith(fuge):
                    continue
                tail = rest[len(fuge) :]
                if len(tail) < 3:
                    continue
                if tail in self.words or stem(tail, self.language) in self.stems:
                    return True
                if any(
                    tail.endswith(ending) and tail[: len(tail) - len(ending)] in self.words
                    for ending in _INFLECTIONS
                    if ending
                ):
                    return True
                if self.has_suffix(tail) and len(tail) >= 4:
                    return True
                if self._compound(tail, depth + 1):
                    return True
        return False


def _flag_word_de(
    part: str,
    *,
    compound_head: bool,
    initial: bool = False,
    common: bool = False,
    vocabulary: Vocabulary | None = None,
) -> bool:
    """Whether a capitalised German word the article lacks is a name (flag) or a noun (not).

    An acronym or an institution ("…agentur", "…amt") is a name. A word shaped unlike a
    common noun ("Merz", "Siemens") is one too, except where any word is capitalised (at the
    start of a sentence: "Kurz gesagt"), at the head of a hyphenated compound ("Musk-Firma"),
    after an indefinite article or a contraction ("ein Minus", "im Vorjahr": names take
    neither), or where it ends in a noun the article has ("Vorjahr": "Jahr").
    """
    if _acronym(part) or _institution(part):
        return True
    if compound_head or initial or common or not _name_shaped(part):
        return False
    if vocabulary is not None:
        # a compound with a part the article has ("Vorjahr": "Jahr"; "Vereinsrekord":
        # "Verein", "Rekordablöse") is a noun made of the article's words
        folded = part.casefold()
        for cut in range(1, len(folded) - 3):
            tail = folded[cut:]
            if tail in vocabulary.words or (len(tail) >= 5 and vocabulary.has_prefix(tail)):
                return False
            head = folded[:cut].removesuffix("s")
            if len(head) >= 4 and head in vocabulary.words:
                return False
    return True


_ORDINAL_WORDS = frozenset(("erste", "zweite", "dritte", "first", "second", "third"))


def _numeric_word(word: str, numeric: Collection[str]) -> bool:
    """A scale or number word, also as an ordinal ("Mio.", "Vierzehnte", "Dritter")."""
    folded = fold(word).rstrip(".")
    if folded in numeric:
        return True
    for ending in ("ste", "ster", "sten", "stes", "te", "ter", "ten", "tes", "tem", "th"):
        base = folded.removesuffix(ending)
        if base != folded and (base in numeric or base + ending[:-1] in numeric):
            return True
    return any(folded.startswith(o) and len(folded) <= len(o) + 2 for o in _ORDINAL_WORDS)


def _genitive(word: str, vocabulary: Vocabulary) -> bool:
    """A known name in the genitive ("Seidels", "Chinas"): the next word is what it owns."""
    folded = fold(word)
    return folded.endswith("s") and len(folded) > 3 and folded[:-1] in vocabulary.words


_UNIT_CHARS = 4
# German words that open a sentence capitalised without being names ("Laut Stadt …").
_SENTENCE_OPENERS = frozenset(
    (
        "laut",
        "gemäß",
        "dank",
        "trotz",
        "wegen",
        "seitens",
        "zufolge",
        "angesichts",
        "infolge",
        "mithilfe",
        "anlässlich",
        "inklusive",
        "exklusive",
        "zuletzt",
        "zudem",
        "zunächst",
        "insgesamt",
        "derzeit",
        "bislang",
        "bisher",
        "künftig",
        "erstmals",
    )
)
# Words after which a capitalised German word is a common noun, not a name.
_COMMON_NOUN_CUES = frozenset(
    (
        "ein",
        "eine",
        "einen",
        "einem",
        "einer",
        "eines",
        "kein",
        "keine",
        "keinen",
        "keinem",
        "keiner",
        "keines",
        "im",
        "vom",
        "zum",
        "zur",
        "beim",
        "ins",
        "ans",
        "aufs",
        "jedes",
        "jeder",
        "jede",
        "jeden",
        "jedem",
        "dieses",
        "diesem",
        "manche",
        "viele",
        "mehrere",
    )
)
# fmt: off
_REPORTING = frozenset((
    "said", "says", "told", "added", "argued", "warned", "praised", "criticised", "criticized",
    "announced", "stated", "claimed", "explained", "noted", "wrote", "insisted", "admitted",
    "sagte", "sagt", "erklärte", "erklärt", "betonte", "betont", "kritisierte", "kritisiert",
    "warnte", "warnt", "forderte", "fordert", "lobte", "lobt", "teilte", "meldete", "meldet",
    "berichtete", "berichtet", "kündigte", "räumte", "schrieb", "sprach", "bestätigte",
))
# fmt: on


def find_absent_names(
    text: str,
    vocabulary: Vocabulary,
    language: str,
    *,
    single_words: bool,
    names: frozenset[str] = frozenset(),
) -> list[str]:
    """Runs of capitalised words (``Olaf Scholz``) with a word that the article lacks.

    Sentence-initial stop words ("Die", "The") are not part of a name. In languages that do
    not capitalise nouns, ``single_words`` also reports lone capitalised words mid-sentence.
    In German, where every noun is capitalised, an unknown word is reported when it looks
    like a name: an acronym, an institution ("…agentur", "…amt"), the first part of a
    hyphenated compound ("AVV-…"), or a word that does not end like a common noun.
    """
    stops = stopwords(language)
    german = language == "de"
    numeric = {*_scale_table(language), *_word_table(language)}
    runs: list[list[tuple[str, bool]]] = []
    current: list[tuple[str, bool]] = []
    starts: dict[tuple[int, int], int] = {}  # (run, position) → offset in ``text``
    common: set[int] = set()  # offsets of words after "ein", "im", "zum" …: common nouns
    previous_end = 0
    tokens = list(WORD.finditer(text))
    for index, token in enumerate(tokens):
        word = token.group()
        gap = text[previous_end : token.start()]
        before = text[: token.start()].rstrip()
        initial = not before or bool(_SENTENCE_END.search(before)) or before[-1] in _QUOTE_MARKS
        # A capitalised word that speaks or owns ("Smith said", "Merz sagte", "Smith's") is a
        # name even at the start of a sentence.
        following = tokens[index + 1].group().casefold() if index + 1 < len(tokens) else ""
        if following in _REPORTING or word.casefold().endswith(("'s", "’s")):
            initial = False
        contiguous = bool(current) and (gap == "" or _NAME_SEPARATOR.fullmatch(gap) is not None)
        if _capitalised(word) and (
            (len(word) <= _UNIT_CHARS and re.search(r"\d\s*$", before))
            or re.search(
                r"\d\s*(?:Mio|Mrd|Tsd|Millionen|Milliarden|million|billion)\.?\s*$", before
            )
        ):
            # a unit after a figure ("500 Wh", "20 GW"), not a name
            if current:
                runs.append(current)
            current = []
            previous_end = token.end()
            continue
        previous = tokens[index - 1].group().casefold() if index else ""
        if german and previous in _COMMON_NOUN_CUES and not contiguous:
            common.add(token.start())
        if _capitalised(word):
            if not contiguous:
                if current:
                    runs.append(current)
                current = []
            current.append((word, initial))
            starts[id(current), len(current) - 1] = token.start()
        elif current:
            runs.append(current)
            current = []
        previous_end = token.end()
    if current:
        runs.append(current)

    absent: list[str] = []
    for whole_run in runs:
        run = whole_run
        after_cue = starts.get((id(whole_run), 0)) in common
        # A sentence-initial word that the article has in lower case ("Am", "Die") or a stop
        # word at either end ("Bleiben Sie", "I") is not part of a name.
        while run and (
            fold(run[0][0]) in stops
            or (run[0][1] and fold(run[0][0]) in vocabulary.words)
            or (run[0][1] and fold(run[0][0]) in _SENTENCE_OPENERS)
        ):
            run = run[1:]
        while run and fold(run[-1][0]) in stops:
            run = run[:-1]
        if not run:
            continue
        run = [(word, initial) for word, initial in run if not _numeric_word(word, numeric)]
        if not run:
            continue
        if german:
            flagged = False
            for position, (word, initial) in enumerate(run):
                parts = [p for p in word.split("-") if p]
                for i, part in enumerate(parts):
                    if not _capitalised(part) and i > 0:
                        continue
                    if vocabulary.contains(part):
                        continue
                    head = len(parts) > 1 and i == len(parts) - 1
                    previous = run[position - 1][0] if position else ""
                    # A word right after another capitalised one is a name in apposition
                    # ("Konkurrent Krombacher", "Thomas Müller"), unless that one is a
                    # genitive that owns it ("Seidels Firma").
                    owned = bool(previous) and _genitive(previous, vocabulary)
                    apposition = bool(previous) and not owned
                    if apposition or _flag_word_de(
                        part,
                        compound_head=head,
                        initial=initial and len(run) == 1,
                        common=(after_cue and position == 0) or owned,
                        vocabulary=vocabulary,
                    ):
                        flagged = True
            if not flagged:
                continue
        else:
            if (
                len(run) > 1
                and run[0][1]
                and all(
                    vocabulary.contains(part)
                    for word, _ in run[1:]
                    for part in word.split("-")
                    if part and _capitalised(part)
                )
            ):
                run = run[1:]  # "Teacher Clarke": a capitalised first word before a known name
            if len(run) == 1 and not (single_words and not run[0][1]):
                continue
            if all(
                vocabulary.contains(part)
                for word, _ in run
                for part in word.split("-")
                if part and _capitalised(part)
            ):
                continue
        name = " ".join(word for word, _ in run)
        if name not in absent:
            absent.append(name)
    return absent


def _name_words(text: str, stops: frozenset[str]) -> frozenset[str]:
    """Words that stand in names of people or bodies: capitalised runs of two or more words
    ("Mayor Helen Okafor", "Präsident Wladimir Putin") minus their first word, and every
    word of a two-word run. Casefolded, a trailing genitive "s" kept and removed."""
    names: set[str] = set()
    for sentence in text.split("\n"):
        run: list[str] = []
        for token in [*WORD.findall(sentence), ""]:
            if token and _capitalised(token) and token.casefold() not in stops:
                run.append(token)
                continue
            if len(run) >= 2:
                for word in run[1:] if len(run) > 2 else run:
                    folded = fold(word)
                    names.add(folded)
            run = []
    return frozenset(names)


def _person_words(text: str, stops: frozenset[str], language: str) -> frozenset[str]:
    """Surnames and first names: capitalised words right after a first name ("Stefan
    Mühlbauer", "Helen Okafor"), and those first names; casefolded, genitive "s" removed.
    In German a first name is a word not shaped like a noun; in English any capitalised
    word that is not a stop word or the sentence's first word."""
    persons: set[str] = set()
    for line in text.split("\n"):
        tokens = list(WORD.finditer(line))
        for previous, token in itertools.pairwise(tokens):
            first, word = previous.group(), token.group()
            if not (_capitalised(first) and _capitalised(word)):
                continue
            if line[previous.end() : token.start()].strip():
                continue
            if first.casefold() in stops or word.casefold() in stops:
                continue
            before = line[: previous.start()].rstrip()
            if not before or _SENTENCE_END.search(before):
                continue
            if language == "de" and not _name_shaped(first):
                continue
            persons.update((_bare(first), _bare(word)))
    return frozenset(persons)


def _bare(word: str) -> str:
    folded = fold(word)
    for ending in ("'s", "s"):
        if folded.endswith(ending) and len(folded) > 3:
            return folded[: -len(ending)]
    return folded


# --- artefacts ----------------------------------------------------------------------------------

# Chatbot artefacts are recognised by kind, not by a list of phrases: talk about the summary,
# the article or the model ("Here are the key points:", "Kurz zusammengefasst:", "Note: I
# could not access …"), first or second person outside quotes (news copy has neither),
# courtesy and offers, labels ending in a colon, Markdown, emoji and placeholders.
_META = (
    r"summar\w*|zusammen(?:fass\w*|gefasst)|key\s+(?:points?|takeaways?|facts|findings|details)"
    r"|main\s+points?|highlights?|takeaways?|overview|überblick|fazit|kernpunkte?|kernaussagen?"
    r"|(?:die\s+)?wichtigsten?\s+(?:punkte|fakten|infos?|informationen|aussagen|ergebnisse)"
    r"|kurz(?:um|\s+gesagt|\s+gefasst)?|in\s+(?:short|brief|a\s+nutshell)|bottom\s+line"
    r"|tl;?\s?dr|notes?|hinweis|anmerkung|disclaimer|stichpunkte|bullet\s*points?|in\s+kürze"
    r"|auf\s+einen\s+blick|at\s+a\s+glance|das\s+wichtigste|the\s+gist|recap"
    r"|important|wichtig|need\s+to\s+know|wissenswert"
)
_ARTEFACTS = tuple(
    re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    for pattern in (
        # A leading label about the text itself, ending in a colon ("Kurz zusammengefasst:")
        rf"^\W*(?:[\w'’-]+\s+){{0,4}}?(?:{_META})(?:\s+[\w'’-]+){{0,4}}?\s*(?::|\s[–—-]\s)",
        # Meta-talk anywhere
        r"\b(?:here|below)(?:'s|’s|\s+is|\s+are)\s+(?:a|an|the|your|some|my)\b[^.:!?]*",
        r"\bhier\s+(?:ist|sind|finden\s+Sie|die|eine|kommt|folgt|folgen)\b[^.:!?]*",
        rf"\b(?:in|zum|als)\s+(?:{_META})\b",
        r"^\W*(?:in\s+(?:short|brief|summary|conclusion|a\s+nutshell)|to\s+sum\s+up"
        r"|all\s+in\s+all|kurz\s+gesagt|kurzum|kurz\s+und\s+knapp|alles\s+in\s+allem)\b",
        r"\b(?:zusammenfassend|abschließend|insgesamt\s+lässt\s+sich|to\s+sum\s+up|overall,)",
        r"\b(?:dieser|der|diese|die)\s+(?:Artikel|Text|Beitrag|Bericht|Zusammenfassung)\s+"
        r"(?:berichtet|beschreibt|erklärt|behandelt|zeigt|fasst|thematisiert|beleuchtet)\b",
        r"\b(?:this|the)\s+(?:article|text|piece|story|summary)\s+"
        r"(?:reports|describes|explains|discusses|covers|highlights|outlines|summari[sz]es)\b",
        r"\b(?:full|original)\s+(?:article|text|study|report|source)\b",
        r"\b(?:the|this)\s+(?:article|text|source)\s+(?:does|did|doesn't|is|was|has|provides"
        r"|mentions|states|says|notes|contains|gives)\b",
        r"\b(?:in|from)\s+the\s+(?:article|text|source)\b",
        r"\b(?:im|aus\s+dem)\s+(?:Artikel|Text|Quelltext)\b",
        r"\b(?:der|dieser)\s+(?:Artikel|Text)\s+(?:nennt|erwähnt|enthält|gibt|sagt|macht)\b",
        r"^\W*(?:Unfortunately|Leider)\b",
        r"\b(?:im\s+Folgenden|nachfolgend|the\s+following|below\s+(?:is|are))\b",
        r"\b(?:vollständige|vollen|ganzen|gesamten)\s+(?:Artikel|Text|Studie|Bericht|Quelle)\b",
        # The model speaking about itself
        r"\bas\s+an?\s+(?:AI|language\s+model|assistant)\b",
        r"\b(?:large\s+)?language\s+model\b",
        r"\bals\s+(?:eine?\s+)?(?:KI|Sprachmodell|Assistent\w*)\b",
        r"\b(?:KI-)?Sprachmodell\b",
        r"\bknowledge\s+cut-?off\b|\bWissensstand\b",
        # Courtesy and offers
        r"\bBleiben\s+Sie\s+dran\b|\bStay\s+tuned\b",
        r"\bI\s+hope\s+(?:this|that)\s+helps\b|\bIch\s+hoffe\b",
        r"\bLet\s+me\s+know\b|\bLassen\s+Sie\s+(?:mich|es\s+mich)\s+wissen\b",
        r"\bfeel\s+free\b|\bzögern\s+Sie\s+nicht\b",
        r"\bTL;?DR\b",
        r"^\s*(?:Sure|Certainly|Of\s+course|Absolutely|Gerne|Natürlich|Klar|Okay)\s*[!,.:]",
        # Markdown, chat formatting, placeholders
        r"^\s*#{1,6}\s+\S.*$",
        r"\*\*[^*]+\*\*|__[^_]+__",
        r"^\s*[-*•]\s+",
        r"\[[^\]]+\]\([^)]+\)",
        r"\[(?:[^\]]{0,40})\]|\{\{?[^}]{0,40}\}\}?|<[^>]{1,40}>",
        r"`[^`]+`",
        r"[\U0001F300-\U0001FAFF\u2600-\u27BF]",
        # A bullet that ends in a colon introduces something that is not there
        r"\S[^.!?]{0,60}:\s*$",
    )
)
# First and second person outside quotes: "I could not access …", "Ich konnte …", "you".
_PERSON = MappingProxyType(
    {
        "en": re.compile(
            r"\b(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|me|my|myself|you|your|yours)\b"
        ),
        "de": re.compile(
            r"\b(?:ich|mir|mich|meine?[rnms]?|Ihnen|Ihre?[rnms]?)\b|(?<=[a-zäöüß,] )Sie\b"
        ),
    }
)


def find_artefacts(text: str, language: str | None = None) -> list[str]:
    spans: list[tuple[int, int, str]] = []
    for pattern in _ARTEFACTS:
        for match in pattern.finditer(text):
            span = match.group().strip()
            if span:
                spans.append((match.start(), match.end(), span))
    unquoted = _blank_quotes(text)
    for lang in [language] if language in _PERSON else list(_PERSON):
        assert lang is not None
        for match in _PERSON[lang].finditer(unquoted):
            if lang == "en" and match.group() == "I" and _roman_numeral(unquoted, match.start()):
                continue
            if any(start <= match.start() < end for start, end, _ in spans):
                continue  # already inside a flagged phrase ("I hope this helps")
            clause = _clause_around(text, match.start(), match.end())
            if clause:
                spans.append((match.start(), match.end(), clause))
    found: list[str] = []
    for _start, _end, span in spans:
        if span not in found:
            found.append(span)
    # One flag per place: a span inside a longer one ("Here are the key points" inside
    # "Here are the key points:") is dropped.
    return [f for f in found if not any(f != other and f in other for other in found)]


def _blank_quotes(text: str) -> str:
    """``text`` with quoted words replaced by spaces (same length, so positions hold)."""
    out = list(text)
    for span in find_quote_spans(text):
        out[span.start : span.end] = " " * (span.end - span.start)
    return "".join(out)


def _roman_numeral(text: str, start: int) -> bool:
    """ "World War I", "Charles I": a capital I right after a capitalised word is a numeral."""
    before = text[:start].rstrip()
    previous = (WORD.findall(before[-30:]) or [""])[-1]
    return bool(previous) and previous[:1].isupper() and not _SENTENCE_END.search(before)


def _clause_around(text: str, start: int, end: int) -> str:
    """A few words around a match, to show the editor where it is."""
    left = max(text.rfind(mark, 0, start) for mark in ".!?:;,\n") + 1
    right_marks = [i for i in (text.find(mark, end) for mark in ".!?:;,\n") if i >= 0]
    right = min(right_marks) if right_marks else len(text)
    words = text[left:right].split()
    return " ".join(words[:8]).strip(" " + _QUOTE_MARKS)


# --- negation -----------------------------------------------------------------------------------

_NEGATION_WINDOW = 4


# Words that negate by meaning ("China sieht von einer Verurteilung ab" → "verurteilt nicht",
# "refused to approve" → "did not approve"). They count as a negation in the supporting
# sentence only when the bullet does not use them itself.
_IMPLICIT_NEGATIONS = (
    "ablehn",
    "abgelehn",
    "verweiger",
    "verzicht",
    "absieh",
    "abseh",
    "abgeseh",
    "bestreit",
    "bestritt",
    "dementier",
    "scheiter",
    "gescheitert",
    "refus",
    "declin",
    "reject",
    "deni",
    "deny",
    "refrain",
    "fail",
    "lack",
)


def _negations(
    text: str, language: str, implicit: frozenset[str] | None = None
) -> list[tuple[str, frozenset[str]]]:
    """Each negation cue in ``text`` with the stems of the content words around it; with
    ``implicit``, also words that negate by meaning unless their stem is in ``implicit``
    (the bullet's own stems)."""
    stops = stopwords(language)
    matches = list(WORD.finditer(text))
    tokens = [match.group() for match in matches]
    cues = []
    for i, token in enumerate(tokens):
        if not _is_negation(token):
            if implicit is None or not token.casefold().startswith(_IMPLICIT_NEGATIONS):
                continue
            if stem(token, language) in implicit:
                continue
        window = tokens[max(0, i - _NEGATION_WINDOW) : i + _NEGATION_WINDOW + 1]
        stems = frozenset(
            stem(word, language)
            for word in window
            if word is not token and word.casefold() not in stops and not _is_negation(word)
        )
        # the cue and up to two words after it, within its clause ("nicht zugestimmt")
        clause = _CLAUSE_MARKS.split(text[matches[i].start() :])[0]
        phrase = " ".join(WORD.findall(clause)[:3])
        cues.append((phrase, stems))
    return cues


def negation_difference(text: str, support: Sequence[str], language: str) -> tuple[str, str] | None:
    """("added", words) or ("dropped", words) when the bullet and its supporting sentence
    disagree on a negation about the same words ("approved" vs "did not approve")."""
    bullet_stems = {stem(w, language) for w in WORD.findall(text)}
    source = " ".join(support)
    source_stems = {stem(w, language) for w in WORD.findall(source)}
    mine = [
        (p, s) for p, s in _negations(text, language, frozenset(source_stems)) if s & source_stems
    ]
    theirs = [
        (p, s) for p, s in _negations(source, language, frozenset(bullet_stems)) if s & bullet_stems
    ]
    if len(mine) % 2 == len(theirs) % 2:
        return _prefix_negation(text, source)
    if len(mine) > len(theirs):
        return ("added", mine[0][0])
    return ("dropped", theirs[0][0])


# Prefixes that negate a word ("uncompetitive", "unwirtschaftlich", "illegal", "dishonest").
_NEGATING_PREFIXES = ("un", "in", "im", "il", "ir", "dis", "non", "non-", "nicht", "miss")


def _prefix_negation(text: str, source: str) -> tuple[str, str] | None:
    """A word negated by a prefix on one side only ("competitive" / "uncompetitive")."""
    mine = {w.casefold() for w in WORD.findall(text)}
    theirs = {w.casefold() for w in WORD.findall(source)}
    for word in theirs - mine:
        for prefix in _NEGATING_PREFIXES:
            if (
                len(word) - len(prefix) >= 5
                and word.startswith(prefix)
                and word[len(prefix) :] in mine
            ):
                return ("dropped", word)
    for word in mine - theirs:
        for prefix in _NEGATING_PREFIXES:
            if (
                len(word) - len(prefix) >= 5
                and word.startswith(prefix)
                and word[len(prefix) :] in theirs
            ):
                return ("added", word)
    return None


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


def _terms(text: str, language: str, stops: frozenset[str]) -> set[str]:
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
        terms = tuple(frozenset(_terms(sentence, lang, stops)) for sentence in sentences)
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
            numbers=frozenset(_article_numbers(article, values, lang)),
            sentences=sentences,
            sentence_terms=terms,
            sentence_numbers=tuple(mentions),
            sentence_values=tuple(values),
            sentence_starts=tuple(starts),
            quotes=tuple(find_quote_spans(text)),
            name_words=_name_words(full, stops),
            person_words=_person_words(full, stops, lang),
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
        terms = _terms(text, self.language, stops)
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
        terms = _terms(text, self.language, stopwords(self.language))
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
        fragments = _fragments(quote)
        for span in self.quotes:
            if fragments and find_words(span.folded, fragments[0]) >= 0:
                first = self._sentence_at(span.start)
                last = self._sentence_at(max(span.start, span.end - 1))
                return " ".join(self.sentences[first : last + 1])
        return None

    def _names_between(self, start: int, end: int, span: QuoteSpan) -> list[str]:
        found = []
        for token in WORD.finditer(self.text, start, end):
            if span.start <= token.start() < span.end or not _capitalised(token.group()):
                continue
            if _bare(token.group()) in self.name_words or fold(token.group()) in self.name_words:
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


def _article_speaker(quote: str, index: ArticleIndex) -> tuple[set[str], set[str], str] | None:
    """Who says ``quote`` in the article: name words in the quotation's own sentences, in
    the sentences before, and the nearest one."""
    fragments = _fragments(quote)
    if not fragments:
        return None
    own: set[str] = set()
    before: set[str] = set()
    nearest = ""
    for span in index.quotes:
        if find_words(span.folded, fragments[0]) >= 0:
            mine, earlier = index.speakers_near(span)
            own.update(_bare(word) for word in mine)
            before.update(_bare(word) for word in earlier)
            nearest = nearest or (mine or earlier or [""])[0]
    return (own, before, nearest) if own or before else None


def _bullet_speaker(text: str, span: QuoteSpan, index: ArticleIndex) -> str | None:
    """The article name nearest to a quotation in the bullet, outside any quotation."""
    unquoted = _blank_quotes(text)
    best: tuple[int, str] | None = None
    for token in WORD.finditer(unquoted):
        word = token.group()
        if not _capitalised(word):
            continue
        if _bare(word) not in index.name_words and fold(word) not in index.name_words:
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
    after = _CLAUSE_MARKS.split(text[mention.end : mention.end + 60])[0]
    for token in WORD.findall(after)[: _UNIT_WORDS + 2]:
        folded = token.casefold()
        if folded in stops or folded in _scale_table(language):
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
    index: ArticleIndex | None = None,
) -> tuple[tuple[Check, ...], tuple[Evidence, ...]]:
    """Checks and per-bullet evidence for ``bullets`` (written in ``language``) about ``article``.

    Used on AI drafts and on human edits alike. Checks on the headline carry ``bullet=None``.
    """
    index = index or ArticleIndex.build(article)
    lang = normalize_language(language) or index.language
    checks: list[Check] = []
    evidence: list[Evidence] = []

    parts: list[tuple[int | None, str]] = [(i, b) for i, b in enumerate(bullets)]
    if headline:
        parts.append((None, headline))
    single_word_names = lang != "de"
    for position, text in parts:
        support = index.support(text, lang)
        supporting = [index.sentences[i] for i in support.sentences]
        numbers = _number_checks(position, text, lang, support, index)
        checks.extend(numbers)
        quote_flags = _quote_checks(position, text, index)
        checks.extend(quote_flags)
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
            checks.append(Check("name", position, name, "check.name"))
        for artefact in find_artefacts(text, lang):
            checks.append(Check("artefact", position, artefact, "check.artefact"))
        quoted = any(c.kind in ("quote", "attribution") and c.bullet == position for c in checks)
        if supporting and lang == index.language and not quoted:
            difference = negation_difference(text, supporting, lang)
            if difference is not None:
                kind, cue = difference
                checks.append(Check("negation", position, cue, f"check.negation_{kind}"))

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
_CLAUSE_MARKS = re.compile(r"[,;:()\[\]–]|[.!?](?:\s|$)")
_FIGURE = re.compile(r"\d")


def _context(text: str, mention: NumberMention, language: str) -> dict[str, float]:
    """What a figure is about: the words next to it (up to the next figure or clause mark),
    weighted 1, 1/2, 1/3 by distance, plus each content word of its clause once."""
    stops = stopwords(language)
    scales = _scale_table(language)
    left = _CLAUSE_MARKS.split(text[: mention.start])[-1]
    right = _CLAUSE_MARKS.split(text[mention.end :])[0]
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


def _similarity(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    return sum(weight * b[term] for term, weight in a.items() if term in b)


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
        here = max(_similarity(mine, _context(sentence, m, index.language)) for m in same)
        for other in found:
            if other in same or other.values <= {0, 1} or other.year_like != mention.year_like:
                continue
            if other.ordinal != mention.ordinal:
                continue
            if any(number_matches(b, other.values) for b in bullet):
                continue
            if not _comparable(unit, _unit(sentence, other, index.language)):
                continue
            there = _similarity(mine, _context(sentence, other, index.language))
            if there > here + _SWAP_MARGIN:
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
                _terms(text, index.language, stopwords(index.language))
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
        name = _bare(speaker)
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
