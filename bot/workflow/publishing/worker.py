"""The outbox worker: delivers approved summaries to the publishing webhook, exactly once.

``store.approve(..., payload=builder)`` writes the delivery row in the same transaction as the
approval (see :class:`ApprovalPayloads`); the approve path then calls ``workers.wake.set()`` so
the first attempt starts at once. Each :class:`PublishWorker` thread claims one due delivery
with a lease (``store.claim_delivery``: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, ``BEGIN
IMMEDIATE`` on SQLite), sends ONE signed attempt with the delivery's fixed ``webhook-id`` and
frozen body, records it, and asks :meth:`RetryPolicy.decide` what next: delivered, retry at
``now + delay`` (the row goes back to ``pending``), or failed. Then it tells the
:class:`PublishNotifier`, which shows the thread status line.

Exactly once: the receiver dedupes on ``webhook-id``, which stays the same on every attempt and
on a manual retry. A worker that dies between claim and ``mark_delivered`` leaves the row
``delivering`` with an expiring lease; after it expires any worker (this process after a
restart, or another one) claims and resends it. Nothing needs to "resume" at start: pending
and expired-lease rows are simply claimable.

No webhook configured: :meth:`bot.publisher.WebhookClient.from_settings` returns None, the
approve path then passes ``payload=None`` to ``store.approve`` (the approval is recorded, no
outbox row; the thread shows ``publish.not_configured``), and :func:`start_publish_workers`
starts no thread. That decision lives in the approve path (``bot/workflow/drafts/review.py``),
driven by ``ApprovalPayloads.from_settings`` returning None.

The thread's "Publishing…" line (``bot.publisher.status.PUBLISHING``) is shown by the approve
and Retry paths; the worker reports after every attempt, and also reports deliveries the
store gave up on while it claimed (their claims ran out while workers kept dying):
``publish.failed_gave_up`` with a Retry button.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final, Protocol

from bot.logs import get_logger
from bot.publisher import Action, AttemptResult, Decision, RetryPolicy
from bot.publisher.policy import Outcome as AttemptOutcome
from bot.publisher.status import StatusLine, status_line
from bot.store import Delivery, Draft, Outcome, Store, utcnow

log = get_logger(__name__)

DEFAULT_LEASE_S: Final = 60.0
DEFAULT_POLL_S: Final = 2.0
_MIN_IDLE_WAIT_S: Final = 0.02
_MAX_ERROR_BACKOFF_S: Final = 30.0


class WebhookSender(Protocol):
    """What the worker needs from :class:`bot.publisher.WebhookClient` (one signed attempt)."""

    def send(self, webhook_id: str, payload: bytes, attempt_no: int) -> AttemptResult: ...


class DeskWebhooks:
    """One webhook client per desk (DESKS_FILE): a delivery goes to the webhook of the desk
    recorded on its draft at intake, signed with that desk's secret; a desk without a webhook
    of its own, or a draft of no desk, uses the global ``PUBLISH_WEBHOOK_URL`` client."""

    def __init__(
        self,
        store: Store,
        clients: dict[str, WebhookSender],
        default: WebhookSender | None,
        desk_of: Callable[[str | None], str | None],
    ) -> None:
        """``desk_of``: a draft's recorded desk → the desk that still exists (or None)."""
        self._store = store
        self._clients = clients
        self._default = default
        self._desk_of = desk_of
        self.endpoint = ", ".join(
            sorted({str(getattr(c, "endpoint", "?")) for c in [*clients.values(), default] if c})
        )

    def for_delivery(self, delivery: Delivery) -> WebhookSender:
        draft = self._store.get_draft(delivery.draft_id)
        desk = self._desk_of(draft.desk if draft is not None else None)
        client = self._clients.get(desk or "", self._default)
        if client is None:  # approval only writes a delivery for a desk with a webhook
            raise RuntimeError(f"no webhook for desk {desk!r}")
        return client

    def send(self, webhook_id: str, payload: bytes, attempt_no: int) -> AttemptResult:
        if self._default is None:
            raise RuntimeError("no global webhook")
        return self._default.send(webhook_id, payload, attempt_no)


@dataclass(frozen=True, slots=True)
class PublishUpdate:
    """One attempt's outcome, for the thread.

    ``delivery`` and ``draft`` are as stored after the transition (``delivery.delivered_at``
    and ``draft.approved_by`` give "Published by @editor at 14:05"); ``next_attempt_at`` is set
    when ``line`` says the delivery will be retried.
    """

    delivery: Delivery
    draft: Draft | None
    result: AttemptResult
    decision: Decision
    line: StatusLine
    next_attempt_at: datetime | None = None


