"""The audit timeline of a draft (:class:`~bot.store.records.DraftHistory`: revisions,
audit events, deliveries and attempts), one draft or all since a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.base import StoreBase
from bot.store.convert import to_attempt, to_audit_event, to_delivery, to_draft, to_revision
from bot.store.models import AuditRow, DeliveryAttemptRow, DeliveryRow, DraftRow, RevisionRow
from bot.store.records import DraftHistory


class AuditTimeline(StoreBase):
    """The audit timeline of drafts."""

    def history(self, draft_id: str) -> DraftHistory | None:
        """The draft with all its revisions, audit events, deliveries and attempts."""
        with self._read() as s:
            histories = self._histories(s, [draft_id])
        return histories[0] if histories else None

    def export_since(self, since: datetime, *, batch_size: int = 100) -> Iterator[DraftHistory]:
        """Every draft with any audit event at or after ``since``, oldest draft first."""
        with self._read() as s:
            ids = list(
                s.scalars(
                    select(DraftRow.id)
                    .where(
                        DraftRow.id.in_(
                            select(AuditRow.draft_id).where(AuditRow.at >= since).distinct()
                        )
                    )
                    .order_by(DraftRow.created_at, DraftRow.id)
                )
            )
        for start in range(0, len(ids), batch_size):
            with self._read() as s:
                yield from self._histories(s, ids[start : start + batch_size])

    def _histories(self, s: Session, draft_ids: Sequence[str]) -> list[DraftHistory]:
        if not draft_ids:
            return []
        drafts = {r.id: r for r in s.scalars(select(DraftRow).where(DraftRow.id.in_(draft_ids)))}
        revisions = s.scalars(
            select(RevisionRow)
            .where(RevisionRow.draft_id.in_(draft_ids))
            .order_by(RevisionRow.draft_id, RevisionRow.number)
        ).all()
        audit = s.scalars(
            select(AuditRow).where(AuditRow.draft_id.in_(draft_ids)).order_by(AuditRow.id)
        ).all()
        deliveries = s.scalars(
            select(DeliveryRow)
            .where(DeliveryRow.draft_id.in_(draft_ids))
            .order_by(DeliveryRow.created_at, DeliveryRow.id)
        ).all()
        delivery_draft = {d.id: d.draft_id for d in deliveries}
        attempts = (
            s.scalars(
                select(DeliveryAttemptRow)
                .where(DeliveryAttemptRow.delivery_id.in_(list(delivery_draft)))
                .order_by(DeliveryAttemptRow.delivery_id, DeliveryAttemptRow.attempt)
            ).all()
            if delivery_draft
            else []
        )
        result = []
        for draft_id in draft_ids:
            row = drafts.get(draft_id)
            if row is None:
                continue
            result.append(
                DraftHistory(
                    draft=to_draft(row),
                    revisions=tuple(to_revision(r) for r in revisions if r.draft_id == draft_id),
                    audit=tuple(to_audit_event(a) for a in audit if a.draft_id == draft_id),
                    deliveries=tuple(to_delivery(d) for d in deliveries if d.draft_id == draft_id),
                    attempts=tuple(
                        to_attempt(a)
                        for a in attempts
                        if delivery_draft.get(a.delivery_id) == draft_id
                    ),
                )
            )
        return result
