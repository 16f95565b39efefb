"""Modal metadata comes back as text we wrote, but a forged payload may carry anything."""

from __future__ import annotations

import pytest

from bot.slack.mapping import modal_metadata, parse_modal_metadata


@pytest.mark.parametrize("revision", [None, 1, 7, 123])
def test_round_trip_of_our_own_metadata(revision: int | None) -> None:
    assert parse_modal_metadata(modal_metadata("abc123", revision)) == ("abc123", revision)


@pytest.mark.parametrize("revision", ["²", "١٢", "7x", "", "-1"])
def test_odd_revision_text_is_no_revision(revision: str) -> None:
    assert parse_modal_metadata(f"abc123:{revision}") == ("abc123", None)
