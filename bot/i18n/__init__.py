"""The catalogue of every sentence the bot says to people (``BOT_LANGUAGE``: en, de).

Each area keeps its sentences in its own module (``articles``, ``summarizer``, ``slack``,
``publisher``) as ``MESSAGES = {key: {"en": ..., "de": ...}}``; they are merged here.
Summaries follow the article's language; only the bot's own words come from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from bot.domain import UserFacingError
from bot.i18n import articles, audit, cli, common, publisher, review, slack, summarizer

Language = Literal["en", "de"]
LANGUAGES: tuple[Language, ...] = ("en", "de")

_MODULES = (common, articles, summarizer, slack, publisher, review, audit, cli)


def _merge() -> dict[str, Mapping[str, str]]:
    merged: dict[str, Mapping[str, str]] = {}
    for module in _MODULES:
        for key, texts in module.MESSAGES.items():
            if key in merged:
                raise RuntimeError(f"duplicate message key {key!r} in {module.__name__}")
            missing = [lang for lang in LANGUAGES if lang not in texts]
            if missing:
                raise RuntimeError(f"message {key!r} lacks {missing}")
            merged[key] = texts
    return merged


CATALOGUE: dict[str, Mapping[str, str]] = _merge()


def t(key: str, lang: str = "en", /, **params: Any) -> str:
    """Render the sentence ``key`` in ``lang`` (falls back to English, then to the generic error)."""
    texts = CATALOGUE.get(key) or CATALOGUE["error.internal"]
    template = texts.get(lang) or texts["en"]
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        # A missing parameter must never turn a user-facing sentence into a traceback.
        return texts.get(lang, texts["en"]).split("{", 1)[0].rstrip(" :")


def sentence_for(error: BaseException, lang: str = "en") -> str:
    """The one sentence a user sees for ``error`` (never ``str(error)``)."""
    if isinstance(error, UserFacingError):
        return t(f"error.{error.code}", lang, **error.params)
    return t("error.internal", lang)
