"""Engines for SQLite and PostgreSQL, configured for several threads and processes.

* ``postgresql://`` and ``postgres://`` URLs (as Heroku and most hosts give them) use the
  psycopg 3 driver: ``postgresql+psycopg://``.
* SQLite runs in WAL mode with a busy timeout and foreign keys on. pysqlite's own transaction
  handling is switched off and SQLAlchemy emits ``BEGIN`` itself, as SQLAlchemy documents
  (https://docs.sqlalchemy.org/en/20/dialects/sqlite.html#sqlite-transactions). Write
  transactions use ``BEGIN IMMEDIATE``, which takes SQLite's single write lock up front: two
  processes never both read a row as claimable and then race to upgrade to writers
  (https://sqlite.org/lang_transaction.html).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from tenacity import retry, retry_if_exception, stop_after_delay, wait_random_exponential

WRITE_OPTION = "newsbot_write"
SQLITE_BUSY_TIMEOUT_S = 30.0


def normalize_url(url: str | URL) -> URL:
    """Parse ``url`` and pick our drivers (psycopg 3 for PostgreSQL, the stdlib for SQLite)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and parsed.drivername != "sqlite":
        raise ValueError("only the standard library sqlite driver is supported")
    if backend not in ("postgresql", "sqlite"):
        raise ValueError(f"unsupported database backend {backend!r}: use sqlite or postgresql")
    return parsed


def safe_url(url: str | URL) -> str:
    """The URL without its password, for logs and messages."""
    return make_url(url).render_as_string(hide_password=True)


@dataclass(frozen=True, slots=True)
class PoolConfig:
    """The connection pool of a PostgreSQL engine (``DB_POOL_*`` settings).

    SQLAlchemy's QueuePool keeps ``size`` connections open and opens up to ``max_overflow``
    more under load, which it closes again when they are returned; a thread waits up to
    ``timeout_s`` for a connection; ``recycle_s`` > 0 replaces connections older than that
    (for servers or proxies that drop idle connections) (https://docs.sqlalchemy.org/en/20/
    core/pooling.html#sqlalchemy.pool.QueuePool). ``prepared_statements=False`` stops
    psycopg preparing statements on the server (``prepare_threshold=None``, see
    https://www.psycopg.org/psycopg3/docs/advanced/prepare.html): needed behind a PgBouncer
    in transaction mode older than 1.21 or without ``max_prepared_statements``.
    """

    size: int = 5
    max_overflow: int = 10
    timeout_s: float = 30.0
    recycle_s: float = 0.0
    prepared_statements: bool = True


def build_engine(url: str | URL, *, echo: bool = False, pool: PoolConfig | None = None) -> Engine:
    """Create (without connecting) an engine for ``url``; ``pool`` applies to PostgreSQL."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, echo=echo)
    pool = pool or PoolConfig()
    return create_engine(
        parsed,
        echo=echo,
        pool_pre_ping=True,
        pool_size=pool.size,
        max_overflow=pool.max_overflow,
        pool_timeout=pool.timeout_s,
        pool_recycle=int(pool.recycle_s) if pool.recycle_s > 0 else -1,
        connect_args={} if pool.prepared_statements else {"prepare_threshold": None},
    )


def _sqlite_engine(url: URL, *, echo: bool) -> Engine:
    if url.database in (None, "", ":memory:"):
        # Each pooled connection would get its own empty in-memory database.
        raise ValueError("use a file for SQLite (sqlite:///path/newsbot.db), not :memory:")
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy emit BEGIN (see the module docstring).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
            cursor.execute("PRAGMA foreign_keys = ON")
            _enable_wal(cursor)
            # In WAL mode NORMAL fsyncs at checkpoints, not on every commit: a commit survives a
            # crash of the process (what leases and redeliveries rely on), only an OS crash or
            # power loss may lose the last few (https://www.sqlite.org/pragma.html#pragma_synchronous).
            # Several processes or stricter durability: use PostgreSQL.
            cursor.execute("PRAGMA synchronous = NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _is_locked(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc)


@retry(
    retry=retry_if_exception(_is_locked),
    wait=wait_random_exponential(multiplier=0.005, max=0.2),
    stop=stop_after_delay(SQLITE_BUSY_TIMEOUT_S),
    reraise=True,
)
def _enable_wal(cursor: sqlite3.Cursor) -> None:
    """Switch the file to WAL once (the mode persists in the file).

    The switch needs an exclusive lock and SQLite answers "database is locked" at once,
    without its busy handler, when several processes open a new file together; so retry.
    """
    mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    if str(mode).lower() != "wal":
        cursor.execute("PRAGMA journal_mode = WAL")
