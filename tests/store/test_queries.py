"""Queries for App Home and audit exports; retention; health."""

from __future__ import annotations

import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.store import Draft, Store
from tests.store.conftest import FakeClock
from tests.store.helpers import ai_revision, draft_in


def test_awaiting_review_oldest_first_per_team(store: Store, clock: FakeClock) -> None:
    first = draft_in(store, "ready")
    clock.advance(1)
    second = draft_in(store, "ready")
    clock.advance(1)
    draft_in(store, "approved")
    other_team = store.create_draft(
        team_id="T2", channel="C9", message_ts="5.5", url="https://n.example/t2", reporter_id="U"
    ).draft
    claimed = store.claim_draft("w", lease_s=60)
    assert claimed is not None and claimed.id == other_team.id
    store.complete(other_team.id, "w", ai_revision())
    assert [d.id for d in store.awaiting_review(team_id="T1")] == [first.id, second.id]
    assert [d.id for d in store.awaiting_review()] == [first.id, second.id, other_team.id]
    assert [d.id for d in store.awaiting_review(limit=1)] == [first.id]


def test_recent_approvals_newest_first(store: Store, clock: FakeClock) -> None:
    published = draft_in(store, "published")
    clock.advance(1)
    failed = draft_in(store, "publish_failed")
    clock.advance(1)
    approved = draft_in(store, "approved")
    draft_in(store, "ready")
    draft_in(store, "rejected")
    assert [d.id for d in store.recent_approvals()] == [approved.id, failed.id, published.id]
    assert [d.id for d in store.recent_approvals(limit=2)] == [approved.id, failed.id]
    assert store.recent_approvals(team_id="T-none") == []


def test_history_has_everything_in_order(store: Store) -> None:
    published = draft_in(store, "published")
    history = store.history(published.id)
    assert history is not None
    assert history.draft == store.get_draft(published.id)
    assert [r.number for r in history.revisions] == [1]
    assert [a.action for a in history.audit] == [
        "draft.created",
        "draft.claimed",
        "draft.completed",
        "draft.approved",
        "draft.published",
    ]
    assert all(a.at.tzinfo is not None for a in history.audit)
    assert [d.state for d in history.deliveries] == ["delivered"]
    assert store.history("missing") is None


def test_export_since_yields_drafts_with_activity(store: Store, clock: FakeClock) -> None:
    old = draft_in(store, "ready")
    clock.advance(86400)
    since = clock()
    fresh = draft_in(store, "ready")
    clock.advance(1)
    assert store.approve(old.id, editor_id="U", editor_name="E", revision=1).won  # activity
    exported = list(store.export_since(since, batch_size=1))
    assert [h.draft.id for h in exported] == [old.id, fresh.id]
    assert exported[0].audit[-1].action == "draft.approved"
    assert len(exported[0].audit) == 4  # the whole history, not only the new events
    assert list(store.export_since(clock() + timedelta(seconds=1))) == []


def test_purge_article_text_keeps_the_audit_trail(store: Store, clock: FakeClock) -> None:
    old = draft_in(store, "published")
    clock.advance(40 * 86400)
    recent = draft_in(store, "ready")
    assert store.purge_article_text(clock() - timedelta(days=30)) == 1
    purged = store.history(old.id)
    assert purged is not None
    assert purged.draft.article_text is None and purged.draft.article() is None
    assert purged.draft.article_purged_at == clock()
    assert purged.draft.article_title == "Ein Titel"  # metadata stays
    assert len(purged.revisions) == 1 and len(purged.audit) == 5
    kept = store.get_draft(recent.id)
    assert kept is not None and kept.article_text is not None
    assert store.purge_article_text(clock() - timedelta(days=30)) == 0


def test_ping(store: Store) -> None:
    assert store.ping()


def test_ping_is_false_when_the_database_is_unreachable(tmp_path: Path) -> None:
    with socket.socket() as sock:  # a loopback port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with Store(f"postgresql://postgres@127.0.0.1:{port}/test?connect_timeout=2") as store:
        assert not store.ping()
    with Store(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}") as store:
        assert not store.ping()


def test_nothing_connects_before_use(tmp_path: Path) -> None:
    path = tmp_path / "lazy.db"
    store = Store(f"sqlite:///{path}")
    assert not path.exists()
    assert store.ping() and path.exists()
    store.close()
    assert "postgres" not in repr(store) and "lazy.db" in repr(store)


# --- App Home filters ---------------------------------------------------------------------------


