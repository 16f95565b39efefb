""" "Summarize with newsbot": a message shortcut on any message with links.

It serves channels where automatic detection is off (``SLACK_CHANNEL_ALLOWLIST``) and links
posted before the bot joined. The payload (``type: message_action``, with ``callback_id``,
``trigger_id``, ``response_url``, ``team``, ``user``, ``channel`` and the whole ``message``;
https://docs.slack.dev/reference/interaction-payloads/shortcuts-interactions-payload) is acked
at once; then the message's links are read as the message listener reads them
(:func:`bot.articles.links.extract_links`: ``rich_text`` blocks, else ``<url|label>`` in
``text``) and recorded as drafts of that message, so the drafts and their review cards appear
in its thread exactly as with automatic detection. The person who used the shortcut is the
draft's requester. They are told privately: how many links are being summarized, that the
message has none, that its links were summarized already, or that the bot is not in the
channel (the "Summarizing…" sentence is posted in the thread first, and Slack's refusal of it
is how a channel the bot cannot post in shows).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from slack_bolt import Ack, App

from bot.articles.links import extract_links
from bot.i18n import t
from bot.logs import get_logger
from bot.slack import blocks
from bot.workflow.drafts import IncomingMessage

if TYPE_CHECKING:
    from bot.slack.services import Services

log = get_logger(__name__)

SUMMARIZE_MESSAGE: Final = "summarize_message"
_NOT_POSTABLE: Final = frozenset({"not_in_channel", "channel_not_found", "is_archived"})


def parse_shortcut(body: Mapping[str, Any], max_links: int) -> IncomingMessage | None:
    """The shortcut's message with the person who asked as its user; None without ids.

    ``urls`` is empty when the message has no links."""
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id")
    team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
    user = (body.get("user") or {}).get("id")
    # Interactive payloads name the Enterprise Grid organization as "enterprise": {"id", ...},
    # null outside a Grid (docs.slack.dev/reference/interaction-payloads/
    # shortcuts-interactions-payload).
    enterprise = (body.get("enterprise") or {}).get("id") or body.get("enterprise_id")
    ts = message.get("ts") or body.get("message_ts")
    if not (channel and team and user and ts):
        return None
    return IncomingMessage(
        team_id=str(team),
        channel=str(channel),
        ts=str(ts),
        user_id=str(user),
        urls=tuple(extract_links(message, max_links)),
        thread_ts=str(message["thread_ts"]) if message.get("thread_ts") else None,
        enterprise_id=str(enterprise) if enterprise else None,
    )


def register(app: App, services: Services) -> None:
    lang = services.lang
    max_links = services.settings.max_links_per_message
    workflow, notifier = services.workflow, services.notifier

    @app.message_shortcut(SUMMARIZE_MESSAGE)
    def on_summarize_message(ack: Ack, body: dict[str, Any]) -> None:
        ack()  # first: everything below may call Slack
        response_url = str(body.get("response_url") or "") or None

        def say(key: str) -> None:
            text = t(key, lang)
            message = {"text": text, "blocks": [{"type": "section", "text": blocks.mrkdwn(text)}]}
            notifier.respond(response_url, message, replace_original=False)

        message = parse_shortcut(body, max_links)
        if message is None:
            log.warning("shortcut.malformed")
            return
        if not message.urls:
            say("slack.shortcut.no_links")
            return
        new = workflow.new_links(message)
        if not new:
            say("slack.shortcut.already")
            return
        thread_ts = message.thread_ts or message.ts
        accepted = t("slack.shortcut.accepted", lang, count=len(new))
        shown = notifier.tell_in_thread(
            message.channel,
            thread_ts,
            message.user_id,
            accepted,
            team_id=message.team_id,
            enterprise_id=message.enterprise_id,
        )
        if shown in _NOT_POSTABLE:
            log.info("shortcut.not_in_channel", error=shown)
            say("review.not_in_channel")
            return
        try:
            created = workflow.record_shortcut(message)
        except Exception:  # the ack went out: the person hears of it instead of Slack retrying
            log.exception("shortcut.record_failed")
            say("error.internal")
            return
        log.info("shortcut.recorded", links=len(message.urls), created=len(created))
        if created:
            notifier.received(created)
