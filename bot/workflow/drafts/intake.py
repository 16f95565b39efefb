"""Intake, the ack path: links of a message and ``/summarize`` requests recorded as queued
drafts (the workers are woken), and a ``/summarize`` preview posted for review or dismissed.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.logs import get_logger
from bot.store import Draft, DraftRequest
from bot.workflow.drafts.base import WorkflowBase, same_place, state_refusal
from bot.workflow.drafts.values import (
    DISMISSED_REASON,
    POST_RESERVATION_STALE,
    Actor,
    IncomingMessage,
    Refusal,
)

log = get_logger(__name__)


class Intake(WorkflowBase):
    """Recording requests; cheap enough for an ack."""

    # --- recording requests (the ack path) --------------------------------------------------

    def record_message(self, message: IncomingMessage) -> list[Draft]:
        """One queued draft per link (idempotent); returns the drafts this call created.

        Only database work, so it can run before the ack; the caller shows the progress
        signal (:meth:`Notifier.received`) after acking."""
        return self.record_messages([message])[0]

    def record_messages(self, messages: Sequence[IncomingMessage]) -> list[list[Draft]]:
        """:meth:`record_message` for several messages in one transaction (group commit).

        Drafts are unique per (team, channel, ts, url), so redeliveries and racing processes
        never create anything twice; event ids are recorded in the same transaction."""
        allow = self.config.channel_allowlist
        wanted: list[IncomingMessage] = []
        for message in messages:
            if allow and message.channel not in allow:
                log.info("message.ignored", reason="channel_not_allowed", channel=message.channel)
            else:
                wanted.append(message)
        return self._record(messages, wanted)

    def record_shortcut(self, message: IncomingMessage) -> list[Draft]:
        """ "Summarize with newsbot" on a message: like :meth:`record_message`, in any channel
        (someone asked explicitly, so ``SLACK_CHANNEL_ALLOWLIST`` does not apply)."""
        return self._record([message], [message])[0]

    def new_links(self, message: IncomingMessage) -> tuple[str, ...]:
        """The links of ``message`` that have no draft yet (read-only)."""
        known = {
            d.url
            for d in self.store.drafts_for_message(message.team_id, message.channel, message.ts)
        }
        return tuple(url for url in message.urls if url not in known)

    def _record(
        self, messages: Sequence[IncomingMessage], wanted: Sequence[IncomingMessage]
    ) -> list[list[Draft]]:
        requests = [
            DraftRequest(
                team_id=m.team_id,
                enterprise_id=m.enterprise_id,
                channel=m.channel,
                message_ts=m.ts,
                url=url,
                reporter_id=m.user_id,
                thread_ts=m.thread_ts or m.ts,
                desk=self.desk_of(m.channel),
            )
            for m in wanted
            for url in m.urls
        ]
        event_ids = [m.event_id for m in wanted if m.event_id]
        results = iter(self.store.create_drafts(requests, event_ids=event_ids))
        created: dict[int, list[Draft]] = {}
        for m in wanted:
            created[id(m)] = [r.draft for r in (next(results) for _ in m.urls) if r.created]
        if any(created.values()):
            self.wakeup.wake()
        return [created.get(id(m), []) for m in messages]

    def request_summary(
        self,
        *,
        team_id: str,
        channel: str,
        actor: Actor,
        url: str,
        response_url: str,
        enterprise_id: str | None = None,
    ) -> Draft:
        """``/summarize URL``: a private draft, answered through ``response_url``."""
        result = self.store.create_draft(
            team_id=team_id,
            enterprise_id=enterprise_id,
            channel=channel,
            message_ts=None,
            url=url,
            reporter_id=actor.user_id,
            source="slash_command",
            response_url=response_url,
            desk=self.desk_of(channel),
        )
        self.wakeup.wake()
        return result.draft

    # --- /summarize previews ----------------------------------------------------------------

    def post_for_review(self, draft_id: str, actor: Actor) -> bool:
        """Post a private ``/summarize`` draft in its channel so editors can review it."""
        draft = self._draft_for(draft_id, actor)
        if draft is None:
            return False
        if draft.reporter_id != actor.user_id:
            self._refuse(actor, draft, Refusal("review.not_allowed"))
            return False
        if draft.state != "ready" or draft.bot_message_ts is not None:
            self._refuse(actor, draft, state_refusal(draft))
            return False
        revision = self.store.get_revision(draft.id)
        if revision is None:
            self._refuse(actor, draft, Refusal("review.not_ready"))
            return False
        # Reserve the post first, so a double click (or two processes) posts only once. The
        # reservation has its own columns: bot_message_ts only ever holds a real Slack ts.
        token = self.store.reserve_post(draft.id, stale_after=POST_RESERVATION_STALE)
        if token is None:
            self._refuse(actor, draft, Refusal("review.changed"))
            return False
        ts = None
        try:
            ts = self.notifier.post_for_review(draft, revision, actor)
        finally:
            if not self.store.finish_post(draft.id, token, ts) and ts is not None:
                log.warning("draft.post_reservation_lost", draft_id=draft.id, ts=ts)
        if ts is None:
            return False
        log.info("draft.posted_for_review", draft_id=draft.id, ts=ts)
        return True

    def dismiss(self, draft_id: str, actor: Actor) -> bool:
        draft = self.store.get_draft(draft_id) if draft_id else None
        if draft is None or draft.reporter_id != actor.user_id or not same_place(draft, actor):
            return False
        if draft.bot_message_ts is not None:  # already posted for review: editors decide
            return False
        reserved = draft.post_reserved_at
        if reserved is not None and reserved > self.clock() - POST_RESERVATION_STALE:
            return False  # being posted right now: editors will decide
        return self.store.reject(draft.id, actor.user_id, DISMISSED_REASON).won
