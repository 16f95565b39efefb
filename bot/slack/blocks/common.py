"""What every surface's builders share: the message type, the catalogue's words for Slack,
and small constructors (text objects, sections, buttons, date tokens, the article line).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final, Literal, TypedDict

from bot.i18n import CATALOGUE
from bot.i18n import slack as slack_messages
from bot.i18n import t as catalogue_t
from bot.slack import ids
from bot.slack.blocks.limits import (
    BUTTON_TEXT_MAX,
    CONFIRM_BUTTON_MAX,
    CONFIRM_TEXT_MAX,
    CONFIRM_TITLE_MAX,
    CONTEXT_ELEMENTS_MAX,
    HEADER_TEXT_MAX,
    SECTION_TEXT_MAX,
    TEXT_OBJECT_MAX,
)
from bot.slack.escape import escape_mrkdwn, escape_truncated, link, truncate, user_mention
from bot.slack.views import ArticleRef, CheckWarning, DraftView, ErrorView, StatusView

Block = dict[str, Any]
Surface = Literal["message", "modal", "home"]


class Message(TypedDict):
    """A message body for chat.postMessage / chat.update / chat.postEphemeral / response_url."""

    text: str
    blocks: list[Block]


# Our own replies never unfurl (chat.postMessage arguments ``unfurl_links``/``unfurl_media``,
# https://docs.slack.dev/reference/methods/chat.postMessage).
NO_UNFURL: Final[Mapping[str, Any]] = MappingProxyType(
    {"unfurl_links": False, "unfurl_media": False}
)
_WARNING_CHARS: Final = 150
TITLE_CHARS: Final = 200
_SITE_CHARS: Final = 80
URL_CHARS: Final = 500
_STATUS_CHARS: Final = 300
_STATUS_VALUE_CHARS: Final = 200  # e.g. the CMS's reason for refusing a delivery
FALLBACK_CHARS: Final = 300
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


# --- Words ------------------------------------------------------------------------------------


def text_for(key: str, lang: str, /, **params: Any) -> str:
    """A sentence from ``bot/i18n/slack.py``; other keys go through the merged catalogue."""
    texts = slack_messages.MESSAGES.get(key)
    if texts is None:
        return catalogue_t(key, lang, **params)
    return (texts.get(lang) or texts["en"]).format(**params)


def error_sentence(error: ErrorView, lang: str) -> str:
    """The one sentence for a failure (``error.<code>``), escaped for ``mrkdwn``."""
    key = f"error.{error.code}"
    if key not in CATALOGUE:
        key = "error.internal"
    return escape_mrkdwn(catalogue_t(key, lang, **dict(error.params)))


def warning_sentence(warning: CheckWarning, lang: str) -> str:
    text = escape_truncated(warning.text, _WARNING_CHARS) if warning.text else ""
    params = {k: escape_mrkdwn(str(v)) for k, v in warning.params.items()}
    if warning.message_key in CATALOGUE or warning.message_key in slack_messages.MESSAGES:
        sentence = text_for(warning.message_key, lang, **{**params, "text": text})
    else:
        sentence = text_for("slack.draft.warning", lang, text=text or escape_mrkdwn(warning.kind))
    return ":warning: " + truncate(sentence, _WARNING_CHARS + 60)


# --- Small constructors -----------------------------------------------------------------------


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: no automatic linking of names/URLs or parsing of mentions in our text
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def section_block(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(truncate(text, SECTION_TEXT_MAX))}


def context_block(*texts: str) -> Block:
    elements = [mrkdwn(truncate(t, TEXT_OBJECT_MAX)) for t in texts if t][:CONTEXT_ELEMENTS_MAX]
    return {"type": "context", "elements": elements}


def header_block(text: str) -> Block:
    return {"type": "header", "text": plain(truncate(text, HEADER_TEXT_MAX))}


def button_element(
    label: str, action_id: str, value: str, style: Literal["primary", "danger"] | None = None
) -> Block:
    element: Block = {
        "type": "button",
        "text": plain(truncate(label, BUTTON_TEXT_MAX)),
        "action_id": action_id,
        "value": value,
    }
    if style:
        element["style"] = style
    return element


def retract_button(view: DraftView, lang: str) -> Block:
    """Retract, behind Slack's confirmation dialog (the click arrives only after "Retract");
    it names the approved (published) revision it takes back."""
    value = ids.action_value(view.draft_id, view.approved_revision or view.revision)
    button = button_element(
        text_for("slack.button.retract", lang), ids.ACTION_RETRACT, value, "danger"
    )
    button["confirm"] = {
        "title": plain(truncate(text_for("slack.retract.heading", lang), CONFIRM_TITLE_MAX)),
        "text": plain(truncate(text_for("slack.retract.text", lang), CONFIRM_TEXT_MAX)),
        "confirm": plain(truncate(text_for("slack.retract.confirm", lang), CONFIRM_BUTTON_MAX)),
        "deny": plain(truncate(text_for("slack.retract.deny", lang), CONFIRM_BUTTON_MAX)),
        "style": "danger",
    }
    return button


def actions_block(*buttons: Block) -> Block:
    return {"type": "actions", "elements": list(buttons)}


def date_token(moment: datetime) -> str:
    """A Slack date token, shown in each reader's time zone and locale."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    fallback = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    # <!date^unix^format|fallback> (https://docs.slack.dev/messaging/formatting-message-text)
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def time_token(moment: datetime) -> str:
    """A Slack time token (clock time in each reader's zone)."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    fallback = moment.astimezone(UTC).strftime("%H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{time}}|{fallback}>"


def status_text(status: StatusView | str, lang: str = "en") -> str:
    """A publishing status line as ``mrkdwn``: mention, time token, escaped values."""
    if isinstance(status, str):
        return escape_truncated(status, _STATUS_CHARS)
    params: dict[str, Any] = {
        name: escape_truncated(value, _STATUS_VALUE_CHARS) if isinstance(value, str) else value
        for name, value in status.params.items()
    }
    params["editor"] = user_text(status.editor, lang)
    if status.at is not None:
        params["time"] = time_token(status.at)
    return catalogue_t(status.key, lang, **params)


def article_title(article: ArticleRef, lang: str) -> str:
    return (article.title or "").strip() or text_for("slack.draft.no_title", lang)


def article_line(article: ArticleRef, lang: str) -> str:
    parts = [
        ":newspaper: "
        + link(article.url, truncate(article_title(article, lang), TITLE_CHARS), max_url=URL_CHARS)
    ]
    if article.site:
        parts.append(escape_truncated(article.site, _SITE_CHARS))
    if article.published:
        published = article.published.strip()
        parts.append(
            published[:10] if _ISO_DATE.match(published) else escape_truncated(published, 40)
        )
    return " · ".join(parts)


def user_text(user_id: str | None, lang: str) -> str:
    return user_mention(user_id, text_for("slack.user.unknown", lang))


def fallback_text(key: str, article: ArticleRef, lang: str) -> str:
    title = escape_mrkdwn(truncate(article_title(article, lang), TITLE_CHARS))
    return truncate(text_for(key, lang, title=title), FALLBACK_CHARS)
