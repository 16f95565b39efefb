"""Draft claims and leases: a worker claims a due draft (or one whose lease expired),
renews its lease, and completes, fails or reschedules it; drafts out of attempts are
given up at claim time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.domain import Article
from bot.logs import get_logger
from bot.store import tally
from bot.store.base import (
    ATTEMPTS_EXHAUSTED,
    DRAFT_TRANSITIONS,
    RETURNING_ROWS,
    SYSTEM_ACTOR,
    StoreBase,
    transition_values,
)
from bot.store.convert import article_values, to_draft
from bot.store.models import DraftRow
from bot.store.records import Draft, NewRevision, Outcome, Revision

log = get_logger(__name__)


def _due_or_expired(model: type[DraftRow], now: ColumnElement[datetime]) -> ColumnElement[bool]:
    """Queued and due (no time, or its time has come), or working with an expired lease."""
    return or_(
        and_(
            model.state == "queued",
            or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now),
        ),
        and_(model.state == "working", model.lease_expires_at < now),
    )


@dataclass(frozen=True, slots=True)
class _Statements:
    claim: Any  # UPDATE … RETURNING: params now, worker, lease_expires
    exhaust: Any  # UPDATE … RETURNING: param now


@functools.lru_cache(maxsize=8)
def _statements(max_attempts: int) -> _Statements:
    """The claim's two UPDATEs, built once per attempt cap and shared by every worker thread.

    Building them (an aliased subquery each) cost about as much CPU as running them, on every
    claim; a built statement is immutable, so threads can share it, and SQLAlchemy caches its
    compiled SQL by the statement's (memoized) cache key. ``now``, the worker and the lease
    end are bound parameters."""
    now = bindparam("now", type_=DraftRow.updated_at.type)
    pick = aliased(DraftRow)
    candidate = (
        select(pick.id)
        .where(pick.attempts < max_attempts, _due_or_expired(pick, now))
        # First due, first served: a retried draft queues from its due time.
        .order_by(func.coalesce(pick.next_attempt_at, pick.created_at), pick.id)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    sources, _target = DRAFT_TRANSITIONS["claim"]
    claim = (
        update(DraftRow)
        .where(
            DraftRow.state.in_(sorted(sources)),
            DraftRow.id == candidate,
            DraftRow.attempts < max_attempts,
            _due_or_expired(DraftRow, now),
        )
        .values(
            **transition_values("claim", now),
            lease_owner=bindparam("worker", type_=DraftRow.lease_owner.type),
            lease_expires_at=bindparam("lease_expires", type_=DraftRow.lease_expires_at.type),
            attempts=DraftRow.attempts + 1,
            next_attempt_at=None,
        )
        .returning(DraftRow)
    )
    gone = aliased(DraftRow)
    exhausted = (
        select(gone.id)
        .where(gone.attempts >= max_attempts, _due_or_expired(gone, now))
        .with_for_update(skip_locked=True)
    )
    sources, _target = DRAFT_TRANSITIONS["exhaust"]
    exhaust = (
        update(DraftRow)
        .where(
            DraftRow.id.in_(exhausted),
            DraftRow.state.in_(sorted(sources)),
            DraftRow.attempts >= max_attempts,
        )
        .values(
            **transition_values("exhaust", now),
            last_error_code=ATTEMPTS_EXHAUSTED,
            last_error_retryable=True,
            lease_owner=None,
            lease_expires_at=None,
        )
        .returning(DraftRow)
    )
    return _Statements(claim=claim, exhaust=exhaust)


class DraftClaims(StoreBase):
    """Draft claims and leases, for the summary workers."""

    # --- drafts: leased work ----------------------------------------------------------------

    def claim_draft(
        self, worker_id: str, lease_s: float, *, exhausted: list[Draft] | None = None
    ) -> Draft | None:
        """Claim the queued draft that has been due longest (or one whose worker's lease
        expired) for ``lease_s``; drafts waiting for a later attempt are left alone.

        Drafts that already used up ``max_attempts`` claims (their workers crashed or hung)
        are moved to ``failed`` with :data:`ATTEMPTS_EXHAUSTED` instead of looping forever;
        they are appended to ``exhausted`` (after the commit) so the caller can report them.
        """
        now = self._now()
        statements = _statements(self.max_attempts)
        with self._write() as s:
            gave_up = self._exhaust_drafts(s, now)
            row = s.execute(
                statements.claim,
                {
                    "now": now,
                    "worker": worker_id,
                    "lease_expires": now + timedelta(seconds=lease_s),
                },
                execution_options=RETURNING_ROWS,
            ).scalar_one_or_none()
            draft = None
            if row is not None:
                tally.moved(s, "drafts", row.state_before, row.state)
                draft = to_draft(row)
                self._audit(s, row.id, worker_id, "draft.claimed", attempt=row.attempts)
        if exhausted is not None:
            exhausted.extend(gave_up)
        if draft is None:
            return None
        log.info("draft.claimed", draft_id=draft.id, worker=worker_id, attempt=draft.attempts)
        return draft

    def renew_lease(self, draft_id: str, worker_id: str, lease_s: float) -> bool:
        """Extend the lease; False if the worker no longer holds it (stop working then)."""
        return self._renew(DraftRow, draft_id, "working", worker_id, lease_s)

    def save_article(self, draft_id: str, worker_id: str, article: Article) -> Draft | None:
        """Store the extracted article while the worker holds the lease; the draft with its
        article (title, site, date…) as now stored, or None if the worker lost the lease."""
        with self._write() as s:
            row = s.execute(
                update(DraftRow)
                .where(
                    DraftRow.id == draft_id,
                    DraftRow.state == "working",
                    DraftRow.lease_owner == worker_id,
                )
                .values(updated_at=self._now(), **article_values(article))
                .returning(DraftRow),
                execution_options=RETURNING_ROWS,
            ).scalar_one_or_none()
            return to_draft(row) if row is not None else None

    def complete(
        self,
        draft_id: str,
        worker_id: str,
        revision: NewRevision,
        *,
        article: Article | None = None,
        reused_from: Revision | None = None,
    ) -> Outcome:
        """working → ready with a new AI revision, only while ``worker_id`` holds the lease.

        ``reused_from``: the text is a copy of that revision of another draft (the same
        article summarized for another channel, no model call); the audit event names it."""
        if revision.kind == "edit":
            raise ValueError("complete() stores AI text; use edit() for human edits")
        extra = article_values(article) if article is not None else {}
        with self._write() as s:
            row = self._update_draft(
                s,
                "complete",
                [DraftRow.lease_owner == worker_id],
                draft_id=draft_id,
                lease_owner=None,
                lease_expires_at=None,
                last_error_code=None,
                last_error_retryable=None,
                instruction=None,
                instruction_by=None,
                current_revision=func.coalesce(DraftRow.current_revision, 0) + 1,
                **extra,
            )
            if row is None:
                return self._lost(s, draft_id, "complete", worker_id)
            assert row.current_revision is not None
            rev = self._add_revision(s, row.id, row.current_revision, revision)
            provenance = {}
            if reused_from is not None:
                provenance["reused_from"] = {
                    "draft_id": reused_from.draft_id,
                    "revision": reused_from.number,
                }
            self._audit(
                s,
                row.id,
                worker_id,
                "draft.completed",
                revision=rev.number,
                kind=rev.kind,
                **provenance,
            )
            outcome = Outcome(won=True, draft=to_draft(row), revision=rev)
        log.info("draft.completed", draft_id=draft_id, worker=worker_id, revision=rev.number)
        return outcome

    def fail(self, draft_id: str, worker_id: str, error_code: str, retryable: bool) -> Outcome:
        """working → failed with ``error_code`` (a sentence key), if the worker holds the lease."""
        with self._write() as s:
            row = self._update_draft(
                s,
                "fail",
                [DraftRow.lease_owner == worker_id],
                draft_id=draft_id,
                lease_owner=None,
                lease_expires_at=None,
                last_error_code=error_code,
                last_error_retryable=retryable,
            )
            if row is None:
                return self._lost(s, draft_id, "fail", worker_id)
            self._audit(
                s, row.id, worker_id, "draft.failed", error_code=error_code, retryable=retryable
            )
            outcome = Outcome(won=True, draft=to_draft(row))
        log.info("draft.failed", draft_id=draft_id, error_code=error_code, retryable=retryable)
        return outcome

    def retry_later(self, draft_id: str, worker_id: str, error_code: str, at: datetime) -> Outcome:
        """working → queued, claimable from ``at`` on (an automatic retry after a passing
        failure ``error_code``), if the worker holds the lease. ``auto_retries`` counts up;
        the claim budget starts afresh, as after the Retry button."""
        if at.tzinfo is None:
            raise ValueError("retry_later needs an aware UTC datetime")
        with self._write() as s:
            row = self._update_draft(
                s,
                "retry_later",
                [DraftRow.lease_owner == worker_id],
                draft_id=draft_id,
                lease_owner=None,
                lease_expires_at=None,
                attempts=0,
                auto_retries=DraftRow.auto_retries + 1,
                next_attempt_at=at,
                last_error_code=error_code,
                last_error_retryable=True,
            )
            if row is None:
                return self._lost(s, draft_id, "retry_later", worker_id)
            self._audit(
                s,
                row.id,
                worker_id,
                "draft.retry_scheduled",
                error_code=error_code,
                at=at,
                auto_retry=row.auto_retries,
            )
            outcome = Outcome(won=True, draft=to_draft(row))
        log.info(
            "draft.retry_scheduled",
            draft_id=draft_id,
            error_code=error_code,
            at=at.isoformat(),
            auto_retry=row.auto_retries,
        )
        return outcome

    def next_draft_due(self) -> datetime | None:
        """When the earliest draft waiting for an automatic retry is due (maybe in the past);
        None if none waits. Drafts queued without a time are claimable at once anyway."""
        with self._read() as s:
            due: datetime | None = s.scalar(
                select(func.min(DraftRow.next_attempt_at)).where(
                    DraftRow.state == "queued", DraftRow.next_attempt_at.is_not(None)
                )
            )
        return due

    def _exhaust_drafts(self, s: Session, now: datetime) -> list[Draft]:
        rows = s.execute(
            _statements(self.max_attempts).exhaust, {"now": now}, execution_options=RETURNING_ROWS
        ).scalars()
        drafts = []
        for row in rows:
            tally.moved(s, "drafts", row.state_before, row.state)
            drafts.append(to_draft(row))
        for draft in drafts:
            self._audit(
                s,
                draft.id,
                SYSTEM_ACTOR,
                "draft.failed",
                error_code=ATTEMPTS_EXHAUSTED,
                retryable=True,
                attempts=draft.attempts,
            )
            log.warning("draft.attempts_exhausted", draft_id=draft.id, attempts=draft.attempts)
        return drafts
