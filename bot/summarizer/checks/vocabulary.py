"""Word lists for the name check and the article's :class:`Vocabulary`: the words of an
article (casefolded, stemmed, sorted for affix look-ups) and the test whether a bullet's word,
inflected or inside a German compound, is one of them. All tables are immutable.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from bot.summarizer.checks.quotes import fold
from bot.summarizer.text import WORD, stem

# fmt: off
# Heads of German institution names ("Bundesnetzagentur", "Kartellamt", "Stadtwerke"): an
# unknown compound ending in one names an organisation, not a thing.
INSTITUTION_HEADS = (
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
NOUN_ENDINGS = (
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

# German words that open a sentence capitalised without being names ("Laut Stadt …").
SENTENCE_OPENERS = frozenset(
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
COMMON_NOUN_CUES = frozenset(
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
REPORTING = frozenset((
    "said", "says", "told", "added", "argued", "warned", "praised", "criticised", "criticized",
    "announced", "stated", "claimed", "explained", "noted", "wrote", "insisted", "admitted",
    "sagte", "sagt", "erklärte", "erklärt", "betonte", "betont", "kritisierte", "kritisiert",
    "warnte", "warnt", "forderte", "fordert", "lobte", "lobt", "teilte", "meldete", "meldet",
    "berichtete", "berichtet", "kündigte", "räumte", "schrieb", "sprach", "bestätigte",
))
# fmt: on


def acronym(word: str) -> bool:
    return sum(ch.isupper() for ch in word) >= 2 or any(ch.isdigit() for ch in word)


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
        if acronym(word) and self.spells_out(word):
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
