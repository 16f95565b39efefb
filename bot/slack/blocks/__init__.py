"""Pure Block Kit builders for every Slack surface of the bot, and a validator for Slack's limits.

Builders take plain values from :mod:`bot.slack.views` and a language, take every word from
``bot/i18n/slack.py`` (errors from ``error.<code>``), escape all article and model text
(:mod:`bot.slack.escape`) and return JSON-ready dicts. Messages come back as
``{"text": fallback, "blocks": [...]}``; post them with :data:`NO_UNFURL`. Buttons carry ids
only: the draft id, and for review actions the revision shown (:func:`bot.slack.ids.action_value`);
the listeners put the same into a modal's ``private_metadata``. :func:`validate_blocks` and
:func:`validate_view` raise :class:`BlockKitError` on anything Slack would refuse.

- :mod:`.card`: the draft card and the ``/summarize`` preview.
- :mod:`.modals`: Edit, Regenerate and Reject.
- :mod:`.home`: App Home.
- :mod:`.messages`: progress, failure and short replies (in the thread or ephemeral).
- :mod:`.validate` and :mod:`.limits`: Slack's limits and the validator.
- :mod:`.common`: the words and small constructors they share.
"""

from bot.slack.blocks.card import draft_message, summary_preview
from bot.slack.blocks.common import (
    NO_UNFURL,
    Block,
    Message,
    Surface,
    error_sentence,
    mrkdwn,
    plain,
    status_text,
)
from bot.slack.blocks.home import home_view
from bot.slack.blocks.limits import (
    ACCESSIBILITY_LABEL_MAX,
    ACTION_ID_MAX,
    ACTIONS_ELEMENTS_MAX,
    BLOCK_ID_MAX,
    BULLET_MAX_CHARS,
    BUTTON_TEXT_MAX,
    BUTTON_URL_MAX,
    BUTTON_VALUE_MAX,
    CALLBACK_ID_MAX,
    CONFIRM_BUTTON_MAX,
    CONFIRM_TEXT_MAX,
    CONFIRM_TITLE_MAX,
    CONTEXT_ELEMENTS_MAX,
    EDIT_TEXT_MAX,
    FALLBACK_TEXT_MAX,
    HEADER_TEXT_MAX,
    INPUT_HINT_MAX,
    INPUT_LABEL_MAX,
    INPUT_LENGTH_MAX,
    MAX_BLOCKS,
    MAX_BULLETS,
    MESSAGE_TEXT_BUDGET,
    MODAL_BUTTON_MAX,
    MODAL_TITLE_MAX,
    PLACEHOLDER_MAX,
    PRIVATE_METADATA_MAX,
    SECTION_FIELD_TEXT_MAX,
    SECTION_FIELDS_MAX,
    SECTION_TEXT_MAX,
    TEXT_OBJECT_MAX,
    VIEW_BYTES_MAX,
    BlockKitError,
    MessageTooLong,
)
from bot.slack.blocks.messages import (
    already_summarized,
    auto_retry_sentence,
    failure_message,
    progress_message,
    usage_help,
)
from bot.slack.blocks.modals import (
    EditSubmission,
    edit_modal,
    input_value,
    read_regenerate_instruction,
    read_reject_reason,
    regenerate_modal,
    reject_modal,
    split_bullets,
    validate_edit_submission,
)
from bot.slack.blocks.validate import (
    message_text_size,
    validate_blocks,
    validate_message,
    validate_view,
)

__all__ = [
    "ACCESSIBILITY_LABEL_MAX",
    "ACTIONS_ELEMENTS_MAX",
    "ACTION_ID_MAX",
    "BLOCK_ID_MAX",
    "BULLET_MAX_CHARS",
    "BUTTON_TEXT_MAX",
    "BUTTON_URL_MAX",
    "BUTTON_VALUE_MAX",
    "CALLBACK_ID_MAX",
    "CONFIRM_BUTTON_MAX",
    "CONFIRM_TEXT_MAX",
    "CONFIRM_TITLE_MAX",
    "CONTEXT_ELEMENTS_MAX",
    "EDIT_TEXT_MAX",
    "FALLBACK_TEXT_MAX",
    "HEADER_TEXT_MAX",
    "INPUT_HINT_MAX",
    "INPUT_LABEL_MAX",
    "INPUT_LENGTH_MAX",
    "MAX_BLOCKS",
    "MAX_BULLETS",
    "MESSAGE_TEXT_BUDGET",
    "MODAL_BUTTON_MAX",
    "MODAL_TITLE_MAX",
    "NO_UNFURL",
    "PLACEHOLDER_MAX",
    "PRIVATE_METADATA_MAX",
    "SECTION_FIELDS_MAX",
    "SECTION_FIELD_TEXT_MAX",
    "SECTION_TEXT_MAX",
    "TEXT_OBJECT_MAX",
    "VIEW_BYTES_MAX",
    "Block",
    "BlockKitError",
    "EditSubmission",
    "Message",
    "MessageTooLong",
    "Surface",
    "already_summarized",
    "auto_retry_sentence",
    "draft_message",
    "edit_modal",
    "error_sentence",
    "failure_message",
    "home_view",
    "input_value",
    "message_text_size",
    "mrkdwn",
    "plain",
    "progress_message",
    "read_regenerate_instruction",
    "read_reject_reason",
    "regenerate_modal",
    "reject_modal",
    "split_bullets",
    "status_text",
    "summary_preview",
    "usage_help",
    "validate_blocks",
    "validate_edit_submission",
    "validate_message",
    "validate_view",
]
