"""The draft card (:func:`draft_message`): article line, bullets with their checks and evidence,
provenance, status and the review buttons; and the ``/summarize`` preview.
"""

from __future__ import annotations

from typing import Final

from bot.slack import ids
from bot.slack.blocks.common import (
    Block,
    Message,
    actions_block,
    article_line,
    button_element,
    context_block,
    date_token,
    fallback_text,
    header_block,
    retract_button,
    section_block,
    status_text,
    text_for,
    user_text,
    warning_sentence,
)
from bot.slack.blocks.limits import MAX_BULLETS, MESSAGE_TEXT_BUDGET
from bot.slack.blocks.messages import failure_message, progress_message
from bot.slack.blocks.validate import message_text_size
from bot.slack.escape import escape_mrkdwn, escape_truncated, truncate
from bot.slack.views import APPROVED_STATES, CheckWarning, DraftView, ErrorView, StatusView

_BULLET_DISPLAY_CAPS: Final = (900, 600, 400, 250)
_EVIDENCE_CHARS: Final = 200
_WARNINGS_PER_BULLET: Final = 2
_GENERAL_WARNINGS: Final = 3
_DISCLAIMER_CHARS: Final = 300
_REASON_CHARS: Final = 500


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
        blocks.append(header_block(view.heading.strip()))
    blocks.append(context_block(article_line(view.article, lang)))

    state = view.state
    reviewing = state == "ready"
    shortened = False
    if reviewing and view.warnings:
        # The first thing an editor sees on a card with open flags, before the bullets.
        count = len(view.warnings)
        key = "slack.draft.open_flag" if count == 1 else "slack.draft.open_flags"
        blocks.append(section_block(text_for(key, lang, count=count)))
    if state == "ready" or state in APPROVED_STATES:
        shortened = _bullet_blocks(view, lang, bullet_cap, with_checks=reviewing, out=blocks)
        if view.disclaimer.strip():
            blocks.append(
                context_block(escape_truncated(view.disclaimer.strip(), _DISCLAIMER_CHARS))
            )

    if reviewing:
        blocks.append(context_block(*_provenance(view, lang, approved=False)))
        notes = []
        if view.requested_by:
            notes.append(
                text_for("slack.draft.requested_by", lang, user=user_text(view.requested_by, lang))
            )
        if view.edited_by:
            notes.append(
                text_for("slack.draft.edited_by", lang, user=user_text(view.edited_by, lang))
            )
        if shortened:
            notes.append(text_for("slack.draft.shortened", lang))
        if notes:
            blocks.append(context_block(*notes))
        # The review buttons name the revision shown: a click on an outdated card changes
        # nothing (bot.workflow.drafts refuses it and the card is redrawn).
        shown = ids.action_value(view.draft_id, view.revision)
        if view.correction:
            # A correction of a published summary: approve it as an update, or retract.
            blocks.append(
                context_block(text_for("slack.draft.correction", lang, revision=view.revision))
            )
            blocks.append(
                actions_block(
                    button_element(
                        text_for("slack.button.approve_correction", lang),
                        ids.ACTION_APPROVE,
                        shown,
                        "primary",
                    ),
                    button_element(text_for("slack.button.edit", lang), ids.ACTION_EDIT, shown),
                    retract_button(view, lang),
                )
            )
        else:
            blocks.append(
                actions_block(
                    button_element(
                        text_for("slack.button.approve", lang),
                        ids.ACTION_APPROVE,
                        shown,
                        "primary",
                    ),
                    button_element(text_for("slack.button.edit", lang), ids.ACTION_EDIT, shown),
                    button_element(
                        text_for("slack.button.regenerate", lang), ids.ACTION_REGENERATE, shown
                    ),
                    button_element(
                        text_for("slack.button.reject", lang), ids.ACTION_REJECT, shown, "danger"
                    ),
                )
            )
    elif state in APPROVED_STATES:
        who = user_text(view.approved_by, lang)
        approved = (
            text_for(
                "slack.draft.approved_by_at", lang, user=who, when=date_token(view.approved_at)
            )
            if view.approved_at
            else text_for("slack.draft.approved_by", lang, user=who)
        )
        notes = [approved]
        if view.edited_by:
            notes.append(
                text_for("slack.draft.edited_by", lang, user=user_text(view.edited_by, lang))
            )
        blocks.append(context_block(*notes))
        blocks.append(context_block(*_provenance(view, lang, approved=True)))
        if view.publish_status:
            blocks.append(context_block(status_text(view.publish_status, lang)))
        wants_retry = isinstance(view.publish_status, StatusView) and view.publish_status.retry
        buttons: list[Block] = []
        if state == "publish_failed" or wants_retry:
            buttons.append(
                button_element(
                    text_for("slack.button.retry_publish", lang),
                    ids.ACTION_RETRY_PUBLISH,
                    view.draft_id,
                    "primary",
                )
            )
        if state == "published":
            shown = ids.action_value(view.draft_id, view.revision)
            buttons.append(
                button_element(text_for("slack.button.edit", lang), ids.ACTION_EDIT, shown)
            )
            buttons.append(retract_button(view, lang))
        if buttons:
            blocks.append(actions_block(*buttons))
    elif state == "regenerating":
        if view.regenerate_requested_by:
            text = text_for(
                "slack.draft.regenerating_by",
                lang,
                user=user_text(view.regenerate_requested_by, lang),
            )
        else:
            text = text_for("slack.draft.regenerating", lang)
        blocks.append(section_block(text))
    elif state == "rejected":
        who = user_text(view.rejected_by, lang)
        reason = (view.reject_reason or "").strip()
        text = (
            text_for(
                "slack.draft.rejected_reason",
                lang,
                user=who,
                reason=escape_truncated(reason, _REASON_CHARS),
            )
            if reason
            else text_for("slack.draft.rejected_by", lang, user=who)
        )
        blocks.append(section_block(text))
    elif state == "failed":
        failure = failure_message(view.error or ErrorView("internal"), lang, draft_id=view.draft_id)
        blocks.extend(failure["blocks"])
    elif state == "retracted":
        text = (
            text_for("slack.draft.retracted_by", lang, user=user_text(view.retracted_by, lang))
            if view.retracted_by
            else text_for("slack.draft.retracted", lang)
        )
        blocks.append(section_block(text))
        if view.publish_status:
            blocks.append(context_block(status_text(view.publish_status, lang)))
        wants_retry = isinstance(view.publish_status, StatusView) and view.publish_status.retry
        if wants_retry:  # the CMS was not told yet: send the retraction again
            blocks.append(
                actions_block(
                    button_element(
                        text_for("slack.button.retry_publish", lang),
                        ids.ACTION_RETRY_PUBLISH,
                        view.draft_id,
                        "primary",
                    )
                )
            )
    return {"text": fallback_text("slack.draft.fallback", view.article, lang), "blocks": blocks}


