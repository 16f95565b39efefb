"""Open the store for a command, turning the usual ``DATABASE_URL`` mistakes into one sentence.

An unsupported scheme, a server where nothing listens, a database that does not exist, a
refused login and a SQLite file that does not exist yet (for the commands that only read:
they must not leave an empty ``newsbot.db`` behind) each raise a :class:`SetupError` naming
``DATABASE_URL``, shown without its password. The driver's own message goes to the log only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli.errors import (
    DatabaseLoginRefused,
    DatabaseMissing,
    DatabaseNotFound,
    DatabaseUnavailable,
    DatabaseUnreachable,
    DatabaseUrlInvalid,
    DatabaseUrlUnsupported,
    SetupError,
)
from bot.logs import get_logger
from bot.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy.engine import URL
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store import Store

log = get_logger(__name__)


def parse_database_url(raw: str) -> URL:
    """``DATABASE_URL`` parsed with our drivers, or a :class:`SetupError` naming it."""
    from sqlalchemy.exc import ArgumentError

    from bot.store.engine import normalize_url

    try:
        url = normalize_url(raw)
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            # Each pooled connection would get its own empty database (bot.store.engine).
            raise ValueError("sqlite needs a file")
        return url
    except (ArgumentError, ValueError) as exc:
        # Only the exception's type: SQLAlchemy's parse error quotes the whole URL, password too.
        detail = type(exc).__name__
        scheme = raw.split("://", 1)[0].strip() if "://" in raw else ""
        supported = scheme.split("+", 1)[0] in ("sqlite", "postgresql", "postgres")
        if scheme and not supported and scheme.replace("+", "").replace("-", "").isalnum():
            raise DatabaseUrlUnsupported(detail, scheme=f"{scheme}://") from None
        raise DatabaseUrlInvalid(detail) from None


def open_store(settings: Settings, *, create: bool) -> Store:
    """The store of ``DATABASE_URL``, after one round trip that proves the database answers.

    ``create``: a missing SQLite file may be created (``db upgrade``, ``serve``); without it
    a missing file is a :class:`DatabaseMissing` and no file is made.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from bot.store import Store
    from bot.store.engine import safe_url

    url = parse_database_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and not create:
        path = url.database or ""
        if not Path(path).exists():
            raise DatabaseMissing(f"no file {path}", path=path)
    store = Store.from_settings(settings)
    try:
        store.schema_revision()
    except SQLAlchemyError as exc:
        store.close()
        raise connection_error(exc, url) from None
    log.debug("store.opened", url=safe_url(url))
    return store


def connection_error(exc: SQLAlchemyError, url: URL) -> SetupError:
    """The sentence for a failed first connection, by what the driver said.

    psycopg 3 gives no SQLSTATE for a failed connection (``sqlstate`` is None), so the server's
    FATAL message is read: ``database "x" does not exist`` (SQLSTATE 3D000),
    ``password authentication failed`` / ``role "x" does not exist`` (28P01 / 28000)
    (https://www.postgresql.org/docs/current/errcodes-appendix.html).
    """
    from bot.store.engine import safe_url

    reason = str(getattr(exc, "orig", None) or exc)
    shown = safe_url(url)
    detail = f"{type(exc).__name__}: {reason.strip()}"
    log.warning("store.unreachable", url=shown, error=detail)
    if url.get_backend_name() == "postgresql":
        lowered = reason.lower()
        if "database" in lowered and "does not exist" in lowered:
            return DatabaseNotFound(detail, url=shown, name=url.database or "")
        if "password authentication failed" in lowered or (
            "role" in lowered and "does not exist" in lowered
        ):
            return DatabaseLoginRefused(detail, url=shown)
        if any(
            sign in lowered
            for sign in (
                "connection refused",
                "timeout expired",
                "timed out",
                "could not translate host name",
                "name or service not known",
                "no route to host",
                "network is unreachable",
            )
        ):
            return DatabaseUnreachable(detail, url=shown)
    return DatabaseUnavailable(detail, url=shown)
