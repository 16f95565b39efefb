"""Store fixtures: every ``store`` test runs on SQLite (a temp file) and on PostgreSQL.

PostgreSQL is the machine's server at 127.0.0.1:5432, database ``test`` (override with
``TEST_POSTGRES_URL``). Each test gets a fresh, uniquely named schema (``search_path`` set via
the URL's libpq ``options``), created by the Alembic migrations and dropped afterwards, so
parallel runs and leftovers never interfere. Without a reachable server the PostgreSQL tests
skip locally and FAIL when ``CI=true``.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.store import Store

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def pg_base_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_PG_URL)


def _libpq_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_dsn() -> str:
    """The PostgreSQL conninfo, after checking the server answers."""
    dsn = _libpq_dsn(pg_base_url())
    try:
        with psycopg.connect(dsn, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        reason = f"PostgreSQL at {make_url(pg_base_url())!r} is unreachable: {exc}"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(reason)
        pytest.skip(reason + " (set up the server or TEST_POSTGRES_URL; CI fails instead)")
    return dsn


@pytest.fixture
def pg_schema_url(pg_dsn: str) -> Iterator[str]:
    """A database URL whose search_path is a fresh schema, dropped after the test."""
    schema = "newsbot_test_" + secrets.token_hex(6)
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    base = make_url(pg_base_url())
    url = base.update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


class FakeClock:
    """A settable clock (aware UTC), starting at the real time so subprocesses agree."""

    def __init__(self) -> None:
        self._now = datetime.now(UTC)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> datetime:
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("pg_schema_url")
    return url


@pytest.fixture
def store(db_url: str, clock: FakeClock) -> Iterator[Store]:
    """A migrated store with a fake clock, max 3 attempts per draft and per delivery."""
    with Store(db_url, clock=clock, max_attempts=3, max_delivery_attempts=3) as store:
        store.upgrade()
        yield store
        assert_counts_exact(store)


def assert_counts_exact(store: Store) -> None:
    """The kept state counts equal a full count of the tables (checked after every test)."""
    kept = {kind: {s: n for s, n in by.items() if n} for kind, by in store.state_counts().items()}
    with store._engine.connect() as conn:
        actual = {
            kind: {
                str(state): int(n)
                for state, n in conn.execute(
                    text(f"SELECT state, count(*) FROM {kind} GROUP BY state")  # noqa: S608
                )
            }
            for kind in ("drafts", "deliveries")
        }
    assert kept == actual
