"""Pure Block Kit builders for every Slack surface of the bot, and a validator for Slack's limits.

Builders take plain values from :mod:`bot.slack.views` and a language, take every word from
``bot/i18n/slack.py`` (errors from ``error.<code>``), escape all article and model text
(:mod:`bot.slack.escape`) and return JSON-ready dicts. Messages come back as
``{"text": fallback, "blocks": [...]}``; post them with :data:`NO_UNFURL`. Buttons carry ids
only: the draft id, and for review actions the revision shown (:func:`bot.slack.ids.action_value`);
the listeners put the same into a modal's ``private_metadata``. :func:`validate_blocks` and
:func:`validate_view` raise :class:`BlockKitError` on anything Slack would refuse.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any, Final, Literal, TypedDict

from bot.i18n import CATALOGUE
from bot.i18n import slack as slack_messages
from bot.i18n import t as catalogue_t
from bot.slack import ids
from bot.slack.escape import (
    escape_mrkdwn,
    escape_truncated,
    is_web_url,
    link,
    slack_len,
    truncate,
    user_mention,
)
from bot.slack.views import (
    APPROVED_STATES,
    ArticleRef,
    CheckWarning,
    DraftView,
    ErrorView,
    HomeItem,
    HomeView,
    StatusView,
)

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

# --- Slack's limits --------------------------------------------------------------------------
# Blocks per surface: "up to 50 blocks in each message, and 100 blocks in modals or Home
# tabs" (https://docs.slack.dev/reference/block-kit/blocks).
MAX_BLOCKS: Final[Mapping[str, int]] = {"message": 50, "modal": 100, "home": 100}
# Text object: 1..3000 characters
# (https://docs.slack.dev/reference/block-kit/composition-objects/text-object).
TEXT_OBJECT_MAX: Final = 3000
# Section: text 3000, fields at most 10 of 2000 each; block_id 255
# (https://docs.slack.dev/reference/block-kit/blocks/section-block).
SECTION_TEXT_MAX: Final = 3000
SECTION_FIELDS_MAX: Final = 10
SECTION_FIELD_TEXT_MAX: Final = 2000
BLOCK_ID_MAX: Final = 255
# Header: plain_text, 150 (https://docs.slack.dev/reference/block-kit/blocks/header-block).
HEADER_TEXT_MAX: Final = 150
# Context: at most 10 elements (https://docs.slack.dev/reference/block-kit/blocks/context-block).
CONTEXT_ELEMENTS_MAX: Final = 10
# Actions: at most 25 elements (@slack/types ActionsBlock, docs.slack.dev node-slack-sdk
# reference; python-slack-sdk PR #1253 raised its check from 5 to 25).
ACTIONS_ELEMENTS_MAX: Final = 25
# Button: text 75, action_id 255, url 3000, value 2000, accessibility_label 75, style
# primary|danger (https://docs.slack.dev/reference/block-kit/block-elements/button-element).
BUTTON_TEXT_MAX: Final = 75
ACTION_ID_MAX: Final = 255
BUTTON_URL_MAX: Final = 3000
BUTTON_VALUE_MAX: Final = 2000
ACCESSIBILITY_LABEL_MAX: Final = 75
# Confirmation dialog: title 100, text 300, confirm 30, deny 30
# (https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object).
CONFIRM_TITLE_MAX: Final = 100
CONFIRM_TEXT_MAX: Final = 300
CONFIRM_BUTTON_MAX: Final = 30
# Input block: label 2000, hint 2000 (@slack/types InputBlock); plain_text_input: min_length
# 0..3000, max_length 1..3000, placeholder 150
# (https://docs.slack.dev/reference/block-kit/block-elements/plain-text-input-element).
INPUT_LABEL_MAX: Final = 2000
INPUT_HINT_MAX: Final = 2000
INPUT_LENGTH_MAX: Final = 3000
PLACEHOLDER_MAX: Final = 150
# Modal: title, submit and close 24 each, private_metadata 3000, callback_id 255; submit is
# required with input blocks (https://docs.slack.dev/reference/views/modal-views).
MODAL_TITLE_MAX: Final = 24
MODAL_BUTTON_MAX: Final = 24
PRIVATE_METADATA_MAX: Final = 3000
CALLBACK_ID_MAX: Final = 255
# views.open answers view_too_large "if the provided view is greater than 250kb"
# (slack-ruby/slack-api-ref methods/views/views.open.json, mirroring Slack's method docs).
VIEW_BYTES_MAX: Final = 250_000
# chat.postMessage ``text``: "no more than 40,000 characters or risk truncation".
FALLBACK_TEXT_MAX: Final = 40_000
# Undocumented: chat.postMessage refuses blocks whose text adds up to roughly 12,000
# characters with ``msg_blocks_too_long`` (slackapi/bolt-js#2509: a Slack engineer speaks of
# "12,000 text characters with a buffer for block containers"; #2867 saw a refusal at 11,341).
MESSAGE_TEXT_BUDGET: Final = 10_000

# --- Our own caps (so any draft fits the limits above) ---------------------------------------
EDIT_TEXT_MAX: Final = INPUT_LENGTH_MAX  # the edit modal's one input
BULLET_MAX_CHARS: Final = 600  # per bullet, checked on edit; model bullets are far shorter
MAX_BULLETS: Final = 5
_BULLET_DISPLAY_CAPS: Final = (900, 600, 400, 250)
_EVIDENCE_CHARS: Final = 200
_WARNING_CHARS: Final = 150
_WARNINGS_PER_BULLET: Final = 2
_GENERAL_WARNINGS: Final = 3
_TITLE_CHARS: Final = 200
_SITE_CHARS: Final = 80
_URL_CHARS: Final = 500
_DISCLAIMER_CHARS: Final = 300
_STATUS_CHARS: Final = 300
_STATUS_VALUE_CHARS: Final = 200  # e.g. the CMS's reason for refusing a delivery
_REASON_CHARS: Final = 500
_FALLBACK_CHARS: Final = 300
_HOME_PENDING_MAX: Final = 20
_HOME_APPROVALS_MAX: Final = 10
_REGENERATE_INSTRUCTION_MAX: Final = 300
_REJECT_REASON_MAX: Final = 500
_MODAL_WARNINGS: Final = 5

_BULLET_MARK = re.compile(r"^\s*(?:[-*•·–—▪●◦]|\d{1,2}[.)])\s+")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


class BlockKitError(ValueError):
    """A payload breaks one of Slack's Block Kit limits; the message says where and how."""


