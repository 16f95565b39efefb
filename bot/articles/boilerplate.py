"""News-page chrome, found by generic markup and phrase patterns; removed around extraction.

Two passes around trafilatura. :func:`prune_chrome` removes, in the parsed page, elements whose
class, id or ARIA role names them as navigation, consent banners, newsletter and subscription
boxes, related-article teasers, comments, share bars, author boxes, captions or summary boxes,
plus "read also" blocks, link-only teaser lines and AI-summary boxes found by their wording; the
container holding most of the page's prose is never removed, whatever its class names say.
:func:`clean_lines` then drops what survives extraction line by line: teaser and subscription
prompts, AI disclaimers, photo credits, labels, bare dates, and the headline repeated on top.

The vocabulary is generic (class-name tokens and phrases in the languages our newsrooms read),
never a single site's markup; every rule was kept only if it helped on both benchmark sets
(``benchmarks/extraction.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml.etree import XPath
from lxml.html import HtmlElement

# --- markup vocabulary ---------------------------------------------------------------------------
# Matched on "class id" after camelCase is split ("AuthorBox" -> "author-box") and lowercased;
# a token must stand alone between non-letters ("nav" matches "main-nav", not "canvas").
_SEP = r"[-_ ]*"


def _tokens(*words: str) -> str:
    return "|".join(w.replace(" ", _SEP) for w in words)


_STRONG_TOKENS = _tokens(
    # navigation
    "nav",
    "navbar",
    "navigation",
    "navi",
    "menu",
    "submenu",
    "breadcrumbs?",
    "skip links?",
    # consent and cookie banners, consent-manager vendors
    "cookies?",
    "consent",
    "gdpr",
    "onetrust",
    "didomi",
    "usercentrics",
    "cookiebot",
    # newsletter, subscription and paywall prompts
    "newsletters?",
    "subscribe",
    "subscriptions?",
    "sign up",
    "signup",
    "opt in",
    "paywall",
    "regwall",
    "piano",
    "abo (?:box|teaser|promo)",
    # related articles and recommendations
    "related",
    "recommended",
    "recommendations?",
    "empfehlungen",
    "outbrain",
    "taboola",
    "plista",
    "ligatus",
    "trending",
    "most (?:read|viewed?|popular|commented|shared)",
    "mostread",
    "meistgelesen",
    "read also",
    "also read",
    "see also",
    "read more",
    "more (?:stories|articles|news|from|on)",
    "further reading",
    "lesen sie auch",
    "mehr zum thema",
    "weitere (?:artikel|beitraege|nachrichten)",
    "you (?:may|might) (?:also )?like",
    "(?:next|prev|previous) (?:article|post|story)",
    "(?:post|article) navigation",
    # comments
    "comments?",
    "kommentare?",
    "disqus",
    "respond",
    "replies",
    # author boxes
    "author (?:box|bio|info|card|profile|details|description|teaser)",
    "about (?:the )?author",
    "authorbox",
    "saboxplugin",
    "autor(?:en)? ?(?:box|info)",
    # summary boxes (publishers' own, often AI-written)
    "ai summary",
    "ki zusammenfassung",
    "summary box",
    "tldr",
    "tl dr",
    "key (?:points|takeaways|facts)",
    "auf einen blick",
)
# Weak signals: also used on containers that hold real text, so they never remove much text.
_WEAK_TOKENS = _tokens(
    "footer",
    "share",
    "shares",
    "sharing",
    "sharebar",
    "shariff",
    "social",
    "socials",
    "social media",
    "addthis",
    "sharethis",
    "follow us",
    "captions?",
    "figcaption",
    "credits?",
    "copyright",
    "bildunterschrift",
    "bildnachweis",
    "ad",
    "ads",
    "advert",
    "advertisement",
    "anzeige",
    "sponsored",
    "sidebar",
    "tag list",
    "tag cloud",
    "tags",
)
# Hover cards and tooltips: hidden until the pointer rests on a link, then shown beside it. Their
# text (a person's full name, job, links to other stories, "MORE") is glued into the sentence
# around the link when the page is read as text. Prefix match: "tooltiptext", "rollover-block".
# A class naming the trigger ("has-tooltip", "tooltip-trigger") marks visible text instead.
_TOOLTIP = re.compile(r"(?<![a-z])(?:rollover|tool-?tip|hover-?card|popover|hover-?box)")
_TOOLTIP_TRIGGER = re.compile(
    r"(?:has|with|show|open)-(?:rollover|tool-?tip|hover-?card|popover)"
    r"|(?:rollover|tool-?tip|hover-?card|popover)s?-?(?:trigger|toggle|link|anchor|target|handle)"
)
# Inline styles that hide an element (shown later by script, or never).
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_STRONG = re.compile(rf"(?<![a-z])(?:{_STRONG_TOKENS})(?![a-z])")
_WEAK = re.compile(rf"(?<![a-z])(?:{_WEAK_TOKENS})(?![a-z])")
_WEAK_MAX_CHARS = 500
# Ambiguous tokens: chrome only when the element is mostly links (teaser lists, card grids).
_LINKY = re.compile(
    rf"(?<![a-z])(?:{_tokens('teasers?', 'more', 'cards?', 'promo', 'list')})(?![a-z])"
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog"}
)
_CHROME_TAGS = frozenset({"nav", "footer", "aside", "form", "dialog", "button", "figcaption"})
# Inline elements and headings are judged with their block, not by their own class names.
_NOT_BY_CLASS = frozenset(
    {"a", "b", "strong", "em", "i", "u", "small", "sup", "sub", "abbr", "time", "img", "br"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "html", "body", "main", "article", "p"}
)
_BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "div", "section", "strong", "b", "span", "em")
_BLOCK_PARENTS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "div", "section"})
_PARAGRAPHS = frozenset({"p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd"})
_INLINE = frozenset({"b", "strong", "em", "i", "u", "span", "small", "sup", "sub", "font", "mark"})
_INLINE_FLOW = _INLINE | {"a", "abbr", "cite", "q", "label", "time", "dfn", "ins", "del", "s"}

# --- phrase vocabulary ---------------------------------------------------------------------------
# Lines that announce links to other articles ("Lesen Sie auch: …"). Phrases may be followed by
# anything; labels, which can also open an ordinary sentence, only by a colon or nothing.
_TEASER_PHRASES = (
    # de
    r"lesen sie (?:auch|mehr|hier|dazu)",
    r"lies (?:auch|mehr)",
    r"mehr (?:zum thema|zu diesem thema)",
    r"(?:auch|ebenfalls) interessant",
    r"das (?:thema )?könnte (?:sie|dich) (?:auch )?interessieren",
    r"(?:das )?interessiert (?:sie|dich) (?:vielleicht )?auch",
    r"passend zum thema",
    r"weitere (?:artikel|beiträge|nachrichten|meldungen|themen)",
    r"(?:empfohlene|ähnliche|verwandte) (?:beiträge|artikel|themen)",
    r"hier geht(?:'s| es) zu[mr]?",
    r"(?:\.\.\.|…) ?weiter zu",
    r"siehe auch",
    r"lust auf mehr",
    r"entdecke weitere",
    # en
    r"read also",
    r"also read",
    r"see also",
    r"you (?:may|might) (?:also )?(?:like|enjoy|be interested)",
    r"further reading",
    # es, pt, fr, it, pl, nl
    r"le[ae] (?:también|además)",
    r"(?:también )?(?:te|le) puede interesar",
    r"ver también",
    r"(?:notas|noticias) relacionadas",
    r"más sobre",
    r"(?:leia|veja) também",
    r"saiba mais",
    r"(?:à )?lire (?:aussi|également)",
    r"voir aussi",
    r"sur le même sujet",
    r"leggi anche",
    r"potrebbe interessarti",
    r"articoli correlati",
    r"(?:czytaj|przeczytaj|zobacz) (?:też|także|również|więcej)",
    r"lees (?:ook|meer)",
    r"zie ook",
)
_TEASER_LABELS = (
    r"mehr (?:dazu|zum thema|lesen)",
    r"passend dazu",
    r"(?:zum )?weiterlesen",
    r"meistgelesen(?:e artikel)?",
    r"read (?:more|next)",
    r"related(?: articles?| stories| coverage| content| posts?| reading)?",
    r"recommended(?: for you| reading| articles?| stories)?",
    r"more (?:from|on this|stories|coverage|news)(?: [\w ]{1,30})?",
    r"most (?:read|popular|viewed)",
    r"trending(?: now)?",
    r"don'?t miss",
    r"(?:more|read|watch|listen|see|also)",
    r"le[ae] más",
    r"mira",
    r"lire la suite",
    r"(?:leia|veja) mais",
)
_TEASER = re.compile(
    rf"^(?:(?:{'|'.join(_TEASER_PHRASES)})(?=$|[\s:.…»›>?!\-–—])"
    rf"|(?:{'|'.join(_TEASER_LABELS)})\s*(?:$|[:…»›>]))",
    re.IGNORECASE,
)

# Disclaimers of machine-written summaries, as publishers word them.
_AI_DISCLAIMER = re.compile(
    r"(?:wir (?:nutzen|verwenden|setzen) künstliche intelligenz"
    r"|(?:mit|mithilfe|mit hilfe|unter zuhilfenahme) (?:von )?(?:künstlicher intelligenz|ki)\b"
    r"[^.]{0,60}(?:erstellt|generiert|zusammengefasst|verfasst|geschrieben)"
    r"|(?:von|durch) (?:einer |eine )?(?:künstliche(?:r)? intelligenz|ki)\b[^.]{0,40}"
    r"(?:erstellt|generiert|zusammengefasst|verfasst)"
    r"|\bki-(?:generiert|erstellt|gestützt erstellt)"
    r"|zusammenfassung[^.]{0,60}\b(?:ki|künstliche(?:r)? intelligenz)\b"
    r"|(?:summary|summaries|text|article|content) (?:was|were|is|has been|have been) "
    r"(?:generated|created|produced|written|summari[sz]ed)[^.]{0,30}"
    r"\b(?:by|with|using) (?:an? )?(?:ai|artificial intelligence|generative ai)\b"
    r"|\bai[- ]generated summar"
    r"|we use (?:ai|artificial intelligence) to (?:create|generate|produce|write) summar"
    r"|(?:generated|summari[sz]ed|written) (?:by|with|using) (?:ai|artificial intelligence)\b)",
    re.IGNORECASE,
)
# Cheap pre-check before the disclaimer pattern runs.
_AI_HINT = re.compile(r"intelligen|\bki\b|\bki-|\bai\b|\bai-", re.IGNORECASE)
# Headings of publishers' summary boxes; removed together with the list that follows them.
_SUMMARY_HEADINGS = re.compile(
    r"^(?:das wichtigste in kürze|das wichtigste auf einen blick|auf einen blick"
    r"|(?:ki-)?zusammenfassung|kurz zusammengefasst|in kürze|key (?:points|takeaways|facts)"
    r"|the (?:short|quick) version|in brief|at a glance|tl;? ?dr|summary|ai summary"
    r"|en bref|l'essentiel|en resumen|lo más importante)\s*:?$",
    re.IGNORECASE,
)
# Calls to subscribe, follow, donate, download or log in.
_PROMPT = re.compile(
    r"(?:^subscribe\b|\bsubscribe (?:now|today|here|to (?:our|the)\b)|\bsubscribers? only"
    r"|for subscribers\b|become a (?:subscriber|member)"
    r"|already (?:a subscriber|a member|have an account)"
    r"|sign up (?:for|to) (?:our|the)\b|sign up now|newsletter sign ?up"
    r"|\bfollow (?:us|[@\w]+(?: \w+)?) on (?:twitter|x|facebook|instagram|tiktok|linkedin|youtube"
    r"|threads|bluesky)\b|support (?:our|independent|quality) journalism"
    r"|download (?:the|our) (?:\w+ )?apps?\b|to (?:view|read|continue reading) the full"
    r"|to continue reading|we want to hear what you think|share this (?:article|story)"
    r"|folgen sie uns|jetzt (?:kostenlos )?(?:abonnieren|anmelden|registrieren|testen)"
    r"|(?:newsletter|abo) (?:abonnieren|bestellen|abschließen)|abonnieren sie"
    r"|bereits (?:abonnent|registriert)|um weiterzulesen|weiterlesen mit|mit (?:plus|abo) lesen"
    r"|unterstützen sie (?:uns|unsere|unseren|unabhängigen)|^unterstütze (?:uns|unsere|\w+)\b"
    r"|diesen artikel teilen|teilen sie (?:diesen|den) artikel|app herunterladen"
    r"|javascript (?:ist )?(?:deaktiviert|disabled)"
    r"|(?:enable|aktiviere[n]?(?: sie)?(?: bitte)?) javascript|veralteten browser"
    r"|outdated browser|browser (?:is not|wird nicht) (?:supported|unterstützt)"
    r"|delivered to your inbox|by subscribing to (?:our|the)\b|sign up here"
    r"|\brss[- ]feed abonnieren|(?:jetzt|ab sofort|ab heute) (?:\w+ )?(?:am kiosk|im handel)"
    r"|hier (?:zu )?bestellen"
    r"|(?:wurde|was) (?:erfolgreich )?(?:\w+ )?hinzugefügt|\badded to (?:your|the) (?:cart|basket)"
    r"|hazte (?:miembro|socio)|suscr[ií]b(?:ete|irse)|subskrypcj|abonnez-vous|inscreva-se"
    r"|assine (?:já|agora)|iscriviti)",
    re.IGNORECASE,
)
_NEWSLETTER = re.compile(r"newsletter", re.IGNORECASE)
_CREDIT = re.compile(
    r"^(?:fotos?|bilder?|photos?|images?|picture|credits?|crédits?(?: photos?)?|quelle|source"
    r"|grafik|illustration|video|foto ?credit|bildquelle|©|\(c\)|copyright)\s*(?::|©|/)"
    r"|^(?:beitragsbild|titelbild|titelfoto|symbolbild|symbolfoto|aufmacherbild)\b",
    re.IGNORECASE,
)
# News agencies and picture agencies, as they appear in credit lines ("dpa/lnw", "AFP / NAME").
_AGENCY = re.compile(
    r"\b(?:dpa|afp|ap|reuters|pap|kna|epd|apa|sda|ddp|ansa|efe|anp|belga|tass|imago|getty images"
    r"|shutterstock|istock(?:photo)?|picture[- ]alliance|keystone|bestimage|xinhua)\b",
    re.IGNORECASE,
)
# Short label lines of page chrome: sections of press releases, categories, ad and affiliate
# notices, reading time, comment counters.
_LABEL = re.compile(
    r"^(?:(?:presse)?kontakt|ansprechpartner(?:in)?|weitere informationen|zusatzinformationen"
    r"|originalpublikation|media contact|press contact|contact|further information"
    r"|more information|release date|last modified|kategorien?|category|categories|tags?"
    r"|telefon|tel\.?|phone|fax|e-?mail"
    r"|schlagw(?:ö|oe)rter|filed under|posted in|veröffentlichung|veröffentlicht in)\s*(?::|$)"
    r"|^(?:anzeige|werbung|advertisement|sponsored|gesponsert|publicidad|reklama)\b"
    r"|affiliate[- ]links?|(?:earn|receive) (?:a )?commission|provision (?:erhalten|bekommen)"
    r"|\b(?:lesezeit|lesedauer|reading time|min(?:ute)?s? read|przeczytasz)\b"
    r"|^(?:view |show |\d+ )?(?:comments?|kommentare?|kommentieren)(?: \(\d+\))?$",
    re.IGNORECASE,
)
_MONTHS = (
    r"jan(?:uar|uary)?|feb(?:ruar|ruary)?|mär(?:z)?|mar(?:ch)?|apr(?:il)?|mai|may|jun[ie]?|jul[iy]?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|okt(?:ober)?|oct(?:ober)?|nov(?:ember)?|dez(?:ember)?"
    r"|dec(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre"
    r"|noviembre|diciembre|janvier|février|mars|avril|juin|juillet|août|septembre|octobre"
    r"|novembre|décembre"
)
_DATE_WORDS = re.compile(
    rf"\b(?:{_MONTHS}|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
    r"|uhr|am|um|on|at|updated?|aktualisiert"
    r"|veröffentlicht|published|posted|stand|zuletzt|last|modified|geändert|erstellt|created"
    r"|release|date|datum|vor|ago|minuten?|stunden?|tagen|minutes?|hours?|days?|h|min|gmt|utc"
    r"|cet|cest|mez|mesz|est|edt|pst|pdt|[ap]\.?m\.?)\b",
    re.IGNORECASE,
)
_DATE_NAMES = re.compile(
    rf"\b(?:{_MONTHS}|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday|uhr|updated?|aktualisiert|veröffentlicht"
    r"|published|posted|stand)\b",
    re.IGNORECASE,
)
# Numbers with a date or time separator: 12.01.2021, 19:49, 2021-01-12, 12/01.
_DATE_STAMP = re.compile(
    r"(?<![\d.,])(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})\b|\d{1,2}:\d{2}(?:\b|[ap]m\b)"
    r"|\d{4}-\d{2}(?:-\d{2})?\b)"
)
_DATE_NUMBERS = re.compile(r"\d{1,4}(?:[./:\-]\d{1,4}){0,3}\.?(?:[ap]m\b)?", re.IGNORECASE)

# --- tree pass -----------------------------------------------------------------------------------


def _drop(element: HtmlElement) -> None:
    """Remove ``element`` but keep its tail text (it belongs to the parent)."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _text_len(element: HtmlElement) -> int:
    return len("".join(element.itertext()).strip())


