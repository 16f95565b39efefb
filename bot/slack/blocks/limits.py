"""Slack's Block Kit limits, and our own caps that keep any draft within them; the errors the
validator raises (:class:`BlockKitError`, :class:`MessageTooLong`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

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
# Static select: at most 100 options (https://docs.slack.dev/reference/block-kit/block-elements/
# select-menu-element#static_select); an option's text is plain_text of at most 75 characters
# and its value at most 150 (https://docs.slack.dev/reference/block-kit/composition-objects/
# option-object).
SELECT_OPTIONS_MAX: Final = 100
OPTION_TEXT_MAX: Final = 75
OPTION_VALUE_MAX: Final = 150
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


class BlockKitError(ValueError):
    """A payload breaks one of Slack's Block Kit limits; the message says where and how."""


class MessageTooLong(BlockKitError):
    """The message's text adds up to more than :data:`MESSAGE_TEXT_BUDGET`."""
