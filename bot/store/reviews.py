"""Review actions on a draft and its revisions: retry, regenerate, edit, correct, approve,
reject and retract, each at the revision the editor saw.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, or_

from bot.logs import get_logger
from bot.store.base import StoreBase
from bot.store.convert import open_flags, to_draft, to_revision
from bot.store.models import DraftRow, RevisionRow
from bot.store.records import (
    Delivery,
    Draft,
    EventType,
    NewRevision,
    Outcome,
    Payload,
    PayloadBuilder,
    Revision,
)

log = get_logger(__name__)


class Reviews(StoreBase):
    """Review actions at the revision the editor saw."""

    def retry(self, draft_id: str, actor: str) -> Outcome:
        """failed → queued now with fresh attempt budgets (the Retry button); also makes a
        draft waiting for an automatic retry due at once."""
        with self._write() as s:
            fresh: dict[str, Any] = {
                "attempts": 0,
                "auto_retries": 0,
                "next_attempt_at": None,
                "last_error_code": None,
                "last_error_retryable": None,
            }
            row = self._update_draft(s, "retry", [], draft_id=draft_id, **fresh)
            if row is None:
                row = self._update_draft(
                    s,
                    "retry_now",
                    [DraftRow.next_attempt_at > self._now()],
                    draft_id=draft_id,
                    **fresh,
                )
            if row is None:
                return self._lost(s, draft_id, "retry", actor)
            self._audit(s, row.id, actor, "draft.retried")
            return Outcome(won=True, draft=to_draft(row))

    def regenerate(
        self,
        draft_id: str,
        actor: str,
        *,
        instruction: str | None = None,
        base_revision: int | None = None,
    ) -> Outcome:
        """ready → queued, to be summarized again (optionally with an editor's instruction).

        With ``base_revision``, only if the draft is still at the revision the editor saw.
        """
        extra: list[ColumnElement[bool]] = []
        if base_revision is not None:
            extra.append(DraftRow.current_revision == base_revision)
        with self._write() as s:
            row = self._update_draft(
                s,
                "regenerate",
                extra,
                draft_id=draft_id,
                attempts=0,
                auto_retries=0,
                next_attempt_at=None,
                instruction=instruction,
                instruction_by=actor,
            )
            if row is None:
                return self._lost(s, draft_id, "regenerate", actor)
            self._audit(s, row.id, actor, "draft.regenerate_requested", instruction=instruction)
            return Outcome(won=True, draft=to_draft(row))

    # --- drafts: review ---------------------------------------------------------------------

    def edit(
        self,
        draft_id: str,
        *,
        editor_id: str,
        base_revision: int,
        bullets: Sequence[str],
        heading: str | None = None,
        language: str | None = None,
        checks: Any = None,
        evidence: Any = None,
        fields: Mapping[str, str] | None = None,
    ) -> Outcome:
        """Add a human edit as the new current revision, if nobody changed the draft meanwhile."""
        new = NewRevision(
            kind="edit",
            bullets=bullets,
            author=editor_id,
            heading=heading,
            language=language,
            checks=checks,
            evidence=evidence,
            fields=dict(fields or {}),
        )
        return self._edit(
            "edit",
            "draft.edited",
            draft_id,
            editor_id=editor_id,
            base_revision=base_revision,
            new=new,
        )

    def correct(
        self,
        draft_id: str,
        *,
        editor_id: str,
        base_revision: int,
        bullets: Sequence[str],
        heading: str | None = None,
        language: str | None = None,
        checks: Any = None,
        evidence: Any = None,
        fields: Mapping[str, str] | None = None,
    ) -> Outcome:
        """published → ready with an edit as the new revision: a correction to approve again
        (``approved_revision`` keeps naming the published text until then)."""
        new = NewRevision(
            kind="edit",
            bullets=bullets,
            author=editor_id,
            heading=heading,
            language=language,
            checks=checks,
            evidence=evidence,
            fields=dict(fields or {}),
        )
        return self._edit(
            "correct",
            "draft.correction_started",
            draft_id,
            editor_id=editor_id,
            base_revision=base_revision,
            new=new,
        )

    def _edit(
        self,
        action: str,
        audit_action: str,
        draft_id: str,
        *,
        editor_id: str,
        base_revision: int,
        new: NewRevision,
    ) -> Outcome:
        with self._write() as s:
            row = self._update_draft(
                s,
                action,
                [DraftRow.current_revision == base_revision],
                draft_id=draft_id,
                current_revision=DraftRow.current_revision + 1,
            )
            if row is None:
                return self._lost(s, draft_id, action, editor_id)
            assert row.current_revision is not None
            rev = self._add_revision(s, row.id, row.current_revision, new)
            self._audit(s, row.id, editor_id, audit_action, revision=rev.number, base=base_revision)
            return Outcome(won=True, draft=to_draft(row), revision=rev)

    def approve(
        self,
        draft_id: str,
        *,
        editor_id: str,
        editor_name: str | None,
        revision: int,
        payload: Payload | PayloadBuilder | None = None,
        event_type: EventType = "summary.approved",
    ) -> Outcome:
        """ready → approved at ``revision`` + audit + outbox row, in ONE transaction.

        ``event_type`` is ``summary.updated`` for a correction of a published draft.

        ``payload`` is the webhook body, frozen now: a mapping or encoded bytes, or a function
        of the approved draft and revision returning one (called inside the transaction, so it
        sees ``approved_at``; if it raises, nothing is recorded). None (no webhook configured)
        records the approval without an outbox row. If two editors click at once, exactly one
        wins; the other gets ``won=False`` and the draft as the winner left it.
        """
        now = self._now()
        with self._write() as s:
            row = self._update_draft(
                s,
                "approve",
                [DraftRow.current_revision == revision],
                draft_id=draft_id,
                approved_by=editor_id,
                approved_by_name=editor_name,
                approved_at=now,
                approved_revision=revision,
            )
            if row is None:
                return self._lost(s, draft_id, "approve", editor_id)
            draft = to_draft(row)
            rev = to_revision(s.get_one(RevisionRow, (draft_id, revision)))
            delivery: Delivery | None = None
            if payload is not None:
                body = payload(draft, rev) if callable(payload) else payload
                delivery = self._add_delivery(
                    s,
                    draft_id=draft_id,
                    revision=revision,
                    event_type=event_type,
                    payload=body,
                    now=now,
                )
            self._audit(
                s,
                draft_id,
                editor_id,
                "draft.approved",
                revision=revision,
                editor_name=editor_name,
                delivery_id=delivery.id if delivery else None,
                event_type=event_type if delivery else None,
                # The checks still open on the approved text: approving with flags is allowed,
                # and the audit says so ("approved with 2 open flags") and which ones.
                open_flags=len(flags := open_flags(rev.checks)),
                flags=flags,
            )
            outcome = Outcome(won=True, draft=draft, revision=rev, delivery=delivery)
        log.info("draft.approved", draft_id=draft_id, editor=editor_id, revision=revision)
        return outcome

    def reject(
        self,
        draft_id: str,
        actor: str,
        reason: str | None = None,
        *,
        base_revision: int | None = None,
    ) -> Outcome:
        """→ rejected; with ``base_revision``, only if the draft is still at the revision the
        editor saw (checked in the same UPDATE)."""
        now = self._now()
        extra: list[ColumnElement[bool]] = []
        if base_revision is not None:
            extra.append(DraftRow.current_revision == base_revision)
        with self._write() as s:
            row = self._update_draft(
                s,
                "reject",
                extra,
                draft_id=draft_id,
                rejected_by=actor,
                rejected_reason=reason,
                rejected_at=now,
                lease_owner=None,
                lease_expires_at=None,
                next_attempt_at=None,
            )
            if row is None:
                return self._lost(s, draft_id, "reject", actor)
            self._audit(s, draft_id, actor, "draft.rejected", reason=reason)
            return Outcome(won=True, draft=to_draft(row))

    def retract(
        self,
        draft_id: str,
        actor: str,
        *,
        payload: Callable[[Draft], Payload] | None = None,
        revision: int | None = None,
    ) -> Outcome:
        """An approved (or published, or being corrected) draft → retracted, with the
        ``summary.retracted`` outbox row (``payload`` of the retracted draft, built inside the
        transaction; None without a webhook) in ONE transaction. Double clicks lose. With
        ``revision``, only if that is still the approved (published) revision."""
        now = self._now()
        conditions = [or_(DraftRow.state != "ready", DraftRow.approved_revision.is_not(None))]
        if revision is not None:
            conditions.append(DraftRow.approved_revision == revision)
        with self._write() as s:
            row = self._update_draft(
                s,
                "retract",
                conditions,
                draft_id=draft_id,
                retracted_by=actor,
                retracted_at=now,
            )
            if row is None:
                return self._lost(s, draft_id, "retract", actor)
            draft = to_draft(row)
            revision = draft.approved_revision or draft.current_revision or 1
            delivery: Delivery | None = None
            if payload is not None:
                delivery = self._add_delivery(
                    s,
                    draft_id=draft_id,
                    revision=revision,
                    event_type="summary.retracted",
                    payload=payload(draft),
                    now=now,
                )
            self._audit(
                s,
                draft_id,
                actor,
                "draft.retracted",
                revision=revision,
                delivery_id=delivery.id if delivery else None,
            )
            outcome = Outcome(won=True, draft=draft, delivery=delivery)
        log.info("draft.retracted", draft_id=draft_id, actor=actor, revision=revision)
        return outcome

    def get_revision(self, draft_id: str, number: int | None = None) -> Revision | None:
        """Revision ``number`` of the draft, or its current one."""
        with self._read() as s:
            if number is None:
                draft = s.get(DraftRow, draft_id)
                if draft is None or draft.current_revision is None:
                    return None
                number = draft.current_revision
            row = s.get(RevisionRow, (draft_id, number))
            return to_revision(row) if row is not None else None
