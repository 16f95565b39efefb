"""The article's language: detected on its text when the detector is sure, else as declared.

Declared languages (``<html lang>``, JSON-LD ``inLanguage``) are often missing or wrong (a German
article on a template that says ``en``), so a confident detection on the extracted text wins.
The detector is py3langid (Naive Bayes over byte n-grams, 97 languages); its model ships inside
the wheel (``py3langid/data/model.npz.xz``), so nothing is downloaded at run time.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

# py3langid ships no type information (no py.typed), hence the ignore.
from py3langid.langid import MODEL_FILE, LanguageIdentifier  # type: ignore[import-untyped]  # no stubs

# Softmax-normalised probability above which the detection overrides a declared language.
CONFIDENT = 0.9
# Below this many characters a detection is only a fallback for a missing declaration.
MIN_CHARS = 200
SAMPLE_CHARS = 1200

_CODE = re.compile(r"^([a-zA-Z]{2,3})(?:[-_][a-zA-Z0-9]+)*$")


@cache
def _identifier() -> Any:
    # The model loads once (~0.4 s) and is reused.
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str, float]:
    """ISO 639-1 code and probability for ``text`` (uses the first few thousand characters)."""
    code, probability = _identifier().classify(text[:SAMPLE_CHARS])
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
    if text.strip():
        detected = detect(text)
        if len(text) >= MIN_CHARS and detected[1] >= CONFIDENT:
            return detected[0]
    for value in declared:
        code = normalize(value)
        if code:
            return code
    return detected[0] if detected else None
