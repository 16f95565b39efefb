"""A workspace removed the app: its queued and working drafts and its pending deliveries end;
other workspaces and finished work are untouched (SQLite and PostgreSQL)."""

from __future__ import annotations

from bot.store import Store
from tests.store.helpers import SETUP_WORKER, ai_revision, article, claim_this, new_draft


def test_stopping_a_workspace_ends_its_queued_and_running_work_only(store: Store) -> None:
    working = claim_this(store, new_draft(store, team_id="T_GONE"))
    queued = new_draft(store, team_id="T_GONE")
    other = new_draft(store, team_id="T_STAYS")

    stopped = store.stop_workspace("T_GONE")

    assert (stopped.drafts, stopped.deliveries) == (2, 0)
    for draft in (working, queued):
        after = store.get_draft(draft.id)
        assert after is not None and after.state == "failed"
        assert after.last_error_code == "workspace_removed" and after.last_error_retryable is False
        assert after.lease_owner is None
    assert store.claim_draft("w1", lease_s=30) is not None  # only the other workspace's draft
    assert store.claim_draft("w2", lease_s=30) is None
    kept = store.get_draft(other.id)
    assert kept is not None and kept.state == "working"
    # The worker that held the stopped draft cannot commit it any more.
    assert not store.complete(working.id, SETUP_WORKER, ai_revision(), article=article()).won
    history = store.history(queued.id)
    assert history is not None and "draft.stopped" in [a.action for a in history.audit]


def test_stopping_a_workspace_fails_its_deliveries_so_nothing_is_published(store: Store) -> None:
    draft = claim_this(store, new_draft(store, team_id="T_GONE"))
    assert store.complete(draft.id, SETUP_WORKER, ai_revision(), article=article()).won
    approved = store.approve(
        draft.id,
        editor_id="U_EDITOR",
        editor_name="Eva",
        revision=1,
        payload={"type": "summary.approved"},
    )
    assert approved.won and approved.delivery is not None

    stopped = store.stop_workspace("T_GONE")

    assert (stopped.drafts, stopped.deliveries) == (0, 1)
    assert store.claim_delivery("publisher", lease_s=30) is None
    delivery = store.latest_delivery(draft.id)
    assert delivery is not None and delivery.state == "failed"
    assert delivery.last_error == "workspace_removed"


def test_an_org_wide_removal_stops_every_workspace_of_the_organization(store: Store) -> None:
    one = store.create_draft(
        team_id="T1",
        enterprise_id="E1",
        channel="C",
        message_ts="1.1",
        url="https://a.example",
        reporter_id="U",
    ).draft
    two = store.create_draft(
        team_id="T2",
        enterprise_id="E1",
        channel="C",
        message_ts="1.2",
        url="https://b.example",
        reporter_id="U",
    ).draft
    elsewhere = store.create_draft(
        team_id="T3",
        enterprise_id="E2",
        channel="C",
        message_ts="1.3",
        url="https://c.example",
        reporter_id="U",
    ).draft
    assert one.enterprise_id == "E1"

    assert store.stop_workspace(None, "E1").drafts == 2

    states = {d.id: store.get_draft(d.id).state for d in (one, two, elsewhere)}  # type: ignore[union-attr]
    assert states == {one.id: "failed", two.id: "failed", elsewhere.id: "queued"}
    assert store.stop_workspace(None, None).drafts == 0  # names no place: changes nothing
