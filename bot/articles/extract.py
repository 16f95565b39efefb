"""Article extraction: the main text (paragraphs and subheadings) and metadata of a news page.

The page is parsed once. Metadata is read first (JSON-LD article node, then meta tags, then
trafilatura's and htmldate's heuristics); then :mod:`bot.articles.boilerplate` prunes news chrome
from the tree, trafilatura extracts the main text from what is left, and a line pass drops the
chrome that survived. JSON-LD ``articleBody`` is used only when the extracted text is missing or
clearly shorter (some sites put a teaser there, so it never comes first). Language: a confident
detection on the text, else the declared one (:mod:`bot.articles.language`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from time import perf_counter
from urllib.parse import urljoin, urlsplit

import lxml.html
from htmldate import find_date
from lxml import etree
from lxml.etree import XPath
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction
from trafilatura import bare_extraction
from trafilatura.metadata import examine_meta, extract_sitename, extract_title
from trafilatura.settings import Document
from trafilatura.utils import repair_faulty_html

from bot.articles import boilerplate, jsonld, language
from bot.articles.errors import NoArticleText, Paywalled, TeaserOnly
from bot.domain import Article
from bot.logs import get_logger

log = get_logger(__name__)

# Class/id words of paywall overlays and "plus" article markers (checked before pruning).
_PAYWALL_MARKUP = re.compile(
    r"(?<![a-z])(?:paywall|paywalled|regwall|piano-?(?:offer|paywall|template)"
    r"|plus-?(?:article|artikel|content|teaser)|premium-?(?:article|content|teaser|banner|wall)"
    r"|subscriber-?only|article-?locked|locked-?content|meter-?(?:wall|paywall))(?![a-z])"
)
# trafilatura's parser settings (trafilatura.utils.HTML_PARSER) with a C-level class lookup.
# One parser may serve several threads: lxml takes a per-parser lock around each parse
# (_ParserContext.prepare in lxml's src/lxml/parser.pxi).
_PARSER = lxml.html.HTMLParser(  # type: ignore[call-arg]  # lxml-stubs lack default_doctype
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
)
_PARSER.set_element_class_lookup(
    etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
)
# Below this many words an extraction is suspect and a longer JSON-LD articleBody may replace it.
SHORT_TEXT_WORDS = 80
_PAYWALL_WORDING = re.compile(
    r"weiterlesen mit|(?:mit|als) (?:plus|abo|\w+\+)[- ](?:lesen|weiterlesen)"
    r"|exklusiv für (?:abonnent|\w*plus)|bereits abonnent|jetzt (?:\w+ )?abo(?:nnieren)?\b"
    r"|already (?:a subscriber|have a subscription)|subscribe (?:now )?to (?:continue|read)"
    r"|to continue reading|for subscribers only|subscriber[- ]only|become a subscriber"
    r"|réservé aux abonnés|abonnez-vous pour|(?:solo|exclusivo) para suscriptores"
    r"|suscríbete para (?:seguir|continuar)|riservato agli abbonati|exclusivo para assinantes"
    r"|tylko dla (?:subskrybentów|prenumeratorów)",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def extract_article(
    html: str, *, url: str, final_url: str | None = None, min_words: int = 80
) -> Article:
    """The article in ``html`` (fetched from ``url``, landed on ``final_url``).

    Raises :class:`Paywalled` when the page is marked paywalled or the text is too short to be
    the article (a teaser), :class:`NoArticleText` when there is no article text at all.
    """
    started = perf_counter()
    landed = final_url or url
    tree = parse_html(html)
    if tree is None:
        raise NoArticleText("the page could not be parsed as HTML")

    ld = jsonld.find_article(tree)
    meta = _metadata(tree, ld, landed)
    meta_titles = _title_variants(tree, ld)
    # Only the publisher's structured data flags a returned article as paywalled; paywall
    # markup and wording (often present on free articles too) only name a refusal.
    marked_paywalled = ld is not None and ld.accessible_for_free is False

    boilerplate.prune_chrome(tree, landed)
    doc = bare_extraction(tree, url=landed, include_comments=False, with_metadata=False)
    raw = (doc.text if isinstance(doc, Document) else None) or ""
    titles = [meta["title"], *meta_titles]
    lines = boilerplate.clean_lines(raw.split("\n"), titles)
    text = "\n".join(lines)

    body_used = False
    if ld is not None and ld.article_body and _better_body(ld.article_body, text, min_words):
        text = "\n".join(boilerplate.clean_lines(ld.article_body.split("\n"), titles))
        body_used = True

    words = count_words(text)
    if words < min_words:
        # Too short to be the article: a teaser in front of a paywall, or a page that is not
        # an article (gallery, video, section front). Say paywall only when the page says so.
        refusal: Paywalled | NoArticleText
        if marked_paywalled or _paywall_signs(html):
            refusal = Paywalled(f"{words} words of text on a paywalled page")
        elif words:
            refusal = TeaserOnly(f"{words} words of text")
        else:
            refusal = NoArticleText("no text")
        log.debug("extraction.refused", url=landed, code=refusal.code, words=words)
        raise refusal

    lang = language.choose(
        text, ld.language if ld else None, tree.get("lang"), meta["content_language"]
    )
    article = Article(
        url=url,
        final_url=landed,
        title=meta["title"],
        text=text,
        language=lang,
        author=meta["author"],
        published=meta["published"],
        site_name=meta["site_name"],
        canonical_url=meta["canonical_url"],
        paywalled=marked_paywalled,
        extra={
            "json_ld_type": ld.type if ld else None,
            "article_body_used": body_used,
            "kicker": meta["kicker"],
        },
    )
    log.debug(
        "extraction.finished",
        url=landed,
        words=words,
        language=lang,
        paywalled=marked_paywalled,
        ms=round((perf_counter() - started) * 1000, 1),
    )
    return article


def parse_html(html: str) -> HtmlElement | None:
    """Parse a page once, as trafilatura's ``load_html`` would, with a faster element lookup.

    lxml.html's default lookup calls back into Python for every element it hands out; a
    C-level default lookup gives the same ``HtmlElement`` objects (extraction output is
    identical on both benchmark sets) at less cost for every later pass over the tree.
    """
    text = repair_faulty_html(html, html[:50].lower())
    if not text.strip():
        return None
    try:
        tree = lxml.html.fromstring(text, parser=_PARSER)
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        try:
            tree = lxml.html.fromstring(text.encode("utf-8", "surrogatepass"), parser=_PARSER)
        except (ValueError, etree.ParserError):
            return None
    except etree.ParserError:  # "Document is empty"
        return None
    return tree if isinstance(tree, HtmlElement) else None


def count_words(text: str) -> int:
    """Words for the length check; CJK scripts have no spaces, so two characters count as one."""
    cjk = len(_CJK.findall(text))
    if not cjk:
        return len(text.split())
    return len(_CJK.sub(" ", text).split()) + cjk // 2


def _better_body(body: str, text: str, min_words: int) -> bool:
    """Use JSON-LD ``articleBody`` only when it is plausible and our extraction came up short."""
    body_words, text_words = count_words(body), count_words(text)
    min_words = max(min_words, SHORT_TEXT_WORDS)
    if body_words < min_words or boilerplate.is_disclaimer(body[:400]):
        return False
    if " ".join(body.split()) == " ".join(text.split()):
        return True  # the same text, taken from the JSON-LD without its paragraph breaks
    return text_words < min_words or body_words > 2 * text_words


def _paywall_signs(html: str) -> bool:
    """Paywall markup or wording anywhere on the page (read from a fresh parse, before pruning)."""
    tree = parse_html(html)
    if tree is None:
        return False
    for element in tree.iter("div", "section", "article", "aside", "p", "span"):
        attrs = " ".join(v for v in (element.get("class"), element.get("id")) if v)
        if attrs and _PAYWALL_MARKUP.search(attrs.lower()):
            return True
    body = tree.find("body")
    text = " ".join((body if body is not None else tree).text_content().split())
    return bool(_PAYWALL_WORDING.search(text))


def _metadata(
    tree: HtmlElement, ld: jsonld.JsonLdArticle | None, landed: str
) -> dict[str, str | None]:
    tags = examine_meta(tree)
    site_name = (ld.publisher if ld else None) or tags.sitename or extract_sitename(tree)
    # Not trafilatura's guessed site name: it is often the title's last segment.
    sites = _site_keys(tree, ld, tags.sitename, landed)
    headings = _h1_parts(tree)
    kicker = headings[0][1] if len(headings) == 1 else None
    title = (
        _without_site(ld.headline if ld else None, sites)
        or (headings[0][0] if len(headings) == 1 else None)
        or _without_site(_og_title(tree) or _page_title(tree), sites)
        or _without_site(tags.title, sites)
        or _without_site(extract_title(tree), sites)
    )
    # A person's byline first; the site's own name (a blog's, an organisation's) only if the
    # page names no one else. A host name ("tagesschau.de") is never an author.
    listed = [*(ld.authors if ld else ()), *(tags.author.split(";") if tags.author else ())]
    author = _authors(ld.authors if ld else (), sites)
    if not author and tags.author:
        author = _authors(tags.author.split(";"), sites)
    if not author:
        author = _dom_author(tree, sites)
    if not author:
        hosts = _host_keys(landed)
        author = _authors(listed, hosts) or _dom_author(tree, hosts)
    published = _iso(ld.date_published if ld else None)
    if published is None:
        published = find_date(tree, original_date=True, extensive_search=True, url=landed)
    return {
        "title": title,
        "author": author,
        "published": published,
        "site_name": site_name,
        "canonical_url": _canonical(tree, landed) or (ld.url if ld else None),
        "content_language": _content_language(tree),
        "kicker": kicker,
    }


# Between a headline and the site's name: spaced dashes, bars, dots, colons, slashes; a bar
# also unspaced ("NEWS WEB|Headline"), as a headline never contains one.
_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—·»:/]+\s+|\s*\|+\s*")
_NOT_ALNUM = re.compile(r"[\W_]+")
# Host labels that say nothing about the site: "www.", "m.", country and generic endings.
_HOST_NOISE = frozenset({"www", "m", "mobile", "amp", "com", "net", "org", "co", "news", "online"})


def _key(text: str) -> str:
    """A name compared without case, spaces or punctuation: "The Hill" = "TheHill"."""
    return _NOT_ALNUM.sub("", text.casefold())


def _site_keys(
    tree: HtmlElement,
    ld: jsonld.JsonLdArticle | None,
    og_site: str | None,
    landed: str,
) -> frozenset[str]:
    """The site's names as :func:`_key` writes them: og:site_name, the JSON-LD publisher, the
    application name, and the host ("tagesschau.de", "tagesschau")."""
    names = [og_site, ld.publisher if ld else None]
    for meta in tree.iterfind(".//meta[@name]"):
        if meta.get("name", "").lower() in {"application-name", "apple-mobile-web-app-title"}:
            names.append(meta.get("content"))
    try:
        host = (urlsplit(landed).hostname or "").lower()
    except ValueError:  # malformed address
        host = ""
    labels = [label for label in host.split(".") if label]
    if labels:
        names.append(host.removeprefix("www."))
        names.append(".".join(labels[-2:]))
        names.extend(label for label in labels[:-1] if label not in _HOST_NOISE)
    keys = {_key(name) for name in names if name}
    return frozenset(key for key in keys if len(key) >= 2)


def _host_keys(landed: str) -> frozenset[str]:
    """The page's host as :func:`_key` writes it, with and without subdomains
    ("tagesschaude" for www.tagesschau.de): an author tag holding it names no person."""
    try:
        labels = [label for label in (urlsplit(landed).hostname or "").lower().split(".") if label]
    except ValueError:  # malformed address
        return frozenset()
    return frozenset(_key(".".join(labels[i:])) for i in range(max(0, len(labels) - 1)))


def _is_site(text: str, sites: frozenset[str]) -> bool:
    """``text`` names the site itself: equal to one of its names, or one of them with a
    generic word around it ("Tages-Anzeiger", "tagesschau.de", "Krimiblog-Archiv")."""
    key = _key(text)
    if not key:
        return False
    if key in sites:
        return True
    words = len(text.split())
    return words <= 4 and any(len(site) >= 4 and site in key for site in sites)


def _title_variants(tree: HtmlElement, ld: jsonld.JsonLdArticle | None) -> list[str]:
    """Every way the page states its headline: h1 (with and without its kicker), ``<title>``,
    og:title, JSON-LD headline."""
    variants: list[str] = []
    for headline, kicker in _h1_parts(tree):
        variants.append(headline)
        if kicker:
            variants.append(f"{kicker} {headline}")
    title = tree.find(".//title")
    if title is not None and title.text:
        variants.append(title.text)
    for meta in tree.iterfind(".//meta[@property='og:title']"):
        variants.append(str(meta.get("content") or ""))
    if ld is not None and ld.headline:
        variants.append(ld.headline)
    return [v for v in variants if v]


def _og_title(tree: HtmlElement) -> str | None:
    meta = tree.find(".//meta[@property='og:title']")
    return str(meta.get("content") or "") or None if meta is not None else None


def _page_title(tree: HtmlElement) -> str | None:
    title = tree.find(".//title")
    return title.text_content() if title is not None else None


def _h1_parts(tree: HtmlElement) -> list[tuple[str, str | None]]:
    """(headline, kicker) of the page's first h1 elements (see :func:`_split_kicker`)."""
    parts = (_split_kicker(h) for h in tree.iter("h1"))
    return [(headline, kicker) for headline, kicker in parts if len(headline) > 3][:3]


