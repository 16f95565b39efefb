"""Names absent from the article (:func:`find_absent_names`): the name-shaped words of a bullet
looked up in the article's :class:`Vocabulary` (German compounds and hyphens split into parts).
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Collection
from dataclasses import dataclass

from bot.summarizer.checks.numbers import number_word_table, scale_table
from bot.summarizer.checks.quotes import QUOTE_MARKS, fold
from bot.summarizer.text import WORD, stem, stopwords

# --- names --------------------------------------------------------------------------------------

_NAME_SEPARATOR = re.compile(r"\s+")
SENTENCE_END = re.compile(r"[.!?:;…]\W*$")
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


def is_capitalised(word: str) -> bool:
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
        if following in _REPORTING or word.casefold().endswith(("'s", "’s")):
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
        if german and previous in _COMMON_NOUN_CUES and not contiguous:
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
