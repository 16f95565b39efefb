"""The article's language: detected on its text when the detector is sure, else as declared.

Declared languages (``<html lang>``, JSON-LD ``inLanguage``) are often missing or wrong (a German
article on a template that says ``en``), so a confident detection on the extracted text wins.

Detection asks the stop-word lists first (:func:`bot.stopwords.guess_language`, 33 languages,
shared with the summary checks): a news text whose stop words leave no doubt needs nothing else.
Only when they do (few words, close languages such as Spanish and Catalan, scripts without
spaces) is py3langid asked (Naive Bayes over byte n-grams, 97 languages; its model ships inside
the wheel, so nothing is downloaded at run time). Its model is loaded on that first need,
once per process under a lock, and memory-mapped (:mod:`bot.articles.langid_model`): a German
and English newsroom may never load it, numpy included. On 502 extracted news pages the
stop-word guess decided 461 (all as py3langid would) and left 41 to py3langid.
"""

from __future__ import annotations

import re
import threading
from typing import Any

from bot.stopwords import guess_language

# Softmax-normalised probability above which the detection overrides a declared language.
CONFIDENT = 0.9
# Below this many characters a detection is only a fallback for a missing declaration.
MIN_CHARS = 200
SAMPLE_CHARS = 1200

_CODE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*$")


_loaded: Any = None
_loading = threading.Lock()


def _identifier() -> Any:
    """py3langid's identifier, loaded on first use, once: workers racing on their first
    uncertain article must not each load a copy."""
    global _loaded  # noqa: PLW0603  # the process's one identifier, loaded lazily
    if _loaded is None:
        with _loading:
            if _loaded is None:
                from bot.articles.langid_model import load_identifier  # noqa: PLC0415  # heavy

                _loaded = load_identifier()
    return _loaded


def detect(text: str) -> tuple[str, float]:
    """ISO 639-1 code and probability for ``text`` (its first ``SAMPLE_CHARS`` characters); a
    decision of the stop words counts as certain (1.0)."""
    sample = text[:SAMPLE_CHARS]
    guessed = guess_language(sample)
    if guessed is not None:
        return guessed, 1.0
    code, probability = _identifier().classify(sample)
    return str(code), float(probability)


def normalize(value: str | None) -> str | None:
    """``"de-DE"`` → ``"de"``; anything that is not a language tag → ``None``."""
    if not value:
        return None
    match = _CODE.match(value.strip())
    if not match:
        return None
    code = match.group(1).lower()
    return code if len(code) == 2 else None


def choose(text: str, *declared: str | None) -> str | None:
    """The language of ``text``: a confident detection, else the first valid declaration."""
    detected: tuple[str, float] | None = None
    declaration = next((code for code in map(normalize, declared) if code), None)
    if len(text) < MIN_CHARS and declaration is not None:
        return declaration  # a short text's detection would not override it anyway
    if text.strip():
        detected = detect(text)
        if len(text) >= MIN_CHARS and detected[1] >= CONFIDENT:
            return detected[0]
    for value in declared:
        code = normalize(value)
        if code:
            return code
    return detected[0] if detected else None
