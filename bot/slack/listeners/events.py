"""Message events: links in people's posts become queued drafts before Slack gets its 200.

Handled: plain posts, thread replies, ``thread_broadcast`` and ``file_share`` with links.
Acked with 200 and ignored: bot posts (any ``bot_id``; Bolt already drops the bot's own),
``message_changed`` (also sent when Slack unfurls a link), ``message_deleted`` and every other
subtype (https://docs.slack.dev/reference/events/message). Slack retries an event it did
not see acked within 3 s with the same ``event_id``; drafts are unique per (team, channel,
ts, url) in the database, so a redelivery or the same delivery on two processes adds nothing.

The drafts are recorded before the ack: a listener middleware (Bolt runs it in the request
thread, before it auto-acks the event) hands the message to the group recorder
(:mod:`bot.workflow.recorder`), which writes all concurrently arriving messages in one
transaction, and waits up to ``SLACK_ACK_WAIT_S`` (default 2 s) for that commit. A write that
fails in time answers 500, so Slack retries the event; past the wait (a stalled database) the
ack goes out anyway, inside Slack's 3 s, and the write goes on. ``benchmarks/slack_flow.py``
measures the ack latency.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, Any, Final

from slack_bolt import App, BoltContext, BoltResponse

from bot.articles.links import extract_links
from bot.logs import get_logger
from bot.store import Draft
from bot.workflow.drafts import IncomingMessage
from bot.workflow.recorder import GroupRecorder

if TYPE_CHECKING:
    from bot.slack.services import Services

log = get_logger(__name__)

ACCEPTED_SUBTYPES: Final = frozenset({None, "thread_broadcast", "file_share"})
_RECORDING = "newsbot_recording"


def parse_message(
    body: Mapping[str, Any], event: Mapping[str, Any], max_links: int
) -> IncomingMessage | None:
    """The person's message with its links, or None when it is nothing to summarize."""
    if event.get("subtype") not in ACCEPTED_SUBTYPES:
        return None
    if event.get("bot_id") or event.get("bot_profile"):
        return None
    if event.get("channel_type") == "im":
        return None
    user, channel, ts = event.get("user"), event.get("channel"), event.get("ts")
    team = body.get("team_id") or event.get("team")
    if not (user and channel and ts and team):
        return None
    urls = extract_links(event, max_links)
    if not urls:
        return None
    return IncomingMessage(
        team_id=str(team),
        channel=str(channel),
        ts=str(ts),
        user_id=str(user),
        urls=tuple(urls),
        thread_ts=str(event["thread_ts"]) if event.get("thread_ts") else None,
        event_id=str(body["event_id"]) if body.get("event_id") else None,
        enterprise_id=str(body["enterprise_id"]) if body.get("enterprise_id") else None,
    )


def register(app: App, services: Services) -> None:
    workflow = services.workflow
    max_links = services.settings.max_links_per_message
    wait_s = services.settings.slack_ack_wait_s
    recorder = GroupRecorder(workflow)

    def record_links(
        body: dict[str, Any],
        context: BoltContext,
        next: Callable[[], BoltResponse],  # Bolt's name
    ) -> BoltResponse:
        message = parse_message(body, body.get("event") or {}, max_links)
        if message is None:
            log.debug("message.ignored", subtype=(body.get("event") or {}).get("subtype"))
            return next()
        recording = recorder.submit(message)
        context[_RECORDING] = recording
        if wait_s > 0:
            try:
                recording.result(timeout=wait_s)  # a failure here makes Slack retry
            except FutureTimeout:
                log.info("message.ack_before_commit", wait_s=wait_s)
        return next()

    @app.event("message", middleware=[record_links])
    def on_message(context: BoltContext) -> None:
        recording: Future[list[Draft]] | None = context.get(_RECORDING)
        created = recording.result() if recording is not None else []
        if created:
            services.notifier.received(created)
