"""Quotes: the quoted spans of a bullet (:func:`find_quote_spans`), and a quote found in the
article word by word (:func:`quote_in_article`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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
QUOTE_MARKS = '„“”"»«‚‘‹›'


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


def quote_fragments(quote: str) -> list[str]:
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
    fragments = quote_fragments(quote)
    return bool(fragments) and all(find_words(folded_article, f) >= 0 for f in fragments)
