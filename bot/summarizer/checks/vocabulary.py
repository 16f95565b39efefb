"""Word lists for the name check and the article's :class:`Vocabulary`: the words of an
article (casefolded, stemmed, sorted for affix look-ups) and the test whether a bullet's word,
inflected or inside a German compound, is one of them. All tables are immutable.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from types import MappingProxyType

from bot.summarizer.checks.quotes import fold
from bot.summarizer.text import WORD, stem

# Acronyms that are generic terms, not names: titles and roles, legal forms, degrees and
# grades, units, common technical and political terms. One the article lacks is no invented
# name ("the CEO", "ihre GmbH", "a GPA of 3.8"). Casefolded.
# fmt: off
GENERIC_ACRONYMS = frozenset((
    "ceo", "cfo", "coo", "cto", "cio", "vp", "md", "mp", "mep", "mdb", "mdl", "ob", "gm",
    "gmbh", "ag", "se", "kg", "ohg", "ug", "ev", "e.v", "inc", "llc", "ltd", "plc", "co",
    "ngo", "ngos", "ipo", "m&a", "pr", "hr", "it", "ki", "ai", "tv", "pc", "pcs", "suv", "ev",
    "gpa", "phd", "mba", "ba", "ma", "bsc", "msc", "iq", "abitur", "dna", "rna", "hiv",
    "covid", "icu", "er", "gp", "gdp", "bip", "cpi", "vat", "mwst", "usd", "eur", "gbp",
    "kwh", "mwh", "gwh", "kw", "mw", "gw", "ps", "km", "kmh", "mph", "co2", "ppm",
    "faq", "pdf", "sms", "gps", "led", "usb", "wlan", "wifi", "app", "url", "id", "vip",
    "dj", "ok", "eu", "un", "uk", "us", "usa", "brd", "ddr", "öpnv", "lkw", "pkw", "suvs",
    "tbd", "etc", "ad", "bc", "am", "pm", "utc", "mez", "cet",
))
# Heads of German institution names ("Bundesnetzagentur", "Kartellamt", "Stadtwerke",
# "Prüfungsausschuss", "Ethikrat"), as "singular/plural": an unknown compound ending in one,
# in any case ("des Kartellamts", "den Landesämtern"), names an organisation, not a thing.
_HEADS = """
agentur/agenturen amt/ämter behörde/behörden ministerium/ministerien gericht/gerichte
gerichtshof/gerichtshöfe rechnungshof/rechnungshöfe bank/banken kasse/kassen
konzern/konzerne verband/verbände verbund/verbünde werk/werke partei/parteien
institut/institute zentrale/zentralen kommission/kommissionen stiftung/stiftungen
gesellschaft/gesellschaften kammer/kammern union/unionen polizei/polizeien
anwaltschaft/anwaltschaften dienst/dienste gruppe/gruppen holding/holdings
versicherung/versicherungen versicherer/versicherer akademie/akademien
universität/universitäten hochschule/hochschulen klinik/kliniken klinikum/kliniken
krankenhaus/krankenhäuser verein/vereine vereinigung/vereinigungen parlament/parlamente
senat/senate betriebe/betriebe bahnen/bahnen rundfunk/rundfunke bund/bünde bündnis/bündnisse
liga/ligen büro/büros zentrum/zentren forum/foren netzwerk/netzwerke kanzlei/kanzleien
verlag/verlage sender/sender museum/museen ausschuss/ausschüsse rat/räte gremium/gremien
kollegium/kollegien konsortium/konsortien kuratorium/kuratorien präsidium/präsidien
sekretariat/sekretariate kommissariat/kommissariate dezernat/dezernate direktion/direktionen
stelle/stellen anstalt/anstalten verwaltung/verwaltungen aufsicht/aufsichten
genossenschaft/genossenschaften gewerkschaft/gewerkschaften innung/innungen
föderation/föderationen allianz/allianzen fraktion/fraktionen kartell/kartelle
fonds/fonds börse/börsen reederei/reedereien brauerei/brauereien molkerei/molkereien
werft/werften wache/wachen feuerwehr/feuerwehren kommando/kommandos
"""
# fmt: on


def _head_forms() -> dict[str, str]:
    """Each inflected form of a head ("amt", "amts", "amtes", "ämter", "ämtern") → its head."""
    forms: dict[str, str] = {}
    for entry in _HEADS.split():
        singular, plural = entry.split("/")
        for form in (singular, singular + "s", singular + "es", plural):
            forms.setdefault(form, singular)
        if not plural.endswith(("n", "s")):
            forms.setdefault(plural + "n", singular)  # dative plural: "den Landesämtern"
    return forms


INSTITUTION_FORMS = MappingProxyType(_head_forms())
# Common nouns that end in a head word ("Vorrat", "Demokrat", "Baustelle", "Beamter",
# "insgesamt"): the end of the part before the head, per head. A job ("Vollzeitstelle") or a
# place ("Unfallstelle") is a "Stelle" too, but no body.
# fmt: off
NOT_INSTITUTIONS = MappingProxyType({
    "rat": ("vor", "ver", "appa", "hei", "efe", "nse", "zie", "un", "ka", "dra", "äpa",
            "mok", "tok", "rok", "nok", "g", "pi"),
    "amt": ("be", "ges", "alles"),
    "stelle": ("bau", "halte", "tank", "schnitt", "feuer", "unfall", "eng", "schwach", "fund",
               "naht", "lehr", "plan", "komma", "dezimal", "brand", "bruch", "fehl", "leer",
               "druck", "biss", "stich", "sturz", "unglücks", "grabungs", "tat", "einsatz",
               "lade", "mess", "text", "leck", "arbeits", "zeit", "ausbildungs", "doktoranden",
               "professoren", "pfarr", "projekt", "engpass", "schad", "ufer", "wasser", "ober"),
    "gericht": ("haupt", "fisch", "nudel", "fleisch", "lieblings", "reis", "gemüse", "leib"),
    "kammer": ("speise", "herz", "rumpel", "folter", "brenn", "schatz", "kühl", "kleider",
               "gas", "druck"),
    "zentrum": ("stadt", "orts", "dorf"),
    "werk": ("feuer", "bau", "hand", "mauer", "regel", "kunst", "meister", "uhr", "trieb",
             "boll", "lauf", "tage", "stock", "fach", "schuh", "spiel", "räder", "lebens",
             "flick", "blend", "zucker"),
    "dienst": ("gottes", "wehr", "zivil", "bereitschafts", "nacht", "schicht", "innen",
               "außen", "streifen", "militär", "kriegs", "bären", "früh", "spät", "staats",
               "schul", "polizei", "wochenend", "frei", "spiel"),
    "büro": ("großraum", "home"),
    "gruppe": ("alters", "ziel", "risiko", "berufs", "personen", "blut", "bau", "unter",
               "einkommens", "bevölkerungs", "opfer", "vorrunden", "gesprächs", "wort"),
    "kasse": ("laden", "registrier", "staats", "stadt", "haushalts", "reise", "kriegs",
              "bord", "kaffee", "abend", "tages", "klingel", "portemonnaie"),
    "bank": ("sitz", "park", "daten", "werk", "anklage", "regierungs", "ersatz", "auswechsel",
             "sand", "hantel", "fels", "nebel", "kirchen", "schul", "holz", "ruhe", "bild",
             "wissens", "garten"),
    "verwaltung": ("selbst", "daten"),
    "wache": ("nacht", "mahn", "toten"),
    "sender": ("ab",),
    "aufsicht": ("eltern", "pausen", "kinder"),
})
# fmt: on
# Endings of German common nouns. A capitalised word the article lacks that ends otherwise
# ("Merz", "Siemens", "Lufthansa", "Olaf") is more likely a name than a paraphrase.
NOUN_ENDINGS = (
    "ung",
    "heit",
    "keit",
    "schaft",
    "tion",
    "sion",
    "ität",
    "ismus",
    "nis",
    "tum",
    "ling",
    "chen",
    "lein",
    "er",
    "erin",
    "entin",
    "antin",
    "istin",
    "ärin",
    "ern",
    "en",
    "e",
    "el",
    "ie",
    "ik",
    "ur",
    "ent",
    "ant",
    "enz",
    "anz",
    "um",
    "or",
    "ei",
    "ist",
    "at",
    "ät",
    "eur",
    "age",
    "ine",
    "chef",
    "ag",
    "ug",
    "ieg",
    "kt",
    "ht",
    "ft",
    "rt",
    "st",
    "nd",
    "ng",
    "ss",
    "ß",
    "ck",
    "tz",
    "ld",
    "ahl",
    "eil",
    "ahn",
    "ohn",
    "aum",
    "eis",
    "ies",
    "eit",
    "dt",
    "of",
    "us",
    "rk",
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
    # initials of word sequences ("nih" for "National Institutes of Health"): of capitalised
    # words, and of any content words ("gpa" for "grade point average")
    capital_initials: frozenset[str] = frozenset()
    initials: frozenset[str] = frozenset()

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
            *_initials(text),
        )

    def abbreviates(self, word: str) -> bool:
        """True if ``word``, an acronym, is a generic term (:data:`GENERIC_ACRONYMS`) or
        stands for words of the article: their initials ("NIH": "National Institutes of
        Health", "GPA": "grade point average", three letters or more for words in lower
        case) or its letters in a name (:meth:`spells_out`)."""
        bare = word.removesuffix("'s").removesuffix("’s")
        if bare[-1:] == "s" and sum(ch.isupper() for ch in bare[:-1]) >= 2:
            bare = bare[:-1]  # a plural: "CEOs"
        if bare.casefold() in GENERIC_ACRONYMS:
            return True
        letters = "".join(ch for ch in bare.casefold() if ch.isalpha())
        if letters in self.capital_initials or (len(letters) >= 3 and letters in self.initials):
            return True
        return self.spells_out(bare)

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
        if acronym(word) and self.abbreviates(word):
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


_INITIALS_SPAN = 6  # words
# Small words inside a name that its acronym may skip ("National Institutes of Health").
_CONNECTORS = frozenset(
    ("of", "for", "and", "the", "on", "in", "at", "to", "&", "für", "der", "die", "das", "des",
     "und", "von", "vom", "zur", "zum", "im", "am", "de", "du", "la", "le", "del", "et")
)  # fmt: skip


def _initials(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """Initials of the word sequences of ``text`` (up to six words, small connecting words
    skipped or counted): those of capitalised words only, and those of any words."""
    capital: set[str] = set()
    anywhere: set[str] = set()
    for line in text.split("\n"):
        words = [part for token in WORD.findall(line) for part in token.split("-") if part]
        for start in range(len(words)):
            if words[start].casefold() in _CONNECTORS:
                continue
            short = full = ""
            capitalised = True
            for word in words[start : start + _INITIALS_SPAN]:
                folded = word.casefold()
                full += folded[0]
                if folded not in _CONNECTORS:
                    short += folded[0]
                    capitalised = capitalised and word[:1].isupper()
                if len(short) >= 2:
                    (capital if capitalised else anywhere).update((short, full))
    return frozenset(capital), frozenset(anywhere)
