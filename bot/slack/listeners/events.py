"""Message events: links in people's posts become queued drafts before Slack gets its 200.

Handled: plain posts, thread replies, ``thread_broadcast`` and ``file_share`` with links.
Acked with 200 and ignored: bot posts (any ``bot_id``; Bolt already drops the bot's own),
``message_changed`` (also sent when Slack unfurls a link), ``message_deleted`` and every other
subtype (https://docs.slack.dev/reference/events/message). Slack retries an event it did
not see acked within 3 s with the same ``event_id``; drafts are unique per (team, channel,
ts, url) in the database, so a redelivery or the same delivery on two processes adds nothing.

The drafts are written in a listener middleware, which Bolt runs before it acks events
(listener middleware runs in the request thread; events are auto-acked only when the listener
itself starts): if the database is down, Slack gets an error and retries instead of losing
the message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from slack_bolt import App, BoltContext, BoltResponse

from bot.articles.links import extract_links
from bot.logs import get_logger
from bot.workflow.drafts import IncomingMessage

if TYPE_CHECKING:
    from bot.slack.app import Services

log = get_logger(__name__)

ACCEPTED_SUBTYPES: Final = frozenset({None, "thread_broadcast", "file_share"})
_CREATED = "newsbot_created_drafts"


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
    )


def register(app: App, services: Services) -> None:
    workflow = services.workflow
    max_links = services.settings.max_links_per_message

    def record_links(
        body: dict[str, Any],
        context: BoltContext,
        next: Callable[[], BoltResponse],  # Bolt's name
    ) -> BoltResponse:
        message = parse_message(body, body.get("event") or {}, max_links)
        if message is not None:
            context[_CREATED] = workflow.record_message(message)
        else:
            event = body.get("event") or {}
            log.debug("message.ignored", subtype=event.get("subtype"))
        return next()

    @app.event("message", middleware=[record_links])
    def on_message(context: BoltContext) -> None:
        created = context.get(_CREATED) or []
        if created:
            services.notifier.received(created)
