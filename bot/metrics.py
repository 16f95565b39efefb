"""Prometheus metrics for ``GET /metrics``: one registry per process, built in the composition root.

Counters and histograms count what this process did (Slack requests, drafts finished, model
latency, tokens and cost, delivery attempts, purges). Drafts and deliveries *by state* are read
from the database at scrape time (:meth:`Metrics.watch_states`), so every process reports the
same, shared numbers. Nothing registers in prometheus-client's global default registry, so
tests and several apps in one process never collide
(https://prometheus.github.io/client_python/collector/custom/).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.logs import get_logger

log = get_logger(__name__)

# Seconds: a model call takes 1–20 s, an article fetch well under the 20 s fetch deadline.
_MODEL_BUCKETS = (0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 21.0, 34.0, 60.0, 120.0)
_ARTICLE_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0)

StateCounts = Callable[[], Mapping[str, Mapping[str, int]]]

# The label values each labelled counter carries: one set, used for the help texts of
# ``/metrics`` and listed the same way in the README (tests/test_metrics.py holds all three,
# and the code that records them, together).
DRAFT_OUTCOMES = ("ready", "refused", "retrying", "crashed", "duplicate", "lease_lost")
DELIVERY_OUTCOMES = ("delivered", "retry", "refused", "gave_up", "gone")
TOKEN_KINDS = ("input", "output", "cache_write", "cache_read")
SLACK_REQUEST_KINDS = (
    "event:<type>",
    "block_actions",
    "view_submission",
    "view_closed",
    "message_action",
    "command",
    "other",
)


def _values(values: Iterable[str]) -> str:
    return ", ".join(values)


class _StateCollector(Collector):
    """``newsbot_drafts{state}`` and ``newsbot_deliveries{state}`` from the database."""

    def __init__(self, counts: StateCounts) -> None:
        self._counts = counts

    def collect(self) -> Iterable[GaugeMetricFamily]:
        try:
            counts = self._counts()
        except Exception:
            # A scrape must not fail because the database is down: /healthz says that.
            log.exception("metrics.state_counts_failed")
            return
        for name, help_ in (
            ("drafts", "Drafts in the database by state."),
            ("deliveries", "Webhook deliveries in the database by state."),
        ):
            family = GaugeMetricFamily(f"newsbot_{name}", help_, labels=["state"])
            for state, count in sorted((counts.get(name) or {}).items()):
                family.add_metric([state], count)
            yield family


class Metrics:
    """The bot's metrics in their own :class:`CollectorRegistry`."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        r = self.registry
        self.slack_requests = Counter(
            "newsbot_slack_requests",
            f"Slack requests the app handled, by kind ({_values(SLACK_REQUEST_KINDS)}).",
            ["kind"],
            registry=r,
        )
        self.drafts_processed = Counter(
            "newsbot_drafts_processed",
            f"Drafts a summary worker finished, by outcome ({_values(DRAFT_OUTCOMES)}).",
            ["outcome"],
            registry=r,
        )
        self.article_seconds = Histogram(
            "newsbot_article_seconds",
            "Time to fetch and extract an article.",
            buckets=_ARTICLE_BUCKETS,
            registry=r,
        )
        self.model_seconds = Histogram(
            "newsbot_model_seconds",
            "Time spent in the model API per summary (all attempts).",
            ["model"],
            buckets=_MODEL_BUCKETS,
            registry=r,
        )
        self.model_tokens = Counter(
            "newsbot_model_tokens",
            f"Tokens billed by the model API, by kind ({_values(TOKEN_KINDS)}).",
            ["model", "kind"],
            registry=r,
        )
        self.model_cost = Counter(
            "newsbot_model_cost_usd",
            "Estimated model cost in US dollars (PRICE_* settings).",
            ["model"],
            registry=r,
        )
        self.delivery_attempts = Counter(
            "newsbot_delivery_attempts",
            f"Publishing webhook attempts, by outcome ({_values(DELIVERY_OUTCOMES)}).",
            ["outcome"],
            registry=r,
        )
        self.articles_purged = Counter(
            "newsbot_articles_purged",
            "Article texts removed by the retention purge.",
            registry=r,
        )

    # --- recording ------------------------------------------------------------------------------

    def slack_request(self, kind: str) -> None:
        self.slack_requests.labels(kind=kind or "unknown").inc()

    def draft_processed(
        self,
        outcome: str,
        *,
        article_s: float | None = None,
        model: str | None = None,
        model_s: float | None = None,
        tokens: Mapping[str, int] | None = None,
        cost_usd: Decimal | None = None,
    ) -> None:
        self.drafts_processed.labels(outcome=outcome).inc()
        if article_s is not None:
            self.article_seconds.observe(article_s)
        if model is None:
            return
        if model_s is not None:
            self.model_seconds.labels(model=model).observe(model_s)
        for kind, count in (tokens or {}).items():
            if count:
                self.model_tokens.labels(model=model, kind=kind).inc(count)
        if cost_usd:
            self.model_cost.labels(model=model).inc(float(cost_usd))

    def delivery_attempt(self, outcome: str) -> None:
        self.delivery_attempts.labels(outcome=outcome).inc()

    def purged(self, count: int) -> None:
        if count:
            self.articles_purged.inc(count)

    def watch_states(self, counts: StateCounts) -> None:
        """Report ``counts()`` (``{"drafts": {state: n}, "deliveries": {…}}``) at each scrape."""
        self.registry.register(_StateCollector(counts))

    # --- exposition -----------------------------------------------------------------------------

    def render(self) -> tuple[bytes, str]:
        """The text exposition format and its content type."""
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