class PublishNotifier(Protocol):
    """Shows delivery status in the draft's thread (implemented on the Slack side).

    Called from worker threads after every attempt the worker still owned. It may raise:
    the worker logs it and moves on; the delivery is neither lost nor sent again.
    """

    def delivery_status(self, update: PublishUpdate) -> None: ...


class NullNotifier:
    """Tells nobody (CLI, benchmarks)."""

    def delivery_status(self, update: PublishUpdate) -> None:
        return None


def describe(result: AttemptResult) -> str:
    """A short text for ``deliveries.last_error`` and the audit log."""
    if result.status is None:
        return result.error_kind.value if result.error_kind else "no answer"
    head = f"HTTP {result.status}"
    return f"{head}: {result.response_snippet}" if result.response_snippet else head


class PublishWorker:
    """Delivers outbox rows one attempt at a time; one instance per thread (own ``worker_id``)."""

    def __init__(
        self,
        store: Store,
        client: WebhookSender | None,
        policy: RetryPolicy,
        notifier: PublishNotifier,
        *,
        worker_id: str,
        lease_s: float = DEFAULT_LEASE_S,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        if lease_s <= 0:
            raise ValueError("lease_s must be positive")
        self.store = store
        self.client = client
        self.policy = policy
        self.notifier = notifier
        self.worker_id = worker_id
        self.lease_s = lease_s
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 -- backoff jitter, not a secret
        self._sleep = sleep

    @property
    def enabled(self) -> bool:
        return self.client is not None

    def run_once(self) -> bool:
        """Claim one due delivery and make one attempt; False when nothing was due (or disabled)."""
        if self.client is None:
            return False
        exhausted: list[Outcome] = []
        delivery = self.store.claim_delivery(self.worker_id, self.lease_s, exhausted=exhausted)
        for outcome in exhausted:
            self._report_exhausted(outcome)
        if delivery is None:
            return False
        attempt_no = delivery.total_attempts
        started_at = self._clock()
        client = (
            self.client.for_delivery(delivery)
            if isinstance(self.client, DeskWebhooks)
            else self.client
        )
        result = client.send(delivery.webhook_id, delivery.body, attempt_no)
        self.store.record_attempt(
            delivery.id,
            attempt=attempt_no,
            started_at=started_at,
            status_code=result.status,
            error_kind=result.error_kind.value if result.error_kind else None,
            duration_ms=round(result.duration_ms),
            response_snippet=result.response_snippet or None,
        )
        now = self._clock()
        decision = self.policy.decide(
            result.outcome,
            attempts=delivery.attempts,
            age_s=(now - delivery.round_started_at).total_seconds(),
            retry_after_s=result.retry_after_s,
            rng=self._rng,
        )
        update = self._settle(delivery, result, decision, now)
        if update is not None:
            self._notify(update)
        return True

    def run_pending(self, *, max_wait_s: float = 0.0, poll_s: float = 0.05) -> int:
        """Deliver until nothing is due within ``max_wait_s``; returns the attempts made.

        Waits for scheduled retries with the injected ``sleep`` (tests pass one that advances
        their fake clock; benchmarks and one-shot tools the real one). Rows other workers are
        delivering are left to them.
        """
        attempts = 0
        while True:
            if self.run_once():
                attempts += 1
                continue
            if self.client is None:
                return attempts
            due = self.store.next_delivery_due()
            if due is None:
                return attempts
            wait = (due - self._clock()).total_seconds()
            if wait > max_wait_s:
                return attempts
            self._sleep(wait if wait > 0 else poll_s)

    def run_forever(
        self, stop: threading.Event, wake: threading.Event, *, poll_s: float = DEFAULT_POLL_S
    ) -> None:
        """Deliver until ``stop`` is set; idle waits end early on ``wake`` or a due retry."""
        if self.client is None:
            return
        failures = 0
        while not stop.is_set():
            try:
                if self.run_once():
                    failures = 0
                    continue
                timeout = self._idle_wait(poll_s)
                failures = 0
            except Exception:
                # The store or the notifier's dependencies are down: keep the thread alive and
                # back off; the delivery's lease brings it back if it was mid-attempt.
                failures += 1
                log.exception("publisher.loop_failed", worker=self.worker_id, failures=failures)
                timeout = min(_MAX_ERROR_BACKOFF_S, 0.5 * 2 ** min(failures, 10))
            wake.wait(timeout)
            wake.clear()  # before the next claim: an approval committed before this is seen

    def _idle_wait(self, poll_s: float) -> float:
        due = self.store.next_delivery_due()
        if due is None:
            return poll_s
        until = (due - self._clock()).total_seconds()
        return min(poll_s, max(until, _MIN_IDLE_WAIT_S))

    def _settle(
        self, delivery: Delivery, result: AttemptResult, decision: Decision, now: datetime
    ) -> PublishUpdate | None:
        """Store the decision; None if another worker took the delivery over meanwhile."""
        line = status_line(delivery.event_type, result, decision)
        if decision.action is Action.DONE:
            outcome = self.store.mark_delivered(delivery.id, self.worker_id, status=result.status)
            if not outcome.won or outcome.delivery is None:
                self._lost(delivery, decision)
                return None
            self._expedite_backlog()
            return PublishUpdate(outcome.delivery, outcome.draft, result, decision, line)
        if decision.action is Action.RETRY:
            assert decision.delay_s is not None
            next_at = now + timedelta(seconds=decision.delay_s)
            if not self.store.schedule_retry(
                delivery.id, self.worker_id, next_at, status=result.status, error=describe(result)
            ):
                self._lost(delivery, decision)
                return None
            log.info(
                "delivery.retry_scheduled",
                delivery_id=delivery.id,
                webhook_id=delivery.webhook_id,
                attempt=delivery.attempts,
                delay_s=round(decision.delay_s, 1),
                next_attempt_at=next_at.isoformat(),
            )
            stored = self.store.get_delivery(delivery.id) or delivery
            draft = self.store.get_draft(delivery.draft_id)
            return PublishUpdate(stored, draft, result, decision, line, next_attempt_at=next_at)
        # STOP, GONE (the client logged delivery.endpoint_gone) or GIVE_UP.
        outcome = self.store.mark_delivery_failed(
            delivery.id, self.worker_id, status=result.status, error=describe(result)
        )
        if not outcome.won or outcome.delivery is None:
            self._lost(delivery, decision)
            return None
        log.warning(
            "delivery.gave_up" if decision.action is Action.GIVE_UP else "delivery.refused",
            delivery_id=delivery.id,
            webhook_id=delivery.webhook_id,
            draft_id=delivery.draft_id,
            action=decision.action.value,
            status=result.status,
            attempts=delivery.attempts,
        )
        return PublishUpdate(outcome.delivery, outcome.draft, result, decision, line)

    def _expedite_backlog(self) -> None:
        """The endpoint answered 2xx: deliveries waiting in backoff from its outage are due
        now (same webhook-ids and attempt counts), so the backlog drains at once instead of
        over the next backoff ceilings. Failing here only costs time: it is logged."""
        try:
            self.store.expedite_deliveries()  # logs delivery.backlog_expedited with the count
        except Exception:
            log.exception("delivery.expedite_failed", worker=self.worker_id)

    def _report_exhausted(self, outcome: Outcome) -> None:
        """A delivery the store failed at claim time: its claims ran out without an answer."""
        delivery = outcome.delivery
        if delivery is None:
            return
        # No attempt was made now: this stands for the last one the delivery had.
        result = AttemptResult(
            webhook_id=delivery.webhook_id,
            attempt_no=delivery.total_attempts,
            timestamp=int(delivery.updated_at.timestamp()),
            outcome=AttemptOutcome.RETRY,
            status=delivery.last_status,
            retry_after_s=None,
            duration_ms=0.0,
            response_snippet="",
            error_kind=None,
        )
        line = StatusLine(
            "publish.failed_gave_up", {"attempts": delivery.total_attempts}, retry_button=True
        )
        decision = Decision(Action.GIVE_UP)
        self._notify(PublishUpdate(delivery, outcome.draft, result, decision, line))

    def _lost(self, delivery: Delivery, decision: Decision) -> None:
        # Our lease expired and another worker claimed the row: it reports, not us.
        log.warning(
            "delivery.lease_lost",
            delivery_id=delivery.id,
            webhook_id=delivery.webhook_id,
            worker=self.worker_id,
            action=decision.action.value,
        )

    def _notify(self, update: PublishUpdate) -> None:
        try:
            self.notifier.delivery_status(update)
        except Exception:
            # The delivery is already settled in the store: never retry or resend for this.
            log.exception(
                "delivery.notify_failed",
                delivery_id=update.delivery.id,
                draft_id=update.delivery.draft_id,
                status_key=update.line.key,
            )
