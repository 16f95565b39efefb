"""The tree pass: :func:`prune_chrome` removes page chrome from the parsed page before
extraction, found by class, id and ARIA role, by wording, and by link-only teaser blocks; the
container holding most of the page's prose is never removed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

from lxml.etree import XPath
from lxml.html import HtmlElement

from bot.articles.boilerplate.lines import DATES, norm
from bot.articles.boilerplate.vocabulary import (
    AI_DISCLAIMER,
    AI_HINT,
    BLOCK_PARENTS,
    BLOCKS,
    CAMEL,
    CHROME_ROLES,
    CHROME_TAGS,
    HIDDEN_STYLE,
    INLINE,
    INLINE_FLOW,
    LINKY,
    NOT_BY_CLASS,
    PARAGRAPHS,
    STRONG,
    SUMMARY_HEADINGS,
    TEASER,
    TOOLTIP,
    TOOLTIP_TRIGGER,
    WEAK,
    WEAK_MAX_CHARS,
)

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
    words = CAMEL.sub("-", attributes).lower()
    if TOOLTIP.search(words) and not TOOLTIP_TRIGGER.search(words):
        return "tooltip"
    if STRONG.search(words):
        return "strong"
    if WEAK.search(words):
        return "weak"
    if LINKY.search(words):
        return "linky"
    return None


def _chrome_kind(element: HtmlElement) -> str | None:
    """``"strong"``, ``"weak"``, ``"hidden"`` or ``"tooltip"`` when the element's tag, attributes,
    role or class names mark it as chrome."""
    tag = element.tag
    if tag in CHROME_TAGS:
        return "strong"
    if _is_hidden(element):
        return "hidden"
    role = element.get("role")
    if role and role.lower() in CHROME_ROLES:
        return "strong"
    if tag in NOT_BY_CLASS:
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
    if element.tag not in INLINE_FLOW:
        parent = element.getparent()
        if parent is None or parent.tag not in PARAGRAPHS:
            return False
    if element.get("hidden") is not None:
        return True
    style = element.get("style")
    if style and HIDDEN_STYLE.search(style):
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
        while block.tag in INLINE:
            up = block.getparent()
            if up is None:
                break
            block = up
        container = block.getparent() if block.tag in PARAGRAPHS else block
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
        if kind == "weak" and mass >= WEAK_MAX_CHARS:
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
    for element in root.iter(*BLOCKS):
        head = (element.text or "").strip()
        if not head:
            continue
        if AI_HINT.search(head) and AI_DISCLAIMER.search(head[:400]):
            yield _box_around(element, page)
            continue
        if len(head) > 120:
            continue
        if TEASER.match(head):
            block = _block_of(element)
            if _text_len(block) <= 300:
                yield block
                if TEASER.match(norm("".join(block.itertext()))) and _is_bare_marker(block):
                    following = block.getnext()
                    if following is not None and (
                        following.tag in {"ul", "ol"} or _link_density(following) >= 0.5
                    ):
                        yield following
        elif element.tag in {"h2", "h3", "h4", "h5", "h6", "p", "strong", "b"} and (
            SUMMARY_HEADINGS.match(head)
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
        text = norm("".join(element.itertext()))
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
            linked += len(norm("".join(a.itertext())))
        if linked >= 0.9 * len(DATES.sub("", text).strip(" -–—|·,")) and not any(
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
    return len(norm("".join(block.itertext())).split()) <= 8


def _block_of(element: HtmlElement) -> HtmlElement:
    """The block-level element that ``element`` starts (``<p><strong>Lesen Sie auch``)."""
    block = element
    while block.tag not in BLOCK_PARENTS:
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
