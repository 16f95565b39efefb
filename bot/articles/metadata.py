"""An article's metadata read from its page: title (without the site's name, kicker split off),
author, publication date, site name, canonical URL and content language, from JSON-LD, meta
tags and the page itself (:func:`page_metadata`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from urllib.parse import urljoin, urlsplit

from htmldate import find_date
from lxml.etree import XPath
from lxml.html import HtmlElement
from trafilatura.metadata import examine_meta, extract_sitename, extract_title

from bot.articles import boilerplate, jsonld


def page_metadata(
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


def title_variants(tree: HtmlElement, ld: jsonld.JsonLdArticle | None) -> list[str]:
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