def _bullet_blocks(
    view: DraftView, lang: str, cap: int, *, with_checks: bool, out: list[Block]
) -> bool:
    """Append one section per bullet (and its checks); True if any text was shortened."""
    shortened = False
    for index, bullet in enumerate(view.bullets[:MAX_BULLETS]):
        escaped = escape_mrkdwn(bullet.strip())
        shown = truncate(escaped, cap)
        shortened = shortened or shown != escaped
        out.append(section_block("• " + shown))
        if with_checks:
            notes = _bullet_checks(view, index, lang)
            if notes:
                out.append(context_block(*notes))
    shortened = shortened or len(view.bullets) > MAX_BULLETS
    shown_fields = {name for name, _ in view.fields}
    for name, text in view.fields:
        escaped = escape_mrkdwn(text.strip())
        shown = truncate(escaped, cap)
        shortened = shortened or shown != escaped
        label = escape_mrkdwn(text_for(f"field.{name}", lang))
        out.append(section_block(text_for("slack.draft.field", lang, label=label, text=shown)))
        if with_checks:
            notes = _field_checks(view, name, lang)
            if notes:
                out.append(context_block(*notes))
    if with_checks:
        general = [
            w
            for w in view.warnings
            if (
                w.field_name is None
                and (w.bullet_index is None or w.bullet_index >= len(view.bullets))
            )
            or (w.field_name is not None and w.field_name not in shown_fields)
        ]
        if general:
            notes = [_general_warning(w, lang) for w in general[:_GENERAL_WARNINGS]]
            if len(general) > _GENERAL_WARNINGS:
                notes.append(
                    text_for(
                        "slack.draft.more_warnings", lang, count=len(general) - _GENERAL_WARNINGS
                    )
                )
            out.append(context_block(*notes))
    return shortened