def _link_density(element: HtmlElement) -> float:
    total = _text_len(element)
    if total == 0:
        return 1.0
    linked = sum(_text_len(a) for a in element.iter("a"))
    return linked / total


@lru_cache(maxsize=16384)
def _classify(attributes: str) -> str | None:
    """``strong``, ``weak`` or ``linky`` for a "class id" string (cached: pages repeat them)."""
    words = _CAMEL.sub("-", attributes).lower()
    if _TOOLTIP.search(words) and not _TOOLTIP_TRIGGER.search(words):
        return "tooltip"
    if _STRONG.search(words):
        return "strong"
    if _WEAK.search(words):
        return "weak"
    if _LINKY.search(words):
        return "linky"
    return None


def _chrome_kind(element: HtmlElement) -> str | None:
    """``"strong"``, ``"weak"``, ``"hidden"`` or ``"tooltip"`` when the element's tag, attributes,
    role or class names mark it as chrome."""
    tag = element.tag
    if tag in _CHROME_TAGS:
        return "strong"
    if _is_hidden(element):
        return "hidden"
    role = element.get("role")
    if role and role.lower() in _CHROME_ROLES:
        return "strong"
    if tag in _NOT_BY_CLASS:
        return None
    attributes = " ".join(v for v in (element.get("class"), element.get("id")) if v)
    if not attributes:
        return None
    kind = _classify(attributes)
    if kind == "linky":
        return "strong" if _link_density(element) >= 0.5 else None
    return kind


