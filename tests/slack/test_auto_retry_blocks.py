"""The thread line of an automatic retry: one sentence with the time, and the Retry button."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.slack import blocks, ids
from bot.slack.views import ErrorView
from tests.fakes.slack_api import iter_texts

AT = datetime(2026, 11, 28, 14, 5, tzinfo=UTC)
TOKEN = f"<!date^{int(AT.timestamp())}^{{time}}|14:05 UTC>"


@pytest.mark.parametrize(
    ("code", "params", "lang", "sentence"),
    [
        ("summary_unavailable", {}, "en", f"The model is overloaded; I'll try again at {TOKEN}."),
        (
            "summary_unavailable",
            {},
            "de",
            f"Das KI-Modell ist überlastet; ich versuche es um {TOKEN} noch einmal.",
        ),
        (
            "http_server_error",
            {"status": 503},
            "en",
            f"The website had a problem of its own (HTTP 503); I'll try again at {TOKEN}.",
        ),
        ("some_new_code", {}, "en", f"That didn't work just now; I'll try again at {TOKEN}."),
    ],
)
def test_the_sentence_names_the_cause_and_the_time(
    code: str, params: dict[str, int], lang: str, sentence: str
) -> None:
    error = ErrorView(code, params, retryable=True, retry_at=AT)
    message = blocks.failure_message(error, lang, draft_id="D1")
    blocks.validate_message(message)
    assert list(iter_texts(message["blocks"][0])) == [":hourglass_flowing_sand: " + sentence]
    assert message["text"] == sentence
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [(ids.ACTION_RETRY, "D1")]


def test_a_final_failure_still_reads_as_before() -> None:
    message = blocks.failure_message(
        ErrorView("summary_unavailable", retryable=True), "en", draft_id="D1"
    )
    [text] = iter_texts(message["blocks"][0])
    assert text.startswith(":warning: The AI service is busy") and "try again at" not in text


def test_params_from_outside_are_escaped() -> None:
    error = ErrorView("http_server_error", {"status": "<!channel>"}, retry_at=AT)
    text = blocks.auto_retry_sentence(error, "en")
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
