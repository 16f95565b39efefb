"""Negation: the negations a bullet adds to, or drops from, its supporting sentence
(:func:`negation_difference`), and a quote cut where the article negates it
(:func:`negated_source`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.summarizer.checks.quotes import QUOTE_MARKS, QuoteSpan, find_words, quote_fragments
from bot.summarizer.text import WORD, stem, stopwords

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
    fragments = quote_fragments(quote)
    if not fragments or _is_negation((WORD.findall(fragments[0]) or [""])[0]):
        return None
    first = fragments[0]
    position = find_words(folded_article, first)
    negated_at = -1
    while position >= 0:
        before = folded_article[max(0, position - 60) : position]
        cut = max(before.rfind(mark) for mark in QUOTE_MARKS + ".!?:;")
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
        clause = CLAUSE_MARKS.split(text[matches[i].start() :])[0]
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
    # The side with more cues must have one about words the other side says without any
    # negation: "nobody panicked" for "no one panicked and no one was hurt" is no flip.
    more, other, kind = (
        (mine, source, "added") if len(mine) > len(theirs) else (theirs, text, "dropped")
    )
    cue_side = text if kind == "added" else source
    for phrase, stems in more:
        if not _carries_negation(other, stems, language, cue_side):
            return (kind, phrase)
    return None


# Words that say a negation in positive form: a limit ("höchstens 5" for "nicht mehr als
# 5", "at most"), a miss ("verpasste" for "reichte nicht", "fell short"), a prevention or a
# ban ("verhinderte", "banned"), or a negative pronoun outside the cue window ("nobody …").
# fmt: off
_CARRIER_STEMS = (  # word beginnings
    "verpass", "verfehl", "versäum", "misslang", "misslung", "missglück", "ausgeblieb",
    "verhinder", "vermied", "vermeid", "untersag", "verbot", "verbiet", "prohibit", "prevent",
    "avoid", "impossib",
)
_CARRIERS = frozenset((  # whole words
    "höchstens", "maximal", "allenfalls", "bestenfalls", "lediglich", "nur", "kaum",
    "weniger", "unterhalb", "fehlt", "fehlte", "fehlten", "fehlen", "ausgeschlossen",
    "unmöglich", "most", "maximum", "only", "merely", "barely", "hardly", "scarcely", "miss",
    "missed", "misses", "short", "fell", "fall", "falls", "below", "under", "less", "fewer",
    "ban", "banned", "bans", "forbid", "forbade", "forbidden", "ruled", "absent",
))
# fmt: on
_CARRIER_WINDOW = _NEGATION_WINDOW + 2


def _carries_negation(text: str, cue_stems: frozenset[str], language: str, cue_side: str) -> bool:
    """True if ``text`` says the other side's negation (whose content words are
    ``cue_stems``) without a negation cue of its own: a carrier word, or a negation word
    itself, near one of those content words ("höchstens 5 Mio. Euro" for "5 Mio. Euro nicht
    übersteigen", "verpasste knapp" for "reichte knapp nicht", "nobody on board panicked").
    A carrier that ``cue_side`` has too ("nicht weniger" / "weniger") carries nothing."""
    tokens = WORD.findall(text)
    shared = {token.casefold() for token in WORD.findall(cue_side)}
    near = [i for i, token in enumerate(tokens) if stem(token, language) in cue_stems]
    for i, token in enumerate(tokens):
        folded = token.casefold()
        carrier = folded in _CARRIERS or folded.startswith(_CARRIER_STEMS)
        if not (_is_negation(token) or (carrier and folded not in shared)):
            continue
        if any(abs(i - j) <= _CARRIER_WINDOW for j in near):
            return True
    return False


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


CLAUSE_MARKS = re.compile(r"[,;:()\[\]–]|[.!?](?:\s|$)")
