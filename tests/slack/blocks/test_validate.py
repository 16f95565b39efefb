"""The Block Kit limit validator refuses what Slack refuses."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bot.slack import blocks as bk
from bot.slack.escape import WORD_JOINER
from tests.slack.blocks.samples import button, draft, joined, section


def _select(**changes: Any) -> list[Any]:
    option = {"text": {"type": "plain_text", "text": "A"}, "value": "a"}
    element = {"type": "static_select", "action_id": "f", "options": [option], **changes}
    return [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}, "accessory": element}]


@pytest.mark.parametrize(
    ("blocks", "problem"),
    [
        (_select(options=[]), "needs 1..100 items"),
        (
            _select(options=[{"text": {"type": "plain_text", "text": "A"}, "value": "v"}] * 101),
            "needs 1..100 items",
        ),
        (_select(options=[{"text": {"type": "plain_text", "text": "x" * 76}, "value": "a"}]), "76"),
        (_select(options=[{"text": {"type": "mrkdwn", "text": "A"}, "value": "a"}]), "plain_text"),
        (
            _select(options=[{"text": {"type": "plain_text", "text": "A"}, "value": "v" * 151}]),
            "151",
        ),
        (
            _select(initial_option={"text": {"type": "plain_text", "text": "B"}, "value": "b"}),
            "must be one of the options",
        ),
    ],
)
def test_static_select_limits(blocks: list[Any], problem: str) -> None:
    bk.validate_blocks(_select(), "home")
    with pytest.raises(bk.BlockKitError, match=re.escape(problem)):
        bk.validate_blocks(blocks, "home")


@pytest.mark.parametrize(
    ("blocks", "surface", "problem"),
    [
        ([section("x")] * 51, "message", "51 blocks"),
        ([section("x" * 3001)], "message", "3001 characters"),
        ([section("")], "message", "at least 1"),
        ([{"type": "section"}], "message", "needs text or fields"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "message", "151"),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "h"}}], "message", "plain_text"),
        (
            [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}],
            "message",
            "1..10",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [button(text={"type": "plain_text", "text": "b" * 76})],
                }
            ],
            "message",
            "76",
        ),
        ([{"type": "actions", "elements": [button(value="v" * 2001)]}], "message", "2001"),
        ([{"type": "actions", "elements": [button(action_id="a" * 256)]}], "message", "256"),
        (
            [{"type": "actions", "elements": [button(style="green")]}],
            "message",
            "primary or danger",
        ),
        ([{"type": "actions", "elements": [button(), button()]}], "message", "repeats"),
        ([{"type": "actions", "elements": [button(url="javascript:x")]}], "message", "http"),
        ([{"type": "actions", "elements": []}], "message", "1..25"),
        (
            [{**section("a"), "block_id": "b"}, {**section("b"), "block_id": "b"}],
            "message",
            "repeats",
        ),
        ([{**section("a"), "block_id": "b" * 256}], "message", "256"),
        ([{"type": "image", "image_url": "https://x.example/a.png"}], "message", "not supported"),
        (
            [
                {
                    "type": "input",
                    "label": {"type": "plain_text", "text": "l"},
                    "element": {"type": "plain_text_input"},
                }
            ],
            "message",
            "modals",
        ),
        (
            [
                {
                    "type": "input",
                    "label": {"type": "plain_text", "text": "l"},
                    "element": {"type": "plain_text_input", "max_length": 3001},
                }
            ],
            "modal",
            "max_length",
        ),
        (
            [
                {
                    "type": "input",
                    "label": {"type": "plain_text", "text": "l"},
                    "element": {
                        "type": "plain_text_input",
                        "max_length": 5,
                        "initial_value": "123456",
                    },
                }
            ],
            "modal",
            "initial_value",
        ),
        (
            [
                {
                    "type": "actions",
                    "elements": [
                        button(
                            confirm={
                                "title": {"type": "plain_text", "text": "t"},
                                "text": {"type": "plain_text", "text": "x" * 301},
                                "confirm": {"type": "plain_text", "text": "ok"},
                                "deny": {"type": "plain_text", "text": "no"},
                            }
                        )
                    ],
                }
            ],
            "message",
            "301",
        ),
        (
            [{"type": "section", "text": {"type": "plain_text", "text": "x", "verbatim": True}}],
            "message",
            "verbatim",
        ),
    ],
)
def test_validate_blocks_refuses_what_slack_refuses(
    blocks: list[Any], surface: Any, problem: str
) -> None:
    with pytest.raises(bk.BlockKitError, match=re.escape(problem)):
        bk.validate_blocks(blocks, surface)


def test_validate_blocks_allows_100_blocks_in_modals_but_not_messages() -> None:
    bk.validate_blocks([section("x")] * 100, "modal")
    bk.validate_blocks([section("x")] * 50, "message")
    with pytest.raises(bk.BlockKitError):
        bk.validate_blocks([section("x")] * 101, "home")


def test_validate_blocks_enforces_the_cumulative_message_budget() -> None:
    blocks = [section("x" * 3000)] * 4
    bk.validate_blocks(blocks, "modal")
    with pytest.raises(bk.MessageTooLong):
        bk.validate_blocks(blocks, "message")


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"title": {"type": "plain_text", "text": "t" * 25}}, "25 characters"),
        ({"submit": {"type": "plain_text", "text": "s" * 25}}, "25 characters"),
        ({"private_metadata": "m" * 3001}, "3001"),
        ({"callback_id": "c" * 256}, "256"),
        ({"type": "dialog"}, "modal or home"),
    ],
)
def test_validate_view_refuses_bad_modals(changes: dict[str, Any], problem: str) -> None:
    modal = {**bk.reject_modal("d-1", "en"), **changes}
    with pytest.raises(bk.BlockKitError, match=re.escape(problem)):
        bk.validate_view(modal)


def test_validate_view_requires_submit_with_inputs() -> None:
    modal = bk.reject_modal("d-1", "en")
    del modal["submit"]
    with pytest.raises(bk.BlockKitError, match="submit"):
        bk.validate_view(modal)


def test_validate_message_needs_fallback_text() -> None:
    with pytest.raises(bk.BlockKitError, match="text"):
        bk.validate_message({"text": "", "blocks": []})


def test_word_joiner_only_breaks_broadcasts() -> None:
    text = joined(bk.draft_message(draft(bullets=("Kontakt: @here und presse@example.org",)), "en"))
    assert "@" + WORD_JOINER + "here" in text and "presse@example.org" in text
