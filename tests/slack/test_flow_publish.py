"""Publishing end to end: the real Bolt app, the fake Slack API and a loopback CMS receiver.

Every test drives Slack's signed requests (button clicks, modal submissions) and asserts on
what a reader of the thread sees at each state and on what the CMS accepted, by webhook-id.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.slack import ids
from tests.fakes.slack_api import iter_texts
from tests.fakes.webhook_receiver import Respond, WebhookReceiver
from tests.slack.conftest import EDITOR, EDITOR2, OUTSIDER, REPORTER, Flow, wait_for

SECRET = "whsec_" + base64.b64encode(b"flow-publish-secret-32-bytes-long").decode()
JSON = {"Content-Type": "application/json"}
# A Slack time token: <!date^unix^{time}|14:05 UTC> (the fallback is the UTC clock time).
TIME_TOKEN = re.compile(r"<!date\^(\d+)\^\{time\}\|(\d\d:\d\d) UTC>")


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET, default=Respond(201, b'{"id":"cms-1"}', JSON)) as running:
        yield running


@pytest.fixture
def flow(flow_factory: Callable[..., Flow], receiver: WebhookReceiver) -> Flow:
    return flow_factory(
        publish_webhook_url=receiver.url,
        publish_webhook_secret=SECRET,
        publish_poll_s=0.1,
    )


def _texts(node: Any) -> str:
    return "\n".join(iter_texts(node))


def _shown(flow: Flow, draft_id: str) -> str:
    return _texts(flow.bot_message(flow.draft(draft_id)).blocks or [])


def _buttons(flow: Flow, draft_id: str) -> list[str]:
    blocks = flow.bot_message(flow.draft(draft_id)).blocks or []
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def _wait_shown(flow: Flow, draft_id: str, needle: str) -> str:
    return wait_for(
        lambda: s if needle in (s := _shown(flow, draft_id)) else None,
        message=f"the thread to show {needle!r}",
    )


def _updates(flow: Flow, draft_id: str) -> list[str]:
    """Every text the draft's message was updated to, in order (chat.update calls)."""
    ts = flow.draft(draft_id).bot_message_ts
    return [
        _texts(c.args.get("blocks") or [])
        for c in flow.slack.calls("chat.update")
        if c.args.get("ts") == ts
    ]


def _accepted(receiver: WebhookReceiver, event: str) -> dict[str, Any]:
    return {k: v for k, v in receiver.deliveries.items() if v["type"] == event}


def _publish(flow: Flow, receiver: WebhookReceiver) -> str:
    draft = flow.ready_draft()
    flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)
    flow.wait_state(draft.id, "published")
    _wait_shown(flow, draft.id, "Published by")
    assert len(receiver.deliveries) == 1
    return draft.id


def test_approval_publishes_once_signed_and_the_thread_shows_each_state(
    flow: Flow, receiver: WebhookReceiver
) -> None:
    draft = flow.ready_draft()
    flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)
    flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)  # a double click sends nothing more
    published = flow.wait_state(draft.id, "published")
    shown = _wait_shown(flow, draft.id, "Published by")

    [request] = receiver.requests
    assert request.verified and request.headers["content-type"] == "application/json"
    [(webhook_id, body)] = receiver.deliveries.items()
    assert request.webhook_id == webhook_id and webhook_id.startswith("msg_")
    assert body["type"] == "summary.approved" and body["data"]["summary_id"] == draft.id
    assert body["data"]["revision"] == 1
    assert body["data"]["approval"]["editor_id"] == EDITOR

    # "Publishing…" came first (the approve path), then the worker's line.
    updates = _updates(flow, draft.id)
    assert any("Publishing…" in text for text in updates)
    assert "Publishing…" not in shown
    match = TIME_TOKEN.search(shown.split("Published by", 1)[1])
    assert match is not None
    delivered = flow.store.latest_delivery(draft.id)
    assert delivered is not None and delivered.delivered_at is not None
    assert int(match.group(1)) == int(delivered.delivered_at.timestamp())
    assert match.group(2) == delivered.delivered_at.astimezone(UTC).strftime("%H:%M")
    assert f"Published by <@{EDITOR}> at" in shown and "(CMS answered 201)" in shown
    # Published text can be corrected or retracted; nothing else.
    assert _buttons(flow, published.id) == [ids.ACTION_EDIT, ids.ACTION_RETRACT]