_KICKER_WORDS = 8


def _split_kicker(h1: HtmlElement) -> tuple[str, str | None]:
    """The headline of an h1 and its kicker, when the h1 opens with one.

    News sites put a kicker (topic line, "Dachzeile") inside the h1 as its own element before
    the headline: ``<h1><span class=kicker>Interne Unterlagen im Netz</span><span>Daten von
    Rheinmetall gehackt</span></h1>`` reads as one run-on title. The first child counts as a
    kicker when the h1 has no text before it, more text follows it, and it is short; hidden
    separators (``aria-hidden`` dashes) are dropped.
    """
    whole = _flat("".join(h1.itertext()))
    first = next((c for c in h1 if isinstance(c.tag, str)), None)
    if first is None or (h1.text or "").strip() or first.tag in {"br", "img"}:
        return whole, None
    kicker = _flat("".join(first.itertext()))
    rest: list[str] = [first.tail or ""]
    for sibling in first.itersiblings():
        if not isinstance(sibling.tag, str):
            rest.append(sibling.tail or "")
            continue
        text = "".join(sibling.itertext())
        if sibling.get("aria-hidden") == "true" and not any(c.isalnum() for c in text):
            text = ""
        rest.append(text + " " + (sibling.tail or ""))
    headline = _flat(" ".join(rest))
    if (
        not kicker
        or len(headline.split()) < 2
        or len(kicker.split()) > _KICKER_WORDS
        or kicker[-1:] in {".", "!", "?"}
    ):
        return whole, None
    return headline, kicker.rstrip(" :|–—-")


