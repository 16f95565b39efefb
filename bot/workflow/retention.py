"""Retention: article text older than ``RETENTION_DAYS`` is removed; the audit trail stays.

:func:`purge` runs once (``newsbot purge``); :class:`RetentionTask` runs it in a daemon thread
of ``serve``/``socket``, first shortly after start, then once a day. Several processes doing it
at once is harmless: the purge is one conditional ``UPDATE … WHERE article_text IS NOT NULL``,
so a second run at the same moment finds nothing left and changes nothing. Slack event ids
(kept only to drop redeliveries, which Slack sends within minutes) are purged after a week.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from bot.logs import get_logger
from bot.metrics import Metrics
from bot.store import Store, utcnow

log = get_logger(__name__)

DAY_S: Final = 86400.0
EVENT_IDS_KEPT: Final = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class PurgeResult:
    articles: int
    events: int
    cutoff: datetime | None  # None: RETENTION_DAYS=0, article text is kept forever


def purge(
    store: Store,
    days: int,
    *,
    now: datetime | None = None,
    metrics: Metrics | None = None,
) -> PurgeResult:
    """Remove article text of drafts created more than ``days`` days ago (0: none) and Slack
    event ids older than a week."""
    now = now or utcnow()
    cutoff = now - timedelta(days=days) if days > 0 else None
    articles = store.purge_article_text(cutoff) if cutoff is not None else 0
    events = store.purge_processed_events(now - EVENT_IDS_KEPT)
    if metrics is not None:
        metrics.purged(articles)
    log.info(
        "retention.purged",
        articles=articles,
        events=events,
        days=days,
        cutoff=cutoff.isoformat() if cutoff else None,
    )
    return PurgeResult(articles=articles, events=events, cutoff=cutoff)


class RetentionTask:
    """A daemon thread: :func:`purge` after ``first_delay_s`` (jittered), then every
    ``interval_s``; a failed run is logged and tried again at the next interval."""

    def __init__(
        self,
        store: Store,
        days: int,
        *,
        metrics: Metrics | None = None,
        first_delay_s: float = 60.0,
        interval_s: float = DAY_S,
        jitter: Callable[[], float] | None = None,
    ) -> None:
        self._store = store
        self._days = days
        self._metrics = metrics
        self._first_delay_s = first_delay_s
        self._interval_s = interval_s
        # Spread the processes of one deployment over a few minutes of the day.
        self._jitter = jitter or (lambda: random.uniform(0, min(300.0, interval_s / 10)))  # noqa: S311  # scheduling jitter, not a secret
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="retention", daemon=True)
        self.runs = 0

    def start(self) -> RetentionTask:
        self._thread.start()
        log.info("retention.started", days=self._days, interval_s=self._interval_s)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        delay = self._first_delay_s + self._jitter()
        while not self._stop.wait(delay):
            try:
                purge(self._store, self._days, metrics=self._metrics)
            except Exception:
                log.exception("retention.failed")
            self.runs += 1
            delay = self._interval_s
