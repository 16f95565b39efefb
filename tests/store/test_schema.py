"""Schema through Alembic only; URLs and engines; UTC timestamps."""

from __future__ import annotations

import sqlite3
import threading
from datetime import datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.store import Store
from bot.store.engine import WRITE_OPTION, build_engine, normalize_url, safe_url
from bot.store.migrate import alembic_config, head_revision
from bot.store.models import Base
from tests.store.helpers import new_draft


def test_upgrade_creates_the_schema(db_url: str) -> None:
    with Store(db_url) as store:
        assert store.schema_revision() is None and not store.is_current()
        assert store.upgrade() == head_revision()
        assert store.is_current()
        assert store.upgrade() == head_revision()  # idempotent
        tables = set(inspect(store._engine).get_table_names())
    assert tables == {*Base.metadata.tables, "alembic_version"}


def test_migrations_produce_exactly_the_models(db_url: str) -> None:
    with Store(db_url) as store:
        store.upgrade()
        with store._engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
            )
    assert diff == []


def test_downgrade_to_nothing_and_back(db_url: str) -> None:
    with Store(db_url) as store:
        store.upgrade()
        with store._engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                command.downgrade(alembic_config(conn), "base")
            assert inspect(conn).get_table_names() == ["alembic_version"]
        assert store.schema_revision() is None
        assert store.upgrade() == head_revision()


def test_upgrade_clears_a_post_marker_left_in_the_ts_field(db_url: str) -> None:
    """Before 0005 a crashed "Post for review" left ``posting:<user>`` in bot_message_ts."""
    with Store(db_url) as store:
        store.upgrade()
        stuck = new_draft(store)
        posted = new_draft(store)
        with store._engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                command.downgrade(alembic_config(conn), "0004")
        assert store.set_bot_message(stuck.id, "posting:U0REPORTER")
        assert store.set_bot_message(posted.id, "1700000001.000100")
        assert store.upgrade() == head_revision()
        after_stuck, after_posted = store.get_draft(stuck.id), store.get_draft(posted.id)
    assert after_stuck is not None and after_stuck.bot_message_ts is None
    assert after_posted is not None and after_posted.bot_message_ts == "1700000001.000100"


def test_concurrent_upgrades_all_succeed(db_url: str) -> None:
    results: list[str | None] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def run() -> None:
        try:
            with Store(db_url) as store:
                barrier.wait()
                results.append(store.upgrade())
        except BaseException as exc:  # noqa: BLE001 -- collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == [head_revision()] * 4


@pytest.mark.postgres
def test_timestamps_are_utc_whatever_the_session_time_zone(pg_schema_url: str) -> None:
    url = pg_schema_url.replace("options=", "options=-ctimezone%3DAsia%2FTokyo+")
    with Store(url) as store:
        store.upgrade()
        with store._engine.connect() as conn:
            assert conn.execute(text("SHOW timezone")).scalar() == "Asia/Tokyo"
        draft = store.create_draft(
            team_id="T", channel="C", message_ts="1.1", url="https://n.example", reporter_id="U"
        ).draft
    offset = draft.created_at.utcoffset()
    assert offset is not None and offset.total_seconds() == 0


def test_a_naive_clock_is_refused(tmp_path: Path) -> None:
    with Store(f"sqlite:///{tmp_path / 'n.db'}", clock=datetime.now) as store:
        store.upgrade()
        with pytest.raises(ValueError, match="aware"):
            store.record_event("E1")


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("postgresql://u:p@db.example:5432/news", "postgresql+psycopg"),
        ("postgres://u:p@db.example/news", "postgresql+psycopg"),
        ("postgresql+psycopg://u@db.example/news", "postgresql+psycopg"),
        ("sqlite:///newsbot.db", "sqlite"),
    ],
)
def test_database_urls_pick_our_drivers(given: str, driver: str) -> None:
    assert normalize_url(given).drivername == driver


@pytest.mark.parametrize(
    "url", ["mysql://u@h/db", "sqlite+pysqlcipher:///x.db", "sqlite://", "sqlite:///:memory:"]
)
def test_unsupported_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError):
        build_engine(url)


def test_safe_url_hides_the_password() -> None:
    assert "s3cret" not in safe_url("postgresql://user:s3cret@db.example/news")
    assert "s3cret" not in repr(Store("postgresql://user:s3cret@db.example/news"))


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = build_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
    engine.dispose()


def test_sqlite_write_transactions_take_the_write_lock_up_front(tmp_path: Path) -> None:
    path = tmp_path / "lock.db"
    engine = build_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():  # no statement yet: BEGIN IMMEDIATE already holds the lock
            other = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                with pytest.raises(sqlite3.OperationalError, match="locked"):
                    other.execute("BEGIN IMMEDIATE")
            finally:
                other.close()
        with conn.begin():
            pass
    with engine.connect() as conn, conn.begin():  # reads use a plain BEGIN
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        finally:
            other.close()
    engine.dispose()


def test_postgresql_engines_take_the_pool_settings() -> None:
    from bot.store.engine import PoolConfig

    pool = PoolConfig(
        size=7, max_overflow=3, timeout_s=4.5, recycle_s=600, prepared_statements=False
    )
    engine = build_engine("postgresql://u@127.0.0.1:1/db", pool=pool)
    queue = engine.pool
    assert queue.size() == 7  # type: ignore[attr-defined]
    assert queue._max_overflow == 3  # type: ignore[attr-defined]
    assert queue._timeout == 4.5  # type: ignore[attr-defined]
    assert queue._recycle == 600
    default = build_engine("postgresql://u@127.0.0.1:1/db").pool
    assert default.size() == 5 and default._recycle == -1  # type: ignore[attr-defined]


def test_store_from_settings_applies_the_pool_settings() -> None:
    from bot.settings import load_settings

    settings = load_settings(
        database_url="postgresql://u@127.0.0.1:1/db", db_pool_size=9, db_max_overflow=0
    )
    store = Store.from_settings(settings)
    assert store.pool.size == 9 and store.pool.max_overflow == 0
    assert store._engine.pool.size() == 9  # type: ignore[attr-defined]


@pytest.mark.postgres
def test_prepared_statements_can_be_switched_off_for_pgbouncer(pg_schema_url: str) -> None:
    from bot.store.engine import PoolConfig

    for enabled, threshold in ((True, 5), (False, None)):
        engine = build_engine(pg_schema_url, pool=PoolConfig(prepared_statements=enabled))
        with engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            assert raw is not None and raw.prepare_threshold == threshold
        engine.dispose()
