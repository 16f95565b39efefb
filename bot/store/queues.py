"""What App Home and the metrics read: drafts awaiting review, recent approvals, and the
number of drafts and deliveries in each state.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select, text

from bot.logs import get_logger
from bot.store.base import APPROVED_STATES, StoreBase
from bot.store.convert import to_draft
from bot.store.models import DeliveryRow, DraftRow, StateCountRow
from bot.store.records import Draft

# Drafts people can see in a channel: every message draft, and /summarize previews once
# posted for review (a private preview is nobody else's business).
_SHOWN = or_(DraftRow.source == "message", DraftRow.bot_message_ts.is_not(None))

log = get_logger(__name__)


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
        if channels is not None:
            if not channels:
                return []
            conditions.append(DraftRow.channel.in_(sorted(channels)))
        if shown_only:
            conditions.append(_SHOWN)
        return self._drafts_where(conditions, (DraftRow.created_at, DraftRow.id), team_id, limit)

    def recent_approvals(self, *, team_id: str | None = None, limit: int = 20) -> list[Draft]:
        """Approved drafts (published or not), newest approval first."""
        conditions: list[ColumnElement[bool]] = [DraftRow.state.in_(APPROVED_STATES)]
        return self._drafts_where(
            conditions, (DraftRow.approved_at.desc(), DraftRow.id), team_id, limit
        )

    def failed_drafts(self, *, team_id: str | None = None, limit: int = 50) -> list[Draft]:
        """Drafts whose summary or publishing failed (``failed``, ``publish_failed``) and that
        were shown in a channel, newest first (index ``ix_drafts_team_state_created``)."""
        conditions: list[ColumnElement[bool]] = [
            DraftRow.state.in_(("failed", "publish_failed")),
            _SHOWN,
        ]
        return self._drafts_where(
            conditions, (DraftRow.created_at.desc(), DraftRow.id), team_id, limit
        )

    def published_since(
        self, since: datetime, *, team_id: str | None = None, limit: int = 50
    ) -> list[Draft]:
        """Published drafts approved at or after ``since``, newest approval first (index
        ``ix_drafts_team_state_approved``)."""
        conditions: list[ColumnElement[bool]] = [
            DraftRow.state == "published",
            DraftRow.approved_at >= since,
        ]
        return self._drafts_where(
            conditions, (DraftRow.approved_at.desc(), DraftRow.id), team_id, limit
        )

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
        return self._drafts_where(
            conditions, (DraftRow.created_at.desc(), DraftRow.id), None, limit
        )

    def _drafts_where(
        self,
        conditions: list[ColumnElement[bool]],
        order: tuple[Any, ...],
        team_id: str | None,
        limit: int,
    ) -> list[Draft]:
        """The drafts matching ``conditions`` (and ``team_id``, when given), in ``order``, at
        most ``limit``: the one query every queue above runs."""
        if team_id is not None:
            conditions = [*conditions, DraftRow.team_id == team_id]
        with self._read() as s:
            rows = s.scalars(select(DraftRow).where(*conditions).order_by(*order).limit(limit))
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
        of an older release still running after the 0009_scale migration). Exact while the bot runs:
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