def _is_hidden(element: HtmlElement) -> bool:
    """Hidden text inside a sentence's flow: an inline element, or any element in a paragraph,
    marked with the ``hidden`` attribute, an inline style hiding it, or ``aria-hidden`` on more
    than a glyph (a drop cap or an icon stays: it is part of a word or no text at all).

    Hidden *blocks* stay: galleries, tabs and accordions hide parts of the article until a click
    (removing them, or a page's ``<template>`` blocks, lost article text on the benchmark).
    """
    if element.tag not in _INLINE_FLOW:
        parent = element.getparent()
        if parent is None or parent.tag not in _PARAGRAPHS:
            return False
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    if element.get("aria-hidden") == "true":
        return len("".join(element.itertext()).split()) >= 3
    return False


_NOT_PROSE = frozenset({"script", "style", "noscript", "a", "template", "textarea"})
_PROSE_CHARS = 25


class _Page:
    """One pass over the page: where its sentence-like text sits, and which elements look like
    chrome by their markup.

    ``mass`` counts the characters of longer text nodes (not in scripts or links) under each
    element; the ``spine`` is the container holding the most paragraph text and its ancestors,
    which are never removed, whatever their class names say.
    """

    def __init__(self, root: HtmlElement) -> None:
        self.mass: dict[HtmlElement, int] = {}
        self.candidates: list[tuple[HtmlElement, str]] = []
        score: dict[HtmlElement, int] = {}
        for element in root.iter():
            tag = element.tag
            if not isinstance(tag, str):
                continue
            kind = _chrome_kind(element)
            if kind is not None:
                self.candidates.append((element, kind))
            text, tail = element.text, element.tail
            if text and len(text) > _PROSE_CHARS and tag not in _NOT_PROSE:
                self._add(element, len(text.strip()), score)
            if tail and len(tail) > _PROSE_CHARS:
                parent = element.getparent()
                if parent is not None and parent.tag not in _NOT_PROSE:
                    self._add(parent, len(tail.strip()), score)
        self._keep_tooltip_wrappers()
        self.total = self.mass.get(root, 0)
        self.spine: set[HtmlElement] = set()
        if score:
            anchor: HtmlElement | None = max(score, key=score.__getitem__)
            while anchor is not None:
                self.spine.add(anchor)
                anchor = anchor.getparent()

    def _keep_tooltip_wrappers(self) -> None:
        """A tooltip-named element holding another one wraps the visible link and its card
        (``<span class=rollover><a>Name</a><span class=rollover-block>card</span></span>``):
        only the inner card goes."""
        tooltips = {e for e, kind in self.candidates if kind == "tooltip"}
        if not tooltips:
            return
        wrappers: set[HtmlElement] = set()
        for element in tooltips:
            for ancestor in element.iterancestors():
                if ancestor in tooltips:
                    wrappers.add(ancestor)
        if wrappers:
            self.candidates = [(e, k) for e, k in self.candidates if e not in wrappers]

    def _add(self, holder: HtmlElement, size: int, score: dict[HtmlElement, int]) -> None:
        if size <= _PROSE_CHARS:
            return
        block = holder
        while block.tag in _INLINE:
            up = block.getparent()
            if up is None:
                break
            block = up
        container = block.getparent() if block.tag in _PARAGRAPHS else block
        if container is not None:
            score[container] = score.get(container, 0) + size
        node: HtmlElement | None = holder
        while node is not None:
            self.mass[node] = self.mass.get(node, 0) + size
            node = node.getparent()

    def protected(self, element: HtmlElement, kind: str = "strong") -> bool:
        """True if removing ``element`` would remove the article (a misnamed main container)."""
        if element in self.spine or element.get("itemprop") == "articleBody":
            return True
        mass = self.mass.get(element, 0)
        if kind == "weak" and mass >= _WEAK_MAX_CHARS:
            return True
        return self.total > 0 and mass > 0.4 * self.total


