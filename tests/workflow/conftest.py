"""Fixtures for the outbox worker tests: a store on SQLite and on PostgreSQL, and a fake clock.

The PostgreSQL plumbing (a fresh schema per test) is the store tests' own, imported from
``tests/store/conftest.py``; fixture names here carry a ``pub_`` prefix so other workflow
tests in this folder keep their own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import Store
from tests.store.conftest import FakeClock, pg_dsn, pg_schema_url

__all__ = ["pg_dsn", "pg_schema_url"]  # fixtures used by pub_db_url via getfixturevalue

MAX_DELIVERY_ATTEMPTS = 8


@pytest.fixture
def pub_clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pub_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'publish.db'}"
    url: str = request.getfixturevalue("pg_schema_url")
    return url


@pytest.fixture
def pub_store(pub_db_url: str, pub_clock: FakeClock) -> Iterator[Store]:
    """A migrated store on the fake clock, allowing 8 attempts per delivery (the default)."""
    with Store(
        pub_db_url, clock=pub_clock, max_attempts=3, max_delivery_attempts=MAX_DELIVERY_ATTEMPTS
    ) as store:
        store.upgrade()
        yield store
