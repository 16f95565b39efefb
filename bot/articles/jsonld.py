"""The article node of a page's JSON-LD (schema.org): headline, authors, dates, language, paywall.

Publishers embed ``<script type="application/ld+json">`` blocks, often several per page, as a
single object, a list, or an ``@graph`` (https://json-ld.org/spec/latest/json-ld/#named-graphs).
The article is the node whose ``@type`` is ``Article`` or one of its subtypes
(https://schema.org/Article: ``NewsArticle``, ``ReportageNewsArticle``, ``BlogPosting``…).
Paywalls are marked with ``isAccessibleForFree: false`` on the article, optionally with a
``hasPart`` ``WebPageElement`` naming the hidden section by ``cssSelector``
(https://developers.google.com/search/docs/appearance/structured-data/paywalled-content).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml.html import HtmlElement

# https://schema.org/Article "More specific Types", plus the common news and blog subtypes.
ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "backgroundnewsarticle",
        "opinionnewsarticle",
        "reviewnewsarticle",
        "askpublicnewsarticle",
        "satiricalarticle",
        "advertisercontentarticle",
        "report",
        "scholarlyarticle",
        "techarticle",
        "blogposting",
        "liveblogposting",
        "socialmediaposting",
    }
)
_NEWS_FIRST = ("newsarticle", "reportagenewsarticle", "analysisnewsarticle")
_PAGE_TYPES = frozenset({"webpage", "itempage", "webcontent"})
_MAX_SCRIPT_CHARS = 2_000_000
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"[ \t\r\f\v]+")


@dataclass(frozen=True, slots=True)
class JsonLdArticle:
    """What the page's structured data says about its article (fields absent stay ``None``)."""

    type: str
    headline: str | None = None
    authors: tuple[str, ...] = ()
    date_published: str | None = None
    date_modified: str | None = None
    publisher: str | None = None
    language: str | None = None
    url: str | None = None
    article_body: str | None = None
    accessible_for_free: bool | None = None


def parse_scripts(tree: HtmlElement) -> list[Any]:
    """Every JSON-LD block of the page, decoded; malformed blocks are skipped."""
    blocks: list[Any] = []
    for script in tree.iter("script"):
        kind = (script.get("type") or "").strip().lower()
        if kind != "application/ld+json":
            continue
        raw = (script.text or "").strip()
        if not raw or len(raw) > _MAX_SCRIPT_CHARS:
            continue
        data = _loads(raw)
        if data is not None:
            blocks.append(data)
    return blocks


def _loads(raw: str) -> Any:
    # Seen in the wild: HTML comment or CDATA wrappers, trailing semicolons, raw newlines
    # inside strings (json ``strict=False`` accepts control characters).
    text = raw.removeprefix("<!--").removesuffix("-->").strip()
    text = text.removeprefix("//<![CDATA[").removesuffix("//]]>").strip().rstrip(";")
    try:
        return json.loads(text, strict=False)
    except ValueError:
        return None


def iter_nodes(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Depth-first walk over every object in a JSON-LD document (lists, ``@graph``, nesting)."""
    if depth > 8:
        return
    if isinstance(data, list):
        for item in data:
            yield from iter_nodes(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key, value in data.items():
            if key == "@context":
                continue
            if isinstance(value, dict | list):
                yield from iter_nodes(value, depth + 1)


def node_types(node: dict[str, Any]) -> set[str]:
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    # Types may be written as full IRIs ("http://schema.org/NewsArticle").
    return {v.rsplit("/", 1)[-1].lower() for v in values if isinstance(v, str)}


def find_article(tree: HtmlElement) -> JsonLdArticle | None:
    """The page's article node, preferring news types and nodes that carry a headline or body."""
    candidates: list[dict[str, Any]] = []
    page_free: bool | None = None
    for block in parse_scripts(tree):
        for node in iter_nodes(block):
            types = node_types(node)
            if types & ARTICLE_TYPES:
                candidates.append(node)
            elif types & _PAGE_TYPES and page_free is None:
                page_free = _boolean(node.get("isAccessibleForFree"))
    if not candidates:
        return None
    best = max(candidates, key=_rank)
    free = _boolean(best.get("isAccessibleForFree"))
    if free is None:
        free = page_free
    if free is None:
        free = _parts_free(best.get("hasPart"))
    types = node_types(best)
    return JsonLdArticle(
        type=next((t for t in _NEWS_FIRST if t in types), sorted(types & ARTICLE_TYPES)[0]),
        headline=_text(best.get("headline")) or _text(best.get("name")),
        authors=tuple(_names(best.get("author"))),
        date_published=_text(best.get("datePublished")) or _text(best.get("dateCreated")),
        date_modified=_text(best.get("dateModified")),
        publisher=next(iter(_names(best.get("publisher"))), None),
        language=_language(best.get("inLanguage")),
        url=_url(best.get("url")) or _url(best.get("mainEntityOfPage")),
        article_body=_body(best.get("articleBody")),
        accessible_for_free=free,
    )


def _rank(node: dict[str, Any]) -> tuple[int, int, int]:
    types = node_types(node)
    news = int(any(t in types for t in _NEWS_FIRST))
    body = node.get("articleBody")
    return (int(bool(node.get("headline"))), news, len(body) if isinstance(body, str) else 0)


def _boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        lowered = value.strip().lower()
        if lowered in {"true", "yes", "1", "http://schema.org/true", "https://schema.org/true"}:
            return True
        if lowered in {"false", "no", "0", "http://schema.org/false", "https://schema.org/false"}:
            return False
    return None


def _parts_free(parts: Any) -> bool | None:
    for node in iter_nodes(parts):
        if _boolean(node.get("isAccessibleForFree")) is False:
            return False
    return None


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    cleaned = " ".join(html.unescape(_TAGS.sub(" ", value)).split())
    return cleaned or None


def _names(value: Any) -> list[str]:
    names: list[str] = []
    items = value if isinstance(value, list) else [value]
    for item in items:
        name: str | None = None
        if isinstance(item, str):
            name = _text(item)
        elif isinstance(item, dict):
            name = _text(item.get("name"))
            if name is None:
                parts = [_text(item.get(k)) for k in ("givenName", "familyName")]
                name = " ".join(p for p in parts if p) or None
        if name and not name.lower().startswith(("http://", "https://")) and name not in names:
            names.append(name)
    return names


def _language(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("alternateName") or value.get("name")
    return _text(value)


def _url(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("@id") or value.get("url")
    if isinstance(value, str) and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None


def _body(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = html.unescape(_TAGS.sub("\n", value)).replace("\xa0", " ")
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    body = "\n".join(line for line in lines if line)
    return body or None
