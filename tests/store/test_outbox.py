"""The outbox: leased deliveries, attempts, retries with the same webhook id, draft states."""

from __future__ import annotations

from datetime import timedelta

from bot.store import ATTEMPTS_EXHAUSTED, Delivery, Draft, Store
from tests.store.conftest import FakeClock
from tests.store.helpers import draft_in


def approved_with_delivery(store: Store) -> tuple[Draft, Delivery]:
    ready = draft_in(store, "ready")
    outcome = store.approve(
        ready.id,
        editor_id="U_EDITOR",
        editor_name="Eva",
        revision=1,
        payload={"type": "summary.approved", "data": {"id": ready.id}},
    )
    assert outcome.draft is not None and outcome.delivery is not None
    return outcome.draft, outcome.delivery


def test_claim_delivery_leases_the_due_delivery(store: Store, clock: FakeClock) -> None:
    _, delivery = approved_with_delivery(store)
    claimed = store.claim_delivery("p1", lease_s=30)
    assert claimed is not None and claimed.id == delivery.id
    assert claimed.state == "delivering" and claimed.lease_owner == "p1"
    assert claimed.lease_expires_at == clock() + timedelta(seconds=30)
    assert (claimed.attempts, claimed.total_attempts) == (1, 1)
    assert claimed.webhook_id == delivery.webhook_id and claimed.body == delivery.body
    assert store.claim_delivery("p2", lease_s=30) is None


def test_delivered_publishes_the_draft(store: Store, clock: FakeClock) -> None:
    draft, delivery = approved_with_delivery(store)
    claimed = store.claim_delivery("p1", lease_s=30)
    assert claimed is not None
    store.record_attempt(
        claimed.id,
        attempt=claimed.total_attempts,
        started_at=clock(),
        status_code=204,
        duration_ms=42,
        response_snippet="",
    )
    outcome = store.mark_delivered(claimed.id, "p1", status=204)
    assert outcome.won and outcome.draft is not None and outcome.delivery is not None
    assert outcome.draft.state == "published"
    assert outcome.delivery.state == "delivered" and outcome.delivery.delivered_at == clock()
    assert outcome.delivery.last_status == 204 and outcome.delivery.lease_owner is None
    assert not store.mark_delivered(claimed.id, "p1", status=204).won  # exactly once
    assert store.next_delivery_due() is None  # nothing pending or in flight
    history = store.history(draft.id)
    assert history is not None
    assert history.audit[-1].action == "draft.published"
    assert history.audit[-1].detail["webhook_id"] == delivery.webhook_id
    assert [(a.attempt, a.status_code, a.duration_ms) for a in history.attempts] == [(1, 204, 42)]


def test_retry_later_keeps_the_webhook_id(store: Store, clock: FakeClock) -> None:
    assert store.next_delivery_due() is None
    _, delivery = approved_with_delivery(store)
    assert store.next_delivery_due() == clock()  # due at once
    first = store.claim_delivery("p1", lease_s=30)
    assert first is not None
    assert store.next_delivery_due() is None  # in flight: its lease brings it back
    store.record_attempt(
        first.id, attempt=1, started_at=clock(), status_code=503, response_snippet="busy"
    )
    assert store.schedule_retry(
        first.id, "p1", clock() + timedelta(seconds=20), status=503, error="HTTP 503"
    )
    pending = store.get_delivery(first.id)
    assert pending is not None and pending.state == "pending"
    assert store.next_delivery_due() == clock() + timedelta(seconds=20)
    assert pending.last_status == 503 and pending.last_error == "HTTP 503"
    assert store.claim_delivery("p2", lease_s=30) is None  # not due yet
    clock.advance(20)
    second = store.claim_delivery("p2", lease_s=30)
    assert second is not None and second.id == delivery.id
    assert second.webhook_id == delivery.webhook_id
    assert (second.attempts, second.total_attempts) == (2, 2)
    store.record_attempt(second.id, attempt=2, started_at=clock(), error_kind="timeout")
    assert not store.schedule_retry(second.id, "p1", clock())  # p1 no longer holds it


