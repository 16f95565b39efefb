"""The modals: Edit (and reading its submission), Regenerate with an instruction, Reject with a
reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from bot.slack import ids
from bot.slack.blocks.common import (
    Block,
    article_line,
    context_block,
    plain,
    section_block,
    text_for,
    warning_sentence,
)
from bot.slack.blocks.limits import (
    BULLET_MAX_CHARS,
    EDIT_TEXT_MAX,
    INPUT_LENGTH_MAX,
    MAX_BULLETS,
    MODAL_BUTTON_MAX,
    MODAL_TITLE_MAX,
    PLACEHOLDER_MAX,
)
from bot.slack.escape import slack_len, truncate
from bot.slack.views import ArticleRef, DraftView

_REGENERATE_INSTRUCTION_MAX: Final = 300
_REJECT_REASON_MAX: Final = 500
_MODAL_WARNINGS: Final = 5

_BULLET_MARK = re.compile(r"^\s*(?:[-*•·–—▪●◦]|\d{1,2}[.)])\s+")


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
        "close": plain(truncate(text_for("slack.modal.cancel", lang), MODAL_BUTTON_MAX)),
        "blocks": blocks,
    }


# A field whose limit is above this gets a multiline input (a teaser, a social post).
_MULTILINE_FROM: Final = 150


def field_input_max(limit: int) -> int:
    """The ``max_length`` of a field's input: its limit, capped at Slack's 3,000 for a
    plain_text_input (``INPUT_LENGTH_MAX``); a longer limit is also held server-side by
    :func:`validate_edit_submission`, with a sentence under the input."""
    return min(limit, INPUT_LENGTH_MAX)


def field_block_id(name: str) -> str:
    return ids.BLOCK_EDIT_FIELD_PREFIX + name


def _field_input(name: str, limit: int, text: str, lang: str) -> Block:
    cap = field_input_max(limit)
    element: Block = {
        "type": "plain_text_input",
        "action_id": ids.INPUT_EDIT_FIELD,
        "multiline": limit > _MULTILINE_FROM,
        "max_length": cap,
    }
    initial = text.strip()[:cap]
    if initial:
        element["initial_value"] = initial
    return {
        "type": "input",
        "block_id": field_block_id(name),
        "optional": True,
        "label": plain(text_for(f"field.{name}", lang)),
        "hint": plain(text_for("slack.edit.field_hint", lang, limit=cap)),
        "element": element,
    }


def edit_modal(
    view: DraftView,
    lang: str = "en",
    *,
    min_bullets: int = 1,
    max_bullets: int = MAX_BULLETS,
    fields: Sequence[tuple[str, int]] = (),
) -> Block:
    """The Edit modal: one multiline input, one bullet per line, prefilled with the current
    text; then one input per output field of ``fields`` ((name, character limit), the house
    style's), prefilled with the field's current text."""
    blocks: list[Block] = [context_block(article_line(view.article, lang))]
    if view.warnings:
        notes = [warning_sentence(w, lang) for w in view.warnings[:_MODAL_WARNINGS]]
        blocks.append(context_block(text_for("slack.edit.checks", lang), *notes))
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
            "label": plain(text_for("slack.edit.label", lang)),
            "hint": plain(text_for("slack.edit.hint", lang, min=min_bullets, max=max_bullets)),
            "element": element,
        }
    )
    current = dict(view.fields)
    for name, limit in fields:
        blocks.append(_field_input(name, limit, current.get(name, ""), lang))
    return _modal(
        callback_id=ids.CALLBACK_EDIT,
        draft_id=view.draft_id,
        title=text_for("slack.edit.title", lang),
        submit=text_for("slack.edit.submit", lang),
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
    # The output fields the modal offered: name → text ("" when emptied: left out).
    fields: Mapping[str, str] = field(default_factory=dict)

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
    fields: Sequence[tuple[str, int]] = (),
) -> EditSubmission:
    """Check the Edit modal's text: not empty, within 3,000 characters, bullet count and length;
    and each output field of ``fields`` that the modal had within its limit (a field it did
    not have, e.g. one configured after it was opened, is not touched)."""
    text = input_value(values, ids.BLOCK_EDIT_BULLETS, ids.INPUT_EDIT_BULLETS) or ""
    bullets = split_bullets(text)
    error: str | None = None
    if not bullets:
        error = text_for("slack.edit.error.empty", lang)
    elif slack_len(text) > EDIT_TEXT_MAX:
        error = text_for(
            "slack.edit.error.too_long", lang, length=slack_len(text), limit=EDIT_TEXT_MAX
        )
    elif len(bullets) < min_bullets:
        error = text_for("slack.edit.error.too_few", lang, min=min_bullets, count=len(bullets))
    elif len(bullets) > max_bullets:
        error = text_for("slack.edit.error.too_many", lang, max=max_bullets, count=len(bullets))
    else:
        for number, bullet in enumerate(bullets, start=1):
            if slack_len(bullet) > BULLET_MAX_CHARS:
                error = text_for(
                    "slack.edit.error.bullet_too_long",
                    lang,
                    number=number,
                    length=slack_len(bullet),
                    limit=BULLET_MAX_CHARS,
                )
                break
    errors = {ids.BLOCK_EDIT_BULLETS: error} if error else {}
    texts: dict[str, str] = {}
    for name, limit in fields:
        block_id = field_block_id(name)
        if block_id not in values:
            continue
        text = " ".join((input_value(values, block_id, ids.INPUT_EDIT_FIELD) or "").split())
        cap = field_input_max(limit)
        if len(text) > cap:
            errors[block_id] = text_for(
                "slack.edit.error.field_too_long", lang, length=len(text), limit=cap
            )
        texts[name] = text
    if errors:
        return EditSubmission(bullets=(), errors=errors)
    return EditSubmission(bullets=bullets, fields=texts)


def regenerate_modal(draft_id: str, lang: str = "en", article: ArticleRef | None = None) -> Block:
    """Ask for a new version, with an optional instruction ("shorter", "more neutral")."""
    blocks: list[Block] = []
    if article is not None:
        blocks.append(context_block(article_line(article, lang)))
    blocks.append(section_block(text_for("slack.regenerate.intro", lang)))
    blocks.append(
        {
            "type": "input",
            "block_id": ids.BLOCK_REGENERATE_INSTRUCTION,
            "optional": True,
            "label": plain(text_for("slack.regenerate.label", lang)),
            "element": {
                "type": "plain_text_input",
                "action_id": ids.INPUT_REGENERATE_INSTRUCTION,
                "max_length": _REGENERATE_INSTRUCTION_MAX,
                "placeholder": plain(
                    truncate(text_for("slack.regenerate.placeholder", lang), PLACEHOLDER_MAX)
                ),
            },
        }
    )
    return _modal(
        callback_id=ids.CALLBACK_REGENERATE,
        draft_id=draft_id,
        title=text_for("slack.regenerate.title", lang),
        submit=text_for("slack.regenerate.submit", lang),
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
        blocks.append(context_block(article_line(article, lang)))
    blocks.append(section_block(text_for("slack.reject.intro", lang)))
    blocks.append(
        {
            "type": "input",
            "block_id": ids.BLOCK_REJECT_REASON,
            "optional": True,
            "label": plain(text_for("slack.reject.label", lang)),
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
        title=text_for("slack.reject.title", lang),
        submit=text_for("slack.reject.submit", lang),
        lang=lang,
        blocks=blocks,
    )


def read_reject_reason(values: Mapping[str, Any]) -> str | None:
    value = input_value(values, ids.BLOCK_REJECT_REASON, ids.INPUT_REJECT_REASON)
    return value.strip() or None if value else None
