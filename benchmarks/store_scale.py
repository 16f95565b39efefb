"""The database at scale: ``/metrics`` state counts, the retention purge, and cross-process
wake-ups, on a database holding ``--drafts`` drafts (default 100,000).

    .venv/bin/python -m benchmarks.store_scale [--drafts 100000] [--runs 50]
                                               [--postgres [URL]] [--no-sqlite]

Each backend gets a fresh database (SQLite: a temp file; PostgreSQL: a fresh schema in the
test server's database, or URL). The drafts span 180 days: about 70 % published (with a
delivered webhook row), the rest ready, approved, rejected, failed, queued; the article text
of drafts older than 90 days is already purged except the last day's worth (what a daily
purge finds).

- **state counts**: the old query (``count(*) … GROUP BY state`` over ``drafts`` and
  ``deliveries``) against :meth:`Store.state_counts` (the kept ``state_counts`` rows).
- **purge**: finding the rows (the purge's WHERE as a SELECT) and the retention purge's
  UPDATE for the daily case (drafts 90–91 days old) and for
  a first purge after enabling retention (everything older than 30 days), each run in a
  transaction that is rolled back, with ``ix_drafts_purge`` dropped (before) and present
  (after).
- **a draft's writes**: create → claim → complete with the count upserts switched off
  (before) and on (after), the price of exact counts.
- **wake-up** (PostgreSQL): a draft created through one store until the listener of a
  second store (another "process") is called: NOTIFY instead of polling every 2 s.

Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from unittest.mock import patch

from sqlalchemy import Connection, insert, text

from benchmarks.publish import DEFAULT_PG_URL, postgres_url, sqlite_url
from bot.logs import configure_logging
from bot.store import NewRevision, Store, tally, url_key
from bot.store.models import DeliveryRow, DraftRow
from bot.store.tally import DRAFTS_CHANNEL

DAYS = 180
_LIFECYCLES = itertools.count()
RETENTION_DAYS = 90
OLD_COUNTS = (
    "SELECT state, count(*) FROM drafts GROUP BY state",
    "SELECT state, count(*) FROM deliveries GROUP BY state",
)
# (state, share) of the drafts; published drafts get a delivered webhook row.
MIX = (
    ("published", 0.70),
    ("rejected", 0.12),
    ("ready", 0.06),
    ("approved", 0.04),
    ("failed", 0.04),
    ("queued", 0.02),
    ("retracted", 0.02),
)


@dataclass(slots=True)
class Row:
    backend: str
    measure: str
    before_ms: float
    after_ms: float
    note: str = ""


def fill(store: Store, drafts: int, now: datetime) -> None:
    """``drafts`` drafts (and their deliveries) in bulk, then a recount of the states."""
    states = [state for state, share in MIX for _ in range(round(share * 1000))]
    batch: list[dict[str, object]] = []
    deliveries: list[dict[str, object]] = []
    step = timedelta(days=DAYS) / drafts
    # Purged daily: text is left only on drafts younger than RETENTION_DAYS + 1 days.
    cutoff = now - timedelta(days=RETENTION_DAYS + 1)
    with store._engine.begin() as conn:
        for index in range(drafts):
            created = now - timedelta(days=DAYS) + step * index
            state = states[index % len(states)]
            url = f"https://news.example/{index}"
            kept = created >= cutoff
            batch.append(
                {
                    "id": f"d{index:015d}",
                    "team_id": "T1",
                    "channel": f"C{index % 10}",
                    "message_ts": f"{index}.0",
                    "thread_ts": f"{index}.0",
                    "reporter_id": "U1",
                    "url": url,
                    "url_key": url_key(url),
                    "source": "message",
                    "state": state,
                    "attempts": 1,
                    "auto_retries": 0,
                    "card_marks": 0,
                    "version": 3,
                    "article_title": "Title",
                    "article_text": ("Text of the article. " * 150) if kept else None,
                    "article_purged_at": None if kept else created + timedelta(days=RETENTION_DAYS),
                    # Queued ones wait for a later retry, so the lifecycle runs claim their own.
                    "next_attempt_at": now + timedelta(days=1) if state == "queued" else None,
                    "created_at": created,
                    "updated_at": created,
                }
            )
            if state == "published":
                deliveries.append(
                    {
                        "id": f"v{index:015d}",
                        "draft_id": f"d{index:015d}",
                        "revision": 1,
                        "event_type": "summary.approved",
                        "webhook_id": f"msg_{index:032x}",
                        "body": "{}",
                        "state": "delivered",
                        "attempts": 1,
                        "total_attempts": 1,
                        "next_attempt_at": created,
                        "round_started_at": created,
                        "created_at": created,
                        "updated_at": created,
                    }
                )
            if len(batch) >= 5000:
                flush(conn, batch, deliveries)
        flush(conn, batch, deliveries)
    if store.backend == "postgresql":
        with store._engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    store.recount_states()


def flush(
    conn: Connection, batch: list[dict[str, object]], deliveries: list[dict[str, object]]
) -> None:
    if batch:
        conn.execute(insert(DraftRow), batch)
    if deliveries:
        conn.execute(insert(DeliveryRow), deliveries)
    batch.clear()
    deliveries.clear()


def timed(run: Callable[[], object], runs: int) -> float:
    """Median milliseconds of ``runs`` calls (after one warm-up call)."""
    run()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def old_counts(store: Store) -> None:
    with store._engine.connect() as conn:
        for sql in OLD_COUNTS:
            conn.exec_driver_sql(sql).all()


def purge_ms(store: Store, older_than: datetime, runs: int) -> tuple[float, int]:
    """Median ms of the purge UPDATE in a rolled-back transaction; rows it would change.

    PostgreSQL: a VACUUM (not timed) before each run clears the dead rows the rolled-back
    run before left, so every run meets the same table."""
    statement = store._purge_statement(older_than, datetime.now(UTC))
    changed = 0
    samples = []
    for _ in range(runs + 1):
        if store.backend == "postgresql":
            with store._engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM drafts"
                )
        with store._engine.connect() as conn:
            started = time.perf_counter()
            trans = conn.begin()
            changed = len(conn.execute(statement).all())
            trans.rollback()
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples[1:]), changed


def find_ms(store: Store, older_than: datetime, runs: int) -> float:
    """Median ms of the purge's WHERE alone: finding the rows (what the index changes)."""
    sql = text("SELECT count(*) FROM drafts WHERE created_at < :older AND article_text IS NOT NULL")
    with store._engine.connect() as conn:
        return timed(lambda: conn.execute(sql, {"older": _bind(store, older_than)}).scalar(), runs)


