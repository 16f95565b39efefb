"""``newsbot db upgrade`` — create or migrate the database schema (the Procfile's ``release:``).

``newsbot db current`` prints the revision the database is at and whether it is the newest.
``newsbot db recount`` rebuilds the state counts behind ``/metrics`` from the tables.
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
    recount = db_sub.add_parser(
        "recount",
        help="count drafts and deliveries by state again (the numbers behind /metrics)",
        description="Count drafts and deliveries by state in full and store the result. The "
        "counts are kept by every state change; this is only needed after rows were changed "
        "by hand, or when processes of a release before 0009_scale ran after the migration. Safe "
        "while the bot runs.",
    )
    recount.set_defaults(handler=run_recount)


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


def run_recount(args: argparse.Namespace, settings: Settings) -> int:
    from bot.settings import ConfigError

    with open_store(settings, create=False) as store:
        if not store.is_current():
            raise ConfigError(
                "the database schema is not up to date: run `newsbot db upgrade` first"
            )
        counts = store.recount_states()
    for kind, by_state in counts.items():
        listed = ", ".join(f"{state} {n}" for state, n in sorted(by_state.items())) or "none"
        print(f"{kind}: {listed}", file=sys.stdout)
    return 0
