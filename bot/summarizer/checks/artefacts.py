"""Chatbot artefacts ("Bleiben Sie dran", "Als KI…") in a bullet's wording
(:func:`find_artefacts`).
"""

from __future__ import annotations

import re
from types import MappingProxyType

from bot.summarizer.checks.names import SENTENCE_END
from bot.summarizer.checks.quotes import QUOTE_MARKS, find_quote_spans
from bot.summarizer.text import WORD

# --- artefacts ----------------------------------------------------------------------------------

# Chatbot artefacts are recognised by kind, not by a list of phrases: talk about the summary,
# the article or the model ("Here are the key points:", "Kurz zusammengefasst:", "Note: I
# could not access …"), first or second person outside quotes (news copy has neither),
# courtesy and offers, labels ending in a colon, Markdown, emoji and placeholders.
_META = (
    r"summar\w*|zusammen(?:fass\w*|gefasst)|key\s+(?:points?|takeaways?|facts|findings|details)"
    r"|main\s+points?|highlights?|takeaways?|overview|überblick|fazit|kernpunkte?|kernaussagen?"
    r"|(?:die\s+)?wichtigsten?\s+(?:punkte|fakten|infos?|informationen|aussagen|ergebnisse)"
    r"|kurz(?:um|\s+gesagt|\s+gefasst)?|in\s+(?:short|brief|a\s+nutshell)|bottom\s+line"
    r"|tl;?\s?dr|notes?|hinweis|anmerkung|disclaimer|stichpunkte|bullet\s*points?|in\s+kürze"
    r"|auf\s+einen\s+blick|at\s+a\s+glance|das\s+wichtigste|the\s+gist|recap"
    r"|important|wichtig|need\s+to\s+know|wissenswert"
)
# What a chatbot was given to summarise, and how ("the text you shared", "the details supplied").
_MATERIAL = (
    r"information|text|article|passage|excerpt|content|input|material|details|data|snippet"
    r"|document|source(?:\s+text)?"
)
_GIVEN = r"provided|given|shared|supplied|pasted|submitted|uploaded"
_ARTEFACTS = tuple(
    re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    for pattern in (
        # A leading label about the text itself, ending in a colon ("Kurz zusammengefasst:")
        rf"^\W*(?:[\w'’-]+\s+){{0,4}}?(?:{_META})(?:\s+[\w'’-]+){{0,4}}?\s*(?::|\s[–—-]\s)",
        # Meta-talk anywhere
        r"\b(?:here|below)(?:'s|’s|\s+is|\s+are)\s+(?:a|an|the|your|some|my)\b[^.:!?]*",
        r"\bhier\s+(?:ist|sind|finden\s+Sie|die|eine|kommt|folgt|folgen)\b[^.:!?]*",
        rf"\b(?:in|zum|als)\s+(?:{_META})\b",
        r"^\W*(?:in\s+(?:short|brief|summary|conclusion|a\s+nutshell)|to\s+sum\s+up"
        r"|all\s+in\s+all|kurz\s+gesagt|kurzum|kurz\s+und\s+knapp|alles\s+in\s+allem)\b",
        r"\b(?:zusammenfassend|abschließend|insgesamt\s+lässt\s+sich|to\s+sum\s+up|overall,)",
        r"\b(?:dieser|der|diese|die)\s+(?:Artikel|Text|Beitrag|Bericht|Zusammenfassung)\s+"
        r"(?:berichtet|beschreibt|erklärt|behandelt|zeigt|fasst|thematisiert|beleuchtet)\b",
        r"\b(?:this|the)\s+(?:article|text|piece|story|summary)\s+"
        r"(?:reports|describes|explains|discusses|covers|highlights|outlines|summari[sz]es)\b",
        r"\b(?:full|original)\s+(?:article|text|study|report|source)\b",
        r"\b(?:the|this)\s+(?:article|text|source)\s+(?:does|did|doesn't|is|was|has|provides"
        r"|mentions|states|says|notes|contains|gives)\b",
        r"\b(?:in|from)\s+the\s+(?:article|text|source|excerpt|snippet)\b",
        # The material the model was given: "Based on the information provided,", "the
        # provided text", "the details supplied above" (news says "provided by police")
        rf"\b(?:the|this|these)\s+(?:{_MATERIAL})\s+(?:{_GIVEN})(?!\s+(?:by|to|at|in|during|for)\b)"
        r"(?=\s*(?:[,.;:)]|$|here\b|above\b|below\b|so\s+far\b|earlier\b|to\s+me\b))",
        rf"\b(?:the|this|these)\s+(?:{_GIVEN})\s+(?:{_MATERIAL})\b",
        r"\bthe\s+user(?:'s|’s)?\s+(?:provided|shared|supplied|pasted|gave|asked|requested|input"
        r"|question|prompt|request|message)\b",
        r"\b(?:laut|gemäß|nach|aus|in|anhand|basierend\s+auf|auf\s+(?:Basis|Grundlage))\s+"
        r"(?:de[nmrs]|die)\s+(?:bereitgestellte|eingefügte|geteilte|mitgelieferte|zur\s+Verfügung"
        r"\s+gestellte)[nmrs]?\s+(?:Informationen|Text\w*|Artikel\w*|Angaben|Auszug\w*"
        r"|Inhalt\w*)\b",
        r"\bit(?:'s|’s|\s+is)\s+(?:worth\s+(?:noting|mentioning)|important\s+to\s+note)\b",
        r"\bEs\s+ist\s+(?:erwähnenswert|wichtig\s+zu\s+(?:beachten|betonen|erwähnen))\b",
        r"\b(?:im|aus\s+dem)\s+(?:Artikel|Text|Quelltext)\b",
        r"\b(?:der|dieser)\s+(?:Artikel|Text)\s+(?:nennt|erwähnt|enthält|gibt|sagt|macht)\b",
        r"^\W*(?:Unfortunately|Leider)\b",
        r"\b(?:im\s+Folgenden|nachfolgend|the\s+following|below\s+(?:is|are))\b",
        r"\b(?:vollständige|vollen|ganzen|gesamten)\s+(?:Artikel|Text|Studie|Bericht|Quelle)\b",
        # The model speaking about itself
        r"\bas\s+an?\s+(?:AI|language\s+model|assistant)\b",
        r"\b(?:large\s+)?language\s+model\b",
        r"\bals\s+(?:eine?\s+)?(?:KI|Sprachmodell|Assistent\w*)\b",
        r"\b(?:KI-)?Sprachmodell\b",
        r"\bknowledge\s+cut-?off\b|\bWissensstand\b",
        # Courtesy and offers
        r"\bBleiben\s+Sie\s+dran\b|\bStay\s+tuned\b",
        r"\bI\s+hope\s+(?:this|that)\s+helps\b|\bIch\s+hoffe\b",
        r"\bLet\s+me\s+know\b|\bLassen\s+Sie\s+(?:mich|es\s+mich)\s+wissen\b",
        r"\bfeel\s+free\b|\bzögern\s+Sie\s+nicht\b",
        r"\bTL;?DR\b",
        r"^\s*(?:Sure|Certainly|Of\s+course|Absolutely|Gerne|Natürlich|Klar|Okay)\s*[!,.:]",
        # Markdown, chat formatting, placeholders
        r"^\s*#{1,6}\s+\S.*$",
        r"\*\*[^*]+\*\*|__[^_]+__",
        r"^\s*[-*•]\s+",
        r"\[[^\]]+\]\([^)]+\)",
        r"\[(?:[^\]]{0,40})\]|\{\{?[^}]{0,40}\}\}?|<[^>]{1,40}>",
        r"`[^`]+`",
        r"[\U0001F300-\U0001FAFF\u2600-\u27BF]",
        # A bullet that ends in a colon introduces something that is not there
        r"\S[^.!?]{0,60}:\s*$",
    )
)
# First person singular and second person outside quotes: news copy speaks of others, so the
# writer ("I could not access …", "Ich habe … nicht selbst gesehen", "soweit ich weiß",
# "Meiner Einschätzung nach") or a reader addressed ("you", "Sie", "du") is the model talking.
_PERSON = MappingProxyType(
    {
        "en": re.compile(
            r"\b(?:I|I'm|I’m|I've|I’ve|I'd|I’d|I'll|I’ll|[Mm]e|[Mm]y|[Mm]yself|[Mm]ine"
            r"|[Yy]ou|[Yy]our|[Yy]ours|[Yy]ourself|you'(?:re|ve|ll|d)|you’(?:re|ve|ll|d))\b"
        ),
        "de": re.compile(
            r"\b(?:[Ii]ch|[Mm]ir|[Mm]ich|[Mm]eine?[rnms]?|[Mm]einerseits|[Dd]u|[Dd]ich|[Dd]ir"
            r"|[Dd]eine?[rnms]?)\b(?!-)"
            r"|\b(?:Ihnen|Ihre?[rnms]?)\b|(?<=[a-zäöüß,] )Sie\b"
        ),
    }
)


