"""The pieces of extraction: JSON-LD reading, chrome pruning and line filters, language choice."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lxml.html import HtmlElement, fromstring

from bot.articles import boilerplate, jsonld, language


def _tree(body: str, head: str = "") -> HtmlElement:
    return fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def _ld(*blocks: Any) -> str:
    return "".join(
        f'<script type="application/ld+json">{json.dumps(b, ensure_ascii=False)}</script>'
        for b in blocks
    )


# --- JSON-LD -------------------------------------------------------------------------------------


def test_json_ld_article_in_a_graph_with_string_booleans_and_iri_types() -> None:
    head = _ld(
        {
            "@context": "https://schema.org",
            "@graph": [
                {"@type": "WebPage", "name": "Page"},
                {
                    "@type": "http://schema.org/ReportageNewsArticle",
                    "headline": "Flut in der Altstadt",
                    "author": [
                        {"@type": "Person", "name": "Eva Klein"},
                        "Max Roth",
                        {"@type": "Person", "givenName": "Lea", "familyName": "Berg"},
                        {"@type": "Person", "name": "Eva Klein"},
                    ],
                    "datePublished": "2024-05-02T08:00:00+02:00",
                    "publisher": {"@type": "Organization", "name": "Stadtanzeiger"},
                    "inLanguage": {"@type": "Language", "name": "German", "alternateName": "de"},
                    "isAccessibleForFree": "False",
                    "mainEntityOfPage": {"@id": "https://stadtanzeiger.example/flut"},
                },
            ],
        }
    )
    article = jsonld.find_article(_tree("<p>x</p>", head))
    assert article is not None
    assert article.type == "reportagenewsarticle"
    assert article.headline == "Flut in der Altstadt"
    assert article.authors == ("Eva Klein", "Max Roth", "Lea Berg")
    assert article.date_published == "2024-05-02T08:00:00+02:00"
    assert article.publisher == "Stadtanzeiger"
    assert article.language == "de"
    assert article.accessible_for_free is False
    assert article.url == "https://stadtanzeiger.example/flut"


def test_json_ld_prefers_the_news_article_with_a_headline() -> None:
    head = _ld(
        [{"@type": "Article", "name": "Site section"}],
        {
            "@type": ["NewsArticle"],
            "headline": "Real story",
            "articleBody": "<p>One.</p><p>Two.</p>",
        },
    )
    article = jsonld.find_article(_tree("", head))
    assert article is not None
    assert article.headline == "Real story"
    assert article.article_body == "One.\nTwo."


def test_json_ld_paywall_from_has_part_or_page() -> None:
    part = _ld(
        {
            "@type": "NewsArticle",
            "headline": "H",
            "hasPart": {"@type": "WebPageElement", "isAccessibleForFree": False},
        }
    )
    found = jsonld.find_article(_tree("", part))
    assert found is not None
    assert found.accessible_for_free is False
    page = _ld({"@type": "WebPage", "isAccessibleForFree": "false"}, {"@type": "Article"})
    found = jsonld.find_article(_tree("", page))
    assert found is not None
    assert found.accessible_for_free is False
    free = jsonld.find_article(_tree("", _ld({"@type": "Article", "headline": "H"})))
    assert free is not None
    assert free.accessible_for_free is None


def test_json_ld_tolerates_broken_and_wrapped_blocks() -> None:
    head = (
        '<script type="application/ld+json">{not json</script>'
        '<script type="application/ld+json"><!--{"@type": "NewsArticle",'
        ' "headline": "Line\nbreak"};--></script>'
        '<script type="text/javascript">{"@type": "NewsArticle", "headline": "JS"}</script>'
    )
    article = jsonld.find_article(_tree("", head))
    assert article is not None
    assert article.headline == "Line break"
    assert jsonld.find_article(_tree("<p>no structured data</p>")) is None


# --- chrome pruning ------------------------------------------------------------------------------

ARTICLE = "".join(
    f"<p>Absatz {i}: Der Stadtrat hat am Dienstag nach langer Debatte beschlossen, die Brücke "
    f"über den Fluss bis zum Herbst zu sanieren und die Kosten zu teilen.</p>"
    for i in range(6)
)


def _pruned_text(body: str) -> str:
    tree = _tree(body)
    boilerplate.prune_chrome(tree)
    return " ".join(tree.text_content().split())


@pytest.mark.parametrize(
    ("chrome", "marker"),
    [
        ('<div class="newsletterBox"><p>Jetzt anmelden</p></div>', "Jetzt anmelden"),
        ('<div id="cookie-notice"><p>Wir nutzen Cookies</p></div>', "Wir nutzen Cookies"),
        ('<ul class="relatedArticles"><li><a href="/a">Anderes</a></li></ul>', "Anderes"),
        ('<div class="teaser-list"><a href="/b">Noch ein Artikel</a></div>', "Noch ein Artikel"),
        ('<div role="navigation"><a href="/">Start</a></div>', "Start"),
        ('<div class="author-box"><p>Die Autorin schreibt über Verkehr.</p></div>', "Autorin"),
        ("<p><b>Mehr zum Thema:</b> <a href='/c'>Brücken im Land</a></p>", "Brücken im Land"),
        ("<h3>Auf einen Blick</h3><ul><li>Punkt eins</li></ul>", "Punkt eins"),
        ("<ul><li><a href='/d'>Neue Brücke in Linz</a> 4. November 2021</li></ul>", "Linz"),
        (
            "<div><ul><li>Stichpunkt</li></ul><p>Diese Zusammenfassung wurde mit Hilfe von KI "
            "erstellt.</p></div>",
            "Stichpunkt",
        ),
    ],
)
def test_prune_removes_chrome_and_keeps_the_article(chrome: str, marker: str) -> None:
    text = _pruned_text(f"<article>{chrome}{ARTICLE}</article>")
    assert marker not in text
    assert "Absatz 0:" in text
    assert "Absatz 5:" in text


def test_prune_keeps_a_misnamed_main_container() -> None:
    # Classes like "share" or "widget Blog" sometimes sit on the element holding the article.
    for wrapper in ('<div class="entry share">', '<div class="comments-enabled post">'):
        text = _pruned_text(f"<div class='page'>{wrapper}{ARTICLE}</div><nav>Menü</nav></div>")
        assert "Absatz 3:" in text
        assert "Menü" not in text


def test_prune_keeps_teaser_words_inside_real_paragraphs() -> None:
    body = (
        "<article>"
        + ARTICLE
        + "<p>Lesen Sie auch die Stellungnahme der Verwaltung, die der Redaktion vorliegt und in "
        "der die Stadt ausführlich begründet, warum die Sanierung so lange gedauert hat, obwohl "
        "die Schäden seit Jahren bekannt waren und mehrere Gutachten sie beschrieben haben.</p>"
        "</article>"
    )
    assert "Stellungnahme der Verwaltung" in _pruned_text(body)


# --- line filters --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "Wir nutzen künstliche Intelligenz, um Zusammenfassungen unserer Artikel zu erstellen.",
        "This summary was generated by AI and reviewed by our editors.",
        "Diese Zusammenfassung wurde mithilfe künstlicher Intelligenz erstellt.",
        "Lesen Sie auch: Was die Brücke kostet",
        "Read more: The five best bridges in Europe",
        "Czytaj też: Most w Warszawie",
        "Follow The Gazette on Twitter and Instagram @Gazette.",
        "Subscribe now to our digital edition for the full story.",
        "Foto: dpa",
        "Crédits photos : Agence",
        "Aktualisiert am 12.01.2021, 14:30 Uhr",
        "January 13",
        "19:49",
        "Updated at 1:23 p.m.",
        "05/10/2018 - Publicado por: Clarissa Borba - Categoria: Saúde - Tags: sad",
        "Anzeige, enthält Affiliate Links",
        "Kategorie: News",
        "aja/PAP",
    ],
)
def test_junk_lines(line: str) -> None:
    assert boilerplate.junk_reason(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "Der Stadtrat hat am Dienstag beschlossen, die Brücke zu sanieren.",
        "Die Polizei sucht Zeugen, die am 12. Januar gegen 19 Uhr etwas beobachtet haben.",
        "Künstliche Intelligenz verändert die Arbeit in vielen Redaktionen grundlegend.",
        "The company said the newsletter had 40,000 readers before it closed in 2019, and that "
        "most of them moved to the new podcast within a year of the change.",
        "Related companies in the group reported higher profits.",
        "2019",
        "| HD | THE HOME DEPOT INC. | 225.86 | -12.99 | -5.44% |",
        "Die Inflationsrate lag im März bei 2,2 Prozent - nach 2,4 Prozent im Februar.",
    ],
)
def test_article_lines_are_kept(line: str) -> None:
    assert boilerplate.junk_reason(line) is None


def test_clean_lines_drops_the_repeated_headline_and_blank_lines() -> None:
    lines = ["Brücke wird saniert", "", "  Der Stadtrat hat beschlossen.  ", "Foto: Stadt"]
    assert boilerplate.clean_lines(lines, ["Brücke wird saniert"]) == [
        "Der Stadtrat hat beschlossen."
    ]


# --- language ------------------------------------------------------------------------------------

GERMAN = (
    "Der Stadtrat hat am Dienstag nach langer Debatte beschlossen, die marode Brücke über den "
    "Fluss bis zum Herbst zu sanieren. Die Kosten teilen sich Land und Kommune."
) * 3


def test_confident_detection_wins_over_declarations() -> None:
    assert language.choose(GERMAN, "en", "en-US") == "de"


def test_short_text_falls_back_to_the_declaration() -> None:
    assert language.choose("Brücke gesperrt.", "de-AT") == "de"
    assert language.choose("OK", None, "fr_FR") == "fr"


def test_no_declaration_uses_the_detection_anyway() -> None:
    assert language.choose("Die Brücke ist gesperrt.", None, "") == "de"
    assert language.choose("", None) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [("de-DE", "de"), ("EN", "en"), ("pt_BR", "pt"), ("deu", None), ("", None), ("12", None)],
)
def test_normalize_language_tags(value: str, code: str | None) -> None:
    assert language.normalize(value) == code


def test_clean_lines_drops_title_variants_on_top_only() -> None:
    titles = ["Energy Rising - 33 Tage Yoga Challenge - Mady Yoga", "Energy Rising"]
    lines = [
        "Energy Rising – 33 Tage Yoga Challenge",  # en dash, without the site name
        "Der Frühling steht bevor, die Tage werden endlich wieder länger.",
        "Energy Rising",  # further down it is text (a subheading), not the repeated headline
    ]
    assert boilerplate.clean_lines(lines, titles) == lines[1:]


def test_browser_notices_are_junk() -> None:
    assert boilerplate.junk_reason("JavaScript ist deaktiviert. Bitte aktiviere JavaScript.")
    assert boilerplate.junk_reason("Please enable JavaScript to read this page.")
