"""A summary's heading and disclaimers follow its language unless configured."""

from __future__ import annotations

from bot.i18n.labels import SummaryLabels
from bot.settings import load_settings

EN_DISCLAIMER = (
    "This summary was written with the help of artificial intelligence and checked by the newsroom."
)
DE_DISCLAIMER = (
    "Diese Zusammenfassung wurde mit Hilfe künstlicher Intelligenz erstellt und von der "
    "Redaktion geprüft."
)


def test_defaults_follow_the_summary_language() -> None:
    labels = SummaryLabels.from_settings(load_settings())
    assert labels.heading_for("en") == "Summary"
    assert labels.disclaimer_for("en") == EN_DISCLAIMER
    assert labels.disclaimer_for("en", extractive=True) == (
        "Put together automatically from the article's first sentences, not by an AI."
    )
    assert labels.heading_for("de-AT") == "Zusammenfassung"
    assert labels.disclaimer_for("DE") == DE_DISCLAIMER
    assert labels.disclaimer_for("de", extractive=True).startswith("Automatisch aus den ersten")


def test_a_language_the_catalogue_lacks_gets_bot_language() -> None:
    assert SummaryLabels.from_settings(load_settings(bot_language="de")).heading_for("fr") == (
        "Zusammenfassung"
    )
    assert SummaryLabels.from_settings(load_settings()).heading_for("fr") == "Summary"
    assert SummaryLabels.from_settings(load_settings()).heading_for(None) == "Summary"


def test_settings_override_every_language_and_empty_means_none() -> None:
    labels = SummaryLabels.from_settings(
        load_settings(
            summary_heading="Kurz gesagt",
            summary_disclaimer="",
            summary_extractive_disclaimer="Auszug.",
        )
    )
    for language in ("en", "de", "fr"):
        assert labels.heading_for(language) == "Kurz gesagt"
        assert labels.disclaimer_for(language) == ""
        assert labels.disclaimer_for(language, extractive=True) == "Auszug."
    assert labels.ai_disclaimers() == ()


def test_every_ai_disclaimer_is_known_for_recognising_our_own_output() -> None:
    assert SummaryLabels().ai_disclaimers() == (EN_DISCLAIMER, DE_DISCLAIMER)
