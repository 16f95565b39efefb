"""Extraction quality (issue 11, part 4): hover cards, title suffixes and kickers, site-level
authors, teasers for other articles, bylines and promotion lines. Fixtures are small pages
written after the markup patterns of real news sites."""

from __future__ import annotations

import json

import pytest
from lxml.html import HtmlElement, fromstring

from bot.articles import boilerplate
from bot.articles.extract import extract_article
from bot.cli import main
from bot.domain import Article
from tests.conftest import FIXTURES
from tests.fakes.news_site import NewsSite

PAGES = FIXTURES / "articles"
EN_URL = "https://www.capitolwire.example/news/999-governor-slogan"
DE_URL = "https://www.nachrichtenseite.example/investigativ/datenleck-101.html"


@pytest.fixture(scope="module")
def hovercard() -> Article:
    return extract_article((PAGES / "en-hovercard.html").read_text("utf-8"), url=EN_URL)


@pytest.fixture(scope="module")
def kicker() -> Article:
    return extract_article((PAGES / "de-kicker.html").read_text("utf-8"), url=DE_URL, min_words=50)


# --- hover cards and hidden text -----------------------------------------------------------------


def test_hover_card_text_is_not_glued_into_the_sentence(hovercard: Article) -> None:
    assert hovercard.paragraphs[0] == (
        "State Gov. Kristine Example (R) is defending the launch of an anti-drug campaign"
        " with the slogan “Meth, we’re on it.”"
    )
    assert "MORE" not in hovercard.text
    assert "Kristine Lynn Example" not in hovercard.text
    assert "Governor signs record budget" not in hovercard.text


def test_tooltip_text_is_dropped_and_its_trigger_kept(hovercard: Article) -> None:
    assert "The campaign cost the state about $449,000 and was produced" in hovercard.text
    assert "procurement office" not in hovercard.text


def test_hidden_inline_text_is_dropped_in_the_tree() -> None:
    tree = fromstring(
        "<html><body><article>"
        "<p>Officials said <span style='display: none'>note for editors</span>the numbers"
        " rose.<span hidden>Hidden caption text</span></p>"
        "<p>A drop cap stays: <span aria-hidden='true'>T</span>he text goes on and on.</p>"
        "<p>Screen readers only: <span aria-hidden='true'>three hidden words here</span>.</p>"
        "<div style='display:none'><p>A gallery slide shown on click stays in the page.</p></div>"
        "</article></body></html>"
    )
    boilerplate.prune_chrome(tree, "https://news.example/a")
    assert isinstance(tree, HtmlElement)
    text = tree.text_content()
    assert "note for editors" not in text
    assert "Hidden caption" not in text
    assert "three hidden words" not in text
    assert "Officials said the numbers rose." in text
    assert "The text goes on" in text  # a drop cap is part of a word
    assert "A gallery slide shown on click" in text


# --- titles and kickers --------------------------------------------------------------------------


def test_title_loses_the_site_name_written_differently(hovercard: Article) -> None:
    # JSON-LD headline "… | CapitolWire" while the publisher is "Capitol Wire".
    assert hovercard.title == "Governor doubles down on anti-drug slogan"


def test_kicker_is_split_from_the_headline(kicker: Article) -> None:
    assert kicker.title == "Daten von Stahlwerk gehackt"
    assert kicker.extra["kicker"] == "Interne Unterlagen im Netz"


@pytest.mark.parametrize(
    ("head", "h1", "title"),
    [
        (
            '<meta property="og:site_name" content="Spiegel Online">',
            "",
            "Ein Satz – SPIEGEL ONLINE",
        ),
        ("", "", "Ein Satz - beispiel.de"),
        ("", "", "BEISPIEL|Ein Satz"),
        ("", "", "Ein Satz – 31.10.2023, 10.19 Uhr"),
        ("", "<h1><span class='x'>Kicker ohne Klasse</span> Ein Satz</h1>", "Etwas anderes"),
    ],
)
def test_title_variants(head: str, h1: str, title: str) -> None:
    body = "<p>" + "Wort " * 120 + "</p>"
    page = f"<html><head><title>{title}</title>{head}</head><body>{h1}{body}</body></html>"
    article = extract_article(page, url="https://www.beispiel.de/a/b")
    assert article.title == "Ein Satz"


def test_a_title_keeps_its_own_dashes_when_no_site_is_named() -> None:
    page = (
        "<html><head><title>Minions malen – mit Rolle und Farbe</title></head><body><p>"
        + "Wort " * 120
        + "</p></body></html>"
    )
    assert extract_article(page, url="https://blog.example/x").title == (
        "Minions malen – mit Rolle und Farbe"
    )


# --- authors -------------------------------------------------------------------------------------


def test_site_level_author_tag_gives_way_to_the_byline(kicker: Article) -> None:
    # <meta name="author" content="nachrichtenseite.example"> names the site, not a person.
    assert kicker.author == "Anna Beispiel; Jonas Muster; Lea Probe; NDR"


