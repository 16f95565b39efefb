"""The publish worker threads: start them (:func:`start_publish_workers`,
:func:`start_from_settings`), wake them after an approval and stop them (:class:`PublishWorkers`).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from bot.logs import get_logger
from bot.publisher import RetryPolicy, WebhookClient
from bot.settings import ConfigError, Settings
from bot.store import Store
from bot.workflow.publishing.worker import (
    DEFAULT_LEASE_S,
    DEFAULT_POLL_S,
    DeskWebhooks,
    PublishNotifier,
    PublishWorker,
    WebhookSender,
)

if TYPE_CHECKING:
    from bot.desks import Desks

log = get_logger(__name__)
_LEASE_MARGIN_S: Final = 10.0  # DB writes around one attempt


# --- threads ------------------------------------------------------------------------------------


def worker_id(index: int, prefix: str = "publish") -> str:
    """``host:pid:publish-N``: unique per thread, readable in the audit log (max 128 chars)."""
    host = socket.gethostname()[:80]
    return f"{host}:{os.getpid()}:{prefix}-{index}"


@dataclass(slots=True)
class PublishWorkers:
    """Running worker threads. The approve path calls ``wake.set()`` after ``store.approve``."""

    workers: list[PublishWorker]
    threads: list[threading.Thread]
    stop_event: threading.Event = field(default_factory=threading.Event)
    wake: threading.Event = field(default_factory=threading.Event)

    @property
    def enabled(self) -> bool:
        return bool(self.threads)

    def stop(self, timeout: float = 30.0) -> None:
        """Ask every thread to finish its current attempt and exit; wait up to ``timeout``."""
        self.stop_event.set()
        self.wake.set()
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        alive = [t.name for t in self.threads if t.is_alive()]
        log.info("publisher.stopped", threads=len(self.threads), still_running=alive)


def start_publish_workers(
    store: Store,
    client: WebhookSender | None,
    notifier: PublishNotifier,
    *,
    policy: RetryPolicy | None = None,
    threads: int = 1,
    lease_s: float = DEFAULT_LEASE_S,
    poll_s: float = DEFAULT_POLL_S,
    prefix: str = "publish",
) -> PublishWorkers:
    """Start ``threads`` daemon threads running :meth:`PublishWorker.run_forever`.

    With ``client=None`` (no webhook configured) nothing starts; the handle still works.
    Deliveries left ``pending`` or with an expired lease by an earlier process are claimed at
    once: that is the resume after a restart.
    """
    if threads < 1:
        raise ValueError("threads must be at least 1")
    handle = PublishWorkers(workers=[], threads=[])
    if client is None:
        log.info("publisher.disabled", reason="no PUBLISH_WEBHOOK_URL")
        return handle
    for index in range(1, threads + 1):
        worker = PublishWorker(
            store,
            client,
            policy or RetryPolicy(),
            notifier,
            worker_id=worker_id(index, prefix),
            lease_s=lease_s,
        )
        thread = threading.Thread(
            target=worker.run_forever,
            args=(handle.stop_event, handle.wake),
            kwargs={"poll_s": poll_s},
            name=f"{prefix}-{index}",
            daemon=True,
        )
        handle.workers.append(worker)
        handle.threads.append(thread)
    for thread in handle.threads:
        thread.start()
    log.info(
        "publisher.started",
        threads=threads,
        endpoint=getattr(client, "endpoint", None),
        lease_s=lease_s,
        poll_s=poll_s,
    )
    return handle


def start_from_settings(
    settings: Settings, store: Store, notifier: PublishNotifier, desks: Desks | None = None
) -> PublishWorkers:
    """Workers for ``PUBLISH_WEBHOOK_URL`` and the desks' webhooks (none when no webhook is
    set), sized by the settings."""
    if settings.publish_lease_s < settings.publish_timeout_s + _LEASE_MARGIN_S:
        raise ConfigError(
            "PUBLISH_LEASE_S must exceed PUBLISH_TIMEOUT_S by at least "
            f"{_LEASE_MARGIN_S:.0f} seconds, or a slow attempt could be sent twice at once"
        )
    return start_publish_workers(
        store,
        webhook_sender(settings, store, desks),
        notifier,
        policy=RetryPolicy.from_settings(settings),
        threads=settings.publish_workers,
        lease_s=settings.publish_lease_s,
        poll_s=settings.publish_poll_s,
    )


def webhook_sender(
    settings: Settings, store: Store, desks: Desks | None = None
) -> WebhookSender | None:
    """The global webhook client, or with desks of their own webhook a :class:`DeskWebhooks`
    that picks by each delivery's desk; None when no webhook is configured at all."""
    default = WebhookClient.from_settings(settings)
    if desks is None:
        return default
    clients: dict[str, WebhookSender] = {}
    for desk in desks.desks:
        own = (desk.webhook_url, desk.webhook_secret) != (
            settings.publish_webhook_url,
            settings.publish_webhook_secret,
        )
        if desk.name and desk.webhook_url and desk.webhook_secret is not None and own:
            clients[desk.name] = WebhookClient(
                desk.webhook_url,
                desk.webhook_secret,
                timeout_s=settings.publish_timeout_s,
                user_agent=settings.fetch_user_agent,
            )
    if not clients:
        return default
    return DeskWebhooks(store, clients, default, lambda name: desks.by_name(name).name)
