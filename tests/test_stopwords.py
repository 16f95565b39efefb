"""The shared stop-word lists and the cheap language guess made from them."""

from __future__ import annotations

from bot.stopwords import LANGUAGES, guess_language, stopwords
from bot.summarizer.text import stopwords as checks_stopwords

GERMAN = (
    "Der Stadtrat hat am Dienstag mit großer Mehrheit beschlossen, dass die alte Bibliothek "
    "am Marktplatz saniert und um einen Anbau erweitert wird. Die Kosten sollen nach ersten "
    "Schätzungen bei rund zwölf Millionen Euro liegen, sagte die Bürgermeisterin nach der "
    "Sitzung. Ein Teil des Geldes kommt vom Land, den Rest muss die Stadt selbst aufbringen."
)
ENGLISH = (
    "The city council voted on Tuesday by a large majority to renovate the old library on the "
    "market square and to add an extension to it. According to first estimates the cost will "
    "be around twelve million euros, the mayor said after the meeting. Part of the money comes "
    "from the state, and the city has to raise the rest itself."
)


def test_a_clear_text_is_decided_by_its_stop_words() -> None:
    assert guess_language(GERMAN) == "de"
    assert guess_language(ENGLISH) == "en"


def test_no_guess_without_enough_words_or_a_clear_lead() -> None:
    assert guess_language("Der Stadtrat hat beschlossen.") is None  # too few words
    assert guess_language("Stadtrat Bibliothek Marktplatz Anbau Millionen " * 10) is None
    half = " ".join(a + " " + b for a, b in zip(GERMAN.split(), ENGLISH.split(), strict=False))
    assert guess_language(half) is None  # two languages, neither twice the other


def test_norwegian_uses_the_code_the_detector_and_the_checks_use() -> None:
    assert "no" in LANGUAGES
    assert "nb" not in LANGUAGES
    assert "og" in stopwords("no")


def test_one_list_per_language_for_articles_and_checks() -> None:
    # The summary checks read the same cached lists: language data is loaded once.
    assert checks_stopwords("de") is stopwords("de")
    assert stopwords("xx") == frozenset()
