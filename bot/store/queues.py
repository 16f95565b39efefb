"""What App Home and the metrics read: drafts awaiting review, recent approvals, and the
number of drafts and deliveries in each state.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select

from bot.store.base import APPROVED_STATES, StoreBase
from bot.store.convert import to_draft
from bot.store.models import DeliveryRow, DraftRow
from bot.store.records import Draft

# Drafts people can see in a channel: every message draft, and /summarize previews once
# posted for review (a private preview is nobody else's business).
_SHOWN = or_(DraftRow.source == "message", DraftRow.bot_message_ts.is_not(None))


class Queues(StoreBase):
    """Drafts awaiting review, recent approvals, state counts."""

    # --- queries for App Home, audit and retention ------------------------------------------

    def awaiting_review(
        self,
        *,
        team_id: str | None = None,
        limit: int = 50,
        channels: Collection[str] | None = None,
        shown_only: bool = False,
    ) -> list[Draft]:
        """Drafts in state ``ready``, oldest first; only in ``channels`` when given (index
        ``ix_drafts_team_state_created``); ``shown_only`` leaves out private ``/summarize``
        previews nobody posted for review."""
        conditions: list[ColumnElement[bool]] = [DraftRow.state == "ready"]
        if team_id is not None:
            conditions.append(DraftRow.team_id == team_id)
        if channels is not None:
            if not channels:
                return []
            conditions.append(DraftRow.channel.in_(sorted(channels)))
        if shown_only:
            conditions.append(_SHOWN)
        with self._read() as s:
            rows = s.scalars(
                select(DraftRow)
                .where(*conditions)
                .order_by(DraftRow.created_at, DraftRow.id)
                .limit(limit)
            )
            return [to_draft(r) for r in rows]

    def recent_approvals(self, *, team_id: str | None = None, limit: int = 20) -> list[Draft]:
        """Approved drafts (published or not), newest approval first."""
        conditions: list[ColumnElement[bool]] = [DraftRow.state.in_(APPROVED_STATES)]
        if team_id is not None:
            conditions.append(DraftRow.team_id == team_id)
        with self._read() as s:
            rows = s.scalars(
                select(DraftRow)
                .where(*conditions)
                .order_by(DraftRow.approved_at.desc(), DraftRow.id)
                .limit(limit)
            )
            return [to_draft(r) for r in rows]

    def failed_drafts(self, *, team_id: str | None = None, limit: int = 50) -> list[Draft]:
        """Drafts whose summary or publishing failed (``failed``, ``publish_failed``) and that
        were shown in a channel, newest first (index ``ix_drafts_team_state_created``)."""
        conditions: list[ColumnElement[bool]] = [
            DraftRow.state.in_(("failed", "publish_failed")),
            _SHOWN,
        ]
        if team_id is not None:
            conditions.append(DraftRow.team_id == team_id)
        with self._read() as s:
            rows = s.scalars(
                select(DraftRow)
                .where(*conditions)
                .order_by(DraftRow.created_at.desc(), DraftRow.id)
                .limit(limit)
            )
            return [to_draft(r) for r in rows]

    def published_since(
        self, since: datetime, *, team_id: str | None = None, limit: int = 50
    ) -> list[Draft]:
        """Published drafts approved at or after ``since``, newest approval first (index
        ``ix_drafts_team_state_approved``)."""
        conditions: list[ColumnElement[bool]] = [
            DraftRow.state == "published",
            DraftRow.approved_at >= since,
        ]
        if team_id is not None:
            conditions.append(DraftRow.team_id == team_id)
        with self._read() as s:
            rows = s.scalars(
                select(DraftRow)
                .where(*conditions)
                .order_by(DraftRow.approved_at.desc(), DraftRow.id)
                .limit(limit)
            )
            return [to_draft(r) for r in rows]

    def drafts_of_user(
        self, user_id: str, *, team_id: str | None = None, limit: int = 50
    ) -> list[Draft]:
        """Drafts ``user_id`` asked for (posted the link, ``/summarize``, the shortcut) or
        approved, in any state, newest first (indexes ``ix_drafts_team_reporter`` and
        ``ix_drafts_team_approver``)."""
        # Each OR term carries the team, so each is answered by its own index (SQLite's
        # "MULTI-INDEX OR", PostgreSQL's BitmapOr) rather than one scan of the team's drafts.
        team = [DraftRow.team_id == team_id] if team_id is not None else []
        conditions: list[ColumnElement[bool]] = [
            or_(
                and_(*team, DraftRow.reporter_id == user_id),
                and_(*team, DraftRow.approved_by == user_id),
            )
        ]
        with self._read() as s:
            rows = s.scalars(
                select(DraftRow)
                .where(*conditions)
                .order_by(DraftRow.created_at.desc(), DraftRow.id)
                .limit(limit)
            )
            return [to_draft(r) for r in rows]

    def state_counts(self) -> dict[str, dict[str, int]]:
        """``{"drafts": {state: n}, "deliveries": {state: n}}`` for the metrics endpoint."""
        with self._read() as s:
            drafts = s.execute(select(DraftRow.state, func.count()).group_by(DraftRow.state))
            deliveries = s.execute(
                select(DeliveryRow.state, func.count()).group_by(DeliveryRow.state)
            )
            return {
                "drafts": {str(state): int(n) for state, n in drafts},
                "deliveries": {str(state): int(n) for state, n in deliveries},
            }
