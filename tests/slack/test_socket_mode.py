"""``newsbot socket`` end to end, and the loopback Socket Mode fake it runs against.

The slow test starts the real command line (``python -m bot socket``) as a subprocess: Bolt's
``SocketModeHandler`` asks the fake Web API for a URL (``apps.connections.open`` with the
``xapp-`` token), opens the WebSocket on the fake, and gets envelopes from it. The other tests
check the fake itself with slack_sdk's own Socket Mode client and raw sockets.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

from bot.slack import ids
from bot.slack.app import Services, build_app, build_services
from bot.store import Store
from tests.fakes import slack_signing as signing
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.bot_process import BotProcess
from tests.fakes.news_site import NewsSite
from tests.fakes.slack_api import FakeSlackAPI, iter_texts
from tests.fakes.socket_mode import OP_CLOSE, OP_TEXT, FakeSocketMode, encode_frame
from tests.slack.conftest import (
    ARTICLE_HTML,
    CHANNEL,
    EDITOR,
    REPORTER,
    TOKEN,
    make_settings,
    wait_for,
)

APP_TOKEN = "xapp-1-A0NEWSBOT-1-socket-test"


@pytest.fixture
def fakes() -> Iterator[tuple[FakeSlackAPI, FakeSocketMode, NewsSite]]:
    with (
        FakeSlackAPI(token=TOKEN, app_token=APP_TOKEN) as slack,
        FakeSocketMode(app_id=slack.app_id) as socket_mode,
        NewsSite() as site,
    ):
        slack.socket_mode_url = socket_mode.new_url
        slack.add_channel(CHANNEL, "news")
        for user in (REPORTER, EDITOR):
            slack.add_user(user, user.lower())
        site.add("/story", ARTICLE_HTML)
        yield slack, socket_mode, site


def _env(slack: FakeSlackAPI, model: FakeAnthropic, database: str) -> dict[str, str]:
    # os.environ holds no developer configuration here: tests/conftest.py's _clean_env
    # removed it for every test.
    return {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,  # no signing secret: Socket Mode does not need one
        "SLACK_API_URL": slack.base_url,
        "ANTHROPIC_API_KEY": "test-key",
        "ANTHROPIC_BASE_URL": model.base_url,
        "ANTHROPIC_MAX_ATTEMPTS": "1",
        "DATABASE_URL": database,
        "EDITOR_USER_IDS": EDITOR,
        "FETCH_ALLOW_PRIVATE_NETWORKS": "true",
        "FETCH_ALLOWED_PORTS": "",
        "MIN_ARTICLE_WORDS": "30",
        "WORK_POLL_S": "0.2",
        "LOG_FORMAT": "json",
        "NEWSBOT_TEST_LOOPBACK_ONLY": "1",
    }


def _command_fields(text: str, response_url: str, trigger_id: str) -> dict[str, str]:
    """A slash command's fields, as a JSON object the way Socket Mode delivers them."""
    request = signing.command_request(
        "unused", text=text, response_url=response_url, trigger_id=trigger_id
    )
    return dict(parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))


