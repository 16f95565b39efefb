"""A summary's heading and disclaimers, from the catalogue in the summary's language unless
configured (``SUMMARY_HEADING``, ``SUMMARY_DISCLAIMER``, ``SUMMARY_EXTRACTIVE_DISCLAIMER``).

Shared by the summarizer (the draft's heading), the Slack card and the webhook payload (the
disclaimer shown under a revision, chosen by the revision's language).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.i18n import LANGUAGES, t

if TYPE_CHECKING:
    from bot.settings import Settings


@dataclass(frozen=True, slots=True)
class SummaryLabels:
    """A summary's heading and disclaimers, in the summary's own language.

    Each is the configured text when one is set (``SUMMARY_HEADING``, ``SUMMARY_DISCLAIMER``,
    ``SUMMARY_EXTRACTIVE_DISCLAIMER``; an empty one shows none), else the catalogue's sentence
    (``summary.heading``…) in the summary's language. For a language the catalogue lacks (it
    has en and de) the newsroom's ``BOT_LANGUAGE`` is used: the words around the summary are
    then at least those of the newsroom that publishes it.
    """

    heading: str | None = None
    disclaimer: str | None = None
    extractive_disclaimer: str | None = None
    fallback_language: str = "en"

    @classmethod
    def from_settings(cls, settings: Settings) -> SummaryLabels:
        return cls(
            heading=settings.summary_heading,
            disclaimer=settings.summary_disclaimer,
            extractive_disclaimer=settings.summary_extractive_disclaimer,
            fallback_language=settings.bot_language,
        )

    def language(self, summary_language: str | None) -> str:
        """The catalogue language for a summary in ``summary_language`` (``de-AT`` → ``de``)."""
        code = re.split(r"[-_]", (summary_language or "").strip().lower(), maxsplit=1)[0]
        return code if code in LANGUAGES else self.fallback_language

    def heading_for(self, summary_language: str | None) -> str:
        return self._pick(self.heading, "summary.heading", summary_language)

    def disclaimer_for(self, summary_language: str | None, *, extractive: bool = False) -> str:
        if extractive:
            return self._pick(
                self.extractive_disclaimer, "summary.extractive_disclaimer", summary_language
            )
        return self._pick(self.disclaimer, "summary.disclaimer", summary_language)

    def ai_disclaimers(self) -> tuple[str, ...]:
        """Every AI disclaimer this bot may print, to recognise its own output in an article."""
        texts = [self.disclaimer_for(lang) for lang in LANGUAGES]
        return tuple(dict.fromkeys(text for text in texts if text))

    def _pick(self, configured: str | None, key: str, summary_language: str | None) -> str:
        if configured is not None:
            return configured
        return t(key, self.language(summary_language))