def _bind(store: Store, value: datetime) -> object:
    # SQLite stores naive UTC text (bot.store.models.UTCDateTime).
    return value.replace(tzinfo=None) if store.backend == "sqlite" else value


def set_purge_index(store: Store, present: bool) -> None:
    with store._engine.begin() as conn:
        if present:
            where = "WHERE article_text IS NOT NULL"
            conn.exec_driver_sql(f"CREATE INDEX ix_drafts_purge ON drafts (created_at) {where}")
        else:
            conn.exec_driver_sql("DROP INDEX ix_drafts_purge")
    if store.backend == "postgresql":
        with store._engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE drafts")


def wake_ms(url: str, runs: int) -> float:
    """Median ms from creating a draft in one store (its transaction included) to the
    listener of the other store firing."""
    with Store(url) as first, Store(url) as second:
        woken = threading.Event()
        listener = second.wake_listener({DRAFTS_CHANNEL: woken.set})
        assert listener is not None
        listener.start()
        try:
            listener.wait_listening(10)
            samples = []
            for index in range(runs):
                woken.clear()
                started = time.perf_counter()
                first.create_draft(
                    team_id="T9",
                    channel="C9",
                    message_ts=f"9.{index}",
                    url=f"https://wake.example/{index}",
                    reporter_id="U1",
                )
                woken.wait(10)
                samples.append((time.perf_counter() - started) * 1000)
            return statistics.median(samples)
        finally:
            listener.stop()


