"""A minimal receiver for newsbot's publishing webhook: stdlib plus the standardwebhooks package.

    pip install standardwebhooks
    WEBHOOK_SECRET=whsec_... python receiver_example.py 8080

It verifies the signature and the timestamp (the library refuses anything more than five
minutes off), processes each ``webhook-id`` once, keeps the newest revision per summary, and
answers 2xx only after the event is safely handled, so newsbot retries everything else.
A real CMS would keep ``seen`` and ``summaries`` in its database, not in memory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import threading
from collections.abc import Mapping, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

MAX_BODY = 1_000_000


class Rejected(Exception):
    """The request is not a valid delivery signed with one of our secrets."""


def verify_delivery(secrets: str, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
    """The parsed payload if any of the space-separated ``secrets`` verifies it; else Rejected."""
    for secret in secrets.split():  # several secrets while you rotate
        try:
            payload: dict[str, Any] = Webhook(secret).verify(body, dict(headers))
        except (WebhookVerificationError, ValueError):  # ValueError: malformed header or body
            continue
        return payload
    raise Rejected("no valid signature")


class Inbox:
    """Idempotency by webhook-id, and newest-revision-wins per summary."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: set[str] = set()
        self.summaries: dict[str, dict[str, Any]] = {}  # summary_id -> latest event

    def handle(self, webhook_id: str, event: dict[str, Any]) -> bool:
        """Apply the event once; False if this webhook-id was already processed."""
        with self.lock:
            if webhook_id in self.seen:
                return False
            data = event["data"]
            current = self.summaries.get(data["summary_id"])
            stale = current is not None and (
                current["type"] == "summary.retracted"
                or current["data"]["revision"] > data["revision"]
            )
            if not stale:  # a late retry of an older revision must not overwrite a correction
                self.summaries[data["summary_id"]] = event  # your CMS update goes here
            self.seen.add(webhook_id)  # only after the update succeeded
            return True


def make_server(
    secrets: str, inbox: Inbox, host: str = "127.0.0.1", port: int = 8080
) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self.answer(413, "too large")
            body = self.rfile.read(length)
            try:
                event = verify_delivery(secrets, dict(self.headers.items()), body)
            except Rejected:
                return self.answer(401, "invalid signature")
            try:
                fresh = inbox.handle(self.headers["webhook-id"], event)
            except (KeyError, TypeError):
                return self.answer(400, "unexpected payload shape")  # newsbot will not retry
            return self.answer(200, "ok" if fresh else "duplicate")

        def answer(self, status: int, message: str) -> None:
            data = json.dumps({"message": message}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return ThreadingHTTPServer((host, port), Handler)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Receive newsbot's signed webhooks on 127.0.0.1:PORT.",
        epilog="WEBHOOK_SECRET (whsec_..., several separated by spaces while rotating) must "
        "be set in the environment.",
    )
    parser.add_argument("port", type=int, metavar="PORT", help="port to listen on, e.g. 8080")
    args = parser.parse_args(argv)
    secrets = os.environ.get("WEBHOOK_SECRET", "").strip()
    if not secrets:
        parser.error("set WEBHOOK_SECRET to the secret newsbot signs with (whsec_...)")
    try:
        server = make_server(secrets, Inbox(), port=args.port)
    except OSError as exc:
        parser.error(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}")
    print(f"listening on http://127.0.0.1:{server.server_address[1]}/")
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C ends it quietly
        server.serve_forever()


if __name__ == "__main__":
    main()