def prune_chrome(tree: HtmlElement, url: str | None = None) -> int:
    """Remove chrome from ``tree`` (the page at ``url``) in place; returns how many elements."""
    body = tree.find("body")
    root = body if body is not None else tree
    page = _Page(root)
    # Pass 1: markup (tag, role, class and id names).
    doomed = [e for e, kind in page.candidates if not page.protected(e, kind)]
    for element in doomed:
        _drop(element)  # document order: a removed ancestor takes its descendants along
    # Pass 2: wording and link-only blocks, on what is left.
    second = [e for e in _phrase_chrome(root, page) if not page.protected(e)]
    links = list(_link_blocks(root, url))
    second.extend(links)
    second.extend(e for e in _teaser_cards(root, url, links) if not page.protected(e))
    for element in second:
        _drop(element)
    return len(doomed) + len(second)


def _phrase_chrome(root: HtmlElement, page: _Page) -> Iterable[HtmlElement]:
    """Blocks found by their wording: teaser announcements, AI disclaimers, summary boxes."""
    for element in root.iter(*_BLOCKS):
        head = (element.text or "").strip()
        if not head:
            continue
        if _AI_HINT.search(head) and _AI_DISCLAIMER.search(head[:400]):
            yield _box_around(element, page)
            continue
        if len(head) > 120:
            continue
        if _TEASER.match(head):
            block = _block_of(element)
            if _text_len(block) <= 300:
                yield block
                if _TEASER.match(_norm("".join(block.itertext()))) and _is_bare_marker(block):
                    following = block.getnext()
                    if following is not None and (
                        following.tag in {"ul", "ol"} or _link_density(following) >= 0.5
                    ):
                        yield following
        elif element.tag in {"h2", "h3", "h4", "h5", "h6", "p", "strong", "b"} and (
            _SUMMARY_HEADINGS.match(head)
        ):
            block = _block_of(element)
            following = block.getnext()
            if following is not None and following.tag in {"ul", "ol"}:
                yield block
                yield following