def lifecycle_ms(store: Store, runs: int) -> tuple[float, float]:
    """Median ms of one draft's create → claim → complete (three write transactions), with
    the count upserts and NOTIFY off and on, in alternating runs (so both meet the same
    load and the same table)."""

    def run() -> None:
        index = next(_LIFECYCLES)
        draft = store.create_draft(
            team_id="T8",
            channel="C8",
            message_ts=f"8.{index}",
            url=f"https://life.example/{index}",
            reporter_id="U1",
        ).draft
        claimed = store.claim_draft("bench", 60)
        assert claimed is not None and claimed.id == draft.id
        new = NewRevision(kind="ai", bullets=("A.",), author="m")
        assert store.complete(draft.id, "bench", new).won

    run()
    without: list[float] = []
    with_counts: list[float] = []
    for _ in range(runs):
        with patch.object(tally, "apply", lambda s, backend: None):
            started = time.perf_counter()
            run()
            without.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        run()
        with_counts.append((time.perf_counter() - started) * 1000)
    return statistics.median(without), statistics.median(with_counts)


def measure(backend: str, url: str, drafts: int, runs: int) -> list[Row]:
    rows: list[Row] = []
    with Store(url) as store:
        store.upgrade()
        now = datetime.now(UTC)
        started = time.perf_counter()
        fill(store, drafts, now)
        print(
            f"{backend}: {drafts:,} drafts in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
        )
        before = timed(lambda: old_counts(store), runs)
        after = timed(store.state_counts, runs)
        rows.append(Row(backend, "/metrics state counts", before, after))
        # The price: each transition also adds into state_counts (and sends NOTIFY).
        before, after = lifecycle_ms(store, runs)
        rows.append(
            Row(backend, "create → claim → complete, one draft", before, after, "counts kept")
        )
        cases = (
            ("purge, daily (90–91 days old)", now - timedelta(days=RETENTION_DAYS)),
            ("purge, first run (> 30 days old)", now - timedelta(days=30)),
        )
        for label, older_than in cases:
            set_purge_index(store, present=False)
            found_before = find_ms(store, older_than, runs)
            before, changed = purge_ms(store, older_than, max(3, runs // 5))
            set_purge_index(store, present=True)
            found_after = find_ms(store, older_than, runs)
            after, _ = purge_ms(store, older_than, max(3, runs // 5))
            rows.append(Row(backend, label + ": finding the rows", found_before, found_after))
            rows.append(Row(backend, label + ": the UPDATE", before, after, f"{changed:,} rows"))
    if backend == "postgresql":
        rows.append(
            Row(
                backend,
                "another process sees new work",
                1000.0,
                wake_ms(url, runs),
                "before: mean wait of the 2 s poll (not measured); after: create → NOTIFY heard",
            )
        )
    return rows


def print_table(rows: Sequence[Row], drafts: int) -> None:
    print(f"Database at {drafts:,} drafts (median ms)\n")
    print("| backend | measure | before | after | note |")
    print("|---|---|---:|---:|---|")
    for row in rows:
        print(
            f"| {row.backend} | {row.measure} | {row.before_ms:.2f} | {row.after_ms:.2f} "
            f"| {row.note} |"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--drafts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--postgres", nargs="?", const=DEFAULT_PG_URL, default=DEFAULT_PG_URL)
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args(argv)
    configure_logging("warning", "console")
    rows: list[Row] = []
    if not args.no_sqlite:
        with sqlite_url() as url:
            rows += measure("sqlite", url, args.drafts, args.runs)
    with postgres_url(args.postgres) as url:
        rows += measure("postgresql", url, args.drafts, args.runs)
    print_table(rows, args.drafts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
