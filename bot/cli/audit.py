"""``newsbot audit``: every draft's record as JSON or CSV, or one draft's timeline.

    newsbot audit [--since DATE] [--format json|csv] > audit.json
    newsbot audit DRAFT_ID [--format text|json|csv]

The export holds every draft with any recorded step at or after ``--since`` (default: all),
oldest first. JSON is one array with one object per draft on its own line (written as it is
read, so a large export never sits in memory); CSV is one row per draft. Fields and columns
are documented in :mod:`bot.workflow.audit`.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time
from typing import Any, TextIO

from bot.cli.database import open_store
from bot.settings import ConfigError, Settings

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse_since(value: str) -> datetime:
    """An ISO 8601 date (midnight UTC) or date-time (without an offset: UTC)."""
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
        when = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not an ISO date or date-time: {value!r} (e.g. 2025-03-01 or 2025-03-01T14:05)"
        ) from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "audit",
        help="export who approved which AI text (JSON or CSV), or show one draft's timeline",
        description="Without DRAFT_ID: export every draft (article, AI text, final text, edits, "
        "approvals, prompt version, model, every webhook attempt) as JSON or CSV on stdout. "
        "With DRAFT_ID: print that draft's history as a readable timeline.",
    )
    parser.add_argument("draft_id", nargs="?", metavar="DRAFT_ID")
    parser.add_argument(
        "--since",
        type=parse_since,
        metavar="DATE",
        help="only drafts with a recorded step at or after DATE (ISO date or date-time; "
        "UTC unless an offset is given)",
    )
    parser.add_argument(
        "--format",
        choices=("json", "csv", "text"),
        help="json (default for the export), csv, or text (default for one DRAFT_ID)",
    )
    parser.set_defaults(handler=run, audit_parser=parser)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.workflow import audit

    parser: argparse.ArgumentParser = args.audit_parser
    if args.draft_id is not None and args.since is not None:
        parser.error("--since applies to the export, not to one DRAFT_ID")
    if args.draft_id is None and args.format == "text":
        parser.error("--format text needs a DRAFT_ID")
    out = sys.stdout
    with open_store(settings, create=False) as store:
        if not store.is_current():
            raise ConfigError(
                "the database schema is missing or out of date; run `newsbot db upgrade` first"
            )
        if args.draft_id is None:
            histories = store.export_since(args.since or EPOCH)
            if args.format == "csv":
                write_csv(out, (audit.csv_row(h) for h in histories))
            else:
                write_json_array(out, (audit.export_record(h) for h in histories))
            return 0
        history = store.history(args.draft_id)
        if history is None:
            raise audit.DraftNotFound(args.draft_id, draft_id=args.draft_id)
        if args.format == "json":
            json.dump(audit.export_record(history), out, ensure_ascii=False, indent=2)
            out.write("\n")
        elif args.format == "csv":
            write_csv(out, [audit.csv_row(history)])
        else:
            out.write("\n".join(audit.timeline(history, settings.bot_language)) + "\n")
    return 0


def write_json_array(out: TextIO, records: Iterable[Mapping[str, Any]]) -> None:
    """A JSON array written one object per line, as the records arrive."""
    out.write("[")
    first = True
    for record in records:
        out.write("\n" if first else ",\n")
        json.dump(record, out, ensure_ascii=False)
        first = False
    out.write("\n]\n" if not first else "]\n")


def write_csv(out: TextIO, rows: Iterable[Mapping[str, str]]) -> None:
    from bot.workflow.audit import CSV_COLUMNS

    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