def test_a_refusal_shows_the_escaped_reason_and_retry_resends_the_same_webhook_id(
    flow: Flow, receiver: WebhookReceiver
) -> None:
    reason = {"message": "Missing <!channel> & <https://evil.example|field> 'teaser'"}
    receiver.add_steps(Respond(400, json.dumps(reason).encode(), JSON))
    draft = flow.ready_draft()
    flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)
    flow.wait_state(draft.id, "publish_failed")
    shown = _wait_shown(flow, draft.id, "Publishing failed")
    assert "Publishing failed: the CMS rejected it (HTTP 400: Missing " in shown
    # The CMS's words are escaped: no mention, no forged link reaches Slack.
    assert "&lt;!channel&gt; &amp; &lt;https://evil.example|field&gt;" in shown
    assert "<!channel>" not in shown and "<https://evil" not in shown
    assert _buttons(flow, draft.id) == [ids.ACTION_RETRY_PUBLISH]
    assert receiver.deliveries == {}
    [refused] = receiver.requests

    # Only editors may retry; the reporter is told privately and nothing is sent.
    flow.click(ids.ACTION_RETRY_PUBLISH, draft, user=REPORTER)
    assert wait_for(flow.answers, message="the refusal") == [
        "Only editors can approve or reject drafts."
    ]
    assert flow.draft(draft.id).state == "publish_failed"

    flow.click(ids.ACTION_RETRY_PUBLISH, draft, user=EDITOR2)
    flow.wait_state(draft.id, "published")
    shown = _wait_shown(flow, draft.id, "Published by")
    assert "(CMS answered 201)" in shown and "Publishing failed" not in shown
    [first, second] = receiver.requests
    assert first.webhook_id == refused.webhook_id
    assert second.webhook_id == refused.webhook_id  # the same event, not a new one
    assert list(receiver.deliveries) == [refused.webhook_id]


def test_an_outage_says_when_the_next_attempt_comes(flow: Flow, receiver: WebhookReceiver) -> None:
    receiver.add_steps(Respond(503, b"maintenance", {"Retry-After": "600"}))
    draft = flow.ready_draft()
    before = datetime.now(UTC)
    flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)
    shown = _wait_shown(flow, draft.id, "Publishing is delayed")
    assert "the CMS answered with an error (HTTP 503, attempt 1). I'll try again at" in shown
    match = TIME_TOKEN.search(shown.split("try again at", 1)[1])
    assert match is not None
    pending = flow.store.latest_delivery(draft.id)
    assert pending is not None and pending.state == "pending"
    assert int(match.group(1)) == int(pending.next_attempt_at.timestamp())
    assert (pending.next_attempt_at - before).total_seconds() >= 600  # Retry-After honoured
    assert flow.draft(draft.id).state == "approved"
    assert receiver.deliveries == {}


