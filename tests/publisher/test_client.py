"""One delivery attempt against the loopback receiver: signing, outcomes, snippets, logs."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from standardwebhooks.webhooks import Webhook
from structlog.testing import capture_logs

from bot.publisher.client import AttemptResult, WebhookClient, short_reason
from bot.publisher.payload import APPROVED, build_payload, encode_payload
from bot.publisher.policy import ErrorKind, Outcome
from bot.settings import load_settings
from tests.fakes.webhook_receiver import Close, Hang, Respond, WebhookReceiver
from tests.publisher.samples import OLD_SECRET, PUBLISH, SECRET

PAYLOAD = build_payload(APPROVED, PUBLISH)
BODY = encode_payload(PAYLOAD)
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET) as rx:
        yield rx


def client_for(rx: WebhookReceiver, **kwargs: object) -> WebhookClient:
    return WebhookClient(rx.url, SECRET, **kwargs)  # type: ignore[arg-type]  # kwargs pass-through


def test_delivers_signed_compact_json(receiver: WebhookReceiver) -> None:
    with client_for(receiver) as client:
        result = client.send("msg_1", PAYLOAD, attempt_no=1)
    assert result.outcome is Outcome.DELIVERED
    assert (result.status, result.error_kind, result.attempt_no) == (200, None, 1)
    assert result.duration_ms > 0
    [request] = receiver.requests
    assert request.verified and request.path == "/hooks/newsbot"
    assert request.body == BODY
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"].startswith("newsbot/")
    assert request.webhook_id == "msg_1"
    assert request.timestamp == result.timestamp
    assert abs(result.timestamp - time.time()) < 60  # a real clock, not zero or milliseconds
    assert receiver.deliveries == {"msg_1": PAYLOAD}
    # The reference library, given only the wire data, verifies it too.
    assert Webhook(SECRET).verify(request.body, request.headers) == PAYLOAD


def test_bytes_and_str_payloads_are_sent_verbatim(receiver: WebhookReceiver) -> None:
    frozen = json.dumps(PAYLOAD, indent=2, ensure_ascii=False)  # whatever the outbox froze
    with client_for(receiver) as client:
        assert client.send("msg_s", frozen, 1).outcome is Outcome.DELIVERED
        assert client.send("msg_b", frozen.encode(), 1).outcome is Outcome.DELIVERED
    assert [r.body for r in receiver.requests] == [frozen.encode(), frozen.encode()]


def test_each_attempt_gets_a_fresh_timestamp_and_the_same_id(receiver: WebhookReceiver) -> None:
    receiver.add_steps(Respond(503))
    offset = [-120.0]  # the first attempt happens "two minutes ago"
    with client_for(receiver, clock=lambda: time.time() + offset[0]) as client:
        first = client.send("msg_retry", PAYLOAD, 1)
        offset[0] = 0.0
        second = client.send("msg_retry", PAYLOAD, 2)
    assert (first.outcome, second.outcome) == (Outcome.RETRY, Outcome.DELIVERED)
    one, two = receiver.requests
    assert one.webhook_id == two.webhook_id == "msg_retry"
    assert two.timestamp is not None and one.timestamp is not None
    assert two.timestamp - one.timestamp >= 119
    assert one.signatures != two.signatures
    assert one.verified and two.verified


def test_rotation_sends_one_signature_per_secret_and_either_receiver_accepts() -> None:
    for receiver_secret in (SECRET, OLD_SECRET):
        with (
            WebhookReceiver(receiver_secret) as rx,
            WebhookClient(rx.url, f"{SECRET} {OLD_SECRET}") as client,
        ):
            assert client.send("msg_rot", PAYLOAD, 1).outcome is Outcome.DELIVERED
            [request] = rx.requests
            assert len(request.signatures) == 2 and request.verified


def test_a_receiver_with_another_secret_refuses_and_the_client_stops() -> None:
    with WebhookReceiver(OLD_SECRET) as rx, WebhookClient(rx.url, SECRET) as client:
        result = client.send("msg_x", PAYLOAD, 1)
    assert (result.status, result.outcome) == (401, Outcome.STOP)
    assert result.response_snippet == "invalid signature"
    assert rx.deliveries == {}


def test_a_repeated_id_is_acknowledged_but_processed_once(receiver: WebhookReceiver) -> None:
    with client_for(receiver) as client:
        results = [client.send("msg_dup", PAYLOAD, n) for n in (1, 2, 3)]
    assert [r.outcome for r in results] == [Outcome.DELIVERED] * 3
    assert [r.duplicate for r in receiver.requests] == [False, True, True]
    assert list(receiver.deliveries) == ["msg_dup"]


def test_scripted_outage_then_success(receiver: WebhookReceiver) -> None:
    receiver.add_steps(
        Respond(500, "boom"),
        Respond(503, "", {"Retry-After": "7"}),
        Hang(30),
        Close(),
        Respond(400, json.dumps({"error": {"message": "title missing"}}), JSON),
        Respond(410, "gone"),
    )
    with client_for(receiver, timeout_s=0.5) as client:
        results = [client.send("msg_s1", PAYLOAD, n) for n in range(1, 8)]
    outcomes = [(r.outcome, r.status, r.error_kind) for r in results]
    assert outcomes == [
        (Outcome.RETRY, 500, None),
        (Outcome.RETRY, 503, None),
        (Outcome.RETRY, None, ErrorKind.TIMEOUT),
        (Outcome.RETRY, None, ErrorKind.PROTOCOL),
        (Outcome.STOP, 400, None),
        (Outcome.GONE, 410, None),
        (Outcome.DELIVERED, 200, None),
    ]
    assert results[0].response_snippet == "boom"
    assert results[1].retry_after_s == 7
    assert results[4].response_snippet == "title missing"
    assert [r.answer for r in receiver.requests] == [
        "500",
        "503",
        "hang",
        "close",
        "400",
        "410",
        "200",
    ]
    assert list(receiver.deliveries) == ["msg_s1"]


def test_redirects_are_not_followed(receiver: WebhookReceiver) -> None:
    elsewhere = receiver.url.replace("/hooks/newsbot", "/moved")
    receiver.add_steps(Respond(308, "", {"Location": elsewhere}))
    with client_for(receiver) as client:
        result = client.send("msg_r", PAYLOAD, 1)
    assert (result.outcome, result.status) == (Outcome.STOP, 308)
    assert [r.path for r in receiver.requests] == ["/hooks/newsbot"]


def test_retry_after_as_http_date(receiver: WebhookReceiver) -> None:
    now = time.time()  # a frozen clock, within the receiver's timestamp tolerance
    later = format_datetime(datetime.fromtimestamp(int(now) + 120, tz=UTC), usegmt=True)
    receiver.add_steps(
        Respond(429, "", {"Retry-After": later}), Respond(503, "", {"Retry-After": "x"})
    )
    with client_for(receiver, clock=lambda: now) as client:
        limited = client.send("msg_429", PAYLOAD, 1)
        junk = client.send("msg_429", PAYLOAD, 2)
    assert (limited.outcome, limited.status) == (Outcome.RETRY, 429)
    assert limited.retry_after_s is not None and 119 < limited.retry_after_s <= 120
    assert (junk.status, junk.retry_after_s) == (503, None)


def test_connection_refused_is_a_retryable_outcome() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with WebhookClient(f"http://127.0.0.1:{port}/hook", SECRET) as client:
        result = client.send("msg_c", PAYLOAD, 1)
    assert (result.outcome, result.status, result.error_kind) == (
        Outcome.RETRY,
        None,
        ErrorKind.CONNECT,
    )
    assert result.response_snippet == ""


def test_a_large_error_body_is_cut_and_the_connection_stays_usable(
    receiver: WebhookReceiver,
) -> None:
    receiver.add_steps(Respond(400, "x" * 2_000_000))
    with client_for(receiver) as client:
        refused = client.send("msg_big", PAYLOAD, 1)
        after = client.send("msg_after", PAYLOAD, 1)
    assert refused.status == 400 and len(refused.response_snippet) == 200
    assert refused.response_snippet.endswith("…")
    assert after.outcome is Outcome.DELIVERED


def test_logs_one_event_per_attempt_and_flags_a_gone_endpoint(receiver: WebhookReceiver) -> None:
    receiver.add_steps(Respond(410))
    url_with_token = receiver.url + "?token=s3cret"
    with capture_logs() as logs, WebhookClient(url_with_token, SECRET) as client:
        client.send("msg_g", PAYLOAD, 3)
    attempted = [e for e in logs if e["event"] == "delivery.attempted"]
    gone = [e for e in logs if e["event"] == "delivery.endpoint_gone"]
    assert len(attempted) == 1 and len(gone) == 1
    event = attempted[0]
    assert event["webhook_id"] == "msg_g" and event["attempt"] == 3
    assert (event["status"], event["outcome"]) == (410, "gone")
    assert event["endpoint"] == f"http://127.0.0.1:{receiver.port}/hooks/newsbot"
    assert "s3cret" not in repr(logs)
    assert SECRET not in repr(logs)


def test_logs_network_errors_without_raising(receiver: WebhookReceiver) -> None:
    receiver.add_steps(Close())
    with capture_logs() as logs, client_for(receiver) as client:
        result: AttemptResult = client.send("msg_n", PAYLOAD, 1)
    assert result.error_kind is ErrorKind.PROTOCOL
    [event] = [e for e in logs if e["event"] == "delivery.attempted"]
    assert event["error_kind"] == "protocol" and event["error"] == "ProtocolError"
    assert event["log_level"] == "warning"


@pytest.mark.parametrize("url", ["ftp://cms.example/hook", "/relative", "http://", "cms.example"])
def test_only_absolute_http_urls(url: str) -> None:
    with pytest.raises(ValueError, match="absolute http"):
        WebhookClient(url, SECRET)


def test_bad_ids_and_timeouts_are_programming_errors(receiver: WebhookReceiver) -> None:
    with pytest.raises(ValueError, match="timeout_s"):
        WebhookClient(receiver.url, SECRET, timeout_s=0)
    with client_for(receiver) as client, pytest.raises(ValueError, match="webhook id"):
        client.send("msg.with.dots", PAYLOAD, 1)
    assert receiver.requests == []


def test_from_settings() -> None:
    assert WebhookClient.from_settings(load_settings()) is None
    configured = load_settings(
        publish_webhook_url="http://127.0.0.1:9/hook",
        publish_webhook_secret=f"{SECRET} {OLD_SECRET}",
        publish_timeout_s=3,
    )
    client = WebhookClient.from_settings(configured)
    assert client is not None
    assert client.url == "http://127.0.0.1:9/hook"
    assert client.endpoint == "http://127.0.0.1:9/hook"


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (
            b'{"error": {"message": "title missing", "code": 17}}',
            "application/json",
            "title missing",
        ),
        (b'{"detail": "bad\\nrequest"}', "application/problem+json", "bad request"),
        (b'{"errors": [1, 2]}', "application/json", '{"errors": [1, 2]}'),
        (b"[" * 5000 + b"]" * 5000, "application/json", ("[" * 200)[:199] + "…"),
        (
            b"<html><head><title>502 Bad Gateway</title></head><body><h1>502</h1></body></html>",
            "text/html",
            "502 Bad Gateway",
        ),
        (
            b"<html><style>p{}</style><p>Wartung &amp; Pflege</p></html>",
            "text/html; charset=utf-8",
            "Wartung & Pflege",
        ),
        ("Überlastet".encode("latin-1"), "text/plain; charset=latin-1", "Überlastet"),
        ("Überlastet".encode("latin-1"), "text/plain", "�berlastet"),
        (
            "a\x00b\x1b[31mc\u202ed".encode(),  # NUL, ESC and a bidi override
            "text/plain",
            "a b [31mc d",
        ),
        (b"  lots   of\n\n space ", "text/plain; charset=nonsense", "lots of space"),
        (b"", "text/plain", ""),
    ],
)
def test_short_reason(body: bytes, content_type: str, expected: str) -> None:
    assert short_reason(body, content_type) == expected


def test_short_reason_truncates_to_the_limit() -> None:
    reason = short_reason(b"word " * 100, "text/plain", limit=20)
    assert len(reason) <= 20 and reason.endswith("…")
