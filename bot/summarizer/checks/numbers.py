"""Numbers in a bullet and in the article: figures, scale words ("Millionen", "bn"), number
words and hedges, read into comparable values (:func:`find_numbers`, :func:`number_matches`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from types import MappingProxyType

from bot.domain import Article
from bot.summarizer.text import WORD

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
def scale_table(language: str | None) -> Mapping[str, int]:
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
def number_word_table(language: str | None) -> Mapping[str, float]:
    if language is not None and language in _NUMBER_WORDS_RO:
        return _NUMBER_WORDS_RO[language]
    return MappingProxyType({**_NUMBER_WORDS_RO["de"], **_NUMBER_WORDS_RO["en"]})


@lru_cache(maxsize=16)
def _word_pattern(language: str | None) -> re.Pattern[str]:
    """Number words, each with the word after it (a possible scale: "zehn Millionen")."""
    words = sorted(number_word_table(language), key=len, reverse=True)
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
    scales = scale_table(language)
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
        table = number_word_table(language)
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


def article_numbers(
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
