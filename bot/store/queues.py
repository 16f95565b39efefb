"""What App Home and the metrics read: drafts awaiting review, recent approvals, and the
number of drafts and deliveries in each state.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, select

from bot.store.base import APPROVED_STATES, StoreBase
from bot.store.convert import to_draft
from bot.store.models import DeliveryRow, DraftRow
from bot.store.records import Draft


class Queues(StoreBase):
    """Drafts awaiting review, recent approvals, state counts."""

    # --- queries for App Home, audit and retention ------------------------------------------

    def awaiting_review(self, *, team_id: str | None = None, limit: int = 50) -> list[Draft]:
        """Drafts in state ``ready``, oldest first."""
        conditions: list[ColumnElement[bool]] = [DraftRow.state == "ready"]
        if team_id is not None:
            conditions.append(DraftRow.team_id == team_id)
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
