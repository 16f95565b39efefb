"""Creating drafts (one per link of a message, unique per team, channel, message and URL),
reading them back, and finding a recent duplicate of a link.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from bot.logs import get_logger
from bot.store import tally
from bot.store.base import StoreBase, new_id, url_key
from bot.store.convert import to_draft, to_revision
from bot.store.models import DraftRow, ProcessedEventRow, RevisionRow
from bot.store.records import Created, Draft, DraftRequest, DraftSource, Revision

log = get_logger(__name__)


class Drafts(StoreBase):
    """Creating and reading drafts."""

    # --- drafts: creation and lookups -------------------------------------------------------

    def create_draft(
        self,
        *,
        team_id: str,
        channel: str,
        message_ts: str | None,
        url: str,
        reporter_id: str,
        thread_ts: str | None = None,
        source: DraftSource = "message",
        response_url: str | None = None,
        enterprise_id: str | None = None,
        desk: str | None = None,
    ) -> Created:
        """Record a request (state ``queued``) once per (team, channel, message ts, url).

        ``url`` must already be normalized by the caller. A redelivery or a racing process
        gets the existing draft and ``created=False``. Without ``message_ts`` (a slash command)
        every call creates a new draft.
        """
        request = DraftRequest(
            team_id=team_id,
            enterprise_id=enterprise_id,
            channel=channel,
            message_ts=message_ts,
            url=url,
            reporter_id=reporter_id,
            thread_ts=thread_ts,
            source=source,
            response_url=response_url,
            desk=desk,
        )
        return self.create_drafts([request])[0]

    def create_drafts(
        self, requests: Sequence[DraftRequest], *, event_ids: Sequence[str] = ()
    ) -> list[Created]:
        """Several :meth:`create_draft` calls and :meth:`record_event` ids in ONE transaction.

        Group commit for the ack path: concurrent Slack events share one write (SQLite has a
        single writer), so each ack waits for one commit instead of queueing behind many.
        Event ids are recorded after the drafts in the same transaction; the returned list
        matches ``requests``.
        """
        results: list[tuple[Draft, bool]] = []
        with self._write() as s:
            for request in requests:
                results.append(self._insert_draft(s, request))
            for event_id in event_ids:
                if not self._insert_ignore(
                    s,
                    ProcessedEventRow,
                    {"event_id": event_id, "received_at": self._now()},
                    ["event_id"],
                ):
                    log.info("event.redelivered", event_id=event_id)
        for draft, inserted in results:
            if inserted:
                log.info(
                    "draft.created", draft_id=draft.id, channel=draft.channel, source=draft.source
                )
        return [Created(draft=draft, created=inserted) for draft, inserted in results]

    def _insert_draft(self, s: Session, request: DraftRequest) -> tuple[Draft, bool]:
        now = self._now()
        draft_id = new_id()
        key = url_key(request.url)
        values: dict[str, Any] = {
            "id": draft_id,
            "team_id": request.team_id,
            "enterprise_id": request.enterprise_id,
            "channel": request.channel,
            "message_ts": request.message_ts,
            "thread_ts": request.thread_ts if request.thread_ts is not None else request.message_ts,
            "reporter_id": request.reporter_id,
            "url": request.url,
            "url_key": key,
            "source": request.source,
            "response_url": request.response_url,
            "desk": request.desk,
            "state": "queued",
            "attempts": 0,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        inserted = self._insert_ignore(
            s, DraftRow, values, ["team_id", "channel", "message_ts", "url_key"]
        )
        if inserted:
            tally.moved(s, "drafts", None, "queued")
            self._audit(
                s,
                draft_id,
                request.reporter_id,
                "draft.created",
                url=request.url,
                source=request.source,
            )
            row = s.get_one(DraftRow, draft_id)
        else:
            row = s.execute(
                select(DraftRow).where(
                    DraftRow.team_id == request.team_id,
                    DraftRow.channel == request.channel,
                    DraftRow.message_ts == request.message_ts,
                    DraftRow.url_key == key,
                )
            ).scalar_one()
        return to_draft(row), inserted

    def get_draft(self, draft_id: str) -> Draft | None:
        with self._read() as s:
            row = s.get(DraftRow, draft_id)
            return to_draft(row) if row is not None else None

    def drafts_for_message(self, team_id: str, channel: str, message_ts: str) -> list[Draft]:
        """All drafts of one Slack message (one per link), oldest first."""
        with self._read() as s:
            rows = s.scalars(
                select(DraftRow)
                .where(
                    DraftRow.team_id == team_id,
                    DraftRow.channel == channel,
                    DraftRow.message_ts == message_ts,
                )
                .order_by(DraftRow.created_at, DraftRow.id)
            )
            return [to_draft(r) for r in rows]

    def find_recent_duplicate(
        self,
        *,
        team_id: str,
        channel: str,
        url: str,
        within: timedelta,
        exclude_draft_id: str | None = None,
    ) -> Draft | None:
        """The newest non-rejected draft of the same normalized ``url`` in ``channel``."""
        since = self._now() - within
        conditions: list[ColumnElement[bool]] = [
            DraftRow.team_id == team_id,
            DraftRow.channel == channel,
            DraftRow.url_key == url_key(url),
            DraftRow.url == url,
            DraftRow.created_at >= since,
            DraftRow.state != "rejected",
        ]
        if exclude_draft_id is not None:
            conditions.append(DraftRow.id != exclude_draft_id)
        with self._read() as s:
            row = s.scalars(
                select(DraftRow)
                .where(*conditions)
                .order_by(DraftRow.created_at.desc(), DraftRow.id)
                .limit(1)
            ).first()
            return to_draft(row) if row is not None else None

    def find_reusable_summary(
        self,
        *,
        team_id: str,
        url: str,
        style_key: str,
        within: timedelta,
        exclude_draft_id: str,
    ) -> tuple[Draft, Revision] | None:
        """The newest first AI summary (revision kind ``ai``, no editor's instruction) of the
        same normalized ``url`` in the workspace, written in the house style ``style_key``
        within ``within``, with its draft; drafts an editor rejected are skipped.

        Another channel's draft of the same article, so its text can be reused instead of
        asking the model again (``ix_drafts_url_key`` finds the drafts)."""
        since = self._now() - within
        with self._read() as s:
            found = s.execute(
                select(DraftRow, RevisionRow)
                .join(RevisionRow, RevisionRow.draft_id == DraftRow.id)
                .where(
                    DraftRow.url_key == url_key(url),
                    DraftRow.url == url,
                    DraftRow.team_id == team_id,
                    DraftRow.id != exclude_draft_id,
                    DraftRow.state != "rejected",
                    DraftRow.created_at >= since,
                    RevisionRow.kind == "ai",
                    RevisionRow.instruction.is_(None),
                    RevisionRow.style_key == style_key,
                    RevisionRow.created_at >= since,
                )
                .order_by(RevisionRow.created_at.desc(), DraftRow.id)
                .limit(1)
            ).first()
            if found is None:
                return None
            draft_row, revision_row = found
            return to_draft(draft_row), to_revision(revision_row)

    def summaries_in_progress(self, *, team_id: str, url: str, before: Draft) -> list[Draft]:
        """Drafts of the same ``url`` in the workspace that a worker is summarizing now (lease
        held, no text yet) and that were created before ``before``: what a draft of the same
        article may wait for instead of asking the model too. Oldest first."""
        now = self._now()
        with self._read() as s:
            rows = s.scalars(
                select(DraftRow)
                .where(
                    DraftRow.url_key == url_key(url),
                    DraftRow.url == url,
                    DraftRow.team_id == team_id,
                    DraftRow.id != before.id,
                    DraftRow.state == "working",
                    DraftRow.lease_expires_at >= now,
                    DraftRow.current_revision.is_(None),
                    DraftRow.created_at <= before.created_at,
                )
                .order_by(DraftRow.created_at, DraftRow.id)
            )
            return [
                to_draft(r) for r in rows if (r.created_at, r.id) < (before.created_at, before.id)
            ]
