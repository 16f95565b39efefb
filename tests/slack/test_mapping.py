"""Modal metadata comes back as text we wrote, but a forged payload may carry anything."""

from __future__ import annotations

import pytest

from bot.slack.ids import ActionValue, action_value, parse_action_value
from bot.slack.mapping import ModalContext, modal_metadata, parse_modal_metadata


@pytest.mark.parametrize("revision", [None, 1, 7, 123])
def test_round_trip_of_our_own_metadata(revision: int | None) -> None:
    assert parse_modal_metadata(modal_metadata("abc123", revision)) == ModalContext(
        "abc123", revision
    )
    metadata = modal_metadata("abc123", revision, channel="C0NEWS", thread_ts="1700.000100")
    assert parse_modal_metadata(metadata) == ModalContext(
        "abc123", revision, "C0NEWS", "1700.000100"
    )


@pytest.mark.parametrize("revision", ["²", "١٢", "7x", "", "-1"])
def test_odd_revision_text_is_no_revision(revision: str) -> None:
    assert parse_modal_metadata(f"abc123:{revision}") == ModalContext("abc123", None)
    assert parse_action_value(f"abc123:{revision}") == ActionValue("abc123", None)


def test_metadata_of_modals_opened_before_channels_were_kept_has_no_channel() -> None:
    # A modal opened by an older version: its submission names no channel, so it is refused.
    assert parse_modal_metadata("abc123:2") == ModalContext("abc123", 2, None, None)
    assert parse_modal_metadata("") == ModalContext("", None, None, None)


@pytest.mark.parametrize("revision", [None, 1, 42])
def test_round_trip_of_button_values(revision: int | None) -> None:
    assert parse_action_value(action_value("abc123", revision)) == ActionValue("abc123", revision)
    # A card rendered before buttons named revisions: the draft id alone, no revision.
    assert parse_action_value("abc123") == ActionValue("abc123", None)
