"""``newsbot db upgrade`` — create or migrate the database schema (the Procfile's ``release:``).

``newsbot db current`` prints the revision the database is at and whether it is the newest.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli.database import open_store
from bot.settings import Settings


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "db",
        help="manage the database schema (DATABASE_URL)",
        description="Manage the database schema of DATABASE_URL (SQLite or PostgreSQL).",
    )
    db_sub = parser.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    upgrade = db_sub.add_parser(
        "upgrade",
        help="create or migrate the schema to the newest revision",
        description="Create the schema, or migrate it to the newest revision. Safe to run on "
        "every release and from several processes at once.",
    )
    upgrade.set_defaults(handler=run_upgrade)
    current = db_sub.add_parser(
        "current",
        help="print the schema revision; exit 1 if it is not the newest",
    )
    current.set_defaults(handler=run_current)


def run_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store.engine import safe_url

    with open_store(settings, create=True) as store:
        revision = store.upgrade()
    print(f"database {safe_url(store.url)} is at revision {revision}", file=sys.stdout)
    return 0


def run_current(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store.migrate import head_revision

    with open_store(settings, create=False) as store:
        revision = store.schema_revision()
    head = head_revision()
    state = "up to date" if revision == head else f"behind: newest is {head}"
    print(f"{revision or '(empty)'} ({state})", file=sys.stdout)
    return 0 if revision == head else 1