@pytest.mark.slow
def test_newsbot_socket_summarizes_a_link_answers_a_command_and_takes_an_approval(
    fakes: tuple[FakeSlackAPI, FakeSocketMode, NewsSite], tmp_path: Path
) -> None:
    slack, socket_mode, site = fakes
    database = f"sqlite:///{tmp_path / 'socket.db'}"
    with FakeAnthropic() as model:
        bot = BotProcess(["socket"], _env(slack, model, database), cwd=tmp_path)
        try:
            connection = socket_mode.wait_connected(timeout=60)
            bot.alive()
            [opened] = slack.calls("apps.connections.open")
            assert opened.token == APP_TOKEN and opened.response["ok"] is True
            wait_for(lambda: connection.pings, 5.0, "the ping sent right after the handshake")

            # A reporter posts a link: the envelope is acked empty, the draft reaches the thread.
            text = f"New story {site.url('/story')}"
            ts = slack.post_user_message(CHANNEL, text, REPORTER)
            event = signing.message_event(channel=CHANNEL, ts=ts, text=text, user=REPORTER)
            callback = json.loads(signing.event_request(event, "unused", event_id="Ev0SOCKET").body)
            envelope_id = socket_mode.send_event(callback)
            assert socket_mode.wait_ack(envelope_id) == {"envelope_id": envelope_id}

            def draft_ready() -> Any:
                replies = slack.thread(CHANNEL, ts)
                if replies and ids.ACTION_APPROVE in json.dumps(replies[-1].blocks):
                    return replies
                return None

            [draft_message] = wait_for(draft_ready, 30.0, "the draft in the thread")
            assert "Millbrook" in "\n".join(iter_texts(draft_message.blocks or []))
            assert len(model.message_requests) == 1

            # /summarize without a link: usage help in the ack's payload, nothing recorded.
            command_id = socket_mode.send_command(
                _command_fields("", slack.new_response_url(), slack.new_trigger_id())
            )
            help_ = socket_mode.wait_ack(command_id)["payload"]
            assert help_["text"] == "Please add a link to the article."
            assert "Usage: `/summarize" in "\n".join(iter_texts(help_["blocks"]))

            # An editor clicks Approve: an interactive envelope, acked, and the draft is approved.
            approve = next(
                e
                for b in draft_message.blocks or []
                if b["type"] == "actions"
                for e in b["elements"]
                if e["action_id"] == ids.ACTION_APPROVE
            )
            click = signing.block_actions_payload(
                action_id=ids.ACTION_APPROVE,
                value=approve["value"],
                trigger_id=slack.new_trigger_id(),
                user_id=EDITOR,
                channel_id=CHANNEL,
                message_ts=draft_message.ts,
                thread_ts=ts,
                response_url=slack.new_response_url(),
            )
            click_id = socket_mode.send_interactive(click)
            assert socket_mode.wait_ack(click_id)["envelope_id"] == click_id
            with Store(database) as store:
                wait_for(
                    lambda: (
                        (d := store.get_draft(ids.parse_action_value(approve["value"])[0]))
                        and d.state == "approved"
                    ),
                    15.0,
                    "the draft to be approved",
                )

            assert socket_mode.stray == [] and socket_mode.errors == []
            assert socket_mode.refused == []
            bot.alive()
            assert bot.terminate() == 0  # SIGTERM: a graceful stop
        finally:
            if bot.process.poll() is None:
                bot.kill()
    assert any(e.get("event") == "socket.connecting" for e in bot.lines)
    assert any(e.get("event") == "workers.stopped" for e in bot.lines)
    assert connection.ended.wait(5), "the client closed its connection on the way out"


@pytest.fixture
def socket_bot(
    fakes: tuple[FakeSlackAPI, FakeSocketMode, NewsSite], tmp_path: Path
) -> Iterator[Services]:
    """The bot in this process, connected through Bolt's ``SocketModeHandler`` as in
    ``newsbot socket`` (bot/cli/serve.py's run_socket), with its summary workers running."""
    slack, socket_mode, _site = fakes
    with FakeAnthropic() as model:
        settings = make_settings(tmp_path, slack, model, slack_app_token=APP_TOKEN)
        with Store.from_settings(settings) as store:
            store.upgrade()
            services = build_services(settings, store=store)
            handler = SocketModeHandler(build_app(services), APP_TOKEN)
            services.workers.start()
            try:
                handler.connect()  # type: ignore[no-untyped-call]  # untyped in slack_bolt
                socket_mode.wait_connected()
                yield services
            finally:
                handler.close()  # type: ignore[no-untyped-call]  # untyped in slack_bolt
                services.workers.stop()


PAYLOAD_WORD_CASES = {
    "url_path": ("/payload-rocket-launch", "", {}),
    "url_query": ("/rocket-launch", "?utm=payload", {}),
    "channel_name": ("/story", "", {"channel_name": "payload-desk"}),
    "user_name": ("/story", "", {"user_name": "payload.reporter"}),
}


