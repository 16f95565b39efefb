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
from time import perf_counter

import lxml.html
from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction
from trafilatura import bare_extraction
from trafilatura.settings import Document
from trafilatura.utils import repair_faulty_html

from bot.articles import boilerplate, jsonld, language
from bot.articles.errors import NoArticleText, Paywalled, TeaserOnly
from bot.articles.metadata import page_metadata, title_variants
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
    meta = page_metadata(tree, ld, landed)
    meta_titles = title_variants(tree, ld)
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