class MessageTooLong(BlockKitError):
    """The message's text adds up to more than :data:`MESSAGE_TEXT_BUDGET`."""


# --- Words ------------------------------------------------------------------------------------


def _t(key: str, lang: str, /, **params: Any) -> str:
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


def _warning_sentence(warning: CheckWarning, lang: str) -> str:
    text = escape_truncated(warning.text, _WARNING_CHARS) if warning.text else ""
    params = {k: escape_mrkdwn(str(v)) for k, v in warning.params.items()}
    if warning.message_key in CATALOGUE or warning.message_key in slack_messages.MESSAGES:
        sentence = _t(warning.message_key, lang, **{**params, "text": text})
    else:
        sentence = _t("slack.draft.warning", lang, text=text or escape_mrkdwn(warning.kind))
    return ":warning: " + truncate(sentence, _WARNING_CHARS + 60)


# --- Small constructors -----------------------------------------------------------------------


def plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    # verbatim: no automatic linking of names/URLs or parsing of mentions in our text
    return {"type": "mrkdwn", "text": text, "verbatim": True}


def _section(text: str) -> Block:
    return {"type": "section", "text": mrkdwn(truncate(text, SECTION_TEXT_MAX))}


def _context(*texts: str) -> Block:
    elements = [mrkdwn(truncate(t, TEXT_OBJECT_MAX)) for t in texts if t][:CONTEXT_ELEMENTS_MAX]
    return {"type": "context", "elements": elements}


def _header(text: str) -> Block:
    return {"type": "header", "text": plain(truncate(text, HEADER_TEXT_MAX))}