@pytest.mark.parametrize("case", sorted(PAYLOAD_WORD_CASES))
def test_a_command_with_the_word_payload_is_answered_in_socket_mode(
    fakes: tuple[FakeSlackAPI, FakeSocketMode, NewsSite], socket_bot: Services, case: str
) -> None:
    # Socket Mode hands Bolt the command as a JSON object (no form parsing); the same
    # sentence and summary as over HTTP (tests/slack/test_flow_command_home.py).
    slack, socket_mode, site = fakes
    path, query, names = PAYLOAD_WORD_CASES[case]
    site.add(path + query, ARTICLE_HTML)
    url = site.url(path) + query
    response_url = slack.new_response_url()
    fields = _command_fields(url, response_url, slack.new_trigger_id())
    fields.update(names)
    ack = socket_mode.wait_ack(socket_mode.send_command(fields))["payload"]
    assert ack["response_type"] == "ephemeral"
    assert ack["text"].startswith(":hourglass_flowing_sand: Summarizing")
    [preview] = wait_for(lambda: slack.responses(response_url), 15.0, "the preview")
    assert "Millbrook" in "\n".join(iter_texts(preview["blocks"]))
    draft = socket_bot.store.get_draft(preview["blocks"][-1]["elements"][0]["value"])
    assert draft is not None and (draft.url, draft.reporter_id) == (url, REPORTER)
    [fetched] = site.requests_for(path)
    assert fetched.path == path + query


def test_the_message_shortcut_works_in_socket_mode(
    fakes: tuple[FakeSlackAPI, FakeSocketMode, NewsSite], socket_bot: Services
) -> None:
    # Socket Mode delivers shortcuts as "interactive" envelopes; the same listener as over HTTP
    # (tests/slack/test_flow_shortcut.py) records the draft and posts it in the thread.
    slack, socket_mode, site = fakes
    text = f"Look {site.url('/story')}"
    ts = slack.post_user_message(CHANNEL, text, REPORTER)
    payload = signing.message_action_payload(
        callback_id="summarize_message",
        message=signing.message_event(channel=CHANNEL, ts=ts, text=text),
        trigger_id=slack.new_trigger_id(),
        response_url=slack.new_response_url(),
        user_id=EDITOR,
    )
    socket_mode.wait_ack(socket_mode.send_interactive(payload))
    store = socket_bot.store
    [draft] = wait_for(lambda: store.drafts_for_message(slack.team_id, CHANNEL, ts), 15.0, "draft")
    posted = wait_for(
        lambda: (d := store.get_draft(draft.id)) and d.state == "ready" and d.bot_message_ts,
        15.0,
        "the card",
    )
    assert slack.message(CHANNEL, str(posted)).thread_ts == ts


# --- The fake itself ----------------------------------------------------------------------------


@pytest.fixture
def client(
    fakes: tuple[FakeSlackAPI, FakeSocketMode, NewsSite],
) -> Iterator[SocketModeClient]:
    slack, _, _ = fakes
    received: list[SocketModeRequest] = []

    def on_request(client: SocketModeClient, request: SocketModeRequest) -> None:
        received.append(request)
        payload = {"text": "pong"} if request.type == "slash_commands" else None
        client.send_socket_mode_response(SocketModeResponse(request.envelope_id, payload))

    web = WebClient(base_url=slack.base_url, retry_handlers=[])
    sm_client = SocketModeClient(app_token=APP_TOKEN, web_client=web, auto_reconnect_enabled=True)
    sm_client.socket_mode_request_listeners.append(on_request)  # type: ignore[arg-type]  # slack_sdk's listener union is too narrow for a plain function
    yield sm_client
    sm_client.close()


