"""The Block Kit limit validator: :func:`validate_blocks`, :func:`validate_message` and
:func:`validate_view` raise :class:`BlockKitError` on anything Slack would refuse.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from bot.slack.blocks.common import Surface
from bot.slack.blocks.limits import (
    ACCESSIBILITY_LABEL_MAX,
    ACTION_ID_MAX,
    ACTIONS_ELEMENTS_MAX,
    BLOCK_ID_MAX,
    BUTTON_TEXT_MAX,
    BUTTON_URL_MAX,
    BUTTON_VALUE_MAX,
    CALLBACK_ID_MAX,
    CONFIRM_BUTTON_MAX,
    CONFIRM_TEXT_MAX,
    CONFIRM_TITLE_MAX,
    CONTEXT_ELEMENTS_MAX,
    FALLBACK_TEXT_MAX,
    HEADER_TEXT_MAX,
    INPUT_HINT_MAX,
    INPUT_LABEL_MAX,
    INPUT_LENGTH_MAX,
    MAX_BLOCKS,
    MESSAGE_TEXT_BUDGET,
    MODAL_BUTTON_MAX,
    MODAL_TITLE_MAX,
    OPTION_TEXT_MAX,
    OPTION_VALUE_MAX,
    PLACEHOLDER_MAX,
    PRIVATE_METADATA_MAX,
    SECTION_FIELD_TEXT_MAX,
    SECTION_FIELDS_MAX,
    SECTION_TEXT_MAX,
    SELECT_OPTIONS_MAX,
    TEXT_OBJECT_MAX,
    VIEW_BYTES_MAX,
    BlockKitError,
    MessageTooLong,
)
from bot.slack.escape import is_web_url, slack_len

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


def _check_option(option: Any, path: str) -> str:
    if not isinstance(option, Mapping):
        raise _fail(path, "must be an option object")
    _check_text(option.get("text"), OPTION_TEXT_MAX, path + ".text", plain_only=True)
    _check_len(option.get("value"), OPTION_VALUE_MAX, path + ".value", minimum=1)
    return str(option["value"])


def _check_static_select(element: Mapping[str, Any], path: str) -> None:
    if "action_id" in element:
        _check_len(element["action_id"], ACTION_ID_MAX, path + ".action_id", minimum=1)
    options = element.get("options")
    if not isinstance(options, list) or not 1 <= len(options) <= SELECT_OPTIONS_MAX:
        raise _fail(path + ".options", f"needs 1..{SELECT_OPTIONS_MAX} items")
    values = [_check_option(o, f"{path}.options[{i}]") for i, o in enumerate(options)]
    if "initial_option" in element:
        initial = _check_option(element["initial_option"], path + ".initial_option")
        if initial not in values:
            raise _fail(path + ".initial_option", "must be one of the options")
    if "placeholder" in element:
        _check_text(element["placeholder"], PLACEHOLDER_MAX, path + ".placeholder", plain_only=True)


def _check_element(element: Any, path: str, *, in_input: bool = False) -> str | None:
    """Validate an interactive element; return its action_id, if any."""
    if not isinstance(element, Mapping):
        raise _fail(path, "must be an element object")
    kind = element.get("type")
    if kind == "button" and not in_input:
        _check_button(element, path)
    elif kind == "static_select" and not in_input:
        _check_static_select(element, path)
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
