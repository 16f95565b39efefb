"""The store: drafts, revisions, audit trail, Slack event dedupe, leased work and the outbox.

SQLAlchemy 2 on SQLite (``sqlite:///path``; WAL, busy timeout, foreign keys) or PostgreSQL
(``postgresql://…``, driven by psycopg 3). The schema comes only from the Alembic migrations
in ``bot/store/migrations`` (``Store.upgrade()`` / ``newsbot db upgrade``). Nothing connects at
import time. Every value returned is a frozen dataclass from :mod:`bot.store.records`; times
are timezone-aware UTC. The state machine and locking rules are in :mod:`bot.store.store`.

API (``from bot.store import Store``)::

    store = Store(url, *, max_attempts=3, max_delivery_attempts=8, clock=utcnow)
    Store.from_settings(settings)                      # DATABASE_URL, WORK_MAX_ATTEMPTS, …
    store.upgrade() -> str | None                      # migrate to head; the revision
    store.is_current() -> bool;  store.ping() -> bool;  store.close()

    # Slack events
    store.record_event(event_id) -> bool               # True first time, False on redelivery
    store.purge_processed_events(older_than) -> int

    # drafts
    store.create_draft(*, team_id, channel, message_ts, url, reporter_id, thread_ts=None,
                       source="message", response_url=None) -> Created(draft, created)
    store.create_drafts([DraftRequest…], event_ids=[…]) -> list[Created]   # one transaction
    store.get_draft(id) -> Draft | None
    store.drafts_for_message(team_id, channel, message_ts) -> list[Draft]
    store.find_recent_duplicate(*, team_id, channel, url, within, exclude_draft_id=None)
    store.set_bot_message(id, bot_message_ts) -> bool
    store.reserve_post(id, *, stale_after) -> str | None   # "Post for review": one click wins
    store.finish_post(id, token, bot_message_ts | None) -> bool   # remember the ts, or release

    # leased work (worker_id: unique per worker, e.g. host:pid:thread)
    store.claim_draft(worker_id, lease_s, exhausted=None) -> Draft | None
                                                       # drafts given up on land in `exhausted`
    store.renew_lease(id, worker_id, lease_s) -> bool
    store.save_article(id, worker_id, article) -> Draft | None
    store.complete(id, worker_id, NewRevision(...), *, article=None) -> Outcome
    store.fail(id, worker_id, error_code, retryable) -> Outcome
    store.retry_later(id, worker_id, error_code, at) -> Outcome   # working → queued, due at `at`
    store.next_draft_due() -> datetime | None          # earliest automatic retry's due time
    store.retry(id, actor) -> Outcome                  # failed (or waiting) → queued now
    store.regenerate(id, actor, *, instruction=None, base_revision=None) -> Outcome

    # review
    store.edit(id, *, editor_id, base_revision, bullets, heading=None, language=None,
               fields=None)                         # fields: {"headline": …, "teaser": …}
    store.approve(id, *, editor_id, editor_name, revision, payload=None) -> Outcome
    store.reject(id, actor, reason=None, *, base_revision=None) -> Outcome
    store.correct(id, *, editor_id, base_revision, bullets, heading=None, language=None,
                  checks=None, fields=None) -> Outcome  # published → ready, new revision
    store.retract(id, actor, *, payload=None, revision=None) -> Outcome  # + summary.retracted row
    store.latest_delivery(draft_id) -> Delivery | None
    store.get_revision(id, number=None) -> Revision | None

    # outbox (publishing webhook)
    store.enqueue_delivery(id, *, event_type, revision, payload, actor) -> Delivery | None
    store.claim_delivery(worker_id, lease_s) -> Delivery | None
    store.next_delivery_due() -> datetime | None         # earliest pending retry time
    store.expedite_deliveries() -> int                   # backlog in backoff → due now
    store.renew_delivery_lease(delivery_id, worker_id, lease_s) -> bool
    store.record_attempt(delivery_id, *, attempt, started_at, status_code=None,
                         error_kind=None, duration_ms=None, response_snippet=None)
    store.mark_delivered(delivery_id, worker_id, *, status=None) -> Outcome
    store.schedule_retry(delivery_id, worker_id, next_attempt_at, *, status, error) -> bool
    store.mark_delivery_failed(delivery_id, worker_id, *, status=None, error=None) -> Outcome
    store.retry_delivery(delivery_id, actor) -> Outcome   # same webhook_id
    store.get_delivery(delivery_id) -> Delivery | None
    store.next_delivery_due() -> datetime | None        # earliest pending next_attempt_at

    # thread messages Slack did not take (bot.slack.repair)
    store.mark_card_stale(id, *, not_before=None) -> bool   # the card fell behind the database
    store.claim_stale_cards(hold_s, *, limit=20) -> list[StaleCard]   # held for hold_s
    store.card_repaired(card) -> bool                  # cleared unless something newer came

    # App Home, audit, retention
    store.awaiting_review(*, team_id=None, limit=50) -> list[Draft]     # ready, oldest first
    store.recent_approvals(*, team_id=None, limit=20) -> list[Draft]    # newest first
    store.history(id) -> DraftHistory | None    # revisions, audit, deliveries, attempts
    store.export_since(since) -> Iterator[DraftHistory]
    store.purge_article_text(older_than) -> int

Transitions return :class:`Outcome` ``(won, draft, revision, delivery)``: ``won`` is True for
exactly one caller; the others see the draft as it is now and can tell the user why.
"""

from bot.store.records import (
    AuditEvent,
    Created,
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    Draft,
    DraftHistory,
    DraftRequest,
    DraftSource,
    DraftState,
    EventType,
    NewRevision,
    Outcome,
    Payload,
    PayloadBuilder,
    Revision,
    RevisionKind,
    StaleCard,
)
from bot.store.store import ATTEMPTS_EXHAUSTED, DRAFT_TRANSITIONS, Store, new_id, url_key, utcnow

__all__ = [
    "ATTEMPTS_EXHAUSTED",
    "DRAFT_TRANSITIONS",
    "AuditEvent",
    "Created",
    "Delivery",
    "DeliveryAttempt",
    "DeliveryState",
    "Draft",
    "DraftHistory",
    "DraftRequest",
    "DraftSource",
    "DraftState",
    "EventType",
    "NewRevision",
    "Outcome",
    "Payload",
    "PayloadBuilder",
    "Revision",
    "RevisionKind",
    "StaleCard",
    "Store",
    "new_id",
    "url_key",
    "utcnow",
]
