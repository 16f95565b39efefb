"""The shared fake receiver itself: it must refuse what a real receiver refuses."""

from __future__ import annotations

import threading
import time

import urllib3

from bot.publisher.client import WebhookClient
from bot.publisher.policy import ErrorKind
from bot.publisher.signing import Signer
from tests.fakes.webhook_receiver import Hang, Respond, WebhookReceiver
from tests.publisher.samples import SECRET

BODY = b'{"type":"summary.approved"}'


def post(url: str, headers: dict[str, str], body: bytes = BODY) -> int:
    with urllib3.PoolManager() as pool:
        return pool.request("POST", url, body=body, headers=headers, retries=False).status


def test_unsigned_forged_and_stale_requests_get_401_and_leave_the_script_alone() -> None:
    with WebhookReceiver(SECRET, script=[Respond(503)]) as rx:
        now = int(time.time())
        good = Signer(SECRET).headers("msg_1", now, BODY)
        assert post(rx.url, {}) == 401
        assert post(rx.url, {**good, "webhook-signature": "v1"}) == 401  # malformed
        assert post(rx.url, good, BODY + b" ") == 401  # body changed after signing
        stale = Signer(SECRET).headers("msg_1", now - 600, BODY)
        assert post(rx.url, stale) == 401
        assert [r.verified for r in rx.requests] == [False] * 4
        assert post(rx.url, good) == 503  # the script starts with the first signed request
        assert post(rx.url, good) == 200
        assert rx.deliveries == {"msg_1": {"type": "summary.approved"}}


def test_wait_for_requests_sees_deliveries_from_other_threads() -> None:
    with WebhookReceiver(SECRET) as rx, WebhookClient(rx.url, SECRET) as client:
        sender = threading.Thread(target=client.send, args=("msg_t", BODY, 1))
        sender.start()
        [request] = rx.wait_for_requests(1)
        sender.join()
        assert request.webhook_id == "msg_t"


def test_stop_releases_a_hanging_request() -> None:
    rx = WebhookReceiver(SECRET, script=[Hang(600)]).start()
    client = WebhookClient(rx.url, SECRET, timeout_s=60)
    results = []
    sender = threading.Thread(target=lambda: results.append(client.send("msg_h", BODY, 1)))
    sender.start()
    rx.wait_for_requests(1)
    rx.stop()
    sender.join(timeout=30)
    assert not sender.is_alive()
    assert results[0].error_kind in (ErrorKind.PROTOCOL, ErrorKind.CONNECT)
