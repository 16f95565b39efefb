"""Stop-word lists (the ``stop-words`` package, 33 languages), loaded once per language and
shared by the article pipeline (a first, cheap language guess) and the summary checks.

:func:`guess_language` decides only when the evidence is plain: enough words, a clear share of
one language's stop words, well ahead of the runner-up's. Otherwise it answers None and the
caller asks the statistical detector (py3langid), which is far larger to load.
"""

from __future__ import annotations

import re
from functools import lru_cache

import stop_words  # type: ignore[import-untyped]  # no type information shipped

WORD = re.compile(r"[^\W\d_](?:[\w'’\-]*\w)?")
# ISO 639-1 codes of the lists; Norwegian Bokmål is "nb" there and "no" in py3langid and here.
_LISTS = {
    ("no" if code == "nb" else code): name for code, name in stop_words.LANGUAGE_MAPPING.items()
}
LANGUAGES = tuple(sorted(_LISTS))

MIN_WORDS = 30  # fewer words: no guess
MIN_SHARE = 0.15  # news prose: 30–50 % of its words are stop words of its language
# The best language's share at least this many times the runner-up's. Some lists overlap a
# lot (the Slovak one holds "the", "and", "of"); 1.75 decided 461 of 502 news pages, all as
# py3langid does, where 1.5 took a German page with an English timetable for English.
MIN_LEAD = 1.75


@lru_cache(maxsize=64)
def stopwords(language: str) -> frozenset[str]:
    """The casefolded stop words of ``language`` (ISO 639-1), empty where there is no list."""
    name = _LISTS.get(language)
    if name is None:
        return frozenset()
    return frozenset(word.casefold() for word in stop_words.get_stop_words(name))


@lru_cache(maxsize=1)
def _languages_of() -> dict[str, tuple[str, ...]]:
    """Each stop word of any list → the languages whose list has it (one lookup per token)."""
    index: dict[str, list[str]] = {}
    for lang in LANGUAGES:
        for word in stopwords(lang):
            index.setdefault(word, []).append(lang)
    return {word: tuple(langs) for word, langs in index.items()}


def shares(tokens: list[str]) -> dict[str, float]:
    """Per language: the share of ``tokens`` (casefolded words) that are its stop words."""
    if not tokens:
        return {}
    counts = dict.fromkeys(LANGUAGES, 0)
    languages_of = _languages_of()
    for token in tokens:
        for lang in languages_of.get(token, ()):
            counts[lang] += 1
    return {lang: count / len(tokens) for lang, count in counts.items()}


def guess_language(text: str) -> str | None:
    """The language of ``text`` when its stop words leave no doubt, else None."""
    tokens = [token.casefold() for token in WORD.findall(text)]
    if len(tokens) < MIN_WORDS:
        return None
    ranked = sorted(shares(tokens).items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top >= MIN_SHARE and top >= MIN_LEAD * second:
        return best
    return None
