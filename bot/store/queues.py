"""What App Home and the metrics read: drafts awaiting review, recent approvals, and the
number of drafts and deliveries in each state.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, delete, func, insert, select, text

from bot.logs import get_logger
from bot.store.base import APPROVED_STATES, StoreBase
from bot.store.convert import to_draft
from bot.store.models import DeliveryRow, DraftRow, StateCountRow
from bot.store.records import Draft

log = get_logger(__name__)


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
        """``{"drafts": {state: n}, "deliveries": {state: n}}`` for the metrics endpoint.

        Read from ``state_counts`` (a few rows, whatever the size of the tables), which every
        transition keeps in its own transaction (:mod:`bot.store.tally`)."""
        counts: dict[str, dict[str, int]] = {"drafts": {}, "deliveries": {}}
        with self._read() as s:
            rows = s.execute(
                select(StateCountRow.kind, StateCountRow.state, func.sum(StateCountRow.n))
                .group_by(StateCountRow.kind, StateCountRow.state)
                .order_by(StateCountRow.kind, StateCountRow.state)
            )
            for kind, state, n in rows:
                counts.setdefault(str(kind), {})[str(state)] = int(n)
        return counts

    def recount_states(self) -> dict[str, dict[str, int]]:
        """Count the tables again and store the result in ``state_counts`` (a full scan).

        Only needed when rows were changed outside the store (by hand in SQL, or by processes
        of an older release still running after the 0008_scale migration). Exact while the bot runs:
        on PostgreSQL the counts table is locked first, so transitions wait until the recount
        commits (they add into it only at their end, after it); SQLite has one writer anyway.
        """
        with self._write() as s:
            if self.backend == "postgresql":
                s.execute(text("LOCK TABLE state_counts IN EXCLUSIVE MODE"))
            s.execute(delete(StateCountRow))
            counts: dict[str, dict[str, int]] = {}
            for kind, model in (("drafts", DraftRow), ("deliveries", DeliveryRow)):
                found = s.execute(select(model.state, func.count()).group_by(model.state))
                counts[kind] = {str(state): int(n) for state, n in found}
                if counts[kind]:
                    s.execute(
                        insert(StateCountRow),
                        [
                            {"kind": kind, "state": state, "slot": 0, "n": n}
                            for state, n in counts[kind].items()
                        ],
                    )
        log.info("store.states_recounted", **{k: sum(v.values()) for k, v in counts.items()})
        return counts
