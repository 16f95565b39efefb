"""The canonical log line: one ``draft.finished`` event per draft a summary worker processed.

Everything an on-call engineer asks about one draft, in one line to grep or aggregate: draft id,
outcome (``ready``, ``refused``, ``retrying``, ``crashed``, ``duplicate``, ``lease_lost``), the
refusal code, host of the URL, words, model, tokens, cost, time spent fetching and extracting
the article, in the model and in total, the model attempts and the worker's claim number. The
same values feed the Prometheus metrics.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from bot.domain import Article
from bot.logs import get_logger
from bot.metrics import Metrics
from bot.store import Draft
from bot.summarizer.types import Draft as Summary

if TYPE_CHECKING:
    from bot.workflow.publishing import PublishNotifier, PublishUpdate

log = get_logger(__name__)


@dataclass(slots=True)
class DraftTrace:
    """Collects one processing run's facts; :meth:`finish` logs them once."""

    draft: Draft
    outcome: str = "unknown"
    code: str | None = None
    words: int | None = None
    language: str | None = None
    article_ms: float | None = None
    model: str | None = None
    engine: str | None = None
    model_ms: float | None = None
    tokens: dict[str, int] = field(default_factory=dict)
    cost_usd: Decimal | None = None
    model_attempts: int | None = None
    checks: int | None = None
    _started: float = field(default_factory=time.perf_counter)
    _phase: float = 0.0

    def start_article(self) -> None:
        self._phase = time.perf_counter()

    def article(self, article: Article, *, fetched: bool) -> None:
        if fetched:
            self.article_ms = (time.perf_counter() - self._phase) * 1000
        self.words = article.word_count
        self.language = article.language

    def summary(self, summary: Summary) -> None:
        self.engine = summary.engine
        self.model = summary.model
        self.checks = len(summary.checks)
        if summary.timings is not None:
            self.model_ms = summary.timings.model_ms
        usage = summary.usage
        if usage is not None:
            self.model = usage.model or self.model
            self.tokens = {
                "input": usage.input_tokens,
                "output": usage.output_tokens,
                "cache_write": usage.cache_creation_input_tokens,
                "cache_read": usage.cache_read_input_tokens,
            }
            self.cost_usd = usage.cost_usd
            self.model_attempts = usage.attempts

    def fields(self) -> dict[str, Any]:
        draft = self.draft
        values: dict[str, Any] = {
            "draft_id": draft.id,
            "outcome": self.outcome,
            "code": self.code,
            "source": draft.source,
            "regenerate": draft.current_revision is not None,
            "host": urlsplit(draft.url).hostname,
            "words": self.words,
            "language": self.language,
            "engine": self.engine,
            "model": self.model,
            "input_tokens": self.tokens.get("input"),
            "output_tokens": self.tokens.get("output"),
            "cache_write_tokens": self.tokens.get("cache_write"),
            "cache_read_tokens": self.tokens.get("cache_read"),
            "cost_usd": str(self.cost_usd) if self.cost_usd is not None else None,
            "article_ms": _ms(self.article_ms),
            "model_ms": _ms(self.model_ms),
            "total_ms": _ms((time.perf_counter() - self._started) * 1000),
            "model_attempts": self.model_attempts,
            "claims": draft.attempts,
            "checks": self.checks,
        }
        return {key: value for key, value in values.items() if value is not None}

    def finish(self, metrics: Metrics | None) -> None:
        """Log ``draft.finished`` and count the draft in ``metrics``."""
        log.info("draft.finished", **self.fields())
        if metrics is None:
            return
        try:
            metrics.draft_processed(
                self.outcome,
                article_s=self.article_ms / 1000 if self.article_ms is not None else None,
                model=self.model if self.engine == "claude" else None,
                model_s=self.model_ms / 1000 if self.model_ms is not None else None,
                tokens=self.tokens,
                cost_usd=self.cost_usd,
            )
        except Exception:
            log.exception("metrics.record_failed", draft_id=self.draft.id)


def _ms(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


_DELIVERY_OUTCOMES: Final = {
    "done": "delivered",
    "retry": "retry",
    "give_up": "gave_up",
    "stop": "refused",
    "gone": "gone",
}


class CountingPublishNotifier:
    """A :class:`~bot.workflow.publishing.PublishNotifier` that counts each settled attempt's
    outcome in ``metrics`` (delivered, retry, gave_up, refused, gone), then tells ``inner``."""

    def __init__(self, inner: PublishNotifier, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics

    def delivery_status(self, update: PublishUpdate) -> None:
        action = str(update.decision.action.value)
        self._metrics.delivery_attempt(_DELIVERY_OUTCOMES.get(action, action))
        self._inner.delivery_status(update)
