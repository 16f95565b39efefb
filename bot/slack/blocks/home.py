"""App Home (:func:`home_view`): the review queue and recent approvals for editors, how to use the
bot for all.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

from bot.slack import ids
from bot.slack.blocks.common import (
    TITLE_CHARS,
    URL_CHARS,
    Block,
    article_title,
    context_block,
    date_token,
    header_block,
    section_block,
    text_for,
    user_text,
)
from bot.slack.blocks.limits import BUTTON_URL_MAX
from bot.slack.escape import is_web_url, link, truncate
from bot.slack.views import HomeItem, HomeView

_HOME_PENDING_MAX: Final = 20
_HOME_APPROVALS_MAX: Final = 10
# The queues of the filter, in the order the select offers them (bot/workflow HOME_QUEUES).
HOME_FILTERS: Final = ("waiting", "mine", "desk", "failed", "published_today")


# --- App Home ---------------------------------------------------------------------------------


def _epoch(moment: datetime | None) -> float:
    if moment is None:
        return float("inf")
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _home_item(item: HomeItem, key: str, lang: str, moment: datetime | None, **extra: str) -> Block:
    title = truncate(article_title(item.article, lang), TITLE_CHARS)
    if item.permalink and is_web_url(item.permalink):
        target = link(item.permalink, title, max_url=BUTTON_URL_MAX)
        target += " · " + link(
            item.article.url, text_for("slack.home.article", lang), max_url=URL_CHARS
        )
    else:
        target = link(item.article.url, title, max_url=URL_CHARS)
    when = date_token(moment) if moment else "—"
    return section_block(
        "• "
        + text_for(key, lang, link=target, user=user_text(item.user_id, lang), when=when, **extra)
    )


def _filter_block(home: HomeView, lang: str) -> Block:
    """The queue filter: a static_select whose choice re-publishes the tab (ACTION_HOME_FILTER)."""
    names = [q for q in HOME_FILTERS if q != "desk" or home.desk_available]

    def option(queue: str) -> dict[str, Any]:
        label = text_for(f"slack.home.filter.{queue}", lang)
        return {"text": {"type": "plain_text", "text": label, "emoji": True}, "value": queue}

    current = home.queue if home.queue in names else "waiting"
    return {
        "type": "section",
        "block_id": ids.ACTION_HOME_FILTER,
        "text": {"type": "mrkdwn", "text": text_for("slack.home.filter.label", lang)},
        "accessory": {
            "type": "static_select",
            "action_id": ids.ACTION_HOME_FILTER,
            "options": [option(q) for q in names],
            "initial_option": option(current),
        },
    }


def _filtered(home: HomeView, lang: str) -> list[Block]:
    """A queue other than "waiting": newest first, each item with its state."""
    items = home.pending[:_HOME_PENDING_MAX]
    title = text_for(f"slack.home.filter.{home.queue}", lang)
    blocks: list[Block] = [
        section_block(text_for("slack.home.filtered", lang, filter=title, count=len(home.pending)))
    ]
    if not items:
        blocks.append(context_block(text_for("slack.home.filtered_empty", lang)))
    for item in items:
        state = text_for(f"slack.home.state.{item.state or 'ready'}", lang)
        blocks.append(
            _home_item(item, "slack.home.filtered_item", lang, item.created_at, state=state)
        )
    if len(home.pending) > len(items):
        more = len(home.pending) - len(items)
        blocks.append(context_block(text_for("slack.home.more", lang, count=more)))
    return blocks


def home_view(home: HomeView, lang: str = "en") -> Block:
    """The App Home tab: the editor's queue (filtered: waiting, mine, my desk, failed, published
    today), recent approvals, help for everyone. ``private_metadata`` keeps the chosen queue,
    so reopening Home shows it again."""
    blocks: list[Block] = [header_block(text_for("slack.home.title", lang))]
    if home.is_editor:
        blocks.append(_filter_block(home, lang))
    if home.is_editor and home.queue != "waiting":
        blocks.extend(_filtered(home, lang))
        blocks.append({"type": "divider"})
    elif home.is_editor:
        pending = sorted(home.pending, key=lambda item: _epoch(item.created_at))
        total = max(home.pending_total or 0, len(pending))
        blocks.append(section_block(text_for("slack.home.pending", lang, count=total)))
        if not pending:
            blocks.append(context_block(text_for("slack.home.pending_empty", lang)))
        for item in pending[:_HOME_PENDING_MAX]:
            blocks.append(_home_item(item, "slack.home.pending_item", lang, item.created_at))
        shown = min(len(pending), _HOME_PENDING_MAX)
        if total > shown:
            blocks.append(context_block(text_for("slack.home.more", lang, count=total - shown)))
        blocks.append({"type": "divider"})
    if home.is_editor:
        approvals = sorted(home.recent_approvals, key=lambda item: -_epoch(item.at))
        blocks.append(section_block(text_for("slack.home.approvals", lang)))
        if not approvals:
            blocks.append(context_block(text_for("slack.home.approvals_empty", lang)))
        for item in approvals[:_HOME_APPROVALS_MAX]:
            blocks.append(_home_item(item, "slack.home.approval_item", lang, item.at))
        blocks.append({"type": "divider"})
    blocks.append(section_block(text_for("slack.home.help_title", lang)))
    blocks.append(section_block(text_for("slack.home.help_link", lang)))
    blocks.append(section_block(text_for("slack.home.help_command", lang)))
    blocks.append(section_block(text_for("slack.home.help_review", lang)))
    if not home.is_editor:
        blocks.append(context_block(text_for("slack.home.not_editor", lang)))
    view: Block = {"type": "home", "blocks": blocks}
    if home.is_editor:
        view["private_metadata"] = home.queue
    return view
