"""The WSGI router: Slack on POST /slack/events, /healthz tied to the database, 404 elsewhere."""

from __future__ import annotations

import threading
import urllib.request
from collections.abc import Iterator
from urllib.error import HTTPError

import pytest
from slack_bolt import App
from slack_sdk import WebClient

from bot.server import HttpServer, Router


class Health:
    def __init__(self) -> None:
        self.up = True

    def __call__(self) -> bool:
        return self.up


@pytest.fixture
def served() -> Iterator[tuple[str, Health]]:
    # No token verification: this app never talks to Slack.
    app = App(
        client=WebClient(token="xoxb-unused", base_url="http://127.0.0.1:9/api/"),
        signing_secret="secret",
        token_verification_enabled=False,
    )
    health = Health()
    server = HttpServer(Router(app, health), host="127.0.0.1", port=0, threads=2)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}", health
    server.close()
    thread.join(5)


def _get(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, method=method, data=data)  # noqa: S310 - loopback URL
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - loopback URL
            return answer.status, answer.read()
    except HTTPError as error:
        return error.code, error.read()


def test_healthz_is_200_only_while_the_database_answers(served: tuple[str, Health]) -> None:
    base, health = served
    assert _get(base + "/healthz") == (200, b"ok\n")
    health.up = False
    status, _ = _get(base + "/healthz")
    assert status == 503


def test_unknown_paths_are_404_and_events_only_take_post(served: tuple[str, Health]) -> None:
    base, _ = served
    assert _get(base + "/")[0] == 404
    assert _get(base + "/slack/other", "POST", b"{}")[0] == 404
    assert _get(base + "/slack/events")[0] == 405


def test_unsigned_slack_requests_are_refused(served: tuple[str, Health]) -> None:
    base, _ = served
    status, _ = _get(base + "/slack/events", "POST", b'{"type": "event_callback"}')
    assert status == 401