def test_a_correction_goes_out_as_summary_updated_with_a_new_webhook_id(
    flow: Flow, receiver: WebhookReceiver
) -> None:
    draft_id = _publish(flow, receiver)
    [approved_id] = receiver.deliveries

    # A reporter may not correct published text.
    flow.click(ids.ACTION_EDIT, draft_id, user=REPORTER)
    assert wait_for(flow.answers, message="the refusal") == [
        "Only editors can correct a published summary."
    ]
    assert flow.slack.calls("views.open") == []

    flow.click(ids.ACTION_EDIT, draft_id, user=EDITOR2)
    modal = wait_for(flow.slack.views, message="the edit modal")[-1]
    corrected = ["Millbrook's council approved the budget.", "The vote was 7 to 2."]
    values = {ids.BLOCK_EDIT_BULLETS: {ids.INPUT_EDIT_BULLETS: "\n".join(corrected)}}
    assert flow.submit(modal, values, user=EDITOR2).status == 200
    ready = flow.wait_state(draft_id, "ready")
    assert ready.current_revision == 2 and ready.approved_revision == 1
    shown = _wait_shown(flow, draft_id, "Correction of the published summary")
    assert "The vote was 7 to 2." in shown
    assert _buttons(flow, draft_id) == [ids.ACTION_APPROVE, ids.ACTION_EDIT, ids.ACTION_RETRACT]
    # Rejecting a correction would leave the CMS's copy orphaned: Retract is the way.
    flow.click(ids.ACTION_REJECT, draft_id, user=EDITOR)
    assert wait_for(flow.answers, message="the refusal") == [
        "This summary is already published. To take it back, use Retract."
    ]

    flow.click(ids.ACTION_APPROVE, draft_id, user=EDITOR)
    flow.wait_state(draft_id, "published")
    shown = _wait_shown(flow, draft_id, "Correction published by")
    assert f"Correction published by <@{EDITOR}> at" in shown and "(CMS answered 201)" in shown
    assert "The vote was 7 to 2." in shown
    updated = _accepted(receiver, "summary.updated")
    [(updated_id, body)] = updated.items()
    assert updated_id != approved_id
    assert body["data"]["revision"] == 2 and body["data"]["summary"]["bullets"] == corrected
    assert body["data"]["provenance"]["human_edited"] is True
    assert len(receiver.deliveries) == 2  # one per revision
    history = flow.store.history(draft_id)
    assert history is not None
    actions = [a.action for a in history.audit]
    assert actions.count("draft.correction_started") == 1 and actions.count("draft.published") == 2


def test_retract_sends_summary_retracted_once_and_the_buttons_go(
    flow: Flow, receiver: WebhookReceiver
) -> None:
    draft_id = _publish(flow, receiver)
    blocks = flow.bot_message(flow.draft(draft_id)).blocks or []
    [retract] = [
        e
        for b in blocks
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == ids.ACTION_RETRACT
    ]
    assert retract["style"] == "danger" and retract["confirm"]["style"] == "danger"
    assert retract["confirm"]["title"]["text"] == "Retract this summary?"

    flow.click(ids.ACTION_RETRACT, draft_id, user=OUTSIDER)
    assert wait_for(flow.answers, message="the refusal") == ["Only editors can retract a summary."]
    assert flow.draft(draft_id).state == "published"

    flow.click(ids.ACTION_RETRACT, draft_id, user=EDITOR)
    retracted = flow.wait_state(draft_id, "retracted")
    assert retracted.retracted_by == EDITOR
    flow.click(ids.ACTION_RETRACT, draft_id, user=EDITOR2)  # too late: told, nothing sent
    assert wait_for(flow.answers, message="the second click's answer") == [
        f"<@{EDITOR}> already retracted this summary."
    ]
    shown = _wait_shown(flow, draft_id, "the CMS was notified")
    assert f"Retracted by <@{EDITOR}>." in shown
    assert f"Retracted by <@{EDITOR}> at" in shown and "(it answered 201)" in shown
    assert _buttons(flow, draft_id) == []
    [(_, body)] = _accepted(receiver, "summary.retracted").items()
    assert body["data"]["summary_id"] == draft_id and body["data"]["revision"] == 1
    assert body["data"]["retraction"]["editor_id"] == EDITOR
    assert len(receiver.deliveries) == 2
    assert len({r.webhook_id for r in receiver.requests}) == 2


# --- the heading and disclaimer follow the summary's language ------------------------------------