def _link_blocks(root: HtmlElement, url: str | None) -> Iterable[HtmlElement]:
    """Short paragraphs, list items and headings that are only a link to another article.

    Links to the page itself (a blog's permalinked headline), to e-mail addresses, and links
    shown as a bare address (a cited source) are content, as is anything inside a quote.
    """
    own = _strip_fragment(url)
    own_path = _strip_fragment(_path(url))
    for element in root.iter("p", "li", "h2", "h3", "h4", "h5", "h6"):
        if element.find(".//a") is None:
            continue
        text = _norm("".join(element.itertext()))
        if not text or len(text) > 160 or text.lower().startswith(("http", "www.")):
            continue
        linked = 0
        for a in element.iter("a"):
            href = (a.get("href") or "").strip()
            if not href or href.startswith(_NOT_ARTICLE_LINKS):
                continue
            if href.startswith(("http://", "https://")):
                if _strip_fragment(href) == own:
                    continue
            elif href.startswith("/") and not href.startswith("//"):
                if _strip_fragment(href.split("?", 1)[0]) == own_path:
                    continue
            elif _strip_fragment(_join(url, href)) == own:
                continue
            linked += len(_norm("".join(a.itertext())))
        if linked >= 0.9 * len(_DATES.sub("", text).strip(" -–—|·,")) and not any(
            ancestor.tag == "blockquote" for ancestor in element.iterancestors()
        ):
            yield element


