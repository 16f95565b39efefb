"""``newsbot purge`` — remove article text older than ``RETENTION_DAYS`` now (retention).

``serve`` and ``socket`` do the same once a day; this command is for a cron job, a one-off
after lowering the setting, or a data-protection request. Drafts, summaries, revisions,
deliveries and the audit trail stay; only the stored article text goes. Running it while the
bot runs, or twice at once, is safe.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from bot.cli.database import open_store
from bot.settings import ConfigError, Settings


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "purge",
        help="remove stored article text older than RETENTION_DAYS (the audit trail stays)",
        description="Remove the stored article text of drafts older than RETENTION_DAYS days "
        "(or --days) and Slack event ids older than a week. Summaries, revisions, deliveries "
        "and the audit trail stay.",
    )
    parser.add_argument(
        "--days",
        type=int,
        default=None,
        help="keep this many days instead of RETENTION_DAYS (0: keep everything)",
    )
    parser.set_defaults(handler=run_purge)


def run_purge(args: argparse.Namespace, settings: Settings) -> int:
    from bot.workflow.retention import purge

    days = settings.retention_days if args.days is None else args.days
    if days < 0:
        raise ConfigError("--days must be 0 or more")
    with open_store(settings, create=False) as store:
        if not store.is_current():
            raise ConfigError(
                "the database schema is not up to date: run `newsbot db upgrade` first"
            )
        result = purge(store, days)
    if result.cutoff is None:
        print("RETENTION_DAYS is 0: article text is kept.", file=sys.stdout)
    else:
        print(
            f"Removed the article text of {result.articles} draft(s) created before "
            f"{result.cutoff:%Y-%m-%d %H:%M} UTC.",
            file=sys.stdout,
        )
    print(f"Removed {result.events} Slack event id(s) older than a week.", file=sys.stdout)
    return 0