def _flat(text: str) -> str:
    return " ".join(text.split())


def _without_site(title: str | None, sites: frozenset[str]) -> str | None:
    """``"Headline | Site"`` → ``"Headline"`` when one end of the title names the site (or is
    a date stamp)."""
    if not title:
        return None
    title = _flat(title)
    parts = _TITLE_SEPARATOR.split(title)
    for index in (-1, 0):
        if len(parts) > 1 and (
            _is_site(parts[index], sites) or boilerplate.is_date_line(parts[index])
        ):
            parts.pop(index)
    if len(parts) == len(_TITLE_SEPARATOR.split(title)):
        return title or None  # nothing removed: keep the title's own punctuation
    return " – ".join(parts) or None


_AUTHOR_NODES = XPath(
    ".//*[@rel='author' or @itemprop='author' or @itemprop='creator'"
    " or contains(@class, 'author') or contains(@class, 'Author') or contains(@class, 'byline')"
    " or contains(@class, 'Byline') or contains(@class, 'autor') or contains(@class, 'Autor')]"
    "[not(self::html or self::body or self::main or self::article or self::script"
    " or self::style or self::meta or self::link)]"
)
_BYLINE_PREFIX = re.compile(
    r"^(?:by|von|par|por|di|de|door|af|text|autor(?:in)?|author|written by|geschrieben von)"
    r"\b\s*:?\s*",
    re.IGNORECASE,
)