_NOT_ARTICLE_LINKS = ("#", "mailto:", "tel:", "javascript:")
# Links that wrap headings or paragraphs: teaser cards (inline links never do).
_CARD_LINKS = XPath(
    ".//a[@href][.//h1 or .//h2 or .//h3 or .//h4 or .//h5 or .//h6 or .//p or .//div]"
)
_CARD_MAX_CHARS = 400
_SNIPPET_MAX_CHARS = 300


def _teaser_cards(
    root: HtmlElement, url: str | None, link_blocks: Sequence[HtmlElement]
) -> Iterable[HtmlElement]:
    """Teasers for other articles that are more than a link line: a link wrapping a headline
    and its snippet (``<a href=other><h3>…</h3><p>…</p></a>``), and the snippet paragraph right
    after a heading that only links elsewhere (removed by :func:`_link_blocks`) in a small box.
    """
    found = _CARD_LINKS(root)
    for a in found if isinstance(found, list) else []:
        if not isinstance(a, HtmlElement):
            continue
        href = (a.get("href") or "").strip()
        if not href or href.startswith(_NOT_ARTICLE_LINKS) or _is_own(href, url):
            continue
        if _text_len(a) <= _CARD_MAX_CHARS:
            yield a
    for block in link_blocks:
        if block.tag not in {"h2", "h3", "h4", "h5", "h6"}:
            continue
        snippet = block.getnext()
        parent = block.getparent()
        if (
            snippet is not None
            and parent is not None
            and snippet.tag == "p"
            and _text_len(snippet) <= _SNIPPET_MAX_CHARS
            and _text_len(parent) <= _CARD_MAX_CHARS + _SNIPPET_MAX_CHARS
        ):
            yield snippet


