"""Cross-process wake-ups on PostgreSQL: NOTIFY in the transaction that queued work, one
LISTEN connection per process, reconnects after the connection dropped."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

from bot.store import Store
from bot.store.listen import WakeListener
from bot.store.tally import DRAFTS_CHANNEL, OUTBOX_CHANNEL
from tests.store.helpers import ai_revision

TIMEOUT_S = 20.0  # generous: only a broken wake-up takes this long


class Woken:
    def __init__(self) -> None:
        self.drafts = threading.Event()
        self.outbox = threading.Event()

    def callbacks(self) -> dict[str, Callable[[], None]]:
        return {DRAFTS_CHANNEL: self.drafts.set, OUTBOX_CHANNEL: self.outbox.set}

    def clear(self) -> None:
        self.drafts.clear()
        self.outbox.clear()


@pytest.fixture
def two_processes(pg_schema_url: str) -> Iterator[tuple[Store, Store]]:
    """Two stores on one database, as two processes would have."""
    with Store(pg_schema_url) as first, Store(pg_schema_url) as second:
        first.upgrade()
        yield first, second


def listen(store: Store, woken: Woken) -> WakeListener:
    listener = store.wake_listener(woken.callbacks())
    assert listener is not None
    listener.start()
    assert listener.wait_listening(TIMEOUT_S)
    assert woken.drafts.wait(TIMEOUT_S)  # (re)connected: everyone is woken once
    woken.clear()
    return listener


@pytest.mark.postgres
def test_work_queued_in_one_process_wakes_the_listener_of_another(
    two_processes: tuple[Store, Store],
) -> None:
    first, second = two_processes
    woken = Woken()
    listener = listen(second, woken)
    try:
        draft = first.create_draft(
            team_id="T1", channel="C1", message_ts="1.1", url="https://e.x/a", reporter_id="U1"
        ).draft
        assert woken.drafts.wait(TIMEOUT_S)
        assert first.claim_draft("w1", 60) is not None
        assert first.complete(draft.id, "w1", ai_revision()).won
        woken.clear()
        first.approve(draft.id, editor_id="U2", editor_name="Ed", revision=1, payload={"type": "x"})
        assert woken.outbox.wait(TIMEOUT_S)
    finally:
        listener.stop()


@pytest.mark.postgres
def test_the_listener_reconnects_after_its_connection_was_killed(
    two_processes: tuple[Store, Store], pg_dsn: str
) -> None:
    first, second = two_processes
    woken = Woken()
    listener = listen(second, woken)
    try:
        old_pid = listener.backend_pid
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (old_pid,))
        # Back: it wakes everyone (notifications sent during the outage were lost) …
        assert woken.drafts.wait(TIMEOUT_S) and woken.outbox.wait(TIMEOUT_S)
        assert listener.wait_listening(TIMEOUT_S) and listener.backend_pid != old_pid
        woken.clear()
        # … and hears new work again.
        first.create_draft(
            team_id="T1", channel="C1", message_ts="1.2", url="https://e.x/b", reporter_id="U1"
        )
        assert woken.drafts.wait(TIMEOUT_S)
    finally:
        listener.stop()


def test_sqlite_has_no_listener(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path}/x.db") as store:
        assert store.wake_listener({DRAFTS_CHANNEL: lambda: None}) is None
