"""Alembic environment: runs on the connection :mod:`bot.store.migrate` hands over.

There is no ``alembic.ini``; the configuration is built in code so ``newsbot db upgrade`` works
from any working directory after a pip install. The caller owns the transaction (Alembic then
runs inside it: https://alembic.sqlalchemy.org/en/latest/cookbook.html#connection-sharing).
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from bot.store.models import Base

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run migrations through bot.store (Store.upgrade or `newsbot db upgrade`)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things; batch mode recreates tables instead
    # (https://alembic.sqlalchemy.org/en/latest/batch.html).
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