def _is_own(href: str, url: str | None) -> bool:
    """``href`` points at the page itself (or is a fragment of it)."""
    return _strip_fragment(_join(url, href)) == _strip_fragment(url)


def _path(url: str | None) -> str | None:
    try:
        return urlsplit(url).path if url else None
    except ValueError:  # malformed address
        return None


def _join(base: str | None, href: str) -> str:
    """``href`` resolved against ``base``; malformed addresses stay as written."""
    if not base:
        return href
    try:
        return urljoin(base, href)
    except ValueError:  # e.g. "http://[not-an-ip]/": urllib rejects bad bracketed hosts
        return href


def _strip_fragment(url: str | None) -> str | None:
    return url.split("#", 1)[0].rstrip("/") if url else None


def _is_bare_marker(block: HtmlElement) -> bool:
    return len(_norm("".join(block.itertext())).split()) <= 8


def _block_of(element: HtmlElement) -> HtmlElement:
    """The block-level element that ``element`` starts (``<p><strong>Lesen Sie auch``)."""
    block = element
    while block.tag not in _BLOCK_PARENTS:
        parent = block.getparent()
        if parent is None or (parent.text or "").strip() or parent.index(block) != 0:
            break
        block = parent
    return block


def _box_around(element: HtmlElement, page: _Page) -> HtmlElement:
    """The largest small container around a disclaimer (the summary box it belongs to), never
    the article's own container."""
    box = _block_of(element)
    while True:
        parent = box.getparent()
        if parent is None or parent.tag in {"body", "html", "main", "article"}:
            return box
        if page.protected(parent) or _text_len(parent) > 1500:
            return box
        box = parent


