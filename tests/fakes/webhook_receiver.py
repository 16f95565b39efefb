"""A loopback Standard Webhooks receiver for tests: verifies, dedupes, and follows a script.

It verifies signatures with the ``standardwebhooks`` package directly (not with our own
``bot.publisher.signing``), so a signing bug cannot hide behind a matching verification bug.

Each signed, first-seen request consumes the next scripted step (:class:`Respond`,
:class:`Hang`, :class:`Close`); when the script is empty it answers ``default``. A 2xx answer
records the delivery under its ``webhook-id``; a later request with the same id is
acknowledged with 200 without consuming the script or counting twice, as a real idempotent
receiver would. Unsigned or badly signed requests get 401 and are recorded as not verified.

    with WebhookReceiver(SECRET, script=[Respond(503, headers={"Retry-After": "7"})]) as rx:
        client = WebhookClient(rx.url, SECRET)
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from tests.fakes.loopback import LOOPBACK, LoopbackServer


@dataclass(frozen=True, slots=True)
class Respond:
    status: int = 200
    body: bytes | str = b""
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Hang:
    """Read the request, then say nothing for ``seconds`` (cut short by ``stop()``) and close."""

    seconds: float = 60.0


@dataclass(frozen=True, slots=True)
class Close:
    """Read the request, then close the connection without any answer."""


Step = Respond | Hang | Close


@dataclass(frozen=True, slots=True)
class ReceivedRequest:
    path: str
    headers: dict[str, str]  # lower-cased names
    body: bytes
    verified: bool
    duplicate: bool
    answer: str  # "200", "503", "hang", "close", "401"…

    @property
    def webhook_id(self) -> str | None:
        return self.headers.get("webhook-id")

    @property
    def timestamp(self) -> int | None:
        raw = self.headers.get("webhook-timestamp")
        return int(raw) if raw and raw.isdigit() else None

    @property
    def signatures(self) -> list[str]:
        return self.headers.get("webhook-signature", "").split()


class WebhookReceiver(LoopbackServer[ThreadingHTTPServer]):
    """Threaded HTTP server on 127.0.0.1, port 0. Use as a context manager."""

    def __init__(
        self,
        secrets: str | Sequence[str],
        *,
        script: Iterable[Step] = (),
        default: Step = Respond(200, b'{"ok":true}', {"Content-Type": "application/json"}),
        path: str = "/hooks/newsbot",
    ) -> None:
        super().__init__()
        secret_list = secrets.split() if isinstance(secrets, str) else list(secrets)
        self._verifiers = [Webhook(s) for s in secret_list]
        self._script: list[Step] = list(script)
        self._default = default
        self.path = path
        self._lock = threading.Condition()
        self._requests: list[ReceivedRequest] = []
        self._accepted: dict[str, Any] = {}

    # --- lifecycle (hanging handlers wait on ``stopping``) -----------------------------------
    join_timeout_s = 10.0

    def make_server(self) -> ThreadingHTTPServer:
        server = ThreadingHTTPServer((LOOPBACK, 0), self._handler_class())
        server.daemon_threads = True
        return server

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    # --- script and records ----------------------------------------------------------------------
    def add_steps(self, *steps: Step) -> None:
        with self._lock:
            self._script.extend(steps)

    @property
    def requests(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def deliveries(self) -> dict[str, Any]:
        """Accepted deliveries: webhook-id → parsed JSON body, each id once."""
        with self._lock:
            return dict(self._accepted)

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> list[ReceivedRequest]:
        """Block until ``count`` requests arrived (for callers that send from other threads)."""
        with self._lock:
            if not self._lock.wait_for(lambda: len(self._requests) >= count, timeout):
                raise AssertionError(f"expected {count} requests, got {len(self._requests)}")
            return list(self._requests)

    # --- handling ------------------------------------------------------------------------------
    def _verify(self, headers: dict[str, str], body: bytes) -> bool:
        for verifier in self._verifiers:
            try:
                verifier.verify(body, headers, json_parse=False)
            except (WebhookVerificationError, ValueError):
                # ValueError: the library's own parsing of a malformed header or body.
                continue
            return True
        return False

    def _decide(self, headers: dict[str, str], body: bytes) -> tuple[Step, bool, bool]:
        """(step to play, verified, duplicate); records 2xx deliveries under the lock."""
        verified = self._verify(headers, body)
        with self._lock:
            if not verified:
                return Respond(401, b"invalid signature"), False, False
            webhook_id = headers["webhook-id"]
            if webhook_id in self._accepted:
                return Respond(200, b"duplicate"), True, True
            step = self._script.pop(0) if self._script else self._default
            if isinstance(step, Respond) and 200 <= step.status <= 299:
                self._accepted[webhook_id] = _parse(body)
            return step, True, False

    def _record(self, request: ReceivedRequest) -> None:
        with self._lock:
            self._requests.append(request)
            self._lock.notify_all()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; with Nagle on, each response
            # stalls ~40 ms on the client's delayed ACK.
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                step, verified, duplicate = receiver._decide(headers, body)
                answer = str(step.status) if isinstance(step, Respond) else type(step).__name__
                receiver._record(
                    ReceivedRequest(self.path, headers, body, verified, duplicate, answer.lower())
                )
                if isinstance(step, Hang):
                    receiver.stopping.wait(step.seconds)
                    self.close_connection = True
                    return
                if isinstance(step, Close):
                    self.close_connection = True
                    return
                payload = step.body.encode() if isinstance(step.body, str) else step.body
                self.send_response(step.status)
                for name, value in step.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        return Handler


def _parse(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body
