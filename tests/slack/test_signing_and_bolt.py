"""Signed requests: checked against slack_sdk's verifier and sent to a real Bolt app over HTTP.

The Bolt app here is a thin stand-in wired to the builders and the fake Web API; it shows the
pieces fit (signing, payload shapes, response_url, trigger ids, inline modal errors).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import pytest
from slack_bolt import Ack, App, Respond
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier

from bot.slack import blocks as bk
from bot.slack import ids
from bot.slack.views import ArticleRef, DraftView, HomeView
from tests.fakes import slack_signing as signing
from tests.fakes.slack_api import FakeSlackAPI, iter_texts

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TOKEN = "xoxb-test-token"

DRAFT = DraftView(
    draft_id="d-7",
    state="ready",
    article=ArticleRef(url="https://news.example/a", title="Titel"),
    heading="Zusammenfassung",
    bullets=("Eins.", "Zwei.", "Drei."),
    model="claude-haiku",
)


# --- Signing ----------------------------------------------------------------------------------


def test_signature_matches_slacks_worked_example() -> None:
    # The example in Slack's "Verifying requests from Slack" guide.
    body = (
        b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow"
        b"&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner"
        b"&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands"
        b"%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
        b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    assert signing.signature(SECRET, 1531420618, body) == (
        "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )


def test_signed_requests_pass_slack_sdks_verifier_and_tampering_fails() -> None:
    request = signing.command_request(
        SECRET, text="https://news.example/a", response_url="http://127.0.0.1/r", trigger_id="1.2.3"
    )
    assert SignatureVerifier(SECRET).is_valid_request(request.body, request.headers)
    assert not SignatureVerifier("another-secret").is_valid_request(request.body, request.headers)
    assert not SignatureVerifier(SECRET).is_valid_request(request.body + b"&x=1", request.headers)
    stale = signing.sign(
        request.body, SECRET, content_type=signing.FORM, timestamp=int(time.time()) - 301
    )
    assert not SignatureVerifier(SECRET).is_valid_request(stale.body, stale.headers)


def test_body_formats() -> None:
    command = signing.command_request(
        SECRET, text="hi there", response_url="http://r", trigger_id="t"
    )
    fields = parse_qs(command.body.decode())
    assert fields["command"] == ["/summarize"] and fields["text"] == ["hi there"]
    assert command.headers["Content-Type"] == "application/x-www-form-urlencoded"
    payload = signing.block_actions_payload(
        action_id=ids.ACTION_APPROVE, value="d-7", trigger_id="t"
    )
    action = signing.interactivity_request(payload, SECRET)
    assert json.loads(parse_qs(action.body.decode())["payload"][0]) == payload
    event = signing.event_request({"type": "app_mention"}, SECRET, event_id="Ev1", retry_num=1)
    envelope = json.loads(event.body)
    assert envelope["type"] == "event_callback" and envelope["event_id"] == "Ev1"
    assert event.headers["X-Slack-Retry-Num"] == "1"
    assert event.headers["X-Slack-Retry-Reason"] == "http_timeout"


def test_message_event_carries_escaped_text_and_rich_text_links() -> None:
    event = signing.message_event(
        channel="C1", ts="1.000001", text="Lest https://n.example/a?b=1&c=2 <3"
    )
    assert event["text"] == "Lest <https://n.example/a?b=1&amp;c=2> &lt;3"
    (section,) = event["blocks"][0]["elements"]
    assert {"type": "link", "url": "https://n.example/a?b=1&c=2"} in section["elements"]


# --- Through a real Bolt app over HTTP --------------------------------------------------------


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI(token=TOKEN) as server:
        yield server


@pytest.fixture
def bolt_url(fake: FakeSlackAPI) -> Iterator[str]:
    client = WebClient(token=TOKEN, base_url=fake.base_url)
    app = App(client=client, signing_secret=SECRET, process_before_response=True)

    @app.command("/summarize")
    def summarize(ack: Ack, respond: Respond, command: dict[str, Any]) -> None:
        ack()
        if not command.get("text", "").strip():
            respond(response_type="ephemeral", **bk.usage_help("en", problem="missing_url"))
            return
        respond(response_type="ephemeral", **bk.summary_preview(DRAFT, "en"))

    @app.action(ids.ACTION_EDIT)
    def edit(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=bk.edit_modal(DRAFT, "en"))

    @app.action(ids.ACTION_APPROVE)
    def approve(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        approved = bk.draft_message(
            replace(DRAFT, state="approved", approved_by="U0EDITOR", publish_status="Recorded."),
            "en",
        )
        client.chat_update(
            channel=body["channel"]["id"], ts=body["container"]["message_ts"], **approved
        )

    @app.view(ids.CALLBACK_EDIT)
    def edited(ack: Ack, view: dict[str, Any]) -> None:
        result = bk.validate_edit_submission(view["state"]["values"], "de", min_bullets=2)
        response = result.response()
        if response is None:
            ack()
        else:
            ack(**response)

    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        client.views_publish(
            user_id=event["user"], view=bk.home_view(HomeView(is_editor=False), "de")
        )

    server: WSGIServer = make_server("127.0.0.1", 0, SlackRequestHandler(app), handler_class=_Quiet)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/slack/events"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_bolt_refuses_a_wrong_signature(bolt_url: str, fake: FakeSlackAPI) -> None:
    request = signing.command_request(
        "not-the-secret",
        text="x",
        response_url=fake.new_response_url(),
        trigger_id=fake.new_trigger_id(),
    )
    assert signing.post(bolt_url, request).status == 401
    assert fake.responses() == []


def test_slash_command_answers_through_response_url(bolt_url: str, fake: FakeSlackAPI) -> None:
    url = fake.new_response_url()
    request = signing.command_request(
        SECRET, text="https://news.example/a", response_url=url, trigger_id=fake.new_trigger_id()
    )
    assert signing.post(bolt_url, request).status == 200
    (payload,) = fake.responses(url)
    assert payload["response_type"] == "ephemeral"
    actions = [
        e["action_id"] for b in payload["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert actions == [ids.ACTION_POST_FOR_REVIEW, ids.ACTION_DISMISS]
    empty = fake.new_response_url()
    signing.post(
        bolt_url, signing.command_request(SECRET, text=" ", response_url=empty, trigger_id="t")
    )
    assert "Please add a link to the article." in "".join(
        iter_texts(fake.responses(empty)[0]["blocks"])
    )


def test_button_opens_the_edit_modal_with_the_fresh_trigger(
    bolt_url: str, fake: FakeSlackAPI
) -> None:
    trigger = fake.new_trigger_id()
    payload = signing.block_actions_payload(
        action_id=ids.ACTION_EDIT, value="d-7", trigger_id=trigger
    )
    assert signing.post(bolt_url, signing.interactivity_request(payload, SECRET)).status == 200
    (modal,) = fake.views()
    assert modal["callback_id"] == ids.CALLBACK_EDIT and modal["private_metadata"] == "d-7"
    # Slack would refuse the same trigger twice:
    signing.post(bolt_url, signing.interactivity_request(payload, SECRET))
    assert fake.calls("views.open")[-1].response["error"] == "exchanged_trigger_id"


def test_approve_updates_the_thread_message(bolt_url: str, fake: FakeSlackAPI) -> None:
    parent = fake.post_user_message("C0NEWS", "https://news.example/a", "U0REPORTER")
    client = WebClient(token=TOKEN, base_url=fake.base_url)
    ts = client.chat_postMessage(
        channel="C0NEWS", thread_ts=parent, **bk.draft_message(DRAFT, "en")
    )["ts"]
    payload = signing.block_actions_payload(
        action_id=ids.ACTION_APPROVE,
        value="d-7",
        trigger_id=fake.new_trigger_id(),
        channel_id="C0NEWS",
        message_ts=ts,
        thread_ts=parent,
    )
    assert signing.post(bolt_url, signing.interactivity_request(payload, SECRET)).status == 200
    message = fake.message("C0NEWS", ts)
    assert not [b for b in message.blocks or [] if b["type"] == "actions"]
    assert "Approved by <@U0EDITOR>" in "".join(iter_texts(message.blocks))


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Nur einer.", "Bitte schreiben Sie mindestens 2 Stichpunkte, einen pro Zeile (jetzt 1)."),
        (None, "Bitte geben Sie mindestens einen Stichpunkt ein."),
    ],
)
def test_modal_errors_come_back_inline(bolt_url: str, text: str | None, error: str) -> None:
    payload = signing.view_submission_payload(
        view=bk.edit_modal(DRAFT, "de"),
        values={ids.BLOCK_EDIT_BULLETS: {ids.INPUT_EDIT_BULLETS: text}},
        trigger_id="1.2.3",
    )
    answer = signing.post(bolt_url, signing.interactivity_request(payload, SECRET))
    assert answer.status == 200
    assert answer.json() == {"response_action": "errors", "errors": {ids.BLOCK_EDIT_BULLETS: error}}


def test_valid_modal_submission_closes_it(bolt_url: str) -> None:
    payload = signing.view_submission_payload(
        view=bk.edit_modal(DRAFT, "de"),
        values={ids.BLOCK_EDIT_BULLETS: {ids.INPUT_EDIT_BULLETS: "Eins.\nZwei."}},
        trigger_id="1.2.3",
    )
    answer = signing.post(bolt_url, signing.interactivity_request(payload, SECRET))
    assert (answer.status, answer.body) == (200, b"")


def test_events_reach_bolt_and_publish_the_home_tab(bolt_url: str, fake: FakeSlackAPI) -> None:
    event = signing.app_home_opened_event(user="U0REPORTER")
    answer = signing.post(bolt_url, signing.event_request(event, SECRET, event_id="Ev0001"))
    assert answer.status == 200
    home = fake.home("U0REPORTER")
    assert home is not None and "So nutzen Sie den Bot" in "".join(iter_texts(home["blocks"]))
