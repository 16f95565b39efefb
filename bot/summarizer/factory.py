"""Build the configured summarizer: Claude, the extractive engine, or Claude with a fallback."""

from __future__ import annotations

from typing import Literal

from bot.domain import Article
from bot.logs import get_logger
from bot.settings import Settings
from bot.summarizer.claude import ClaudeSummarizer
from bot.summarizer.errors import ArticleTooShort, SummaryError
from bot.summarizer.extractive import ExtractiveSummarizer
from bot.summarizer.types import Draft, HouseStyle, Summarizer

log = get_logger(__name__)


class FallbackSummarizer:
    """Claude first; when it cannot deliver, an extractive draft (labelled as not AI-written).

    A too-short article is not retried with the fallback: it is too short for either engine.
    """

    def __init__(self, primary: Summarizer, fallback: Summarizer) -> None:
        self.primary = primary
        self.fallback = fallback

    def summarize(self, article: Article, *, instruction: str | None = None) -> Draft:
        try:
            return self.primary.summarize(article, instruction=instruction)
        except ArticleTooShort:
            raise
        except SummaryError as exc:
            log.warning("summary.fallback", url=article.url, code=exc.code, engine="extractive")
            return self.fallback.summarize(article, instruction=instruction)


def build_summarizer(
    settings: Settings,
    *,
    engine: Literal["claude", "extractive"] | None = None,
    style: HouseStyle | None = None,
) -> Summarizer:
    """The summarizer the settings ask for (``engine`` overrides, as ``--engine`` does).

    Claude needs ``ANTHROPIC_API_KEY``: without it this raises ``ConfigError`` naming the
    variable, unless ``SUMMARY_FALLBACK_ENGINE=extractive``, which then serves alone.
    ``style``: a desk's house style (:mod:`bot.desks`); None: the global one.
    """
    if engine == "extractive":
        return ExtractiveSummarizer.from_settings(settings, style=style)
    fallback = settings.summary_fallback_engine == "extractive" and engine is None
    if fallback and not settings.anthropic_api_key:
        log.warning("summary.no_api_key", engine="extractive")
        return ExtractiveSummarizer.from_settings(settings, style=style)
    claude = ClaudeSummarizer.from_settings(settings, style=style)
    if fallback:
        return FallbackSummarizer(claude, ExtractiveSummarizer.from_settings(settings, style=style))
    return claude
