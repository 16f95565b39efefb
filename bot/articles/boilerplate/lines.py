"""The line pass: :func:`clean_lines` drops what survives extraction line by line (teaser and
subscription prompts, AI disclaimers, photo credits, labels, bare dates, the repeated headline).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.articles.boilerplate.vocabulary import (
    AGENCY,
    AI_DISCLAIMER,
    AI_HINT,
    CREDIT,
    DATE_NAMES,
    DATE_NUMBERS,
    DATE_STAMP,
    DATE_WORDS,
    LABEL,
    MONTHS,
    NEWSLETTER,
    PROMPT,
    TEASER,
)

# --- line pass -----------------------------------------------------------------------------------


def norm(text: str) -> str:
    return " ".join(text.split())


def is_disclaimer(line: str) -> bool:
    return bool(AI_HINT.search(line) and AI_DISCLAIMER.search(line))


def is_date_line(line: str) -> bool:
    """A line that is only a date, a time or a "published/updated" stamp."""
    return _is_date_line(line)


def _is_date_line(line: str) -> bool:
    """A line that is only a date, a time or a "published/updated" stamp."""
    if len(line) > 60:
        return False
    has_stamp = bool(DATE_STAMP.search(line)) or bool(DATE_NAMES.search(line))
    if not has_stamp:
        return False
    rest = DATE_NUMBERS.sub(" ", DATE_WORDS.sub(" ", line))
    return not _STAMP_PUNCTUATION.sub(" ", rest).strip()


# A date as teaser lists print it next to a headline: "4. November 2021", "04.11.2021".
DATES = re.compile(
    rf"\b(?:\d{{1,2}}\.? (?:{MONTHS})\.? \d{{4}}|(?:{MONTHS})\.? \d{{1,2}},? \d{{4}}"
    r"|\d{1,2}[./]\d{1,2}[./]\d{2,4})\b",
    re.IGNORECASE,
)
_STAMP_PUNCTUATION = re.compile(r"[\s,.|·•:/()\-–—]+")
_SEGMENTS = re.compile(r"\s+[-–—|·•]\s+")


def _is_meta_line(line: str) -> bool:
    """A dateline or meta strip: segments split by dashes or bars, one of them only a date
    ("05/10/2018 - Publicado por: Ana - Categoria: Saúde")."""
    segments = _SEGMENTS.split(line)
    return len(segments) >= 2 and any(_is_date_line(segment) for segment in segments)


# A byline on its own line: "Von Max Muster, NDR", "By Jane Doe and John Roe", optionally after a
# date stamp ("5:45 AM PST 11/19/2019 by Jane Doe") or before one ("By Jane Doe | Nov. 19").
_BYLINE_WORD = re.compile(
    r"(?:^|\s)(?:von|by|text|texte|text und fotos?|par|por|di)\s*:?\s+", re.IGNORECASE
)
_NAME_SEPARATORS = re.compile(r"\s*(?:[,;/&]|\s(?:und|and|et|y|e|sowie)\s)\s*", re.IGNORECASE)
_NAME_PARTICLES = frozenset(
    {"von", "van", "der", "den", "de", "la", "le", "di", "da", "del", "du", "el", "al", "zu", "ter"}
)
_BYLINE_MAX_WORDS = 16


def _is_byline(line: str) -> bool:
    if len(line.split()) > _BYLINE_MAX_WORDS or line.endswith(("?", "!", ":")):
        return False
    match = _BYLINE_WORD.search(line)
    if match is None:
        return False
    before = line[: match.start()].strip(" |·•-–—,")
    if before and not _is_date_line(before):
        return False
    segments = _SEGMENTS.split(line[match.end() :].strip())
    names, dates = segments[0].rstrip(" ."), segments[1:]
    if not names or not all(_is_date_line(d) for d in dates):
        return False
    for part in _NAME_SEPARATORS.split(names):
        words = part.split()
        if not 1 <= len(words) <= 5 or _is_date_line(part):
            return False
        for word in words:
            if word.lower() in _NAME_PARTICLES or AGENCY.fullmatch(word):
                continue
            if not word[:1].isupper():
                return False
    return True


def junk_reason(line: str) -> str | None:
    """Why a line of extracted text is page chrome, or ``None`` if it may be article text."""
    words = len(line.split())
    if AI_HINT.search(line) and AI_DISCLAIMER.search(line):
        return "ai_disclaimer"
    if words <= 25 and TEASER.match(line):
        return "teaser"
    if words <= 30 and PROMPT.search(line):
        return "prompt"
    if words <= 8 and NEWSLETTER.search(line):
        return "prompt"
    if words <= 12 and CREDIT.match(line):
        return "credit"
    if words <= 6 and AGENCY.search(line) and ("/" in line or "©" in line):
        return "credit"
    if words <= 12 and LABEL.search(line):
        return "label"
    if words <= _BYLINE_MAX_WORDS and _is_byline(line):
        return "byline"
    if line.startswith("|"):
        return None  # a table row (trafilatura writes tables as "| cell | cell |")
    if words <= 8 and _is_date_line(line):
        return "date"
    if words <= 20 and _is_meta_line(line):
        return "date"
    return None


def _comparable(text: str) -> str:
    return norm(_PUNCTUATION_VARIANTS.sub(lambda m: _CANONICAL[m.group()], text)).casefold()


_CANONICAL = {"–": "-", "—": "-", "„": '"', "“": '"', "”": '"', "«": '"', "»": '"', "’": "'"}
_PUNCTUATION_VARIANTS = re.compile("|".join(_CANONICAL))


def _is_headline(line: str, titles: Sequence[str]) -> bool:
    """The headline (or the page title) repeated above the text, possibly without the site."""
    comparable = _comparable(line)
    for title in titles:
        if comparable == title or (len(line.split()) >= 3 and title.startswith(comparable)):
            return True
    return False


_KICKER_LINE_WORDS = 6


def clean_lines(lines: Sequence[str], titles: Sequence[str | None] = ()) -> list[str]:
    """Drop chrome lines from extracted text, and headline lines (any of ``titles``) on top,
    with a short kicker line ("Review", "Interne Unterlagen im Netz") right above the headline."""
    kept: list[str] = []
    known = [_comparable(t) for t in titles if t]
    normed = [line for line in (norm(raw) for raw in lines) if line]
    skip = 0
    if known:
        for index, line in enumerate(normed[:3]):
            if _is_headline(line, known):
                skip = index + 1
                break
            if len(line.split()) > _KICKER_LINE_WORDS or line.endswith((".", "!", "?")):
                break
    for line in normed[skip:]:
        if not kept and known and _is_headline(line, known):
            continue
        if junk_reason(line) is None:
            kept.append(line)
    return kept