def _ready_in(store: Store, channel: str, reporter: str = "U_REPORTER") -> str:
    draft = store.create_draft(
        team_id="T1",
        channel=channel,
        message_ts=f"17.{channel}.{reporter}",
        url=f"https://news.example/{channel}/{reporter}",
        reporter_id=reporter,
    ).draft
    claimed = store.claim_draft("w", lease_s=60)
    assert claimed is not None and claimed.id == draft.id
    assert store.complete(draft.id, "w", ai_revision()).won
    return draft.id


def test_awaiting_review_by_channel_and_only_shown(store: Store, clock: FakeClock) -> None:
    politik = _ready_in(store, "C_POLITIK")
    clock.advance(1)
    sport = _ready_in(store, "C_SPORT")
    preview = store.create_draft(
        team_id="T1",
        channel="C_POLITIK",
        message_ts=None,
        url="https://news.example/private",
        reporter_id="U_REPORTER",
        source="slash_command",
        response_url="https://hooks.example/r",
    ).draft
    claimed = store.claim_draft("w", lease_s=60)
    assert claimed is not None and store.complete(preview.id, "w", ai_revision()).won
    assert [d.id for d in store.awaiting_review(channels={"C_POLITIK"}, shown_only=True)] == [
        politik
    ]
    assert {d.id for d in store.awaiting_review(channels={"C_POLITIK"})} == {politik, preview.id}
    assert [d.id for d in store.awaiting_review(channels={"C_SPORT", "C_X"})] == [sport]
    assert store.awaiting_review(channels=set()) == []


def test_failed_published_since_and_mine(store: Store, clock: FakeClock) -> None:
    failed = draft_in(store, "failed")
    clock.advance(1)
    publish_failed = draft_in(store, "publish_failed")
    clock.advance(3600)
    start_of_day = clock()
    published_today = draft_in(store, "published")
    clock.advance(1)
    draft_in(store, "ready")
    assert [d.id for d in store.failed_drafts()] == [publish_failed.id, failed.id]
    assert [d.id for d in store.failed_drafts(limit=1)] == [publish_failed.id]
    assert [d.id for d in store.published_since(start_of_day)] == [published_today.id]
    assert store.published_since(clock() + timedelta(seconds=1)) == []
    assert store.failed_drafts(team_id="T-none") == []

    # "Mine": asked for (reporter) or approved; newest first, any state.
    mine_as_reporter = store.drafts_of_user("U_REPORTER")
    assert len(mine_as_reporter) == 4 and mine_as_reporter[-1].id == failed.id
    approved_by_me = store.drafts_of_user("U_EDITOR")
    assert [d.id for d in approved_by_me] == [published_today.id, publish_failed.id]
    assert store.drafts_of_user("U_NOBODY") == []
    assert len(store.drafts_of_user("U_REPORTER", limit=2)) == 2


def test_home_filter_queries_use_indexes(store: Store, db_url: str) -> None:
    """Each filter's query is answered from an index (SQLite's plan: no full table scan)."""
    if not db_url.startswith("sqlite"):
        return  # PostgreSQL's planner scans small tables anyway; the indexes are the same
    from sqlalchemy import event

    statements: list[tuple[str, object]] = []

    def record(conn: object, cursor: object, statement: str, params: object, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM drafts" in statement:
            statements.append((statement, params))

    engine = store._engine  # test-only peek at the SQL the store runs
    event.listen(engine, "before_cursor_execute", record)
    try:
        calls: dict[str, Callable[[], list[Draft]]] = {
            "mine": lambda: store.drafts_of_user("U1", team_id="T1"),
            "desk": lambda: store.awaiting_review(
                team_id="T1", channels={"C1", "C2"}, shown_only=True
            ),
            "failed": lambda: store.failed_drafts(team_id="T1"),
            "published_today": lambda: store.published_since(datetime.now(UTC), team_id="T1"),
            "waiting": lambda: store.awaiting_review(team_id="T1", shown_only=True),
        }
        plans: dict[str, str] = {}
        for name, call in calls.items():
            statements.clear()
            call()
            [(statement, params)] = statements
            with engine.connect() as conn:
                rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)  # type: ignore[arg-type]
                plans[name] = " | ".join(str(row[-1]) for row in rows)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    for name, plan in plans.items():
        # (team_id, state, …): either of the two serves the state filters.
        assert "USING INDEX ix_drafts_team_" in plan and "(team_id=? AND " in plan, (name, plan)
        if name == "mine":
            assert "ix_drafts_team_reporter" in plan and "ix_drafts_team_approver" in plan
        assert "SCAN drafts" not in plan, (name, plan)
