"""Short replies: the usage help of ``/summarize`` and the link to an existing thread."""

from __future__ import annotations

from typing import Any

import pytest

from bot.i18n.slack import MESSAGES
from bot.slack import blocks as bk
from tests.slack.blocks.samples import LANGS, joined


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("problem", [None, "missing_url", "invalid_url"])
def test_usage_help(lang: str, problem: Any) -> None:
    message = bk.usage_help(lang, problem=problem)
    bk.validate_message(message)
    text = joined(message)
    assert "`/summarize https://example.com/" in text
    if problem == "missing_url":
        assert MESSAGES["slack.usage.missing_url"][lang] in text
    assert message["text"]


def test_already_summarized_links_to_the_thread() -> None:
    permalink = "https://newsroom.slack.com/archives/C1/p1714737600000100?thread_ts=1714737600.000100&cid=C1"
    message = bk.already_summarized(permalink, "en")
    bk.validate_message(message)
    assert joined(message) == (
        ":information_source: This article was already summarized: "
        "<https://newsroom.slack.com/archives/C1/p1714737600000100?thread_ts=1714737600.000100&amp;cid=C1"
        "|see the thread>."
    )
    assert "<" not in joined(bk.already_summarized("javascript:alert(1)", "de")).replace(
        ":information_source:", ""
    )
