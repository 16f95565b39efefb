"""Identifiers shared by the Block Kit builders and the Bolt listeners.

Buttons carry ids only in ``value``: the draft id, and for the review buttons (Approve, Edit,
Regenerate, Reject, Retract) the revision they were rendered for, as ``<draft id>:<revision>``
(:func:`action_value`); the ``action_id`` says what to do with it. Modals carry the draft id,
the revision and where they were opened in ``private_metadata``
(``bot.slack.mapping.modal_metadata``); ``callback_id`` names the modal and
``block_id``/``action_id`` pairs locate each input in ``view.state.values``.
"""

from __future__ import annotations

from typing import Final, NamedTuple

VALUE_SEPARATOR: Final = ":"


class ActionValue(NamedTuple):
    """A button's ``value``: the draft, and the revision the button was rendered for
    (None for buttons that act on no text, and for cards rendered before revisions were
    named: those review actions are refused as stale)."""

    draft_id: str
    revision: int | None = None


def action_value(draft_id: str, revision: int | None = None) -> str:
    """``<draft id>:<revision>`` (draft ids are letters and digits only), or the draft id."""
    return draft_id if revision is None else f"{draft_id}{VALUE_SEPARATOR}{revision}"


def parse_action_value(value: str) -> ActionValue:
    draft_id, _, revision = value.partition(VALUE_SEPARATOR)
    # str.isdigit() also accepts "²" and other digits int() refuses: ASCII digits only.
    ok = revision.isascii() and revision.isdigit()
    return ActionValue(draft_id, int(revision) if ok else None)


# --- Buttons on the draft message (value: action_value) ---------------------------------------
ACTION_APPROVE: Final = "draft_approve"
ACTION_EDIT: Final = "draft_edit"
ACTION_REGENERATE: Final = "draft_regenerate"
ACTION_REJECT: Final = "draft_reject"
ACTION_RETRY: Final = "draft_retry"  # summarizing failed; try fetch + summarize again
ACTION_RETRY_PUBLISH: Final = "draft_retry_publish"  # the webhook refused; deliver again
ACTION_RETRACT: Final = "draft_retract"  # take an approved summary back (summary.retracted)

# --- Buttons on the /summarize ephemeral preview (value: draft id) ----------------------------
ACTION_POST_FOR_REVIEW: Final = "summary_post_for_review"
ACTION_DISMISS: Final = "summary_dismiss"

DRAFT_ACTIONS: Final = (
    ACTION_APPROVE,
    ACTION_EDIT,
    ACTION_REGENERATE,
    ACTION_REJECT,
    ACTION_RETRY,
    ACTION_RETRY_PUBLISH,
    ACTION_RETRACT,
)
PREVIEW_ACTIONS: Final = (ACTION_POST_FOR_REVIEW, ACTION_DISMISS)

# --- Modals (private_metadata: mapping.modal_metadata) ---------------------------------------
CALLBACK_EDIT: Final = "draft_edit_modal"
CALLBACK_REGENERATE: Final = "draft_regenerate_modal"
CALLBACK_REJECT: Final = "draft_reject_modal"

BLOCK_EDIT_BULLETS: Final = "edit_bullets"
INPUT_EDIT_BULLETS: Final = "bullets"
# One input per output field: block "edit_field_<name>", action "field".
BLOCK_EDIT_FIELD_PREFIX: Final = "edit_field_"
INPUT_EDIT_FIELD: Final = "field"
BLOCK_REGENERATE_INSTRUCTION: Final = "regenerate_instruction"
INPUT_REGENERATE_INSTRUCTION: Final = "instruction"
BLOCK_REJECT_REASON: Final = "reject_reason"
INPUT_REJECT_REASON: Final = "reason"

# --- Progress signal --------------------------------------------------------------------------
# Added to the reporter's message at once (reactions.add), removed when the draft is posted.
PROGRESS_REACTION: Final = "hourglass_flowing_sand"