def test_an_expired_delivery_lease_is_reclaimed(store: Store, clock: FakeClock) -> None:
    approved_with_delivery(store)
    first = store.claim_delivery("crashed", lease_s=30)
    assert first is not None
    clock.advance(31)
    second = store.claim_delivery("p2", lease_s=30)
    assert second is not None and second.id == first.id and second.attempts == 2
    assert not store.mark_delivered(first.id, "crashed", status=200).won
    assert not store.mark_delivery_failed(first.id, "crashed", status=400).won
    assert not store.renew_delivery_lease(first.id, "crashed", 30)
    assert store.renew_delivery_lease(first.id, "p2", 30)
    assert store.mark_delivered(first.id, "p2", status=200).won


def test_failed_delivery_and_manual_retry(store: Store, clock: FakeClock) -> None:
    draft, delivery = approved_with_delivery(store)
    claimed = store.claim_delivery("p1", lease_s=30)
    assert claimed is not None
    failed = store.mark_delivery_failed(claimed.id, "p1", status=422, error="x" * 2000)
    assert failed.won and failed.draft is not None and failed.delivery is not None
    assert failed.draft.state == "publish_failed"
    assert failed.delivery.state == "failed" and failed.delivery.last_status == 422
    assert failed.delivery.last_error is not None and len(failed.delivery.last_error) == 500
    assert store.claim_delivery("p1", lease_s=30) is None

    clock.advance(300)
    retried = store.retry_delivery(delivery.id, "U_EDITOR")
    assert retried.won and retried.draft is not None and retried.delivery is not None
    assert retried.draft.state == "approved"
    assert retried.delivery.state == "pending"
    assert retried.delivery.webhook_id == delivery.webhook_id
    assert retried.delivery.attempts == 0 and retried.delivery.total_attempts == 1
    assert retried.delivery.round_started_at == clock()
    assert not store.retry_delivery(delivery.id, "U_EDITOR").won  # already pending
    again = store.claim_delivery("p1", lease_s=30)
    assert again is not None and (again.attempts, again.total_attempts) == (1, 2)
    assert store.mark_delivered(again.id, "p1", status=200).won
    history = store.history(draft.id)
    assert history is not None
    assert [a.action for a in history.audit][-3:] == [
        "draft.publish_failed",
        "delivery.retried",
        "draft.published",
    ]


def test_deliveries_that_keep_crashing_are_failed(store: Store, clock: FakeClock) -> None:
    draft, delivery = approved_with_delivery(store)
    for attempt in (1, 2, 3):  # the fixture allows 3 delivery attempts
        claimed = store.claim_delivery("p", lease_s=30)
        assert claimed is not None and claimed.attempts == attempt
        clock.advance(31)
    assert store.claim_delivery("p", lease_s=30) is None
    failed = store.get_delivery(delivery.id)
    assert failed is not None and failed.state == "failed"
    assert failed.last_error == ATTEMPTS_EXHAUSTED
    after = store.get_draft(draft.id)
    assert after is not None and after.state == "publish_failed"


def test_further_events_for_an_approved_draft(store: Store) -> None:
    published = draft_in(store, "published")
    update = store.enqueue_delivery(
        published.id,
        event_type="summary.updated",
        revision=1,
        payload={"type": "summary.updated"},
        actor="U_EDITOR",
    )
    assert update is not None and update.state == "pending"
    claimed = store.claim_delivery("p", lease_s=30)
    assert claimed is not None and claimed.id == update.id
    outcome = store.mark_delivered(claimed.id, "p", status=200)
    assert outcome.won and outcome.draft is not None and outcome.draft.state == "published"
    history = store.history(published.id)
    assert history is not None and len(history.deliveries) == 2
    assert len({d.webhook_id for d in history.deliveries}) == 2  # a new id per event
    assert history.audit[-1].action == "delivery.delivered"

    ready = draft_in(store, "ready")
    assert (
        store.enqueue_delivery(
            ready.id, event_type="summary.retracted", revision=1, payload={}, actor="U"
        )
        is None
    )


def test_a_failed_update_does_not_unpublish(store: Store) -> None:
    published = draft_in(store, "published")
    store.enqueue_delivery(
        published.id, event_type="summary.retracted", revision=1, payload={}, actor="U_E"
    )
    claimed = store.claim_delivery("p", lease_s=30)
    assert claimed is not None
    outcome = store.mark_delivery_failed(claimed.id, "p", status=410, error="gone")
    assert outcome.won and outcome.draft is not None and outcome.draft.state == "published"