def test_slack_sdk_client_connects_acks_and_follows_a_disconnect(
    fakes: tuple[FakeSlackAPI, FakeSocketMode, NewsSite], client: SocketModeClient
) -> None:
    slack, socket_mode, _ = fakes
    client.connect()
    first = socket_mode.wait_connected()
    assert urlsplit(first.path).path == "/link/"
    assert first.headers["upgrade"] == "websocket"

    big = {"type": "event_callback", "event": {"type": "message", "text": "x" * 70_000}}
    event_id = socket_mode.send_event(big)  # a 64-bit length frame, read in many chunks
    assert socket_mode.wait_ack(event_id) == {"envelope_id": event_id}
    command_id = socket_mode.send_command({"command": "/summarize", "text": ""})
    assert socket_mode.wait_ack(command_id) == {
        "envelope_id": command_id,
        "payload": {"text": "pong"},
    }

    socket_mode.disconnect("refresh_requested")
    second = socket_mode.wait_connected(count=2)
    assert second is not first and second.ticket != first.ticket
    assert len(slack.calls("apps.connections.open")) == 2
    again = socket_mode.send_interactive({"type": "block_actions", "actions": []})
    assert socket_mode.wait_ack(again) == {"envelope_id": again}
    assert socket_mode.stray == [] and socket_mode.errors == [] and socket_mode.refused == []


def test_apps_connections_open_takes_only_the_app_token(
    fakes: tuple[FakeSlackAPI, FakeSocketMode, NewsSite],
) -> None:
    slack, _, _ = fakes

    def error(token: str | None, method: str = "apps.connections.open") -> str:
        with pytest.raises(SlackApiError) as caught:
            WebClient(token=token, base_url=slack.base_url, retry_handlers=[]).api_call(method)
        return str(caught.value.response["error"])

    assert error(TOKEN) == "not_allowed_token_type"
    assert error("xapp-1-somebody-else") == "invalid_auth"
    assert error(None) == "not_authed"
    assert error(APP_TOKEN, "auth.test") == "not_allowed_token_type"
    url = WebClient(base_url=slack.base_url).apps_connections_open(app_token=APP_TOKEN)["url"]
    assert url.startswith("ws://127.0.0.1:") and "ticket=" in url


def _raw_handshake(url: str, *, version: str = "13") -> tuple[socket.socket, bytes]:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=5)
    sock.sendall(
        (
            f"GET {parts.path}?{parts.query} HTTP/1.1\r\nHost: {parts.hostname}\r\n"
            "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"  # RFC 6455 §1.3's example key
            f"Sec-WebSocket-Version: {version}\r\n\r\n"
        ).encode("ascii")
    )
    answer = b""
    while b"\r\n\r\n" not in answer:
        chunk = sock.recv(4096)
        if not chunk:
            break
        answer += chunk
    return sock, answer


def test_handshake_rules_tickets_and_masking(
    fakes: tuple[FakeSlackAPI, FakeSocketMode, NewsSite],
) -> None:
    _, socket_mode, _ = fakes
    url = socket_mode.new_url()
    sock, answer = _raw_handshake(url, version="8")
    sock.close()
    assert answer.startswith(b"HTTP/1.1 400")

    sock, answer = _raw_handshake(url)
    with sock:
        # RFC 6455 §1.3's accept value for that key.
        assert answer.startswith(b"HTTP/1.1 101")
        assert b"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" in answer
        socket_mode.wait_connected()
        sock.sendall(encode_frame(OP_TEXT, b'{"envelope_id": "nobody-sent-this"}', mask=b"abcd"))
        sock.sendall(encode_frame(OP_TEXT, b"unmasked"))  # a client must mask: closed with 1002
        data = b""
        while chunk := sock.recv(4096):  # until the server hangs up
            data += chunk
        assert bytes([0x80 | OP_CLOSE, 2]) + (1002).to_bytes(2, "big") in data
    wait_for(lambda: socket_mode.errors, 5.0, "the protocol error")
    assert socket_mode.errors == ["client frame not masked"]
    assert socket_mode.stray == ['{"envelope_id": "nobody-sent-this"}']

    sock, answer = _raw_handshake(url)  # the ticket was used
    sock.close()
    assert answer.startswith(b"HTTP/1.1 401")
    assert [r.status for r in socket_mode.refused] == [400, 401]
