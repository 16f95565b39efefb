"""Run the Alembic migrations shipped inside the package, without an ``alembic.ini``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from bot.store.engine import WRITE_OPTION

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant; serializes concurrent `newsbot db upgrade` runs (several dynos releasing at once)
# with a transaction-level advisory lock
# (https://www.postgresql.org/docs/current/functions-admin.html#FUNCTIONS-ADVISORY-LOCKS).
_PG_MIGRATION_LOCK = 0x6E657773  # "news"


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest migration shipped with this version of the code."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The migration the database is at (None for an empty database)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, target: str = "head") -> str | None:
    """Migrate the database to ``target`` in one transaction; returns the revision it is at.

    Safe to run from several processes at once: PostgreSQL takes an advisory lock, SQLite a
    ``BEGIN IMMEDIATE`` write lock, so the second run waits and then finds nothing to do.
    """
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                )
            command.upgrade(alembic_config(conn), target)
            return MigrationContext.configure(conn).get_current_revision()
