"""The delivery outbox: deliveries enqueued with their frozen body, claimed with a lease,
their attempts recorded, and delivered, retried later, failed or retried by hand.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.logs import get_logger
from bot.store import tally
from bot.store.base import (
    APPROVED_STATES,
    ATTEMPTS_EXHAUSTED,
    PUBLISHING_EVENTS,
    SYSTEM_ACTOR,
    StoreBase,
    truncate_text,
)
from bot.store.convert import to_delivery, to_draft
from bot.store.models import DeliveryAttemptRow, DeliveryRow, DraftRow
from bot.store.records import Delivery, DeliveryAttempt, EventType, Outcome, Payload

log = get_logger(__name__)


class Outbox(StoreBase):
    """The delivery outbox, for the publish workers."""

    # --- outbox -----------------------------------------------------------------------------

    def enqueue_delivery(
        self,
        draft_id: str,
        *,
        event_type: EventType,
        revision: int,
        payload: Payload,
        actor: str,
    ) -> Delivery | None:
        """Queue a further webhook message (``summary.updated``/``summary.retracted``) for an
        approved draft; None if the draft was never approved."""
        now = self._now()
        with self._write() as s:
            draft = s.get(DraftRow, draft_id)
            if draft is None or draft.state not in APPROVED_STATES:
                return None
            delivery = self._add_delivery(
                s,
                draft_id=draft_id,
                revision=revision,
                event_type=event_type,
                payload=payload,
                now=now,
            )
            self._audit(
                s,
                draft_id,
                actor,
                "delivery.enqueued",
                delivery_id=delivery.id,
                event_type=event_type,
                revision=revision,
            )
            return delivery

    def latest_delivery(self, draft_id: str) -> Delivery | None:
        """The draft's newest outbox row (the one its thread status line is about)."""
        with self._read() as s:
            row = s.scalars(
                select(DeliveryRow)
                .where(DeliveryRow.draft_id == draft_id)
                .order_by(DeliveryRow.created_at.desc(), DeliveryRow.id.desc())
                .limit(1)
            ).first()
            return to_delivery(row) if row is not None else None

    def get_delivery(self, delivery_id: str) -> Delivery | None:
        with self._read() as s:
            row = s.get(DeliveryRow, delivery_id)
            return to_delivery(row) if row is not None else None

    def next_delivery_due(self) -> datetime | None:
        """When the earliest ``pending`` delivery is due (maybe in the past); None if none is.

        Rows another worker is ``delivering`` are not counted: they come back through their
        lease, which :meth:`claim_delivery` honours without anyone waiting for it.
        """
        with self._read() as s:
            due: datetime | None = s.scalar(
                select(func.min(DeliveryRow.next_attempt_at)).where(DeliveryRow.state == "pending")
            )
        return due

    def expedite_deliveries(self) -> int:
        """Make every ``pending`` delivery that waits in backoff due now; returns how many.

        Called after a delivery succeeded: the receiver is back, so the backlog need not wait
        out its backoff. Attempt counts, ``round_started_at`` and ``webhook_id`` stay, so the
        receiver still dedupes and the give-up limits still hold. A read comes first, so the
        common case (nothing waiting) takes no write lock.
        """
        now = self._now()
        waiting = and_(DeliveryRow.state == "pending", DeliveryRow.next_attempt_at > now)
        with self._read() as s:
            if s.scalar(select(DeliveryRow.id).where(waiting).limit(1)) is None:
                return 0
        with self._write() as s:
            ids = s.scalars(
                update(DeliveryRow)
                .where(waiting)
                .values(next_attempt_at=now, updated_at=now)
                .returning(DeliveryRow.id),
                execution_options={"synchronize_session": False},
            ).all()
            if ids:
                tally.wake(s, tally.OUTBOX_CHANNEL)
        if ids:
            log.info("delivery.backlog_expedited", count=len(ids))
        return len(ids)

    def claim_delivery(
        self, worker_id: str, lease_s: float, *, exhausted: list[Outcome] | None = None
    ) -> Delivery | None:
        """Lease the delivery that is due first (or one whose worker's lease expired).

        ``attempts`` and ``total_attempts`` are counted up by the claim; a delivery that used
        ``max_delivery_attempts`` claims without finishing is failed instead, and its outcome
        (delivery and draft afterwards) is appended to ``exhausted`` after the commit.
        """
        now = self._now()
        with self._write() as s:
            gave_up = self._exhaust_deliveries(s, now)
            claimable = self._claimable_delivery(DeliveryRow, now)
            pick = aliased(DeliveryRow)
            candidate = (
                select(pick.id)
                .where(self._claimable_delivery(pick, now))
                .order_by(pick.next_attempt_at, pick.created_at, pick.id)
                .limit(1)
                .with_for_update(skip_locked=True)
                .scalar_subquery()
            )
            row = s.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == candidate, claimable)
                .values(
                    state="delivering",
                    state_before=DeliveryRow.state,
                    lease_owner=worker_id,
                    lease_expires_at=now + timedelta(seconds=lease_s),
                    attempts=DeliveryRow.attempts + 1,
                    total_attempts=DeliveryRow.total_attempts + 1,
                    updated_at=now,
                )
                .returning(DeliveryRow),
                execution_options={"synchronize_session": False, "populate_existing": True},
            ).scalar_one_or_none()
            if row is not None:
                tally.moved(s, "deliveries", row.state_before, row.state)
            delivery = None if row is None else to_delivery(row)
        if exhausted is not None:
            exhausted.extend(gave_up)
        if delivery is None:
            return None
        log.info(
            "delivery.claimed", delivery_id=delivery.id, worker=worker_id, attempt=delivery.attempts
        )
        return delivery

    def renew_delivery_lease(self, delivery_id: str, worker_id: str, lease_s: float) -> bool:
        """Extend a claimed delivery's lease; False if the worker no longer holds it."""
        return self._renew(DeliveryRow, delivery_id, "delivering", worker_id, lease_s)

    def record_attempt(
        self,
        delivery_id: str,
        *,
        attempt: int,
        started_at: datetime,
        status_code: int | None = None,
        error_kind: str | None = None,
        duration_ms: int | None = None,
        response_snippet: str | None = None,
    ) -> DeliveryAttempt:
        """Log one HTTP attempt; ``attempt`` is the claimed delivery's ``total_attempts``."""
        record = DeliveryAttempt(
            delivery_id=delivery_id,
            attempt=attempt,
            started_at=started_at,
            status_code=status_code,
            error_kind=truncate_text(error_kind, 64),
            duration_ms=duration_ms,
            response_snippet=truncate_text(response_snippet),
        )
        with self._write() as s:
            s.execute(
                insert(DeliveryAttemptRow).values(
                    delivery_id=record.delivery_id,
                    attempt=record.attempt,
                    started_at=record.started_at,
                    status_code=record.status_code,
                    error_kind=record.error_kind,
                    duration_ms=record.duration_ms,
                    response_snippet=record.response_snippet,
                )
            )
        return record

    def mark_delivered(
        self, delivery_id: str, worker_id: str, *, status: int | None = None
    ) -> Outcome:
        """delivering → delivered (and the draft → published for ``summary.approved``)."""
        now = self._now()
        with self._write() as s:
            row = self._update_delivery(
                s,
                delivery_id,
                worker_id,
                state="delivered",
                delivered_at=now,
                last_status=status,
                last_error=None,
            )
            if row is None:
                return self._lost_delivery(s, delivery_id, "delivered", worker_id)
            detail = {"delivery_id": row.id, "webhook_id": row.webhook_id, "status": status}
            draft_row: DraftRow | None = None
            if row.event_type in PUBLISHING_EVENTS:
                draft_row = self._update_draft(s, "publish", [], draft_id=row.draft_id)
            if draft_row is not None:
                self._audit(s, row.draft_id, worker_id, "draft.published", **detail)
            else:
                self._audit(s, row.draft_id, worker_id, "delivery.delivered", **detail)
            outcome = Outcome(
                won=True,
                draft=to_draft(draft_row or s.get_one(DraftRow, row.draft_id)),
                delivery=to_delivery(row),
            )
        log.info("delivery.delivered", delivery_id=delivery_id, status=status)
        return outcome

    def schedule_retry(
        self,
        delivery_id: str,
        worker_id: str,
        next_attempt_at: datetime,
        *,
        status: int | None = None,
        error: str | None = None,
    ) -> bool:
        """delivering → pending, due again at ``next_attempt_at`` (backoff chosen by the caller)."""
        with self._write() as s:
            row = self._update_delivery(
                s,
                delivery_id,
                worker_id,
                state="pending",
                next_attempt_at=next_attempt_at,
                last_status=status,
                last_error=truncate_text(error),
            )
            return row is not None

    def mark_delivery_failed(
        self,
        delivery_id: str,
        worker_id: str,
        *,
        status: int | None = None,
        error: str | None = None,
    ) -> Outcome:
        """delivering → failed (and the draft → publish_failed for ``summary.approved``)."""
        with self._write() as s:
            row = self._update_delivery(
                s,
                delivery_id,
                worker_id,
                state="failed",
                last_status=status,
                last_error=truncate_text(error),
            )
            if row is None:
                return self._lost_delivery(s, delivery_id, "failed", worker_id)
            outcome = self._after_delivery_failed(s, row, worker_id, status)
        log.info("delivery.failed", delivery_id=delivery_id, status=status)
        return outcome

    def retry_delivery(self, delivery_id: str, actor: str) -> Outcome:
        """failed → pending now, with a fresh attempt budget and the SAME ``webhook_id``."""
        now = self._now()
        with self._write() as s:
            row = s.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == delivery_id, DeliveryRow.state == "failed")
                .values(
                    state="pending",
                    state_before=DeliveryRow.state,
                    attempts=0,
                    next_attempt_at=now,
                    round_started_at=now,
                    updated_at=now,
                )
                .returning(DeliveryRow),
                execution_options={"synchronize_session": False, "populate_existing": True},
            ).scalar_one_or_none()
            if row is None:
                return self._lost_delivery(s, delivery_id, "retry", actor)
            tally.moved(s, "deliveries", row.state_before, row.state)
            draft_row: DraftRow | None = None
            if row.event_type in PUBLISHING_EVENTS:
                draft_row = self._update_draft(s, "republish", [], draft_id=row.draft_id)
            self._audit(
                s,
                row.draft_id,
                actor,
                "delivery.retried",
                delivery_id=row.id,
                webhook_id=row.webhook_id,
            )
            return Outcome(
                won=True,
                draft=to_draft(draft_row or s.get_one(DraftRow, row.draft_id)),
                delivery=to_delivery(row),
            )

    def _claimable_delivery(self, model: type[DeliveryRow], now: datetime) -> ColumnElement[bool]:
        return and_(
            model.attempts < self.max_delivery_attempts,
            or_(
                and_(model.state == "pending", model.next_attempt_at <= now),
                and_(model.state == "delivering", model.lease_expires_at < now),
            ),
        )

    def _exhaust_deliveries(self, s: Session, now: datetime) -> list[Outcome]:
        pick = aliased(DeliveryRow)
        exhausted = (
            select(pick.id)
            .where(
                pick.attempts >= self.max_delivery_attempts,
                or_(
                    and_(pick.state == "pending", pick.next_attempt_at <= now),
                    and_(pick.state == "delivering", pick.lease_expires_at < now),
                ),
            )
            .with_for_update(skip_locked=True)
        )
        rows = s.scalars(
            update(DeliveryRow)
            .where(
                DeliveryRow.id.in_(exhausted),
                DeliveryRow.state.in_(("pending", "delivering")),
                DeliveryRow.attempts >= self.max_delivery_attempts,
            )
            .values(
                state="failed",
                state_before=DeliveryRow.state,
                lease_owner=None,
                lease_expires_at=None,
                last_error=ATTEMPTS_EXHAUSTED,
                updated_at=now,
            )
            .returning(DeliveryRow),
            execution_options={"synchronize_session": False, "populate_existing": True},
        ).all()
        outcomes = []
        for row in rows:
            tally.moved(s, "deliveries", row.state_before, row.state)
            outcomes.append(self._after_delivery_failed(s, row, SYSTEM_ACTOR, row.last_status))
            log.warning("delivery.attempts_exhausted", delivery_id=row.id, attempts=row.attempts)
        return outcomes

    def _after_delivery_failed(
        self, s: Session, row: DeliveryRow, actor: str, status: int | None
    ) -> Outcome:
        detail = {
            "delivery_id": row.id,
            "webhook_id": row.webhook_id,
            "status": status,
            "error": row.last_error,
        }
        draft_row: DraftRow | None = None
        if row.event_type in PUBLISHING_EVENTS:
            draft_row = self._update_draft(s, "publish_fail", [], draft_id=row.draft_id)
        if draft_row is not None:
            self._audit(s, row.draft_id, actor, "draft.publish_failed", **detail)
        else:
            self._audit(s, row.draft_id, actor, "delivery.failed", **detail)
        return Outcome(
            won=True,
            draft=to_draft(draft_row or s.get_one(DraftRow, row.draft_id)),
            delivery=to_delivery(row),
        )

    def _update_delivery(
        self, s: Session, delivery_id: str, worker_id: str, **values: Any
    ) -> DeliveryRow | None:
        """delivering → ``values["state"]``, only for the worker holding the lease."""
        row = s.execute(
            update(DeliveryRow)
            .where(
                DeliveryRow.id == delivery_id,
                DeliveryRow.state == "delivering",
                DeliveryRow.lease_owner == worker_id,
            )
            .values(
                lease_owner=None,
                lease_expires_at=None,
                updated_at=self._now(),
                state_before=DeliveryRow.state,
                **values,
            )
            .returning(DeliveryRow),
            execution_options={"synchronize_session": False, "populate_existing": True},
        ).scalar_one_or_none()
        if row is not None:
            tally.moved(s, "deliveries", row.state_before, row.state)
        return row

    def _lost_delivery(self, s: Session, delivery_id: str, action: str, actor: str) -> Outcome:
        row = s.get(DeliveryRow, delivery_id, populate_existing=True)
        log.info(
            "delivery.transition_refused",
            delivery_id=delivery_id,
            action=action,
            actor=actor,
            state=row.state if row is not None else None,
        )
        if row is None:
            return Outcome(won=False, draft=None)
        return Outcome(
            won=False,
            draft=to_draft(s.get_one(DraftRow, row.draft_id)),
            delivery=to_delivery(row),
        )