# Words that sit in author slots but are no name: comment-form labels, placeholders.
_NOT_A_NAME = re.compile(
    r"^(?:name|your name|ihr name|dein name|nom|nombre|nome|posted on|posted by|no author|unknown"
    r"|anonymous|written by|author|autor|more posts)\b\W*"
    r"(?:\(?(?:erforderlich|required|obligatorio|obligatoire|pflichtfeld)\)?)?\W*$",
    re.IGNORECASE,
)
# Separators between the names of a shared byline: "A, B und C", "A and B", "A & B".
_NAME_LIST = re.compile(r"\s*(?:,|;|\s&\s|\s(?:und|and|et|y|e|und von)\s)\s*")


def _clean_name(raw: str, sites: frozenset[str]) -> str | None:
    """One author name without its "By"/"Von" prefix, or ``None`` if it is no person's name
    (the site's own name, a form label, an address)."""
    text = _BYLINE_PREFIX.sub("", _flat(raw)).strip(" ,|·~-–—:*")
    if not text or len(text) > 80 or "@" in text or "://" in text or text.startswith("www."):
        return None
    if _NOT_A_NAME.match(text) or _is_site(text, sites):
        return None
    return text


def _authors(names: Sequence[str], sites: frozenset[str]) -> str | None:
    """Names joined with "; ", leaving out the site's own name (a site-level author tag, or the
    publisher listed as an author); ``None`` when no name is left."""
    kept: list[str] = []
    for raw in names:
        name = _clean_name(raw, sites)
        if name and name not in kept:
            kept.append(name)
    return "; ".join(kept) or None