def find_artefacts(text: str, language: str | None = None) -> list[str]:
    spans: list[tuple[int, int, str]] = []
    for pattern in _ARTEFACTS:
        for match in pattern.finditer(text):
            span = match.group().strip()
            if span:
                spans.append((match.start(), match.end(), span))
    unquoted = blank_quotes(text)
    for lang in [language] if language in _PERSON else list(_PERSON):
        assert lang is not None
        for match in _PERSON[lang].finditer(unquoted):
            if lang == "en" and match.group() == "I" and _roman_numeral(unquoted, match.start()):
                continue
            if any(start <= match.start() < end for start, end, _ in spans):
                continue  # already inside a flagged phrase ("I hope this helps")
            clause = _clause_around(text, match.start(), match.end())
            if clause:
                spans.append((match.start(), match.end(), clause))
    found: list[str] = []
    for _start, _end, span in spans:
        if span not in found:
            found.append(span)
    # One flag per place: a span inside a longer one ("Here are the key points" inside
    # "Here are the key points:") is dropped.
    return [f for f in found if not any(f != other and f in other for other in found)]


def blank_quotes(text: str) -> str:
    """``text`` with quoted words replaced by spaces (same length, so positions hold)."""
    out = list(text)
    for span in find_quote_spans(text):
        out[span.start : span.end] = " " * (span.end - span.start)
    return "".join(out)


def _roman_numeral(text: str, start: int) -> bool:
    """ "World War I", "Charles I": a capital I right after a capitalised word is a numeral."""
    before = text[:start].rstrip()
    previous = (WORD.findall(before[-30:]) or [""])[-1]
    return bool(previous) and previous[:1].isupper() and not SENTENCE_END.search(before)


def _clause_around(text: str, start: int, end: int) -> str:
    """A few words around a match, to show the editor where it is."""
    left = max(text.rfind(mark, 0, start) for mark in ".!?:;,\n") + 1
    right_marks = [i for i in (text.find(mark, end) for mark in ".!?:;,\n") if i >= 0]
    right = min(right_marks) if right_marks else len(text)
    words = text[left:right].split()
    return " ".join(words[:8]).strip(" " + QUOTE_MARKS)
