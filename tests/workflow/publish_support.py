"""Helpers for the outbox worker tests: approved drafts, a recording notifier, client routing."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field

from bot.publisher import AttemptResult, WebhookClient
from bot.store import Delivery, Draft, Store
from bot.workflow.publishing import ApprovalPayloads, PublishUpdate
from tests.publisher.samples import SECRET
from tests.store.helpers import draft_in

__all__ = ["SECRET"]

HEADING = "Zusammenfassung"
DISCLAIMER = "KI-gestützt, von der Redaktion geprüft."


def payloads(store: Store) -> ApprovalPayloads:
    return ApprovalPayloads(store, heading=HEADING, disclaimer=DISCLAIMER)


def approved_delivery(store: Store, *, editor: str = "U_EDITOR") -> tuple[Draft, Delivery]:
    """A new draft approved at revision 1, with its outbox row (the approve path's call)."""
    ready = draft_in(store, "ready")
    outcome = store.approve(
        ready.id,
        editor_id=editor,
        editor_name="Eva Editor",
        revision=1,
        payload=payloads(store).builder(),
    )
    assert outcome.won and outcome.draft is not None and outcome.delivery is not None
    return outcome.draft, outcome.delivery


@dataclass
class RecordingNotifier:
    """Keeps every update; raises on every call when ``fail`` is set."""

    fail: bool = False
    updates: list[PublishUpdate] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def delivery_status(self, update: PublishUpdate) -> None:
        with self._lock:
            self.updates.append(update)
        if self.fail:
            raise RuntimeError("Slack is down")

    @property
    def keys(self) -> list[str]:
        with self._lock:
            return [u.line.key for u in self.updates]


def closed_port_url() -> str:
    """A loopback URL nobody listens on: connecting to it is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks/newsbot"


@dataclass
class RoutingClient:
    """Sends attempt N through ``routes[N]`` if present, else through ``default``."""

    default: WebhookClient
    routes: dict[int, WebhookClient] = field(default_factory=dict)

    def send(self, webhook_id: str, payload: bytes, attempt_no: int) -> AttemptResult:
        client = self.routes.get(attempt_no, self.default)
        return client.send(webhook_id, payload, attempt_no)
