"""Names absent from the article (:func:`find_absent_names`): the name-shaped words of a bullet
looked up in the article's :class:`Vocabulary` (German compounds and hyphens split into parts).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection

from bot.summarizer.checks.numbers import number_word_table, scale_table
from bot.summarizer.checks.quotes import QUOTE_MARKS, fold
from bot.summarizer.checks.vocabulary import (
    COMMON_NOUN_CUES,
    INSTITUTION_FORMS,
    NOT_INSTITUTIONS,
    NOUN_ENDINGS,
    REPORTING,
    SENTENCE_OPENERS,
    Vocabulary,
    acronym,
)
from bot.summarizer.text import WORD, stopwords

# --- names --------------------------------------------------------------------------------------

_NAME_SEPARATOR = re.compile(r"\s+")
SENTENCE_END = re.compile(r"[.!?:;…]\W*$")


def is_capitalised(word: str) -> bool:
    return word[:1].isupper()


def _institution(word: str) -> bool:
    """A compound whose head names a body, in any case and number ("Landesumweltamts",
    "Prüfungsausschusses", "Aufsichtsräten"), unless it is a common noun ("Vorrat")."""
    folded = word.casefold()
    for cut in range(3, len(folded) - 2):
        head = INSTITUTION_FORMS.get(folded[cut:])
        if head is not None and not folded[:cut].endswith(NOT_INSTITUTIONS.get(head, ())):
            return True
    return False


def _name_shaped(word: str) -> bool:
    """A capitalised German word that does not end like a common noun."""
    folded = word.casefold()
    return len(folded) > 3 and not folded.endswith(NOUN_ENDINGS)


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
    if acronym(part) or _institution(part):
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
    numeric = {*scale_table(language), *number_word_table(language)}
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
        initial = not before or bool(SENTENCE_END.search(before)) or before[-1] in QUOTE_MARKS
        # A capitalised word that speaks or owns ("Smith said", "Merz sagte", "Smith's") is a
        # name even at the start of a sentence.
        following = tokens[index + 1].group().casefold() if index + 1 < len(tokens) else ""
        if following in REPORTING or word.casefold().endswith(("'s", "’s")):
            initial = False
        contiguous = bool(current) and (gap == "" or _NAME_SEPARATOR.fullmatch(gap) is not None)
        if is_capitalised(word) and (
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
        if german and previous in COMMON_NOUN_CUES and not contiguous:
            common.add(token.start())
        if is_capitalised(word):
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
            or (run[0][1] and fold(run[0][0]) in SENTENCE_OPENERS)
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
                    if not is_capitalised(part) and i > 0:
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
                    if part and is_capitalised(part)
                )
            ):
                run = run[1:]  # "Teacher Clarke": a capitalised first word before a known name
            if len(run) == 1 and not (single_words and not run[0][1]):
                continue
            if all(
                vocabulary.contains(part)
                for word, _ in run
                for part in word.split("-")
                if part and is_capitalised(part)
            ):
                continue
        name = " ".join(word for word, _ in run)
        if name not in absent:
            absent.append(name)
    return absent


def find_name_words(text: str, stops: frozenset[str]) -> frozenset[str]:
    """Words that stand in names of people or bodies: capitalised runs of two or more words
    ("Mayor Helen Okafor", "Präsident Wladimir Putin") minus their first word, and every
    word of a two-word run. Casefolded, a trailing genitive "s" kept and removed."""
    names: set[str] = set()
    for sentence in text.split("\n"):
        run: list[str] = []
        for token in [*WORD.findall(sentence), ""]:
            if token and is_capitalised(token) and token.casefold() not in stops:
                run.append(token)
                continue
            if len(run) >= 2:
                for word in run[1:] if len(run) > 2 else run:
                    folded = fold(word)
                    names.add(folded)
            run = []
    return frozenset(names)


def find_person_words(text: str, stops: frozenset[str], language: str) -> frozenset[str]:
    """Surnames and first names: capitalised words right after a first name ("Stefan
    Mühlbauer", "Helen Okafor"), and those first names; casefolded, genitive "s" removed.
    In German a first name is a word not shaped like a noun; in English any capitalised
    word that is not a stop word or the sentence's first word."""
    persons: set[str] = set()
    for line in text.split("\n"):
        tokens = list(WORD.finditer(line))
        for previous, token in itertools.pairwise(tokens):
            first, word = previous.group(), token.group()
            if not (is_capitalised(first) and is_capitalised(word)):
                continue
            if line[previous.end() : token.start()].strip():
                continue
            if first.casefold() in stops or word.casefold() in stops:
                continue
            before = line[: previous.start()].rstrip()
            if not before or SENTENCE_END.search(before):
                continue
            if language == "de" and not _name_shaped(first):
                continue
            persons.update((bare_word(first), bare_word(word)))
    return frozenset(persons)


def bare_word(word: str) -> str:
    folded = fold(word)
    for ending in ("'s", "s"):
        if folded.endswith(ending) and len(folded) > 3:
            return folded[: -len(ending)]
    return folded