def _general_warning(warning: CheckWarning, lang: str) -> str:
    """A warning under the whole draft; one about a field not shown (missing) names it."""
    sentence = warning_sentence(warning, lang)
    if warning.field_name is None:
        return sentence
    label = escape_mrkdwn(text_for(f"field.{warning.field_name}", lang))
    return sentence.replace(":warning: ", f":warning: *{label}:* ", 1)


def _field_checks(view: DraftView, name: str, lang: str) -> list[str]:
    mine = [w for w in view.warnings if w.field_name == name]
    notes = [warning_sentence(w, lang) for w in mine[:_WARNINGS_PER_BULLET]]
    if len(mine) > _WARNINGS_PER_BULLET:
        notes.append(
            text_for("slack.draft.more_warnings", lang, count=len(mine) - _WARNINGS_PER_BULLET)
        )
    return notes


def _bullet_checks(view: DraftView, index: int, lang: str) -> list[str]:
    mine = [w for w in view.warnings if w.bullet_index == index and w.field_name is None]
    notes = [warning_sentence(w, lang) for w in mine[:_WARNINGS_PER_BULLET]]
    if len(mine) > _WARNINGS_PER_BULLET:
        notes.append(
            text_for("slack.draft.more_warnings", lang, count=len(mine) - _WARNINGS_PER_BULLET)
        )
    if index < len(view.evidence):
        evidence = view.evidence[index]
        if evidence is None:
            notes.append(text_for("slack.draft.no_evidence", lang))
        else:
            notes.append(
                text_for(
                    "slack.draft.evidence",
                    lang,
                    sentence=escape_truncated(evidence.sentence.strip(), _EVIDENCE_CHARS),
                )
            )
    return notes


def _provenance(view: DraftView, lang: str, *, approved: bool) -> list[str]:
    if approved and view.ai_generated:
        label = text_for("slack.draft.approved_ai_context", lang)
    elif view.ai_generated:
        label = text_for("slack.draft.ai_context", lang)
    else:
        label = text_for("slack.draft.extractive_context", lang)
    details = []
    if view.model and view.engine != "extractive":
        details.append(text_for("slack.draft.model", lang, model=escape_truncated(view.model, 80)))
    if view.prompt_version:
        details.append(
            text_for("slack.draft.prompt", lang, version=escape_mrkdwn(view.prompt_version[:12]))
        )
    if view.language:
        details.append(
            text_for("slack.draft.language", lang, language=escape_truncated(view.language, 12))
        )
    if view.revision > 1:
        details.append(text_for("slack.draft.revision", lang, revision=view.revision))
    return [label, " · ".join(details)] if details else [label]


# --- /summarize preview -----------------------------------------------------------------------


def summary_preview(view: DraftView, lang: str = "en") -> Message:
    """The ephemeral answer to ``/summarize``: the summary, Post for review, Dismiss."""
    blocks: list[Block] = [context_block(text_for("slack.preview.intro", lang))]
    if view.heading.strip():
        blocks.append(header_block(view.heading.strip()))
    blocks.append(context_block(article_line(view.article, lang)))
    _bullet_blocks(view, lang, _BULLET_DISPLAY_CAPS[0], with_checks=False, out=blocks)
    if view.disclaimer.strip():
        blocks.append(context_block(escape_truncated(view.disclaimer.strip(), _DISCLAIMER_CHARS)))
    blocks.append(context_block(*_provenance(view, lang, approved=False)))
    blocks.append(
        actions_block(
            button_element(
                text_for("slack.button.post_for_review", lang),
                ids.ACTION_POST_FOR_REVIEW,
                view.draft_id,
                "primary",
            ),
            button_element(
                text_for("slack.button.dismiss", lang), ids.ACTION_DISMISS, view.draft_id
            ),
        )
    )
    return {"text": fallback_text("slack.preview.fallback", view.article, lang), "blocks": blocks}
