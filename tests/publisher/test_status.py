"""Thread status lines: which sentence fits which delivery state, in both languages."""

from __future__ import annotations

import string

import pytest

from bot.i18n import articles, common, summarizer
from bot.i18n.publisher import MESSAGES
from bot.publisher.client import AttemptResult
from bot.publisher.payload import APPROVED, RETRACTED, UPDATED, EventType
from bot.publisher.policy import Action, Decision, ErrorKind, Outcome
from bot.publisher.status import NOT_CONFIGURED, PUBLISHING, StatusLine, status_line


def result(
    status: int | None, outcome: Outcome, snippet: str = "", attempt: int = 1
) -> AttemptResult:
    return AttemptResult(
        webhook_id="msg_1",
        attempt_no=attempt,
        timestamp=1,
        outcome=outcome,
        status=status,
        retry_after_s=None,
        duration_ms=1.0,
        response_snippet=snippet,
        error_kind=ErrorKind.TIMEOUT if status is None else None,
    )


@pytest.mark.parametrize(
    ("event", "res", "decision", "expected"),
    [
        (APPROVED, result(201, Outcome.DELIVERED), Decision(Action.DONE),
         StatusLine("publish.published", {"status": 201})),
        (UPDATED, result(200, Outcome.DELIVERED), Decision(Action.DONE),
         StatusLine("publish.updated", {"status": 200})),
        (RETRACTED, result(204, Outcome.DELIVERED), Decision(Action.DONE),
         StatusLine("publish.retracted", {"status": 204})),
        (APPROVED, result(None, Outcome.RETRY, attempt=2), Decision(Action.RETRY, 60),
         StatusLine("publish.retrying", {"attempt": 2})),
        (APPROVED, result(503, Outcome.RETRY, attempt=3), Decision(Action.RETRY, 60),
         StatusLine("publish.retrying_http", {"attempt": 3, "status": 503})),
        (APPROVED, result(None, Outcome.RETRY, attempt=8), Decision(Action.GIVE_UP),
         StatusLine("publish.failed_gave_up", {"attempts": 8}, retry_button=True)),
        (APPROVED, result(400, Outcome.STOP, "title missing"), Decision(Action.STOP),
         StatusLine("publish.failed_rejected", {"status": 400, "reason": "title missing"}, True)),
        (APPROVED, result(422, Outcome.STOP), Decision(Action.STOP),
         StatusLine("publish.failed_rejected_no_reason", {"status": 422}, retry_button=True)),
        (APPROVED, result(301, Outcome.STOP, "Moved"), Decision(Action.STOP),
         StatusLine("publish.failed_redirect", {"status": 301}, retry_button=True)),
        (APPROVED, result(410, Outcome.GONE), Decision(Action.GONE),
         StatusLine("publish.failed_gone", {"status": 410}, retry_button=True)),
    ],
)  # fmt: skip
def test_status_line(
    event: EventType, res: AttemptResult, decision: Decision, expected: StatusLine
) -> None:
    assert status_line(event, res, decision) == expected


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# What the Slack layer adds to every line on top of status_line's params.
CALLER_PARAMS = {"editor": "<@U024BE7LH>", "time": "14:05"}


def test_every_status_line_renders_in_both_languages_with_the_params_given() -> None:
    lines = [PUBLISHING, NOT_CONFIGURED]
    cases: list[tuple[EventType, AttemptResult, Decision]] = [
        (APPROVED, result(201, Outcome.DELIVERED), Decision(Action.DONE)),
        (UPDATED, result(201, Outcome.DELIVERED), Decision(Action.DONE)),
        (RETRACTED, result(201, Outcome.DELIVERED), Decision(Action.DONE)),
        (APPROVED, result(None, Outcome.RETRY), Decision(Action.RETRY, 1)),
        (APPROVED, result(500, Outcome.RETRY), Decision(Action.RETRY, 1)),
        (APPROVED, result(None, Outcome.RETRY), Decision(Action.GIVE_UP)),
        (APPROVED, result(400, Outcome.STOP, "x"), Decision(Action.STOP)),
        (APPROVED, result(400, Outcome.STOP), Decision(Action.STOP)),
        (APPROVED, result(302, Outcome.STOP), Decision(Action.STOP)),
        (APPROVED, result(410, Outcome.GONE), Decision(Action.GONE)),
    ]
    for event, res, decision in cases:
        lines.append(status_line(event, res, decision))
    assert {line.key for line in lines} == set(MESSAGES)  # every sentence is reachable
    for line in lines:
        params = {**CALLER_PARAMS, **line.params}
        for lang in ("en", "de"):
            template = MESSAGES[line.key][lang]
            assert _fields(template) <= set(params), (line.key, lang)
            rendered = template.format(**params)
            assert "{" not in rendered and rendered.strip() == rendered


def test_catalogue_is_complete_and_consistent() -> None:
    for key, texts in MESSAGES.items():
        assert key.startswith("publish.")
        assert set(texts) == {"en", "de"}
        assert _fields(texts["en"]) == _fields(texts["de"]), key
        assert texts["en"] != texts["de"], key
    others = set(common.MESSAGES) | set(articles.MESSAGES) | set(summarizer.MESSAGES)
    assert not others & set(MESSAGES)


def test_sample_sentences_read_as_specified() -> None:
    published = MESSAGES["publish.published"]["en"].format(
        editor="@erika", time="14:05", status=201
    )
    assert published == "Published by @erika at 14:05 (CMS answered 201)."
    rejected = MESSAGES["publish.failed_rejected"]["en"].format(status=400, reason="title missing")
    assert rejected == "Publishing failed: the CMS rejected it (HTTP 400: title missing)."
