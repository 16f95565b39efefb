"""``serve`` starts one LISTEN thread on PostgreSQL (unless DATABASE_LISTEN=false), wired to
the summary workers and the publish workers; none on SQLite."""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from bot.cli.serve import start_listener
from bot.settings import load_settings
from bot.store import Store
from bot.workflow.drafts import Wakeup
from tests.store.conftest import pg_dsn, pg_schema_url

__all__ = ["pg_dsn", "pg_schema_url"]


def services(store: Store) -> Any:
    return SimpleNamespace(store=store, workflow=SimpleNamespace(wakeup=Wakeup()))


@pytest.mark.postgres
def test_a_listener_wakes_both_kinds_of_worker(pg_schema_url: str) -> None:
    published = threading.Event()
    with Store(pg_schema_url) as store:
        wired = services(store)
        seen = wired.workflow.wakeup.generation()
        listener = start_listener(
            load_settings(database_url=pg_schema_url), cast(Any, wired), published.set
        )
        assert listener is not None
        try:
            assert listener.wait_listening(20)
            assert published.wait(20)  # woken once on connect
            assert wired.workflow.wakeup.generation() != seen
        finally:
            listener.stop()
        off = load_settings(database_url=pg_schema_url, database_listen=False)
        assert start_listener(off, cast(Any, wired), published.set) is None


def test_no_listener_on_sqlite(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'x.db'}") as store:
        settings = load_settings(database_url=f"sqlite:///{tmp_path / 'x.db'}")
        assert start_listener(settings, cast(Any, services(store)), lambda: None) is None
