"""Text helpers for prompts and checks: languages, token estimates, chrome, trimming, sentences.

Sentence splitting is our own small splitter on purpose: measured on news text, pysbd takes
~100 ms for a 23,000-character article (our whole pipeline budget), syntok splits German dates
("am 3. Oktober") and simplemma splits after "Dr."; German ordinals and dates matter here.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]  # no type information shipped

from bot.stopwords import stopwords as shared_stopwords

# --- languages ----------------------------------------------------------------------------------

LANGUAGE_NAMES = {
    "de": "German",
    "en": "English",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "nl": "Dutch",
    "pt": "Portuguese",
    "pl": "Polish",
    "da": "Danish",
    "sv": "Swedish",
    "no": "Norwegian",
    "fi": "Finnish",
    "cs": "Czech",
    "tr": "Turkish",
}
# Languages with both a Snowball stemmer and a stop-word list (for checks and detection).
_SNOWBALL = {
    "de": "german",
    "en": "english",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
    "pl": "polish",
    "da": "danish",
    "sv": "swedish",
    "no": "norwegian",
    "fi": "finnish",
    "cs": "czech",
    "tr": "turkish",
}
DETECTABLE = ("de", "en", "fr", "es", "it", "nl", "pt", "pl")


def normalize_language(code: str | None) -> str | None:
    """``de-DE`` → ``de``; empty → None."""
    if not code:
        return None
    base = re.split(r"[-_]", code.strip().lower(), maxsplit=1)[0]
    return base if re.fullmatch(r"[a-z]{2,3}", base) else None


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


def stopwords(language: str) -> frozenset[str]:
    """The casefolded stop words of ``language`` (one cache with the article pipeline's)."""
    return shared_stopwords(language)


@dataclass(frozen=True, slots=True)
class LanguageGuess:
    language: str | None
    shares: dict[str, float]  # per candidate: share of words that are its stop words
    words: int

    def share(self, language: str) -> float:
        return self.shares.get(language, 0.0)


def detect_language(text: str, candidates: Sequence[str] = DETECTABLE) -> LanguageGuess:
    """Guess the language by stop-word coverage: reliable for a few sentences of news."""
    tokens = [token.casefold() for token in WORD.findall(text)]
    if not tokens:
        return LanguageGuess(None, {}, 0)
    shares = {
        lang: sum(token in stopwords(lang) for token in tokens) / len(tokens) for lang in candidates
    }
    best = max(shares, key=lambda lang: shares[lang])
    return LanguageGuess(best if shares[best] > 0 else None, shares, len(tokens))


# --- tokens, stems ------------------------------------------------------------------------------

WORD = re.compile(r"[^\W\d_](?:[\w'’\-]*\w)?")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


class _Stemmers(threading.local):
    """One Snowball stemmer per language *per thread*.

    A Snowball stemmer keeps its working state (the current word, cursor and limits) on the
    object while ``stemWord`` runs (``snowballstemmer/basestemmer.py``), so one instance shared
    by worker threads corrupts it: ``IndexError: string index out of range`` or, worse, a
    wrong stem that the cache below would keep. Each thread gets its own instances.

    ``snowballstemmer.stemmer`` hands out PyStemmer's C stemmer when it is installed (a
    dependency): the same Snowball algorithms and stems, several times faster; its objects
    are not to be shared between threads either.
    """

    def __init__(self) -> None:
        self.by_language: dict[str, object] = {}

    def get(self, language: str) -> object | None:
        algorithm = _SNOWBALL.get(language)
        if algorithm is None:
            return None
        stemmer = self.by_language.get(language)
        if stemmer is None:
            stemmer = self.by_language[language] = snowballstemmer.stemmer(algorithm)
        return stemmer


_STEMMERS = _Stemmers()


def _stemmer(language: str) -> object | None:
    """This thread's stemmer for ``language`` (None where Snowball has none)."""
    return _STEMMERS.get(language)


@lru_cache(maxsize=65536)
def stem(word: str, language: str) -> str:
    """The Snowball stem of ``word`` (casefolded); the casefolded word where we have no stemmer.

    Safe from any thread: the stemmer is the calling thread's own, so the cached stem is
    always the one a single thread computes (``lru_cache`` itself is thread-safe).
    """
    folded = word.casefold().translate(_APOSTROPHES)
    folded = re.sub(r"'s$", "", folded)
    stemmer = _stemmer(language)
    if stemmer is None:
        return folded
    result: str = stemmer.stemWord(folded)  # type: ignore[attr-defined]  # untyped library
    return result


def content_stems(text: str, language: str) -> set[str]:
    """Stems of the words in ``text`` that are not stop words."""
    stops = stopwords(language)
    return {
        stem(token, language)
        for token in WORD.findall(text)
        if token.casefold() not in stops and len(token) > 1
    }


# --- token estimate -----------------------------------------------------------------------------

# Characters per token. Anthropic's long-standing rule of thumb is ~3.5 characters of English per
# token; Claude Haiku 5.5 uses the newer tokenizer that counts "approximately 30% more tokens"
# for the same text (platform.claude.com/docs/en/models/haiku-5-5/overview), so 3.5 / 1.3 ≈ 2.7.
# German words are longer and split into more pieces; we assume another ~15% (≈ 2.3). These are
# deliberate over-estimates: trimming a little early is harmless, overrunning the budget is not.
_CHARS_PER_TOKEN = {"en": 2.7, "de": 2.3}
_DEFAULT_CHARS_PER_TOKEN = 2.3


def estimate_tokens(text: str, language: str | None = None) -> int:
    """Offline estimate of Claude input tokens for ``text`` (no tokenizer ships with the SDK)."""
    if not text:
        return 0
    ratio = _CHARS_PER_TOKEN.get(language or "", _DEFAULT_CHARS_PER_TOKEN)
    return math.ceil(len(text) / ratio)


# --- page chrome --------------------------------------------------------------------------------

_AI_WORDS = re.compile(
    r"\b(künstliche[rnm]?\s+Intelligenz|KI|artificial\s+intelligence|AI|generative[nr]?)\b",
    re.IGNORECASE,
)
_SUMMARY_WORDS = re.compile(r"zusammenfass|zusammengefasst|summar", re.IGNORECASE)
_PRODUCTION_WORDS = re.compile(
    r"erstell|generier|geprüft|redakt|verfasst|created|generated|produced|reviewed|checked|editor",
    re.IGNORECASE,
)
_CHROME_MAX_WORDS = 60


def _fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def is_ai_summary_chrome(paragraph: str, disclaimers: Iterable[str] = ()) -> bool:
    """True for an AI-summary box disclaimer (like our own output's) scraped with the article."""
    folded = _fold(paragraph)
    if not folded:
        return False
    for disclaimer in disclaimers:
        if disclaimer and _fold(disclaimer) in folded and len(folded.split()) < _CHROME_MAX_WORDS:
            return True
    return (
        len(folded.split()) < _CHROME_MAX_WORDS
        and bool(_AI_WORDS.search(paragraph))
        and bool(_SUMMARY_WORDS.search(paragraph))
        and bool(_PRODUCTION_WORDS.search(paragraph))
    )


def clean_paragraphs(text: str, disclaimers: Iterable[str] = ()) -> tuple[list[str], int]:
    """Article paragraphs without AI-summary chrome at either end; returns (kept, removed count).

    Such boxes ("Wir nutzen künstliche Intelligenz, um Zusammenfassungen … zu erstellen") sit
    above or below the article; feeding them back to the model would summarize our own product.
    Only the first and last three paragraphs are examined, so an article *about* AI summaries
    keeps its body.
    """
    disclaimers = tuple(disclaimers)
    paragraphs = [" ".join(p.split()) for p in text.split("\n") if p.strip()]
    edge = set(range(min(3, len(paragraphs)))) | set(
        range(max(0, len(paragraphs) - 3), len(paragraphs))
    )
    kept = [
        p
        for i, p in enumerate(paragraphs)
        if not (i in edge and is_ai_summary_chrome(p, disclaimers))
    ]
    return kept, len(paragraphs) - len(kept)


# --- trimming -----------------------------------------------------------------------------------


def trim_to_budget(
    paragraphs: Sequence[str], budget_tokens: int, language: str | None
) -> tuple[list[str], bool]:
    """Whole paragraphs from the start while they fit ``budget_tokens``; True if any were cut.

    A first paragraph larger than the whole budget is cut at a sentence boundary (or, for one
    giant sentence, at a word boundary), so there is always some text.
    """
    kept: list[str] = []
    used = 0
    for paragraph in paragraphs:
        cost = estimate_tokens(paragraph, language) + 1  # +1: the newline between paragraphs
        if used + cost > budget_tokens:
            break
        kept.append(paragraph)
        used += cost
    if len(kept) == len(paragraphs):
        return kept, False
    if kept:
        return kept, True
    head: list[str] = []
    for sentence in split_sentences(paragraphs[0], language):
        if estimate_tokens(" ".join([*head, sentence]), language) > budget_tokens:
            break
        head.append(sentence)
    if not head:
        max_chars = int(budget_tokens * _CHARS_PER_TOKEN.get(language or "", 2.3))
        cut = paragraphs[0][:max_chars]
        head = [cut.rsplit(" ", 1)[0] if " " in cut else cut]
    return [" ".join(head)], True


# --- sentences ----------------------------------------------------------------------------------

# fmt: off
_ABBREVIATIONS = frozenset((
    "dr", "prof", "mr", "mrs", "ms", "mx", "st", "jr", "sr", "sen", "rep", "gov", "col", "lt",
    "sgt", "capt", "cmdr", "adm", "nr", "vol", "abs", "bzw", "ca", "vgl", "evtl", "ggf", "inkl",
    "zzgl", "usw", "etc", "ff", "hr", "fr", "frl", "dipl", "ing", "mag", "sog", "vs", "resp",
    "jan", "feb", "mär", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "oct", "nov", "dez",
    "dec", "mio", "mrd", "tsd", "str", "u", "z", "b", "a", "d", "h", "o", "e", "i", "v", "s",
))
_MONTHS = frozenset((
    "januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september",
    "oktober", "november", "dezember", "jänner", "january", "february", "march", "may", "june",
    "july", "october", "december",
))
# fmt: on
_BOUNDARY = re.compile(r"(?<=[.!?…])[\"'“”»«’)\]]*\s+")
_OPENERS = "\"'„“»«‚‘([–-"


# Quotation marks: opening mark -> the marks that may close it (English “…”, German „…“ and »…«,
# French and Swiss «…», straight "…").
_QUOTE_CLOSERS = {"“": "”", "„": "“”", "»": "«", "«": "»", '"': '"'}
# A quotation longer than this (an unclosed mark, a whole interview answer) may be split.
_MAX_QUOTE_CHARS = 400


def _quoted_spans(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each closed quotation in ``paragraph`` up to ``_MAX_QUOTE_CHARS`` long."""
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(paragraph):
        closers = _QUOTE_CLOSERS.get(paragraph[index])
        if closers is None:
            index += 1
            continue
        end = next((i for i in range(index + 1, len(paragraph)) if paragraph[i] in closers), None)
        if end is None:
            index += 1
            continue
        if end - index <= _MAX_QUOTE_CHARS:
            spans.append((index, end))
        index = end + 1
    return spans


def split_sentences(text: str, language: str | None = None) -> list[str]:
    """Split news text into sentences, keeping abbreviations and German ordinals intact.

    A quotation stays whole: a quoted tweet ("… in SD. We are here to Get. It. OUT," she wrote)
    is one sentence with its attribution.
    """
    sentences: list[str] = []
    for paragraph in text.split("\n"):
        start = 0
        quotes = _quoted_spans(paragraph) if any(q in paragraph for q in _QUOTE_CLOSERS) else []
        for match in _BOUNDARY.finditer(paragraph):
            if any(open_ < match.start() < close for open_, close in quotes):
                continue
            before = paragraph[start : match.start()]
            after = paragraph[match.end() :]
            first = after.lstrip(_OPENERS)[:1]
            if not (first.isupper() or first.isdigit()) or _joins_next(before, after, language):
                continue
            sentence = paragraph[start : match.end()].strip()
            if sentence:
                sentences.append(sentence)
            start = match.end()
        rest = paragraph[start:].strip()
        if rest:
            sentences.append(rest)
    return sentences


def _joins_next(before: str, after: str, language: str | None) -> bool:
    """True where a full stop ends an abbreviation or an ordinal rather than the sentence."""
    if not before.endswith("."):
        return False
    last = re.split(r"\s", before[:-1])[-1] if before[:-1] else ""
    if last.casefold().rstrip(".").split(".")[-1] in _ABBREVIATIONS:
        return True
    if re.fullmatch(r"(?:[A-Za-z]\.)+[A-Za-z]", last):  # U.S. / z.B. / e.g.
        return True
    if last.isdigit():
        next_word = (WORD.findall(after[:40]) or [""])[0].casefold()
        if next_word in _MONTHS:
            return True
        # German ordinals ("80. Jahrestag", "2. Bundesliga"); four-digit years end sentences.
        if language == "de" and len(last) <= 3:
            return True
    return False