EN_DISCLAIMER = (
    "This summary was written with the help of artificial intelligence and checked by the newsroom."
)
DE_DISCLAIMER = (
    "Diese Zusammenfassung wurde mit Hilfe künstlicher Intelligenz erstellt und von der "
    "Redaktion geprüft."
)
GERMAN_PAGE = (Path(__file__).parents[1] / "fixtures" / "articles" / "de-news.html").read_text(
    encoding="utf-8"
)


def _first_card(flow: Flow, draft_id: str) -> list[dict[str, Any]]:
    """The blocks of the first summary card the thread showed for this draft (the progress
    message posted before it has no summary): what people saw first."""
    ts = flow.draft(draft_id).bot_message_ts
    shown = [
        c.args.get("blocks") or []
        for c in flow.slack.calls()
        if (c.method == "chat.postMessage" and c.response.get("ts") == ts)
        or (c.method == "chat.update" and c.args.get("ts") == ts)
    ]
    revision = flow.store.get_revision(draft_id, 1)
    assert revision is not None
    first_words = revision.bullets[0][:30]
    cards = [blocks for blocks in shown if first_words in _texts(blocks)]
    assert cards, "the draft's summary was never shown"
    first: list[dict[str, Any]] = cards[0]
    return first


def _headers(blocks: list[dict[str, Any]]) -> list[str]:
    return [b["text"]["text"] for b in blocks if b["type"] == "header"]


def _approve_and_deliver(flow: Flow, receiver: WebhookReceiver, draft_id: str) -> dict[str, Any]:
    flow.click(ids.ACTION_APPROVE, flow.draft(draft_id), user=EDITOR)
    flow.wait_state(draft_id, "published")
    [body] = _accepted(receiver, "summary.approved").values()
    summary: dict[str, Any] = body["data"]["summary"]
    return summary


def test_an_english_article_gets_english_words_on_the_first_card_and_in_the_webhook(
    flow: Flow, receiver: WebhookReceiver
) -> None:
    draft = flow.ready_draft()  # the flow's article is the Millbrook Gazette's, in English
    card = _first_card(flow, draft.id)
    assert _headers(card) == ["Summary"]
    assert EN_DISCLAIMER in _texts(card)
    assert "Zusammenfassung" not in _texts(card) and "künstlicher" not in _texts(card)
    summary = _approve_and_deliver(flow, receiver, draft.id)
    assert summary["language"] == "en"
    assert summary["heading"] == "Summary"
    assert summary["disclaimer"] == EN_DISCLAIMER


def test_a_german_article_gets_german_words_on_the_first_card_and_in_the_webhook(
    flow: Flow, receiver: WebhookReceiver
) -> None:
    flow.site.add("/geschichte", GERMAN_PAGE)
    draft = flow.ready_draft(f"Neu: {flow.site.url('/geschichte')}")
    card = _first_card(flow, draft.id)
    assert _headers(card) == ["Zusammenfassung"]
    assert DE_DISCLAIMER in _texts(card)
    summary = _approve_and_deliver(flow, receiver, draft.id)
    assert summary["language"] == "de"
    assert summary["heading"] == "Zusammenfassung"
    assert summary["disclaimer"] == DE_DISCLAIMER


def test_configured_heading_and_disclaimer_win_over_the_language(
    flow_factory: Callable[..., Flow], receiver: WebhookReceiver
) -> None:
    flow = flow_factory(
        publish_webhook_url=receiver.url,
        publish_webhook_secret=SECRET,
        publish_poll_s=0.1,
        summary_heading="Kurz gesagt",
        summary_disclaimer="Mit KI erstellt, von Menschen geprüft.",
    )
    draft = flow.ready_draft()  # English article, German house labels
    card = _first_card(flow, draft.id)
    assert _headers(card) == ["Kurz gesagt"]
    assert "Mit KI erstellt, von Menschen geprüft." in _texts(card)
    assert EN_DISCLAIMER not in _texts(card)
    summary = _approve_and_deliver(flow, receiver, draft.id)
    assert summary["heading"] == "Kurz gesagt"
    assert summary["disclaimer"] == "Mit KI erstellt, von Menschen geprüft."
