"""The vocabulary both passes match: class-name tokens of page chrome, and the phrases of
teasers, prompts, disclaimers, credits, labels and dates, in the languages our newsrooms read.
"""

from __future__ import annotations

import re

# --- markup vocabulary ---------------------------------------------------------------------------
# Matched on "class id" after camelCase is split ("AuthorBox" -> "author-box") and lowercased;
# a token must stand alone between non-letters ("nav" matches "main-nav", not "canvas").
_SEP = r"[-_ ]*"


def _tokens(*words: str) -> str:
    return "|".join(w.replace(" ", _SEP) for w in words)


STRONG_TOKENS = _tokens(
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
WEAK_TOKENS = _tokens(
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
TOOLTIP = re.compile(r"(?<![a-z])(?:rollover|tool-?tip|hover-?card|popover|hover-?box)")
TOOLTIP_TRIGGER = re.compile(
    r"(?:has|with|show|open)-(?:rollover|tool-?tip|hover-?card|popover)"
    r"|(?:rollover|tool-?tip|hover-?card|popover)s?-?(?:trigger|toggle|link|anchor|target|handle)"
)
# Inline styles that hide an element (shown later by script, or never).
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
STRONG = re.compile(rf"(?<![a-z])(?:{STRONG_TOKENS})(?![a-z])")
WEAK = re.compile(rf"(?<![a-z])(?:{WEAK_TOKENS})(?![a-z])")
WEAK_MAX_CHARS = 500
# Ambiguous tokens: chrome only when the element is mostly links (teaser lists, card grids).
LINKY = re.compile(
    rf"(?<![a-z])(?:{_tokens('teasers?', 'more', 'cards?', 'promo', 'list')})(?![a-z])"
)
CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
CHROME_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "complementary", "search", "dialog", "alertdialog"}
)
CHROME_TAGS = frozenset({"nav", "footer", "aside", "form", "dialog", "button", "figcaption"})
# Inline elements and headings are judged with their block, not by their own class names.
NOT_BY_CLASS = frozenset(
    {"a", "b", "strong", "em", "i", "u", "small", "sup", "sub", "abbr", "time", "img", "br"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "html", "body", "main", "article", "p"}
)
BLOCKS = ("p", "h2", "h3", "h4", "h5", "h6", "li", "div", "section", "strong", "b", "span", "em")
BLOCK_PARENTS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "li", "div", "section"})
PARAGRAPHS = frozenset({"p", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "dd"})
INLINE = frozenset({"b", "strong", "em", "i", "u", "span", "small", "sup", "sub", "font", "mark"})
INLINE_FLOW = INLINE | {"a", "abbr", "cite", "q", "label", "time", "dfn", "ins", "del", "s"}

# --- phrase vocabulary ---------------------------------------------------------------------------
# Lines that announce links to other articles ("Lesen Sie auch: …"). Phrases may be followed by
# anything; labels, which can also open an ordinary sentence, only by a colon or nothing.
TEASER_PHRASES = (
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
TEASER_LABELS = (
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
TEASER = re.compile(
    rf"^(?:(?:{'|'.join(TEASER_PHRASES)})(?=$|[\s:.…»›>?!\-–—])"
    rf"|(?:{'|'.join(TEASER_LABELS)})\s*(?:$|[:…»›>]))",
    re.IGNORECASE,
)

# Disclaimers of machine-written summaries, as publishers word them.
AI_DISCLAIMER = re.compile(
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
AI_HINT = re.compile(r"intelligen|\bki\b|\bki-|\bai\b|\bai-", re.IGNORECASE)
# Headings of publishers' summary boxes; removed together with the list that follows them.
SUMMARY_HEADINGS = re.compile(
    r"^(?:das wichtigste in kürze|das wichtigste auf einen blick|auf einen blick"
    r"|(?:ki-)?zusammenfassung|kurz zusammengefasst|in kürze|key (?:points|takeaways|facts)"
    r"|the (?:short|quick) version|in brief|at a glance|tl;? ?dr|summary|ai summary"
    r"|en bref|l'essentiel|en resumen|lo más importante)\s*:?$",
    re.IGNORECASE,
)
# Calls to subscribe, follow, donate, download or log in.
PROMPT = re.compile(
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
NEWSLETTER = re.compile(r"newsletter", re.IGNORECASE)
CREDIT = re.compile(
    r"^(?:fotos?|bilder?|photos?|images?|picture|credits?|crédits?(?: photos?)?|quelle|source"
    r"|grafik|illustration|video|foto ?credit|bildquelle|©|\(c\)|copyright)\s*(?::|©|/)"
    r"|^(?:beitragsbild|titelbild|titelfoto|symbolbild|symbolfoto|aufmacherbild)\b",
    re.IGNORECASE,
)
# News agencies and picture agencies, as they appear in credit lines ("dpa/lnw", "AFP / NAME").
AGENCY = re.compile(
    r"\b(?:dpa|afp|ap|reuters|pap|kna|epd|apa|sda|ddp|ansa|efe|anp|belga|tass|imago|getty images"
    r"|shutterstock|istock(?:photo)?|picture[- ]alliance|keystone|bestimage|xinhua)\b",
    re.IGNORECASE,
)
# Short label lines of page chrome: sections of press releases, categories, ad and affiliate
# notices, reading time, comment counters.
LABEL = re.compile(
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
MONTHS = (
    r"jan(?:uar|uary)?|feb(?:ruar|ruary)?|mär(?:z)?|mar(?:ch)?|apr(?:il)?|mai|may|jun[ie]?|jul[iy]?"
    r"|aug(?:ust)?|sep(?:t(?:ember)?)?|okt(?:ober)?|oct(?:ober)?|nov(?:ember)?|dez(?:ember)?"
    r"|dec(?:ember)?|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre"
    r"|noviembre|diciembre|janvier|février|mars|avril|juin|juillet|août|septembre|octobre"
    r"|novembre|décembre"
)
DATE_WORDS = re.compile(
    rf"\b(?:{MONTHS}|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun"
    r"|uhr|am|um|on|at|updated?|aktualisiert"
    r"|veröffentlicht|published|posted|stand|zuletzt|last|modified|geändert|erstellt|created"
    r"|release|date|datum|vor|ago|minuten?|stunden?|tagen|minutes?|hours?|days?|h|min|gmt|utc"
    r"|cet|cest|mez|mesz|est|edt|pst|pdt|[ap]\.?m\.?)\b",
    re.IGNORECASE,
)
DATE_NAMES = re.compile(
    rf"\b(?:{MONTHS}|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|monday|tuesday"
    r"|wednesday|thursday|friday|saturday|sunday|uhr|updated?|aktualisiert|veröffentlicht"
    r"|published|posted|stand)\b",
    re.IGNORECASE,
)
# Numbers with a date or time separator: 12.01.2021, 19:49, 2021-01-12, 12/01.
DATE_STAMP = re.compile(
    r"(?<![\d.,])(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})\b|\d{1,2}:\d{2}(?:\b|[ap]m\b)"
    r"|\d{4}-\d{2}(?:-\d{2})?\b)"
)
DATE_NUMBERS = re.compile(r"\d{1,4}(?:[./:\-]\d{1,4}){0,3}\.?(?:[ap]m\b)?", re.IGNORECASE)
