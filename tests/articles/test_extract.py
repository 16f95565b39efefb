"""Extraction on fixture news pages (German and English) that carry the usual publisher chrome."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.articles.errors import NoArticleText, Paywalled, TeaserOnly
from bot.articles.extract import count_words, extract_article
from bot.domain import Article
from bot.i18n import sentence_for

PAGES = Path(__file__).parent.parent / "fixtures" / "articles"
DE_URL = "https://www.beispiel-zeitung.de/politik/xi-putin-peking-100.html?utm_source=slack"
SEED_HEADINGS = ("Kim Jong Un reist nach Peking", "Nordkorea intensiviert Beziehungen zu Russland")
EN_URL = "https://www.rivertonherald.example/news/2025/03/14/council-approves-cycle-network"


def _page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def _seed_paragraphs() -> list[str]:
    """The seed article's paragraphs, without its first line (the AI-summary disclaimer)."""
    lines = (PAGES / "seed-article.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines[1:] if line.strip()]


@pytest.fixture(scope="module")
def german() -> Article:
    return extract_article(_page("de-news.html"), url=DE_URL)


@pytest.fixture(scope="module")
def english() -> Article:
    return extract_article(_page("en-news.html"), url=EN_URL)


def _in_order(text: str, passages: list[str]) -> bool:
    positions = [text.find(p) for p in passages]
    return -1 not in positions and positions == sorted(positions)


# --- German page -------------------------------------------------------------------------------


def test_german_paragraphs_present_in_order(german: Article) -> None:
    passages = [
        "Chinas Staatschef Xi Jinping und Russlands Präsident Wladimir Putin haben",
        "China und Russland haben ein enges Verhältnis.",
        "Für eine seiner seltenen Auslandsreisen",
        "Laut Angaben der Parteizeitung Rodong Shinmun",
        "Die Volksrepublik gilt als wichtiger wirtschaftlicher Unterstützer",
        "Irans Präsident Massud Pezeshkian.",
    ]
    assert _in_order(german.text, passages)


def test_german_keeps_the_seed_sentences(german: Article) -> None:
    # Every sentence of the seed article (as scraped, subheadings run into the text) survives.
    flat = " ".join(german.text.split())
    for paragraph in _seed_paragraphs():
        for sentence in paragraph.split(". "):
            core = sentence.strip().rstrip(".")
            for heading in SEED_HEADINGS:
                core = core.replace(heading + " ", "")
            assert core in flat, core


def test_german_subheadings_are_their_own_lines(german: Article) -> None:
    paragraphs = german.paragraphs
    assert "Kim Jong Un reist nach Peking" in paragraphs
    assert "Nordkorea intensiviert Beziehungen zu Russland" in paragraphs
    kim = paragraphs.index("Kim Jong Un reist nach Peking")
    assert paragraphs[kim + 1].startswith("Für eine seiner seltenen Auslandsreisen")


@pytest.mark.parametrize(
    "chrome",
    [
        pytest.param("Wir nutzen künstliche Intelligenz", id="ai-disclaimer"),
        pytest.param("Jeder Text wird vor der Veröffentlichung", id="ai-disclaimer-2"),
        pytest.param("Das Wichtigste in Kürze", id="summary-box-heading"),
        pytest.param("Nordkoreas Machthaber Kim Jong Un reist mit dem Zug", id="summary-bullet"),
        pytest.param("Ihre Privatsphäre", id="cookie-banner"),
        pytest.param("Alle akzeptieren", id="cookie-button"),
        pytest.param("Kultur", id="navigation"),
        pytest.param("Startseite", id="breadcrumb"),
        pytest.param("Lesen Sie auch", id="read-also"),
        pytest.param("Gipfel in Tianjin", id="read-also-link"),
        pytest.param("Morgen-Newsletter", id="newsletter"),
        pytest.param("in Ihrem Postfach", id="newsletter-text"),
        pytest.param("Mehr zum Thema", id="related-heading"),
        pytest.param("Die Gästeliste", id="related-link"),
        pytest.param("Auf Facebook teilen", id="share-bar"),
        pytest.param("Kommentare", id="comments-heading"),
        pytest.param("ausgerechnet jetzt mit dem Zug", id="comment"),
        pytest.param("Alle Rechte vorbehalten", id="footer"),
        pytest.param("Impressum", id="footer-links"),
        pytest.param("Von Anna Schneider", id="byline"),
    ],
)
def test_german_chrome_is_dropped(german: Article, chrome: str) -> None:
    assert chrome in _page("de-news.html")  # the fixture carries it…
    assert chrome not in german.text  # …and the article text does not


def test_german_metadata(german: Article) -> None:
    assert german.title == "Xi und Putin beginnen Gespräche in Peking"
    assert german.author == "Anna Schneider"
    assert german.published == "2025-09-02T10:15:00+02:00"
    assert german.site_name == "Beispiel-Zeitung"
    assert german.language == "de"
    # The relative canonical link resolves against the page's address, without tracking.
    assert german.canonical_url == (
        "https://www.beispiel-zeitung.de/politik/xi-putin-peking-100.html"
    )
    assert german.url == DE_URL
    assert german.final_url == DE_URL
    assert german.paywalled is False
    assert german.text.startswith("Chinas Staatschef")  # no kicker, headline or byline on top


# --- English page ------------------------------------------------------------------------------


def test_english_paragraphs_and_subheadings_in_order(english: Article) -> None:
    paragraphs = english.paragraphs
    assert paragraphs[0].startswith("Riverton's city council has approved a 40-mile network")
    assert _in_order(
        english.text,
        [
            "Councillors voted nine to four",
            "How the network will be paid for",
            "The scheme is expected to cost 86 million pounds.",
            "Opponents argued that the loss",
            "What happens next",
            "Supporters pointed to figures",
            "residents will have six weeks to comment on them before building starts.",
        ],
    )
    assert "How the network will be paid for" in paragraphs
    assert "What happens next" in paragraphs


@pytest.mark.parametrize(
    "chrome",
    [
        pytest.param("212 partners", id="cookie-banner"),
        pytest.param("Accept all", id="cookie-button"),
        pytest.param("Opinion", id="navigation"),
        pytest.param("Key points", id="summary-box-heading"),
        pytest.param("The council voted 9-4", id="summary-bullet"),
        pytest.param("generated by AI", id="ai-disclaimer"),
        pytest.param("Share on", id="share-bar"),
        pytest.param("Read more", id="read-more"),
        pytest.param("City budget: what changes", id="read-more-link"),
        pytest.param("Morning Brief", id="newsletter"),
        pytest.param("Subscribe", id="newsletter-button"),
        pytest.param("covers transport and local government", id="author-box"),
        pytest.param("More stories", id="related-heading"),
        pytest.param("Bus fares to rise", id="related-link"),
        pytest.param("Station Road is terrifying", id="comment"),
        pytest.param("All rights reserved", id="footer"),
        pytest.param("Privacy policy", id="footer-links"),
    ],
)
def test_english_chrome_is_dropped(english: Article, chrome: str) -> None:
    assert chrome in _page("en-news.html")
    assert chrome not in english.text


def test_english_metadata_from_json_ld_graph(english: Article) -> None:
    assert english.title == "Council approves 40-mile cycle network after marathon session"
    assert english.author == "Priya Natarajan; Tom Okafor"
    assert english.published == "2025-03-14T18:05:00+00:00"
    assert english.site_name == "The Riverton Herald"
    assert english.language == "en"
    assert english.canonical_url == EN_URL
    assert english.extra["json_ld_type"] == "newsarticle"


# --- language ----------------------------------------------------------------------------------


def test_confident_detection_beats_a_wrong_html_lang() -> None:
    # A German article on a template that declares English, with no JSON-LD language.
    html = _page("de-news.html").replace('<html lang="de">', '<html lang="en">')
    html = html.replace('"inLanguage": "de-DE",', "")
    assert extract_article(html, url=DE_URL).language == "de"


# --- refusals and paywalls ---------------------------------------------------------------------


def test_paywalled_teaser_is_refused_as_paywalled() -> None:
    with pytest.raises(Paywalled) as caught:
        extract_article(_page("paywalled-teaser.html"), url="https://www.beispiel-zeitung.de/a")
    assert caught.value.code == "paywalled"
    assert sentence_for(caught.value, "de") == (
        "Der Artikel steht hinter einer Bezahlschranke, deshalb kann ich ihn nicht zusammenfassen."
    )


def test_paywall_marked_page_with_the_full_text_returns_flagged() -> None:
    article = extract_article(_page("paywalled-full.html"), url="https://harbour.example/a")
    assert article.paywalled is True
    assert article.author == "Elena Moretti"
    assert article.paragraphs[0].startswith("The port authority has awarded")
    assert article.paragraphs[-1].endswith("given the same information.")


def test_section_front_is_not_an_article() -> None:
    with pytest.raises(TeaserOnly) as caught:
        extract_article(_page("section-front.html"), url="https://www.beispiel-zeitung.de/politik/")
    assert sentence_for(caught.value, "en").startswith(
        "I only found a few lines on that page, not a whole article"
    )


def test_short_page_without_paywall_marks_is_not_called_paywalled() -> None:
    # A teaser is not an article; without a paywall marker we don't claim there is one.
    with pytest.raises(TeaserOnly) as caught:
        extract_article(_page("video-page.html"), url="https://news.example/video/chimney")
    assert not isinstance(caught.value, Paywalled)
    assert "paywalled story, a video or a gallery" in sentence_for(caught.value, "en")


def test_page_without_any_text_says_so() -> None:
    with pytest.raises(NoArticleText) as caught:
        extract_article("<html><body><nav>Home</nav></body></html>", url="https://n.example/")
    assert not isinstance(caught.value, TeaserOnly)
    assert sentence_for(caught.value, "en") == "I couldn't find any article text on that page."


def test_min_words_decides_what_is_too_short() -> None:
    article = extract_article(_page("video-page.html"), url="https://news.example/v", min_words=10)
    assert article.paragraphs == [
        "Hundreds of people gathered at dawn to see the 60-metre chimney of the former gasworks "
        "demolished in a controlled explosion."
    ]
    with pytest.raises(Paywalled):
        extract_article(_page("paywalled-full.html"), url="https://h.example/a", min_words=500)


def test_empty_document_has_no_article_text() -> None:
    with pytest.raises(NoArticleText):
        extract_article("", url="https://news.example/empty")
    with pytest.raises(NoArticleText):
        extract_article("<html><body></body></html>", url="https://news.example/blank")


# --- JSON-LD articleBody -----------------------------------------------------------------------


def test_article_body_from_json_ld_keeps_its_paragraphs() -> None:
    article = extract_article(_page("articlebody-only.html"), url="https://library.example/news")
    assert article.extra["article_body_used"] is True
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("The central library will open until 9pm")
    assert article.paragraphs[-1] == (
        "The trial will run for twelve months, after which visitor numbers will be reviewed."
    )
    assert article.published == "2025-01-20"
    assert article.author == "Sam Whitfield"


def test_article_body_teaser_does_not_replace_the_page_text() -> None:
    # Some sites put only a teaser in articleBody: the page's own text wins.
    html = _page("en-news.html").replace(
        '"inLanguage": "en-GB"}',
        '"inLanguage": "en-GB", "articleBody": "Riverton approves cycle lanes. Read on."}',
    )
    article = extract_article(html, url=EN_URL)
    assert article.extra["article_body_used"] is False
    assert "Supporters pointed to figures" in article.text


# --- helpers -----------------------------------------------------------------------------------


def test_count_words_counts_cjk_characters() -> None:
    assert count_words("one two three") == 3
    assert count_words("子どもへの体罰を禁止する法律ができる") == 9  # 18 characters
    assert count_words("") == 0


def test_title_without_site_name_when_there_is_no_json_ld() -> None:
    body = "".join(
        f"<p>Paragraph {i}: the regional bus company will add night services on four lines "
        f"from May, after a pilot last winter carried more passengers than expected.</p>"
        for i in range(5)
    )
    html = (
        "<html><head><title>Night buses return | Valley Courier</title>"
        '<meta property="og:title" content="Night buses return | Valley Courier">'
        '<meta property="og:site_name" content="Valley Courier"></head>'
        f"<body><h1>Valley Courier</h1><article><h1>Night buses return</h1>{body}</article>"
        "</body></html>"
    )
    article = extract_article(html, url="https://courier.example/night-buses")
    assert article.title == "Night buses return"
    assert article.site_name == "Valley Courier"
    assert article.paragraphs[0].startswith("Paragraph 0:")


def test_short_page_with_paywall_wording_is_refused_as_paywalled() -> None:
    # No structured data, but the page says what it is: a teaser in front of a subscription.
    html = _page("paywalled-teaser.html").replace('"isAccessibleForFree": "False",', "")
    for markup, plain in (
        ('"hasPart"', '"isPartOf"'),
        ("paywall-offer", "box"),
        ("paywalled-", ""),
    ):
        html = html.replace(markup, plain)
    assert "paywall" not in html.lower()
    with pytest.raises(Paywalled):
        extract_article(html, url="https://www.beispiel-zeitung.de/a")


def test_paywall_markup_on_a_free_full_article_does_not_flag_it() -> None:
    html = _page("en-news.html").replace(
        '<div class="story__body">', '<div class="story__body paywall-container">'
    )
    article = extract_article(html, url=EN_URL)
    assert article.paywalled is False
    assert "Supporters pointed to figures" in article.text


# --- robustness --------------------------------------------------------------------------------

ODD_PAGES = [
    '<?xml version="1.0" encoding="ISO-8859-1"?><html><body><p>Grüße</p></body></html>',
    "<html/><body><p>self-closing html tag</p></body>",
    "plain text, no markup at all",
    '{"json": "not a web page"}',
    "<html><body>" + "<div>" * 400 + "deep" + "</div>" * 400 + "</body></html>",
    "<html><body><p>nul\x00byte and \x0bcontrol</p></body></html>",
    '<html><head><link rel="canonical" href="http://[bad-host]/x">'
    '<script type="application/ld+json">{"@type": "NewsArticle", "author": {"name": 5},'
    ' "datePublished": "yesterday", "inLanguage": ["xx-unknown"]}</script></head>'
    '<body><p><a href="http://[::1">broken link</a></p></body></html>',
]


@pytest.mark.parametrize("html", ODD_PAGES)
def test_odd_pages_are_refused_or_extracted_never_crash(html: str) -> None:
    try:
        article = extract_article(html, url="https://odd.example/page", min_words=1)
    except (NoArticleText, Paywalled):
        return
    assert isinstance(article.text, str)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<p>",
                "</p>",
                "<div class='share'>",
                "</div>",
                "<h2>",
                "</h2>",
                "<a href='/x'>",
                "</a>",
                "Lesen Sie auch:",
                "Foto: dpa",
                "<nav>",
                "</nav>",
                "<article>",
                "</article>",
                "Der Rat hat entschieden, die Brücke zu sanieren. ",
                "<script>var x = 1;</script>",
                "<li>",
                "</li>",
                "<ul>",
                "</ul>",
                "&amp;",
                "<br>",
            ]
        ),
        max_size=60,
    )
)
def test_random_markup_never_crashes(parts: list[str]) -> None:
    html = "<html><body>" + "".join(parts) + "</body></html>"
    with contextlib.suppress(NoArticleText, Paywalled):
        extract_article(html, url="https://random.example/a", min_words=1)


def test_disclaimer_inside_a_short_article_body_takes_only_itself() -> None:
    # The seed article's shape: the AI-summary disclaimer is the first paragraph of the body.
    seed = _seed_paragraphs()
    disclaimer = (PAGES / "seed-article.txt").read_text(encoding="utf-8").splitlines()[0]
    disclaimer = disclaimer.split(maxsplit=2)[2]  # the line starts with "date 2025-09-02"
    paragraphs = "".join(f"<p>{p}</p>" for p in [disclaimer, *seed[:2]])
    body = f"<div class='text'><h1>Gespräche in Peking</h1>{paragraphs}</div>"
    html = f"<html><body>{body}</body></html>"
    article = extract_article(html, url="https://news.example/peking")
    assert disclaimer.startswith("Wir nutzen künstliche Intelligenz")
    assert "künstliche Intelligenz" not in article.text
    assert article.paragraphs == seed[:2]
