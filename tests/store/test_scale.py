"""The database at scale: state counts exact under concurrency and after the migration's
backfill, the purge reading an index."""

from __future__ import annotations

import random
import threading
from datetime import timedelta
from typing import Any

import pytest
from alembic import command
from sqlalchemy import event, text
from sqlalchemy.sql import Executable

from bot.store import DraftState, Store
from bot.store.engine import WRITE_OPTION
from bot.store.migrate import alembic_config, head_revision
from tests.store.conftest import FakeClock, assert_counts_exact
from tests.store.helpers import ai_revision, article, claim_this, draft_in, new_draft

PAYLOAD = {"type": "summary.approved"}


def counts(store: Store) -> dict[str, dict[str, int]]:
    return {k: {s: n for s, n in v.items() if n} for k, v in store.state_counts().items()}


def test_counts_follow_every_transition(store: Store) -> None:
    draft = new_draft(store)
    assert counts(store)["drafts"] == {"queued": 1}
    claim_this(store, draft)
    assert counts(store)["drafts"] == {"working": 1}
    assert store.complete(draft.id, "setup-worker", ai_revision()).won
    assert store.approve(
        draft.id, editor_id="U2", editor_name="Ed", revision=1, payload=PAYLOAD
    ).won
    assert counts(store) == {"drafts": {"approved": 1}, "deliveries": {"pending": 1}}
    delivery = store.claim_delivery("p1", 60)
    assert delivery is not None
    assert store.mark_delivered(delivery.id, "p1", status=200).won
    assert counts(store) == {"drafts": {"published": 1}, "deliveries": {"delivered": 1}}
    # A refused transition changes nothing.
    assert not store.approve(draft.id, editor_id="U2", editor_name="Ed", revision=1).won
    assert counts(store) == {"drafts": {"published": 1}, "deliveries": {"delivered": 1}}


def test_counts_stay_exact_when_many_threads_race(db_url: str) -> None:
    """Threads of two "processes" create, claim, complete, reject, approve and deliver the
    same drafts at once; the kept counts equal a full count afterwards."""
    with Store(db_url, max_attempts=50) as one, Store(db_url, max_attempts=50) as two:
        one.upgrade()
        errors: list[BaseException] = []
        barrier = threading.Barrier(8)

        def run(store: Store, index: int) -> None:
            rng = random.Random(index)
            try:
                barrier.wait()
                for round_ in range(12):
                    store.create_draft(
                        team_id="T1",
                        channel="C1",
                        message_ts=f"1.{round_}",  # every thread races for the same rows
                        url=f"https://e.x/{round_ % 4}",
                        reporter_id="U1",
                    )
                    claimed = store.claim_draft(f"w{index}", 60)
                    if claimed is not None:
                        if rng.random() < 0.2:
                            store.fail(claimed.id, f"w{index}", "x", True)
                        else:
                            store.complete(claimed.id, f"w{index}", ai_revision())
                    for ready in store.awaiting_review(limit=3):
                        if rng.random() < 0.3:
                            store.reject(ready.id, "U9", base_revision=ready.current_revision)
                        else:
                            store.approve(
                                ready.id,
                                editor_id="U2",
                                editor_name="Ed",
                                revision=ready.current_revision or 1,
                                payload=PAYLOAD,
                            )
                    delivery = store.claim_delivery(f"p{index}", 60)
                    if delivery is not None:
                        if rng.random() < 0.3:
                            store.mark_delivery_failed(delivery.id, f"p{index}", status=400)
                        else:
                            store.mark_delivered(delivery.id, f"p{index}", status=200)
            except Exception as exc:  # noqa: BLE001 -- reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(one if i % 2 else two, i)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert errors == []
        assert sum(counts(one)["drafts"].values()) == 12
        assert_counts_exact(one)
        assert_counts_exact(two)


def test_the_migration_backfills_the_counts_and_recount_repairs_them(db_url: str) -> None:
    with Store(db_url, clock=FakeClock()) as store:
        store.upgrade()
        states: tuple[DraftState, ...] = ("ready", "ready", "approved", "rejected", "queued")
        for state in states:
            draft_in(store, state)
        with store._engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                command.downgrade(alembic_config(conn), "0008")
        assert store.upgrade() == head_revision()
        assert_counts_exact(store)
        assert counts(store)["drafts"] == {"queued": 1, "ready": 2, "approved": 1, "rejected": 1}
        # Changed by hand behind the store's back: the counts drift until a recount.
        with store._write() as s:
            s.execute(text("UPDATE drafts SET state = 'failed' WHERE state = 'queued'"))
        assert counts(store)["drafts"]["queued"] == 1
        assert store.recount_states()["drafts"]["failed"] == 1
        assert_counts_exact(store)


def explain(store: Store, statement: Executable) -> str:
    """The plan of ``statement`` as the store would run it (its own binds and types)."""
    prefix = "EXPLAIN " if store.backend == "postgresql" else "EXPLAIN QUERY PLAN "
    plan: list[str] = []

    def rewrite(  # noqa: PLR0917 -- SQLAlchemy's event signature
        conn: object, cursor: object, sql: str, params: object, context: object, many: bool
    ) -> tuple[str, object]:
        return (prefix + sql if sql.lstrip().startswith("UPDATE") else sql), params

    def capture(  # noqa: PLR0917 -- SQLAlchemy's event signature
        conn: object, cursor: Any, sql: str, params: object, context: object, many: bool
    ) -> None:
        if sql.startswith(prefix):
            plan.extend(str(row[-1]) for row in cursor.fetchall())

    event.listen(store._engine, "before_cursor_execute", rewrite, retval=True)
    event.listen(store._engine, "after_cursor_execute", capture)
    try:
        with store._write() as s:
            if store.backend == "postgresql":
                s.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table
            s.execute(statement, execution_options={"synchronize_session": False}).all()
    finally:
        event.remove(store._engine, "before_cursor_execute", rewrite)
        event.remove(store._engine, "after_cursor_execute", capture)
    return "\n".join(plan)


def test_the_purge_reads_its_partial_index(store: Store, clock: FakeClock) -> None:
    for _ in range(3):
        draft = claim_this(store, new_draft(store))
        store.save_article(draft.id, "setup-worker", article())
    now = clock()
    plan = explain(store, store._purge_statement(now + timedelta(days=1), now))
    assert "ix_drafts_purge" in plan, plan
    if store.backend == "postgresql":
        assert "Seq Scan" not in plan, plan
    assert store.purge_article_text(now + timedelta(days=1)) == 3


@pytest.mark.parametrize("kind", ["drafts", "deliveries"])
def test_state_counts_never_scan_the_tables(store: Store, kind: str) -> None:
    """/metrics reads the counts table only (a handful of rows, whatever the table size)."""
    statements: list[str] = []

    def record(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(store._engine, "before_cursor_execute", record)
    try:
        store.state_counts()
    finally:
        event.remove(store._engine, "before_cursor_execute", record)
    assert statements and all(f"FROM {kind}" not in sql for sql in statements)
