"""Progress, failure and short reply messages in a thread or as an ephemeral: the first thing a
reporter sees, the one sentence of a failure, the usage help.
"""

from __future__ import annotations

from typing import Literal

from bot.i18n import CATALOGUE
from bot.i18n import t as catalogue_t
from bot.slack import ids
from bot.slack.blocks.common import (
    FALLBACK_CHARS,
    TITLE_CHARS,
    URL_CHARS,
    Block,
    Message,
    actions_block,
    button_element,
    error_sentence,
    section_block,
    text_for,
    time_token,
)
from bot.slack.blocks.limits import BUTTON_URL_MAX
from bot.slack.escape import escape_mrkdwn, is_web_url, link, truncate
from bot.slack.views import ArticleRef, ErrorView

# --- Progress, failures, replies --------------------------------------------------------------


def progress_message(article: ArticleRef | None, lang: str = "en") -> Message:
    """The "Summarizing…" message of a draft not done yet: a ``/summarize`` preview's first
    answer, and a card redrawn while its draft is queued again (Regenerate, Retry); a new
    draft's card is posted once, when it is ready."""
    if article is None or not is_web_url(article.url):
        text = ":hourglass_flowing_sand: " + text_for("slack.progress.fallback", lang)
    else:
        target = link(
            article.url, truncate(article.title or article.url, TITLE_CHARS), max_url=URL_CHARS
        )
        text = text_for("slack.progress.working", lang, article=target)
    return {"text": text_for("slack.progress.fallback", lang), "blocks": [section_block(text)]}


def auto_retry_sentence(error: ErrorView, lang: str) -> str:
    """ "The model is overloaded; I'll try again at 14:05." (``review.auto_retry.<code>``,
    the time as a Slack token in each reader's zone), escaped for ``mrkdwn``."""
    if error.retry_at is None:
        raise ValueError("not an automatic retry")
    key = f"review.auto_retry.{error.code}"
    if key not in CATALOGUE:
        key = "review.auto_retry"
    params = {k: escape_mrkdwn(str(v)) for k, v in error.params.items()}
    return catalogue_t(key, lang, **{**params, "time": time_token(error.retry_at)})


def failure_message(error: ErrorView, lang: str = "en", *, draft_id: str | None = None) -> Message:
    """One sentence telling what went wrong, with Retry where trying again can help; for an
    automatic retry the sentence says when the next try comes (Retry still tries at once)."""
    if error.retry_at is not None:
        sentence = auto_retry_sentence(error, lang)
        blocks: list[Block] = [section_block(":hourglass_flowing_sand: " + sentence)]
        if draft_id:
            blocks.append(
                actions_block(
                    button_element(text_for("slack.button.retry", lang), ids.ACTION_RETRY, draft_id)
                )
            )
        return {"text": truncate(sentence, FALLBACK_CHARS), "blocks": blocks}
    sentence = error_sentence(error, lang)
    blocks = [section_block(text_for("slack.draft.failed", lang, sentence=sentence))]
    if error.retryable and draft_id:
        blocks.append(
            actions_block(
                button_element(text_for("slack.button.retry", lang), ids.ACTION_RETRY, draft_id)
            )
        )
    return {"text": truncate(sentence, FALLBACK_CHARS), "blocks": blocks}


def usage_help(
    lang: str = "en",
    *,
    command: str = "/summarize",
    problem: Literal["missing_url", "invalid_url"] | None = None,
) -> Message:
    """How to use ``/summarize``; with ``problem`` it first says what was wrong."""
    usage = text_for("slack.usage.text", lang, command=escape_mrkdwn(command))
    blocks: list[Block] = []
    if problem:
        blocks.append(section_block(":warning: " + text_for(f"slack.usage.{problem}", lang)))
    blocks.append(section_block(usage))
    return {
        "text": text_for(f"slack.usage.{problem}", lang) if problem else usage,
        "blocks": blocks,
    }


def already_summarized(permalink: str | None, lang: str = "en") -> Message:
    """Reply for a link that already has a draft: point to its thread."""
    if permalink and is_web_url(permalink):
        text = text_for(
            "slack.already.summarized",
            lang,
            link=link(
                permalink, text_for("slack.already.thread_label", lang), max_url=BUTTON_URL_MAX
            ),
        )
    else:
        text = text_for("slack.already.summarized_no_link", lang)
    return {"text": text, "blocks": [section_block(text)]}
