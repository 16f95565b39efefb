"""A workspace removed the app (``app_uninstalled``, or its bot token revoked): its queued
work ends and nothing more is published for it (:meth:`Workspaces.stop_workspace`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select, update

from bot.logs import get_logger
from bot.store import tally
from bot.store.base import DRAFT_TRANSITIONS, WORKSPACE_REMOVED, StoreBase
from bot.store.models import DeliveryRow, DraftRow, bots

log = get_logger(__name__)


@dataclass(frozen=True, slots=True)
class WorkspaceStopped:
    """What :meth:`Workspaces.stop_workspace` ended: drafts failed, deliveries failed."""

    drafts: int
    deliveries: int


class Workspaces(StoreBase):
    """Ending a workspace's work when the app is removed from it."""

    def stop_workspace(
        self, team_id: str | None, enterprise_id: str | None = None
    ) -> WorkspaceStopped:
        """In one transaction: the workspace's ``queued`` and ``working`` drafts → ``failed``
        (code ``workspace_removed``, not retryable: the workers never claim them again, and a
        worker still holding one loses its lease check when it commits), and its ``pending``
        and ``delivering`` deliveries → ``failed``, so the publish workers never send them.

        ``team_id`` None with ``enterprise_id``: an org-wide install was removed, every
        workspace of the organization stops. An attempt already on the wire at this moment
        may still reach the CMS; its outcome is not recorded (the delivery is failed)."""
        place = self._place(team_id, enterprise_id)
        if place is None:
            return WorkspaceStopped(0, 0)
        now = self._now()
        sources, target = DRAFT_TRANSITIONS["stop"]
        with self._write() as s:
            stopped_rows = s.execute(
                update(DraftRow)
                .where(place, DraftRow.state.in_(sorted(sources)))
                .values(
                    state=target,
                    state_before=DraftRow.state,
                    last_error_code=WORKSPACE_REMOVED,
                    last_error_retryable=False,
                    lease_owner=None,
                    lease_expires_at=None,
                    next_attempt_at=None,
                    version=DraftRow.version + 1,
                    updated_at=now,
                )
                .returning(DraftRow.id, DraftRow.state_before, DraftRow.state),
                execution_options={"synchronize_session": False},
            ).all()
            stopped = [draft_id for draft_id, _, _ in stopped_rows]
            for _, before, after in stopped_rows:
                tally.moved(s, "drafts", before, after)
            for draft_id in stopped:
                self._audit(s, draft_id, "system", "draft.stopped", reason=WORKSPACE_REMOVED)
            deliveries = s.execute(
                update(DeliveryRow)
                .where(
                    DeliveryRow.draft_id.in_(select(DraftRow.id).where(place)),
                    DeliveryRow.state.in_(("pending", "delivering")),
                )
                .values(
                    state="failed",
                    state_before=DeliveryRow.state,
                    lease_owner=None,
                    lease_expires_at=None,
                    last_error=WORKSPACE_REMOVED,
                    updated_at=now,
                )
                .returning(
                    DeliveryRow.id,
                    DeliveryRow.draft_id,
                    DeliveryRow.state_before,
                    DeliveryRow.state,
                ),
                execution_options={"synchronize_session": False},
            ).all()
            for _, _, before, after in deliveries:
                tally.moved(s, "deliveries", before, after)
            for delivery_id, draft_id, _, _ in deliveries:
                self._audit(
                    s,
                    draft_id,
                    "system",
                    "delivery.failed",
                    delivery_id=delivery_id,
                    error=WORKSPACE_REMOVED,
                )
        result = WorkspaceStopped(len(stopped), len(deliveries))
        log.info(
            "workspace.work_stopped",
            team=team_id,
            enterprise=enterprise_id,
            drafts=result.drafts,
            deliveries=result.deliveries,
        )
        return result

    def installed_workspaces(self) -> int:
        """How many workspaces (or organizations) have a bot installed (OAuth mode)."""
        installed = select(bots.c.enterprise_id, bots.c.team_id).distinct().subquery()
        with self._read() as s:
            return int(s.scalar(select(func.count()).select_from(installed)) or 0)

    @staticmethod
    def _place(team_id: str | None, enterprise_id: str | None) -> ColumnElement[bool] | None:
        if team_id:
            return DraftRow.team_id == team_id
        if enterprise_id:
            return DraftRow.enterprise_id == enterprise_id
        return None