@pytest.mark.parametrize(
    ("meta", "body", "author"),
    [
        ('<meta name="author" content="beispiel.de">', "", None),
        (
            '<meta property="og:site_name" content="Beispiel">'
            '<meta name="author" content="Beispiel">',
            "",
            "Beispiel",  # a blog named after its author: the only name there is
        ),
        (
            '<meta property="og:site_name" content="Beispiel">',
            '<form><label class="author">Name (erforderlich)</label></form>'
            '<div class="byline">By Jane Doe and John Roe</div>',
            "Jane Doe; John Roe",
        ),
    ],
)
def test_author_variants(meta: str, body: str, author: str | None) -> None:
    page = (
        f"<html><head>{meta}</head><body>{body}<article><p>"
        + "Wort " * 120
        + "</p></article></body></html>"
    )
    assert extract_article(page, url="https://www.beispiel.de/a").author == author


def test_publisher_listed_as_json_ld_author_is_left_out() -> None:
    ld = {
        "@type": "NewsArticle",
        "headline": "Royal news",
        "author": [
            {"@type": "Person", "name": "Rob Example"},
            {"@type": "Organization", "name": "CNN"},
        ],
        "publisher": {"@type": "Organization", "name": "CNN"},
    }
    page = (
        f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head>'
        "<body><p>" + "Word " * 120 + "</p></body></html>"
    )
    assert extract_article(page, url="https://edition.cnn.com/x").author == "Rob Example"


# --- teasers, bylines, promotions ----------------------------------------------------------------


def test_teaser_card_for_another_article_is_removed_from_the_tree() -> None:
    tree = fromstring(
        "<html><body><main>"
        "<div class='box'><a href='/news/1-other'><h3>Other story</h3>"
        "<p>Snippet of the other story that sits above the article body.</p></a></div>"
        "<div class='item'><h3><a href='/news/2-other'>Second other story</a></h3>"
        "<p>Its snippet, also about something else entirely.</p></div>"
        "<article><h2><a href='https://news.example/this#top'>This story</a></h2>"
        "<p>The article's own text, long enough to be the body of the page. "
        * 5
        + "</p></article></main></body></html>"
    )
    boilerplate.prune_chrome(tree, "https://news.example/this")
    assert isinstance(tree, HtmlElement)
    text = tree.text_content()
    assert "Other story" not in text and "Snippet of the other story" not in text
    assert "Second other story" not in text and "Its snippet" not in text
    assert "This story" in text  # a link to the page itself is its headline
    assert "The article's own text" in text


def test_byline_and_promotion_lines_do_not_reach_the_text(
    kicker: Article, hovercard: Article
) -> None:
    assert "Von Anna Beispiel" not in kicker.text
    assert "am Kiosk" not in kicker.text
    assert "delivered to your inbox" not in hovercard.text
    assert kicker.paragraphs[0].startswith("Der Stahlkonzern Beispielstahl")


@pytest.mark.parametrize(
    "line",
    [
        "Von Max Muster, NDR",
        "Von Anna Beispiel, Jonas Muster und Lea Probe, NDR",
        "By Jane Doe and John Roe",
        "5:45 AM PST 11/19/2019 by Patrick Example",
        "By Jane Doe | Nov. 19, 2019",
        "UPDATED: Tue., Nov. 19, 2019",
        "Das Heft gibt es jetzt am Kiosk oder hier zu bestellen.",
        "Telefon: +49 40 300 30 1141",
        "Der Artikel wurde erfolgreich hinzugefügt.",
    ],
)
def test_chrome_lines(line: str) -> None:
    assert boilerplate.junk_reason(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "Von Berlin aus fuhr der Zug weiter nach Hamburg.",
        "By Monday the council had voted to approve the plan.",
        "Von Montag an gilt die neue Regel.",
        "Der Kanzler sprach von Max Weber und Hannah Arendt.",
    ],
)
def test_sentences_are_no_bylines(line: str) -> None:
    assert boilerplate.junk_reason(line) is None


def test_kicker_line_above_the_repeated_headline_is_dropped() -> None:
    lines = ["Review", "Laptop review: the keyboard is back", "First paragraph of the review."]
    kept = boilerplate.clean_lines(lines, ["Laptop review: the keyboard is back"])
    assert kept == ["First paragraph of the review."]


# --- newsbot extract -----------------------------------------------------------------------------


def test_newsbot_extract_json_on_the_fixtures(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FETCH_ALLOW_PRIVATE_NETWORKS", "true")
    monkeypatch.setenv("FETCH_ALLOWED_PORTS", "")
    with NewsSite() as site:
        site.add("/investigativ/datenleck-101.html", (PAGES / "de-kicker.html").read_bytes())
        site.add("/news/999-governor-slogan", (PAGES / "en-hovercard.html").read_bytes())
        results = []
        for path in ("/investigativ/datenleck-101.html", "/news/999-governor-slogan"):
            code = main(["extract", site.url(path)])
            out, err = capsys.readouterr()
            assert code == 0, err
            results.append(json.loads(out))
    german, english = results
    assert german["title"] == "Daten von Stahlwerk gehackt"
    assert german["extra"]["kicker"] == "Interne Unterlagen im Netz"
    assert german["author"] == "Anna Beispiel; Jonas Muster; Lea Probe; NDR"
    assert "Von Anna Beispiel" not in german["text"]
    assert english["title"] == "Governor doubles down on anti-drug slogan"
    assert english["author"] == "Tessa Brand"
    assert "MORE" not in english["text"]
