"""``/summarize URL``: recorded at once, answered privately through ``response_url``.

The draft is written before the ack, so Slack's 3-second window only covers one insert; the
summary (or a one-sentence failure) replaces the "Summarizing…" answer when the worker is
done. Slash commands reach the app in any channel, also where the bot is not a member.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from slack_bolt import Ack, App

from bot.articles.links import normalize_url
from bot.i18n import t
from bot.slack import blocks
from bot.slack.escape import escape_mrkdwn
from bot.workflow.drafts import Actor

if TYPE_CHECKING:
    from bot.slack.services import Services

SUMMARIZE: Final = "/summarize"

# With "Escape channels, users, and links" on, Slack sends links as <url> or <url|label>.
_ANGLE = re.compile(r"^<([^|>]+)(?:\|[^>]*)?>$")


def parse_url(text: str) -> tuple[str | None, str | None]:
    """(normalized url, None) or (None, problem) for the command's text."""
    words = text.split()
    if not words:
        return None, "missing_url"
    raw = words[0]
    match = _ANGLE.match(raw)
    if match:
        raw = match.group(1)
    url = normalize_url(raw.replace("&amp;", "&"))
    if url is None:
        return None, "invalid_url"
    return url, None


def register(app: App, services: Services) -> None:
    lang = services.lang

    @app.command(SUMMARIZE)
    def on_summarize(ack: Ack, command: dict[str, Any]) -> None:
        url, problem = parse_url(str(command.get("text") or ""))
        if url is None:
            help_ = blocks.usage_help(lang, command=SUMMARIZE, problem=problem)  # type: ignore[arg-type]  # problem is one of the two literals here
            ack(text=help_["text"], blocks=help_["blocks"], response_type="ephemeral")
            return
        actor = Actor(
            user_id=str(command["user_id"]),
            name=command.get("user_name"),
            channel=command.get("channel_id"),
            response_url=command.get("response_url"),
            team_id=str(command["team_id"]) if command.get("team_id") else None,
            enterprise_id=str(command["enterprise_id"]) if command.get("enterprise_id") else None,
        )
        services.workflow.request_summary(
            team_id=str(command.get("team_id") or ""),
            channel=str(command.get("channel_id") or ""),
            actor=actor,
            url=url,
            response_url=str(command.get("response_url") or ""),
            enterprise_id=str(command["enterprise_id"]) if command.get("enterprise_id") else None,
        )
        text = t("review.accepted", lang, url=escape_mrkdwn(url))
        ack(
            text=text,
            blocks=[{"type": "section", "text": blocks.mrkdwn(text)}],
            response_type="ephemeral",
        )
