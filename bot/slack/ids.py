"""Identifiers shared by the Block Kit builders and the Bolt listeners.

Buttons carry only a draft id in ``value``; the ``action_id`` says what to do with it.
Modals carry only the draft id in ``private_metadata``; ``callback_id`` names the modal and
``block_id``/``action_id`` pairs locate each input in ``view.state.values``.
"""

from __future__ import annotations

from typing import Final

# --- Buttons on the draft message (value: draft id) -------------------------------------------
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

# --- Modals (private_metadata: draft id) ------------------------------------------------------
CALLBACK_EDIT: Final = "draft_edit_modal"
CALLBACK_REGENERATE: Final = "draft_regenerate_modal"
CALLBACK_REJECT: Final = "draft_reject_modal"

BLOCK_EDIT_BULLETS: Final = "edit_bullets"
INPUT_EDIT_BULLETS: Final = "bullets"
BLOCK_REGENERATE_INSTRUCTION: Final = "regenerate_instruction"
INPUT_REGENERATE_INSTRUCTION: Final = "instruction"
BLOCK_REJECT_REASON: Final = "reject_reason"
INPUT_REJECT_REASON: Final = "reason"

# --- Progress signal --------------------------------------------------------------------------
# Added to the reporter's message at once (reactions.add), removed when the draft is posted.
PROGRESS_REACTION: Final = "hourglass_flowing_sand"