def _button(
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


def _retract_button(view: DraftView, lang: str) -> Block:
    """Retract, behind Slack's confirmation dialog (the click arrives only after "Retract");
    it names the approved (published) revision it takes back."""
    value = ids.action_value(view.draft_id, view.approved_revision or view.revision)
    button = _button(_t("slack.button.retract", lang), ids.ACTION_RETRACT, value, "danger")
    button["confirm"] = {
        "title": plain(truncate(_t("slack.retract.heading", lang), CONFIRM_TITLE_MAX)),
        "text": plain(truncate(_t("slack.retract.text", lang), CONFIRM_TEXT_MAX)),
        "confirm": plain(truncate(_t("slack.retract.confirm", lang), CONFIRM_BUTTON_MAX)),
        "deny": plain(truncate(_t("slack.retract.deny", lang), CONFIRM_BUTTON_MAX)),
        "style": "danger",
    }
    return button


def _actions(*buttons: Block) -> Block:
    return {"type": "actions", "elements": list(buttons)}


def _when(moment: datetime) -> str:
    """A Slack date token, shown in each reader's time zone and locale."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    fallback = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    # <!date^unix^format|fallback> (https://docs.slack.dev/messaging/formatting-message-text)
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"


def _clock(moment: datetime) -> str:
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
    params["editor"] = _user(status.editor, lang)
    if status.at is not None:
        params["time"] = _clock(status.at)
    return catalogue_t(status.key, lang, **params)


def _title(article: ArticleRef, lang: str) -> str:
    return (article.title or "").strip() or _t("slack.draft.no_title", lang)


def _article_line(article: ArticleRef, lang: str) -> str:
    parts = [
        ":newspaper: "
        + link(article.url, truncate(_title(article, lang), _TITLE_CHARS), max_url=_URL_CHARS)
    ]
    if article.site:
        parts.append(escape_truncated(article.site, _SITE_CHARS))
    if article.published:
        published = article.published.strip()
        parts.append(
            published[:10] if _ISO_DATE.match(published) else escape_truncated(published, 40)
        )
    return " · ".join(parts)


def _user(user_id: str | None, lang: str) -> str:
    return user_mention(user_id, _t("slack.user.unknown", lang))


def _fallback(key: str, article: ArticleRef, lang: str) -> str:
    title = escape_mrkdwn(truncate(_title(article, lang), _TITLE_CHARS))
    return truncate(_t(key, lang, title=title), _FALLBACK_CHARS)


# --- Progress, failures, replies --------------------------------------------------------------


def progress_message(article: ArticleRef | None, lang: str = "en") -> Message:
    """The placeholder posted at once in the thread; ``chat.update`` turns it into the draft."""
    if article is None or not is_web_url(article.url):
        text = ":hourglass_flowing_sand: " + _t("slack.progress.fallback", lang)
    else:
        target = link(
            article.url, truncate(article.title or article.url, _TITLE_CHARS), max_url=_URL_CHARS
        )
        text = _t("slack.progress.working", lang, article=target)
    return {"text": _t("slack.progress.fallback", lang), "blocks": [_section(text)]}


def auto_retry_sentence(error: ErrorView, lang: str) -> str:
    """ "The model is overloaded; I'll try again at 14:05." (``review.auto_retry.<code>``,
    the time as a Slack token in each reader's zone), escaped for ``mrkdwn``."""
    if error.retry_at is None:
        raise ValueError("not an automatic retry")
    key = f"review.auto_retry.{error.code}"
    if key not in CATALOGUE:
        key = "review.auto_retry"
    params = {k: escape_mrkdwn(str(v)) for k, v in error.params.items()}
    return catalogue_t(key, lang, **{**params, "time": _clock(error.retry_at)})


def failure_message(error: ErrorView, lang: str = "en", *, draft_id: str | None = None) -> Message:
    """One sentence telling what went wrong, with Retry where trying again can help; for an
    automatic retry the sentence says when the next try comes (Retry still tries at once)."""
    if error.retry_at is not None:
        sentence = auto_retry_sentence(error, lang)
        blocks: list[Block] = [_section(":hourglass_flowing_sand: " + sentence)]
        if draft_id:
            blocks.append(
                _actions(_button(_t("slack.button.retry", lang), ids.ACTION_RETRY, draft_id))
            )
        return {"text": truncate(sentence, _FALLBACK_CHARS), "blocks": blocks}
    sentence = error_sentence(error, lang)
    blocks = [_section(_t("slack.draft.failed", lang, sentence=sentence))]
    if error.retryable and draft_id:
        blocks.append(_actions(_button(_t("slack.button.retry", lang), ids.ACTION_RETRY, draft_id)))
    return {"text": truncate(sentence, _FALLBACK_CHARS), "blocks": blocks}


def usage_help(
    lang: str = "en",
    *,
    command: str = "/summarize",
    problem: Literal["missing_url", "invalid_url"] | None = None,
) -> Message:
    """How to use ``/summarize``; with ``problem`` it first says what was wrong."""
    usage = _t("slack.usage.text", lang, command=escape_mrkdwn(command))
    blocks: list[Block] = []
    if problem:
        blocks.append(_section(":warning: " + _t(f"slack.usage.{problem}", lang)))
    blocks.append(_section(usage))
    return {"text": _t(f"slack.usage.{problem}", lang) if problem else usage, "blocks": blocks}


def already_summarized(permalink: str | None, lang: str = "en") -> Message:
    """Reply for a link that already has a draft: point to its thread."""
    if permalink and is_web_url(permalink):
        text = _t(
            "slack.already.summarized",
            lang,
            link=link(permalink, _t("slack.already.thread_label", lang), max_url=BUTTON_URL_MAX),
        )
    else:
        text = _t("slack.already.summarized_no_link", lang)
    return {"text": text, "blocks": [_section(text)]}


# --- The draft message ------------------------------------------------------------------------


def draft_message(view: DraftView, lang: str = "en") -> Message:
    """The thread reply for a draft in any state; always within Slack's message limits."""
    message = _draft_message(view, lang, _BULLET_DISPLAY_CAPS[0])
    for cap in _BULLET_DISPLAY_CAPS[1:]:
        if message_text_size(message["blocks"]) <= MESSAGE_TEXT_BUDGET:
            break
        message = _draft_message(view, lang, cap)
    return message


def _draft_message(view: DraftView, lang: str, bullet_cap: int) -> Message:
    if view.state in ("queued", "working"):
        return progress_message(view.article, lang)
    blocks: list[Block] = []
    if view.heading.strip():
        blocks.append(_header(view.heading.strip()))
    blocks.append(_context(_article_line(view.article, lang)))

    state = view.state
    reviewing = state == "ready"
    shortened = False
    if reviewing and view.warnings:
        # The first thing an editor sees on a card with open flags, before the bullets.
        count = len(view.warnings)
        key = "slack.draft.open_flag" if count == 1 else "slack.draft.open_flags"
        blocks.append(_section(_t(key, lang, count=count)))
    if state == "ready" or state in APPROVED_STATES:
        shortened = _bullet_blocks(view, lang, bullet_cap, with_checks=reviewing, out=blocks)
        if view.disclaimer.strip():
            blocks.append(_context(escape_truncated(view.disclaimer.strip(), _DISCLAIMER_CHARS)))

    if reviewing:
        blocks.append(_context(*_provenance(view, lang, approved=False)))
        notes = []
        if view.requested_by:
            notes.append(_t("slack.draft.requested_by", lang, user=_user(view.requested_by, lang)))
        if view.edited_by:
            notes.append(_t("slack.draft.edited_by", lang, user=_user(view.edited_by, lang)))
        if shortened:
            notes.append(_t("slack.draft.shortened", lang))
        if notes:
            blocks.append(_context(*notes))
        # The review buttons name the revision shown: a click on an outdated card changes
        # nothing (bot.workflow.drafts refuses it and the card is redrawn).
        shown = ids.action_value(view.draft_id, view.revision)
        if view.correction:
            # A correction of a published summary: approve it as an update, or retract.
            blocks.append(_context(_t("slack.draft.correction", lang, revision=view.revision)))
            blocks.append(
                _actions(
                    _button(
                        _t("slack.button.approve_correction", lang),
                        ids.ACTION_APPROVE,
                        shown,
                        "primary",
                    ),
                    _button(_t("slack.button.edit", lang), ids.ACTION_EDIT, shown),
                    _retract_button(view, lang),
                )
            )
        else:
            blocks.append(
                _actions(
                    _button(
                        _t("slack.button.approve", lang),
                        ids.ACTION_APPROVE,
                        shown,
                        "primary",
                    ),
                    _button(_t("slack.button.edit", lang), ids.ACTION_EDIT, shown),
                    _button(_t("slack.button.regenerate", lang), ids.ACTION_REGENERATE, shown),
                    _button(_t("slack.button.reject", lang), ids.ACTION_REJECT, shown, "danger"),
                )
            )
    elif state in APPROVED_STATES:
        who = _user(view.approved_by, lang)
        approved = (
            _t("slack.draft.approved_by_at", lang, user=who, when=_when(view.approved_at))
            if view.approved_at
            else _t("slack.draft.approved_by", lang, user=who)
        )
        notes = [approved]
        if view.edited_by:
            notes.append(_t("slack.draft.edited_by", lang, user=_user(view.edited_by, lang)))
        blocks.append(_context(*notes))
        blocks.append(_context(*_provenance(view, lang, approved=True)))
        if view.publish_status:
            blocks.append(_context(status_text(view.publish_status, lang)))
        wants_retry = isinstance(view.publish_status, StatusView) and view.publish_status.retry
        buttons: list[Block] = []
        if state == "publish_failed" or wants_retry:
            buttons.append(
                _button(
                    _t("slack.button.retry_publish", lang),
                    ids.ACTION_RETRY_PUBLISH,
                    view.draft_id,
                    "primary",
                )
            )
        if state == "published":
            shown = ids.action_value(view.draft_id, view.revision)
            buttons.append(_button(_t("slack.button.edit", lang), ids.ACTION_EDIT, shown))
            buttons.append(_retract_button(view, lang))
        if buttons:
            blocks.append(_actions(*buttons))
    elif state == "regenerating":
        if view.regenerate_requested_by:
            text = _t(
                "slack.draft.regenerating_by", lang, user=_user(view.regenerate_requested_by, lang)
            )
        else:
            text = _t("slack.draft.regenerating", lang)
        blocks.append(_section(text))
    elif state == "rejected":
        who = _user(view.rejected_by, lang)
        reason = (view.reject_reason or "").strip()
        text = (
            _t(
                "slack.draft.rejected_reason",
                lang,
                user=who,
                reason=escape_truncated(reason, _REASON_CHARS),
            )
            if reason
            else _t("slack.draft.rejected_by", lang, user=who)
        )
        blocks.append(_section(text))
    elif state == "failed":
        failure = failure_message(view.error or ErrorView("internal"), lang, draft_id=view.draft_id)
        blocks.extend(failure["blocks"])
    elif state == "retracted":
        text = (
            _t("slack.draft.retracted_by", lang, user=_user(view.retracted_by, lang))
            if view.retracted_by
            else _t("slack.draft.retracted", lang)
        )
        blocks.append(_section(text))
        if view.publish_status:
            blocks.append(_context(status_text(view.publish_status, lang)))
        wants_retry = isinstance(view.publish_status, StatusView) and view.publish_status.retry
        if wants_retry:  # the CMS was not told yet: send the retraction again
            blocks.append(
                _actions(
                    _button(
                        _t("slack.button.retry_publish", lang),
                        ids.ACTION_RETRY_PUBLISH,
                        view.draft_id,
                        "primary",
                    )
                )
            )
    return {"text": _fallback("slack.draft.fallback", view.article, lang), "blocks": blocks}


def _bullet_blocks(
    view: DraftView, lang: str, cap: int, *, with_checks: bool, out: list[Block]
) -> bool:
    """Append one section per bullet (and its checks); True if any text was shortened."""
    shortened = False
    for index, bullet in enumerate(view.bullets[:MAX_BULLETS]):
        escaped = escape_mrkdwn(bullet.strip())
        shown = truncate(escaped, cap)
        shortened = shortened or shown != escaped
        out.append(_section("• " + shown))
        if with_checks:
            notes = _bullet_checks(view, index, lang)
            if notes:
                out.append(_context(*notes))
    shortened = shortened or len(view.bullets) > MAX_BULLETS
    if with_checks:
        general = [
            w
            for w in view.warnings
            if w.bullet_index is None or w.bullet_index >= len(view.bullets)
        ]
        if general:
            notes = [_warning_sentence(w, lang) for w in general[:_GENERAL_WARNINGS]]
            if len(general) > _GENERAL_WARNINGS:
                notes.append(
                    _t("slack.draft.more_warnings", lang, count=len(general) - _GENERAL_WARNINGS)
                )
            out.append(_context(*notes))
    return shortened


def _bullet_checks(view: DraftView, index: int, lang: str) -> list[str]:
    mine = [w for w in view.warnings if w.bullet_index == index]
    notes = [_warning_sentence(w, lang) for w in mine[:_WARNINGS_PER_BULLET]]
    if len(mine) > _WARNINGS_PER_BULLET:
        notes.append(_t("slack.draft.more_warnings", lang, count=len(mine) - _WARNINGS_PER_BULLET))
    if index < len(view.evidence):
        evidence = view.evidence[index]
        if evidence is None:
            notes.append(_t("slack.draft.no_evidence", lang))
        else:
            notes.append(
                _t(
                    "slack.draft.evidence",
                    lang,
                    sentence=escape_truncated(evidence.sentence.strip(), _EVIDENCE_CHARS),
                )
            )
    return notes


def _provenance(view: DraftView, lang: str, *, approved: bool) -> list[str]:
    if approved and view.ai_generated:
        label = _t("slack.draft.approved_ai_context", lang)
    elif view.ai_generated:
        label = _t("slack.draft.ai_context", lang)
    else:
        label = _t("slack.draft.extractive_context", lang)
    details = []
    if view.model and view.engine != "extractive":
        details.append(_t("slack.draft.model", lang, model=escape_truncated(view.model, 80)))
    if view.prompt_version:
        details.append(
            _t("slack.draft.prompt", lang, version=escape_mrkdwn(view.prompt_version[:12]))
        )
    if view.language:
        details.append(
            _t("slack.draft.language", lang, language=escape_truncated(view.language, 12))
        )
    if view.revision > 1:
        details.append(_t("slack.draft.revision", lang, revision=view.revision))
    return [label, " · ".join(details)] if details else [label]


# --- /summarize preview -----------------------------------------------------------------------


def summary_preview(view: DraftView, lang: str = "en") -> Message:
    """The ephemeral answer to ``/summarize``: the summary, Post for review, Dismiss."""
    blocks: list[Block] = [_context(_t("slack.preview.intro", lang))]
    if view.heading.strip():
        blocks.append(_header(view.heading.strip()))
    blocks.append(_context(_article_line(view.article, lang)))
    _bullet_blocks(view, lang, _BULLET_DISPLAY_CAPS[0], with_checks=False, out=blocks)
    if view.disclaimer.strip():
        blocks.append(_context(escape_truncated(view.disclaimer.strip(), _DISCLAIMER_CHARS)))
    blocks.append(_context(*_provenance(view, lang, approved=False)))
    blocks.append(
        _actions(
            _button(
                _t("slack.button.post_for_review", lang),
                ids.ACTION_POST_FOR_REVIEW,
                view.draft_id,
                "primary",
            ),
            _button(_t("slack.button.dismiss", lang), ids.ACTION_DISMISS, view.draft_id),
        )
    )
    return {"text": _fallback("slack.preview.fallback", view.article, lang), "blocks": blocks}


# --- Modals -----------------------------------------------------------------------------------


def _modal(
    *, callback_id: str, draft_id: str, title: str, submit: str, lang: str, blocks: list[Block]
) -> Block:
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": draft_id,
        "title": plain(truncate(title, MODAL_TITLE_MAX)),
        "submit": plain(truncate(submit, MODAL_BUTTON_MAX)),
        "close": plain(truncate(_t("slack.modal.cancel", lang), MODAL_BUTTON_MAX)),
        "blocks": blocks,
    }


def edit_modal(
    view: DraftView, lang: str = "en", *, min_bullets: int = 1, max_bullets: int = MAX_BULLETS
) -> Block:
    """The Edit modal: one multiline input, one bullet per line, prefilled with the current text."""
    blocks: list[Block] = [_context(_article_line(view.article, lang))]
    if view.warnings:
        notes = [_warning_sentence(w, lang) for w in view.warnings[:_MODAL_WARNINGS]]
        blocks.append(_context(_t("slack.edit.checks", lang), *notes))
    initial = truncate("\n".join(b.strip() for b in view.bullets), EDIT_TEXT_MAX)
    element: Block = {
        "type": "plain_text_input",
        "action_id": ids.INPUT_EDIT_BULLETS,
        "multiline": True,
        "min_length": 1,
        "max_length": EDIT_TEXT_MAX,
        "focus_on_load": True,
    }
    if initial:
        element["initial_value"] = initial
    blocks.append(
        {
            "type": "input",
            "block_id": ids.BLOCK_EDIT_BULLETS,
            "label": plain(_t("slack.edit.label", lang)),
            "hint": plain(_t("slack.edit.hint", lang, min=min_bullets, max=max_bullets)),
            "element": element,
        }
    )
    return _modal(
        callback_id=ids.CALLBACK_EDIT,
        draft_id=view.draft_id,
        title=_t("slack.edit.title", lang),
        submit=_t("slack.edit.submit", lang),
        lang=lang,
        blocks=blocks,
    )


def input_value(values: Mapping[str, Any], block_id: str, action_id: str) -> str | None:
    """The text of one input in ``view.state.values`` (``None`` when left empty)."""
    block = values.get(block_id)
    if not isinstance(block, Mapping):
        return None
    element = block.get(action_id)
    if not isinstance(element, Mapping):
        return None
    value = element.get("value")
    return value if isinstance(value, str) else None


def split_bullets(text: str) -> tuple[str, ...]:
    """One bullet per non-empty line, with any leading bullet mark or list number removed."""
    bullets = []
    for line in text.splitlines():
        cleaned = _BULLET_MARK.sub("", line).strip()
        if cleaned:
            bullets.append(cleaned)
    return tuple(bullets)


@dataclass(frozen=True, slots=True)
class EditSubmission:
    """The checked result of an Edit modal submission."""

    bullets: tuple[str, ...]
    errors: Mapping[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def response(self) -> dict[str, Any] | None:
        """The ``ack`` body that shows the errors inline, or ``None`` when all is well."""
        if self.ok:
            return None
        return {"response_action": "errors", "errors": dict(self.errors)}


def validate_edit_submission(
    values: Mapping[str, Any],
    lang: str = "en",
    *,
    min_bullets: int = 1,
    max_bullets: int = MAX_BULLETS,
) -> EditSubmission:
    """Check the Edit modal's text: not empty, within 3,000 characters, bullet count and length."""
    text = input_value(values, ids.BLOCK_EDIT_BULLETS, ids.INPUT_EDIT_BULLETS) or ""
    bullets = split_bullets(text)
    error: str | None = None
    if not bullets:
        error = _t("slack.edit.error.empty", lang)
    elif slack_len(text) > EDIT_TEXT_MAX:
        error = _t("slack.edit.error.too_long", lang, length=slack_len(text), limit=EDIT_TEXT_MAX)
    elif len(bullets) < min_bullets:
        error = _t("slack.edit.error.too_few", lang, min=min_bullets, count=len(bullets))
    elif len(bullets) > max_bullets:
        error = _t("slack.edit.error.too_many", lang, max=max_bullets, count=len(bullets))
    else:
        for number, bullet in enumerate(bullets, start=1):
            if slack_len(bullet) > BULLET_MAX_CHARS:
                error = _t(
                    "slack.edit.error.bullet_too_long",
                    lang,
                    number=number,
                    length=slack_len(bullet),
                    limit=BULLET_MAX_CHARS,
                )
                break
    if error:
        return EditSubmission(bullets=(), errors={ids.BLOCK_EDIT_BULLETS: error})
    return EditSubmission(bullets=bullets)


def regenerate_modal(draft_id: str, lang: str = "en", article: ArticleRef | None = None) -> Block:
    """Ask for a new version, with an optional instruction ("shorter", "more neutral")."""
    blocks: list[Block] = []
    if article is not None:
        blocks.append(_context(_article_line(article, lang)))
    blocks.append(_section(_t("slack.regenerate.intro", lang)))
    blocks.append(
        {
            "type": "input",
            "block_id": ids.BLOCK_REGENERATE_INSTRUCTION,
            "optional": True,
            "label": plain(_t("slack.regenerate.label", lang)),
            "element": {
                "type": "plain_text_input",
                "action_id": ids.INPUT_REGENERATE_INSTRUCTION,
                "max_length": _REGENERATE_INSTRUCTION_MAX,
                "placeholder": plain(
                    truncate(_t("slack.regenerate.placeholder", lang), PLACEHOLDER_MAX)
                ),
            },
        }
    )
    return _modal(
        callback_id=ids.CALLBACK_REGENERATE,
        draft_id=draft_id,
        title=_t("slack.regenerate.title", lang),
        submit=_t("slack.regenerate.submit", lang),
        lang=lang,
        blocks=blocks,
    )


def read_regenerate_instruction(values: Mapping[str, Any]) -> str | None:
    value = input_value(values, ids.BLOCK_REGENERATE_INSTRUCTION, ids.INPUT_REGENERATE_INSTRUCTION)
    return value.strip() or None if value else None


def reject_modal(draft_id: str, lang: str = "en", article: ArticleRef | None = None) -> Block:
    """Confirm a rejection, with an optional reason; this modal is the confirmation step."""
    blocks: list[Block] = []
    if article is not None:
        blocks.append(_context(_article_line(article, lang)))
    blocks.append(_section(_t("slack.reject.intro", lang)))
    blocks.append(
        {
            "type": "input",
            "block_id": ids.BLOCK_REJECT_REASON,
            "optional": True,
            "label": plain(_t("slack.reject.label", lang)),
            "element": {
                "type": "plain_text_input",
                "action_id": ids.INPUT_REJECT_REASON,
                "multiline": True,
                "max_length": _REJECT_REASON_MAX,
            },
        }
    )
    return _modal(
        callback_id=ids.CALLBACK_REJECT,
        draft_id=draft_id,
        title=_t("slack.reject.title", lang),
        submit=_t("slack.reject.submit", lang),
        lang=lang,
        blocks=blocks,
    )


def read_reject_reason(values: Mapping[str, Any]) -> str | None:
    value = input_value(values, ids.BLOCK_REJECT_REASON, ids.INPUT_REJECT_REASON)
    return value.strip() or None if value else None


# --- App Home ---------------------------------------------------------------------------------


def _epoch(moment: datetime | None) -> float:
    if moment is None:
        return float("inf")
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


def _home_item(item: HomeItem, key: str, lang: str, moment: datetime | None) -> Block:
    title = truncate(_title(item.article, lang), _TITLE_CHARS)
    if item.permalink and is_web_url(item.permalink):
        target = link(item.permalink, title, max_url=BUTTON_URL_MAX)
        target += " · " + link(item.article.url, _t("slack.home.article", lang), max_url=_URL_CHARS)
    else:
        target = link(item.article.url, title, max_url=_URL_CHARS)
    when = _when(moment) if moment else "—"
    return _section("• " + _t(key, lang, link=target, user=_user(item.user_id, lang), when=when))


def home_view(home: HomeView, lang: str = "en") -> Block:
    """The App Home tab: the review queue and recent approvals for editors, help for everyone."""
    blocks: list[Block] = [_header(_t("slack.home.title", lang))]
    if home.is_editor:
        pending = sorted(home.pending, key=lambda item: _epoch(item.created_at))
        total = max(home.pending_total or 0, len(pending))
        blocks.append(_section(_t("slack.home.pending", lang, count=total)))
        if not pending:
            blocks.append(_context(_t("slack.home.pending_empty", lang)))
        for item in pending[:_HOME_PENDING_MAX]:
            blocks.append(_home_item(item, "slack.home.pending_item", lang, item.created_at))
        shown = min(len(pending), _HOME_PENDING_MAX)
        if total > shown:
            blocks.append(_context(_t("slack.home.more", lang, count=total - shown)))
        blocks.append({"type": "divider"})
        approvals = sorted(home.recent_approvals, key=lambda item: -_epoch(item.at))
        blocks.append(_section(_t("slack.home.approvals", lang)))
        if not approvals:
            blocks.append(_context(_t("slack.home.approvals_empty", lang)))
        for item in approvals[:_HOME_APPROVALS_MAX]:
            blocks.append(_home_item(item, "slack.home.approval_item", lang, item.at))
        blocks.append({"type": "divider"})
    blocks.append(_section(_t("slack.home.help_title", lang)))
    blocks.append(_section(_t("slack.home.help_link", lang)))
    blocks.append(_section(_t("slack.home.help_command", lang)))
    blocks.append(_section(_t("slack.home.help_review", lang)))
    if not home.is_editor:
        blocks.append(_context(_t("slack.home.not_editor", lang)))
    return {"type": "home", "blocks": blocks}


# --- Validation -------------------------------------------------------------------------------


def message_text_size(blocks: Sequence[Mapping[str, Any]]) -> int:
    """The sum of all text-object texts, the measure of Slack's cumulative message limit."""
    total = 0
    stack: list[Any] = list(blocks)
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
                total += slack_len(node["text"])
            else:
                stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)
    return total


def _fail(path: str, problem: str) -> BlockKitError:
    return BlockKitError(f"{path}: {problem}")


def _check_len(value: Any, limit: int, path: str, *, minimum: int = 0) -> None:
    if not isinstance(value, str):
        raise _fail(path, "must be a string")
    length = slack_len(value)
    if length > limit:
        raise _fail(path, f"{length} characters, at most {limit} allowed")
    if length < minimum:
        raise _fail(path, f"must have at least {minimum} character(s)")


def _check_text(obj: Any, limit: int, path: str, *, plain_only: bool = False) -> None:
    if not isinstance(obj, Mapping):
        raise _fail(path, "must be a text object")
    kind = obj.get("type")
    if kind not in ("plain_text", "mrkdwn"):
        raise _fail(path, f"unknown text type {kind!r}")
    if plain_only and kind != "plain_text":
        raise _fail(path, "must be plain_text")
    _check_len(obj.get("text"), min(limit, TEXT_OBJECT_MAX), path + ".text", minimum=1)
    if "verbatim" in obj and kind != "mrkdwn":
        raise _fail(path, "verbatim is only for mrkdwn")
    if "emoji" in obj and kind != "plain_text":
        raise _fail(path, "emoji is only for plain_text")


def _check_confirm(obj: Any, path: str) -> None:
    if not isinstance(obj, Mapping):
        raise _fail(path, "must be a confirmation dialog object")
    _check_text(obj.get("title"), CONFIRM_TITLE_MAX, path + ".title", plain_only=True)
    _check_text(obj.get("text"), CONFIRM_TEXT_MAX, path + ".text")
    _check_text(obj.get("confirm"), CONFIRM_BUTTON_MAX, path + ".confirm", plain_only=True)
    _check_text(obj.get("deny"), CONFIRM_BUTTON_MAX, path + ".deny", plain_only=True)
    if obj.get("style", "primary") not in ("primary", "danger"):
        raise _fail(path + ".style", "must be primary or danger")


def _check_button(element: Mapping[str, Any], path: str) -> None:
    _check_text(element.get("text"), BUTTON_TEXT_MAX, path + ".text", plain_only=True)
    if "action_id" in element:
        _check_len(element["action_id"], ACTION_ID_MAX, path + ".action_id", minimum=1)
    if "value" in element:
        _check_len(element["value"], BUTTON_VALUE_MAX, path + ".value")
    if "url" in element:
        _check_len(element["url"], BUTTON_URL_MAX, path + ".url")
        if not is_web_url(element["url"]):
            raise _fail(path + ".url", "must be an http(s) URL")
    if element.get("style", "primary") not in ("primary", "danger"):
        raise _fail(path + ".style", "must be primary or danger")
    if "confirm" in element:
        _check_confirm(element["confirm"], path + ".confirm")
    if "accessibility_label" in element:
        _check_len(
            element["accessibility_label"], ACCESSIBILITY_LABEL_MAX, path + ".accessibility_label"
        )


def _check_text_input(element: Mapping[str, Any], path: str) -> None:
    if "action_id" in element:
        _check_len(element["action_id"], ACTION_ID_MAX, path + ".action_id", minimum=1)
    if "placeholder" in element:
        _check_text(element["placeholder"], PLACEHOLDER_MAX, path + ".placeholder", plain_only=True)
    minimum = element.get("min_length", 0)
    maximum = element.get("max_length", INPUT_LENGTH_MAX)
    if not (isinstance(minimum, int) and 0 <= minimum <= INPUT_LENGTH_MAX):
        raise _fail(path + ".min_length", f"must be 0..{INPUT_LENGTH_MAX}")
    if not (isinstance(maximum, int) and 1 <= maximum <= INPUT_LENGTH_MAX):
        raise _fail(path + ".max_length", f"must be 1..{INPUT_LENGTH_MAX}")
    if minimum > maximum:
        raise _fail(path, "min_length is greater than max_length")
    if "initial_value" in element:
        _check_len(element["initial_value"], maximum, path + ".initial_value")


def _check_element(element: Any, path: str, *, in_input: bool = False) -> str | None:
    """Validate an interactive element; return its action_id, if any."""
    if not isinstance(element, Mapping):
        raise _fail(path, "must be an element object")
    kind = element.get("type")
    if kind == "button" and not in_input:
        _check_button(element, path)
    elif kind == "plain_text_input" and in_input:
        _check_text_input(element, path)
    else:
        raise _fail(path, f"element type {kind!r} is not supported here")
    action_id = element.get("action_id")
    return action_id if isinstance(action_id, str) else None


def _check_block(block: Any, surface: Surface, path: str) -> None:
    if not isinstance(block, Mapping):
        raise _fail(path, "must be a block object")
    kind = block.get("type")
    if kind == "section":
        if "text" not in block and "fields" not in block:
            raise _fail(path, "needs text or fields")
        if "text" in block:
            _check_text(block["text"], SECTION_TEXT_MAX, path + ".text")
        if "fields" in block:
            fields = block["fields"]
            if not isinstance(fields, list) or not 1 <= len(fields) <= SECTION_FIELDS_MAX:
                raise _fail(path + ".fields", f"needs 1..{SECTION_FIELDS_MAX} items")
            for i, item in enumerate(fields):
                _check_text(item, SECTION_FIELD_TEXT_MAX, f"{path}.fields[{i}]")
        if "accessory" in block:
            _check_element(block["accessory"], path + ".accessory")
    elif kind == "header":
        _check_text(block.get("text"), HEADER_TEXT_MAX, path + ".text", plain_only=True)
    elif kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= CONTEXT_ELEMENTS_MAX:
            raise _fail(path + ".elements", f"needs 1..{CONTEXT_ELEMENTS_MAX} items")
        for i, item in enumerate(elements):
            _check_text(item, TEXT_OBJECT_MAX, f"{path}.elements[{i}]")
    elif kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= ACTIONS_ELEMENTS_MAX:
            raise _fail(path + ".elements", f"needs 1..{ACTIONS_ELEMENTS_MAX} items")
        seen: set[str] = set()
        for i, item in enumerate(elements):
            action_id = _check_element(item, f"{path}.elements[{i}]")
            if action_id is not None:
                if action_id in seen:
                    raise _fail(
                        f"{path}.elements[{i}].action_id", f"{action_id!r} repeats in the block"
                    )
                seen.add(action_id)
    elif kind == "input":
        if surface == "message":
            raise _fail(path, "input blocks belong in modals")
        _check_text(block.get("label"), INPUT_LABEL_MAX, path + ".label", plain_only=True)
        if "hint" in block:
            _check_text(block["hint"], INPUT_HINT_MAX, path + ".hint", plain_only=True)
        _check_element(block.get("element"), path + ".element", in_input=True)
    elif kind != "divider":
        raise _fail(path, f"block type {kind!r} is not supported")


def validate_blocks(blocks: Sequence[Mapping[str, Any]], surface: Surface) -> None:
    """Raise :class:`BlockKitError` if ``blocks`` break a Slack limit for ``surface``."""
    if surface not in MAX_BLOCKS:
        raise ValueError(f"unknown surface {surface!r}")
    if not isinstance(blocks, list | tuple):
        raise _fail("blocks", "must be a list")
    if len(blocks) > MAX_BLOCKS[surface]:
        raise _fail("blocks", f"{len(blocks)} blocks, at most {MAX_BLOCKS[surface]} in a {surface}")
    block_ids: set[str] = set()
    for i, block in enumerate(blocks):
        path = f"blocks[{i}]"
        _check_block(block, surface, path)
        if "block_id" in block:
            block_id = block["block_id"]
            _check_len(block_id, BLOCK_ID_MAX, path + ".block_id", minimum=1)
            if block_id in block_ids:
                raise _fail(path + ".block_id", f"{block_id!r} repeats")
            block_ids.add(block_id)
    if surface == "message":
        size = message_text_size(blocks)
        if size > MESSAGE_TEXT_BUDGET:
            raise MessageTooLong(
                f"blocks: {size} characters of text, at most {MESSAGE_TEXT_BUDGET} in a message"
            )


def validate_message(message: Mapping[str, Any]) -> None:
    """Validate a message body: its blocks, and a fallback text that notifications can show."""
    _check_len(message.get("text"), FALLBACK_TEXT_MAX, "text", minimum=1)
    validate_blocks(message.get("blocks", []), "message")


def validate_view(view: Mapping[str, Any]) -> None:
    """Validate a modal or Home tab view object (views.open / update / push / publish)."""
    kind = view.get("type")
    if kind not in ("modal", "home"):
        raise _fail("type", "must be modal or home")
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        raise _fail("blocks", "must be a list")
    validate_blocks(blocks, kind)
    if "private_metadata" in view:
        _check_len(view["private_metadata"], PRIVATE_METADATA_MAX, "private_metadata")
    if "callback_id" in view:
        _check_len(view["callback_id"], CALLBACK_ID_MAX, "callback_id")
    if kind == "modal":
        _check_text(view.get("title"), MODAL_TITLE_MAX, "title", plain_only=True)
        for name in ("submit", "close"):
            if name in view:
                _check_text(view[name], MODAL_BUTTON_MAX, name, plain_only=True)
        if "submit" not in view and any(b.get("type") == "input" for b in blocks):
            raise _fail("submit", "is required when the modal has input blocks")
    size = len(json.dumps(view, ensure_ascii=False).encode("utf-8"))
    if size > VIEW_BYTES_MAX:
        raise _fail("view", f"{size} bytes, at most {VIEW_BYTES_MAX}")
