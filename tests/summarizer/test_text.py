"""Sentences, page chrome, token estimates and trimming."""

from __future__ import annotations

from bot.summarizer.text import (
    clean_paragraphs,
    detect_language,
    estimate_tokens,
    split_sentences,
    trim_to_budget,
)


def test_sentences_keep_abbreviations_dates_and_ordinals_together() -> None:
    text = (
        "Dr. Müller kam am 3. Oktober 2024 an. Er sagte: „Das ist gut.“ Dann ging er, z. B. "
        "nach Hause. Zum 80. Jahrestag kamen Gäste. Das war 2019. Danach kam er."
    )
    assert split_sentences(text, "de") == [
        "Dr. Müller kam am 3. Oktober 2024 an.",
        "Er sagte: „Das ist gut.“",
        "Dann ging er, z. B. nach Hause.",
        "Zum 80. Jahrestag kamen Gäste.",
        "Das war 2019.",
        "Danach kam er.",
    ]
    assert split_sentences("Mr. Smith paid $1.5 million to U.S. officials. It was fine.", "en") == [
        "Mr. Smith paid $1.5 million to U.S. officials.",
        "It was fine.",
    ]


def test_ai_summary_box_is_removed_but_an_article_about_ai_keeps_its_body() -> None:
    text = (
        "date 2025-09-02 Wir nutzen künstliche Intelligenz, um Zusammenfassungen unserer "
        "Artikel zu erstellen. Jeder Text wird vor der Veröffentlichung von einem Redakteur "
        "geprüft.\n"
        "Erster Absatz.\nZweiter Absatz.\nDritter Absatz.\nVierter Absatz.\n"
        "Die Redaktion setzt KI ein, um Zusammenfassungen zu erstellen, sagte die Chefin.\n"
        "Fünfter Absatz.\nSechster Absatz.\nSiebter Absatz."
    )
    kept, removed = clean_paragraphs(text)
    assert removed == 1
    assert kept[0] == "Erster Absatz."
    assert any(p.startswith("Die Redaktion setzt KI ein") for p in kept)  # mid-article: kept


def test_configured_disclaimer_is_removed_wherever_it_sits_at_the_edges() -> None:
    disclaimer = "Dieser Text wurde maschinell erstellt."
    kept, removed = clean_paragraphs(f"Eins.\nZwei.\n{disclaimer}", [disclaimer])
    assert (kept, removed) == (["Eins.", "Zwei."], 1)


def test_token_estimate_is_per_language_and_monotonic() -> None:
    text = "Peking meldet neue Gespräche mit Moskau. " * 10
    assert estimate_tokens(text, "de") > estimate_tokens(text, "en") > 0
    assert estimate_tokens("", "de") == 0


def test_trimming_keeps_whole_paragraphs_from_the_start() -> None:
    paragraphs = [f"Absatz {i} " + "Wort " * 50 for i in range(10)]
    kept, truncated = trim_to_budget(paragraphs, 400, "de")
    assert truncated
    assert kept == paragraphs[: len(kept)]
    assert sum(estimate_tokens(p, "de") for p in kept) <= 400
    assert trim_to_budget(paragraphs[:1], 4000, "de") == (paragraphs[:1], False)


def test_a_giant_first_paragraph_is_cut_at_a_sentence_boundary() -> None:
    paragraph = " ".join(f"Satz Nummer {i} steht hier." for i in range(500))
    kept, truncated = trim_to_budget([paragraph], 300, "de")
    assert truncated and len(kept) == 1
    assert kept[0].endswith("steht hier.")
    assert estimate_tokens(kept[0], "de") <= 300


def test_language_detection_by_stop_words() -> None:
    assert (
        detect_language(
            "Die Regierung hat am Dienstag einen Plan für die Stadt vorgelegt."
        ).language
        == "de"
    )
    assert (
        detect_language("The government presented a plan for the city on Tuesday.").language == "en"
    )
    assert detect_language("12345").language is None


def test_a_quotation_is_not_split_into_sentences() -> None:
    tweet = "“Meth is IN SD. We are here to Get. It. OUT,” Noem tweeted Monday."
    assert split_sentences(f"{tweet} She did not stop there.", "en") == [
        tweet,
        "She did not stop there.",
    ]
    german = "Er sagte: „Das ist gut. Wir machen weiter.“ Dann ging er."
    assert split_sentences(german, "de") == [
        "Er sagte: „Das ist gut. Wir machen weiter.“",
        "Dann ging er.",
    ]
    # An unclosed mark does not swallow the rest of the paragraph.
    assert split_sentences("Then „unclosed. Next one.", "de") == ["Then „unclosed.", "Next one."]