def _dom_author(tree: HtmlElement, sites: frozenset[str] = frozenset()) -> str | None:
    """A byline from author markup (rel/itemprop/class), when meta tags and JSON-LD have none.

    A shared byline ("Von A, B und C, NDR") gives each name, joined with "; ". Author fields of
    comment forms ("Name (erforderlich)") and the site's own name are skipped.
    """
    found = _AUTHOR_NODES(tree)
    nodes = [n for n in found if isinstance(n, HtmlElement)] if isinstance(found, list) else []
    for node in nodes[:12]:
        if any(a.tag in {"form", "label", "textarea"} for a in node.iterancestors()):
            continue
        if node.tag in {"label", "input", "textarea", "form"}:
            continue
        name_node = node.find(".//*[@itemprop='name']")
        source = name_node if name_node is not None else node
        text = _BYLINE_PREFIX.sub("", _flat("".join(source.itertext()))).strip(" ,|·-–—")
        if len(text) > 120 or any(c.isdigit() for c in text):
            continue
        parts = [p for p in _NAME_LIST.split(text) if p and not _is_site(p, sites)]
        names = [_clean_name(part, sites) for part in parts]
        if not names or None in names:
            continue
        if all(
            name and 1 <= len(name.split()) <= 6 and any(c.isupper() for c in name)
            for name in names
        ):
            return "; ".join(name for name in names if name)
    return None


def _iso(value: str | None) -> str | None:
    """An ISO 8601 date or datetime from JSON-LD's date text, or ``None`` if it is not one."""
    if not value:
        return None
    text = value.strip().replace(" ", "T", 1)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            return datetime.fromisoformat(text[:10]).date().isoformat()
        except ValueError:
            return None
    if len(text) <= 10:
        return parsed.date().isoformat()
    return parsed.isoformat()


def _canonical(tree: HtmlElement, landed: str) -> str | None:
    for link in tree.iterfind(".//link[@rel]"):
        if "canonical" in link.get("rel", "").lower().split() and link.get("href"):
            try:
                absolute = urljoin(landed, str(link.get("href", "")).strip())
                if urlsplit(absolute).scheme in {"http", "https"}:
                    return absolute
            except ValueError:  # malformed address (urllib rejects e.g. bad bracketed hosts)
                continue
    for meta in tree.iterfind(".//meta[@property='og:url']"):
        content = (meta.get("content") or "").strip()
        if content.startswith(("http://", "https://")):
            return content
    return None


def _content_language(tree: HtmlElement) -> str | None:
    for meta in tree.iterfind(".//meta[@http-equiv]"):
        if meta.get("http-equiv", "").lower() == "content-language":
            return str(meta.get("content") or "") or None
    for meta in tree.iterfind(".//meta[@property='og:locale']"):
        return str(meta.get("content") or "") or None
    return None