# --- line pass -----------------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.split())


def is_disclaimer(line: str) -> bool:
    return bool(_AI_HINT.search(line) and _AI_DISCLAIMER.search(line))


def is_date_line(line: str) -> bool:
    """A line that is only a date, a time or a "published/updated" stamp."""
    return _is_date_line(line)


def _is_date_line(line: str) -> bool:
    """A line that is only a date, a time or a "published/updated" stamp."""
    if len(line) > 60:
        return False
    has_stamp = bool(_DATE_STAMP.search(line)) or bool(_DATE_NAMES.search(line))
    if not has_stamp:
        return False
    rest = _DATE_NUMBERS.sub(" ", _DATE_WORDS.sub(" ", line))
    return not _STAMP_PUNCTUATION.sub(" ", rest).strip()


# A date as teaser lists print it next to a headline: "4. November 2021", "04.11.2021".
_DATES = re.compile(
    rf"\b(?:\d{{1,2}}\.? (?:{_MONTHS})\.? \d{{4}}|(?:{_MONTHS})\.? \d{{1,2}},? \d{{4}}"
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
            if word.lower() in _NAME_PARTICLES or _AGENCY.fullmatch(word):
                continue
            if not word[:1].isupper():
                return False
    return True


def junk_reason(line: str) -> str | None:
    """Why a line of extracted text is page chrome, or ``None`` if it may be article text."""
    words = len(line.split())
    if _AI_HINT.search(line) and _AI_DISCLAIMER.search(line):
        return "ai_disclaimer"
    if words <= 25 and _TEASER.match(line):
        return "teaser"
    if words <= 30 and _PROMPT.search(line):
        return "prompt"
    if words <= 8 and _NEWSLETTER.search(line):
        return "prompt"
    if words <= 12 and _CREDIT.match(line):
        return "credit"
    if words <= 6 and _AGENCY.search(line) and ("/" in line or "©" in line):
        return "credit"
    if words <= 12 and _LABEL.search(line):
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
    return _norm(_PUNCTUATION_VARIANTS.sub(lambda m: _CANONICAL[m.group()], text)).casefold()


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
    normed = [line for line in (_norm(raw) for raw in lines) if line]
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
