"""Store.cross_process_lock: a named lock every process on one PostgreSQL database honours."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from bot.store import Store
from bot.store.records import DraftRequest
from tests.store.conftest import pg_dsn, pg_schema_url

__all__ = ["pg_dsn", "pg_schema_url"]  # fixtures

REQUEST = DraftRequest(
    team_id="T1", channel="C1", message_ts="1.1", url="https://news.example/a", reporter_id="U1"
)


@pytest.mark.postgres
def test_a_named_lock_is_held_against_another_store_until_the_block_ends(
    pg_schema_url: str,
) -> None:
    with Store(pg_schema_url) as one, Store(pg_schema_url) as two:
        order: list[str] = []
        inside = threading.Event()

        def second() -> None:
            inside.wait(5)
            with two.cross_process_lock("rotation:T1"):
                order.append("second in")

        thread = threading.Thread(target=second)
        thread.start()
        with one.cross_process_lock("rotation:T1"):
            inside.set()
            with two.cross_process_lock("rotation:T2"):  # another name: not blocked
                order.append("other name")
            time.sleep(0.3)  # the second waits for this block however long it takes
            order.append("first out")
        thread.join(10)
        assert order == ["other name", "first out", "second in"]


@pytest.mark.postgres
def test_the_lock_is_released_when_the_block_raises(pg_schema_url: str) -> None:
    with Store(pg_schema_url) as one, Store(pg_schema_url) as two:
        with pytest.raises(RuntimeError), one.cross_process_lock("rotation:T1"):
            raise RuntimeError("refresh failed")
        done = threading.Event()

        def take() -> None:
            with two.cross_process_lock("rotation:T1"):
                done.set()

        thread = threading.Thread(target=take)
        thread.start()
        thread.join(10)
        assert done.is_set()


def test_on_sqlite_the_lock_takes_nothing(tmp_path: Path) -> None:
    """No lock to wait for (a held one would hang here: pytest-timeout), and no write lock
    on the database either: another connection writes meanwhile."""
    with Store(f"sqlite:///{tmp_path / 'store.db'}") as store:
        store.upgrade()
        with store.cross_process_lock("a"), store.cross_process_lock("a"):
            created = store.create_drafts([REQUEST])
        assert created[0].created
