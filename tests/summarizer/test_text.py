"""Sentences, page chrome, token estimates and trimming."""

from __future__ import annotations

import random
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import snowballstemmer  # type: ignore[import-untyped]  # no type information shipped

from bot.summarizer.text import (
    clean_paragraphs,
    content_stems,
    detect_language,
    estimate_tokens,
    split_sentences,
    stem,
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


# --- thread safety --------------------------------------------------------------------------


def _hammer(work: Callable[[int], list[str]], threads: int = 16) -> list[list[str]]:
    """Run ``work(i)`` on ``threads`` threads at once, with very frequent thread switches."""
    barrier = threading.Barrier(threads)

    def run(i: int) -> list[str]:
        barrier.wait()
        return work(i)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible to provoke races
    try:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            return list(pool.map(run, range(threads)))
    finally:
        sys.setswitchinterval(interval)


def _words(count: int, seed: int) -> list[str]:
    base = [
        "Bundesnetzagentur",
        "Geschäftsführerinnen",
        "Verhandlungen",
        "Untersuchungsausschüsse",
        "Regierungserklärungen",
        "Kanzlerkandidaten",
        "Ministerpräsidentinnen",
        "Verkehrsverbünde",
        "internationalization",
        "hospitalizations",
        "electrifications",
        "conditionally",
    ]
    rng = random.Random(seed)
    return [
        rng.choice(base) + "".join(rng.choice("aeiouäöüsnt") for _ in range(rng.randint(1, 6)))
        for _ in range(count)
    ]


def test_stems_are_right_when_many_threads_stem_at_once() -> None:
    # Each thread stems its own words (so the stem cache cannot hide a race) in two languages;
    # the results must equal one thread's, stemmed before, with a private stemmer.
    words = {i: _words(400, i) for i in range(16)}
    expected = {
        i: [
            snowballstemmer.stemmer(algorithm).stemWord(w.casefold())
            for w in words[i]
            for algorithm in ("german", "english")
        ]
        for i in words
    }
    stem.cache_clear()

    def work(i: int) -> list[str]:
        return [stem(w, language) for w in words[i] for language in ("de", "en")]

    results = _hammer(work)
    assert results == [expected[i] for i in range(16)]
    # and what the cache kept is right too
    assert _hammer(work) == [expected[i] for i in range(16)]


def test_checks_give_the_same_results_from_many_threads() -> None:
    article = (
        "Die Bundesnetzagentur hat am Montag 12 Anträge geprüft. Die Geschäftsführerin sagte: "
        "„Nicht jeder wird Erfolg haben.“ Insgesamt flossen 5,7 Milliarden Euro."
    )
    bullets_by_thread = {
        i: [f"Die Netzagentur prüfte {i + 3} Anträge von {w}." for w in _words(20, 100 + i)]
        for i in range(16)
    }

    def work(i: int) -> list[str]:
        out = []
        for bullet in bullets_by_thread[i]:
            out.append(repr(sorted(content_stems(bullet, "de"))))
            out.append(repr(detect_language(bullet + " " + article).language))
            out.append(repr(split_sentences(article + " " + bullet, "de")))
        return out

    stem.cache_clear()
    expected = [work(i) for i in range(16)]
    stem.cache_clear()
    assert _hammer(work) == expected
