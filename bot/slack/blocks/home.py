"""App Home (:func:`home_view`): the review queue and recent approvals for editors, how to use the
bot for all.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final

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


# --- App Home ---------------------------------------------------------------------------------


def _epoch(moment: datetime | None) -> float:
    if moment is None:
        return float("inf")
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _home_item(item: HomeItem, key: str, lang: str, moment: datetime | None) -> Block:
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
        "• " + text_for(key, lang, link=target, user=user_text(item.user_id, lang), when=when)
    )


def home_view(home: HomeView, lang: str = "en") -> Block:
    """The App Home tab: the review queue and recent approvals for editors, help for everyone."""
    blocks: list[Block] = [header_block(text_for("slack.home.title", lang))]
    if home.is_editor:
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
    return {"type": "home", "blocks": blocks}
