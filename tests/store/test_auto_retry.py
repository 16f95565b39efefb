"""Automatic retries of drafts (``retry_later``, due times in ``claim_draft``) and the outbox
backlog brought forward after a success (``expedite_deliveries``), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from bot.store import Delivery, Store
from tests.store.conftest import FakeClock
from tests.store.helpers import claim_this, draft_in, new_draft
from tests.store.test_outbox import approved_with_delivery


def test_retry_later_requeues_a_draft_that_is_claimable_only_when_due(
    store: Store, clock: FakeClock
) -> None:
    draft = claim_this(store, new_draft(store), "w1")
    at = clock() + timedelta(seconds=30)
    outcome = store.retry_later(draft.id, "w1", "summary_unavailable", at)
    assert outcome.won and outcome.draft is not None
    waiting = outcome.draft
    assert waiting.state == "queued" and waiting.next_attempt_at == at
    assert waiting.auto_retries == 1 and waiting.attempts == 0
    assert waiting.last_error_code == "summary_unavailable" and waiting.last_error_retryable
    assert waiting.lease_owner is None
    assert store.next_draft_due() == at

    clock.advance(29)
    assert store.claim_draft("w2", lease_s=60) is None  # not due yet
    clock.advance(1)
    again = store.claim_draft("w2", lease_s=60)
    assert again is not None and again.id == draft.id
    assert again.attempts == 1 and again.auto_retries == 1 and again.next_attempt_at is None
    assert store.next_draft_due() is None

    history = store.history(draft.id)
    assert history is not None
    scheduled = [a for a in history.audit if a.action == "draft.retry_scheduled"]
    assert [(a.actor, a.detail["error_code"], a.detail["auto_retry"]) for a in scheduled] == [
        ("w1", "summary_unavailable", 1)
    ]


def test_auto_retries_count_up_and_the_claim_budget_starts_afresh(
    store: Store, clock: FakeClock
) -> None:
    draft = new_draft(store)
    for number in (1, 2, 3):
        claimed = store.claim_draft("w", lease_s=60)
        assert claimed is not None and claimed.id == draft.id and claimed.attempts == 1
        waiting = store.retry_later(draft.id, "w", "unreachable", clock()).draft
        assert waiting is not None and waiting.auto_retries == number
    # More automatic retries than WORK_MAX_ATTEMPTS (3) claims: never "attempts_exhausted".
    claimed = store.claim_draft("w", lease_s=60)
    assert claimed is not None and claimed.state == "working"


def test_only_the_lease_holder_can_schedule_a_retry(store: Store, clock: FakeClock) -> None:
    draft = claim_this(store, new_draft(store), "w1")
    lost = store.retry_later(draft.id, "intruder", "unreachable", clock())
    assert not lost.won and lost.draft is not None and lost.draft.state == "working"
    ready = draft_in(store, "ready")
    assert not store.retry_later(ready.id, "w1", "unreachable", clock()).won


def test_due_drafts_are_claimed_in_the_order_they_fell_due(store: Store, clock: FakeClock) -> None:
    older = claim_this(store, new_draft(store), "w1")
    store.retry_later(older.id, "w1", "too_slow", clock() + timedelta(seconds=30))
    clock.advance(10)
    newer = new_draft(store)
    clock.advance(30)  # both due: the newer one since t+10, the retried one since t+30
    first = store.claim_draft("w2", lease_s=60)
    second = store.claim_draft("w3", lease_s=60)
    assert first is not None and second is not None
    assert (first.id, second.id) == (newer.id, older.id)


def test_retry_button_makes_a_waiting_draft_due_at_once(store: Store, clock: FakeClock) -> None:
    draft = claim_this(store, new_draft(store), "w1")
    store.retry_later(draft.id, "w1", "summary_unavailable", clock() + timedelta(minutes=8))
    outcome = store.retry(draft.id, "U_REPORTER")
    assert outcome.won and outcome.draft is not None
    assert outcome.draft.state == "queued"
    assert outcome.draft.next_attempt_at is None and outcome.draft.auto_retries == 0
    assert outcome.draft.last_error_code is None
    claimed = store.claim_draft("w2", lease_s=60)
    assert claimed is not None and claimed.id == draft.id
    # A queued draft that is not waiting (due now, or being worked on) has nothing to retry.
    queued = new_draft(store)
    assert not store.retry(queued.id, "U_REPORTER").won
    assert not store.retry(draft.id, "U_REPORTER").won


def test_reject_and_regenerate_clear_a_pending_retry(store: Store, clock: FakeClock) -> None:
    draft = claim_this(store, new_draft(store), "w1")
    store.retry_later(draft.id, "w1", "unreachable", clock() + timedelta(seconds=30))
    rejected = store.reject(draft.id, "U_EDITOR")
    assert rejected.won and rejected.draft is not None
    assert rejected.draft.state == "rejected" and rejected.draft.next_attempt_at is None
    assert store.next_draft_due() is None


# --- the outbox backlog ------------------------------------------------------------------------


def _in_backoff(store: Store, clock: FakeClock, delay_s: float) -> Delivery:
    _, delivery = approved_with_delivery(store)
    claimed = store.claim_delivery("p1", lease_s=30)
    assert claimed is not None and claimed.id == delivery.id
    due = clock() + timedelta(seconds=delay_s)
    assert store.schedule_retry(claimed.id, "p1", due, status=503, error="HTTP 503")
    stored = store.get_delivery(claimed.id)
    assert stored is not None
    return stored


def test_expedite_makes_the_backlog_due_now_keeping_attempts_and_webhook_ids(
    store: Store, clock: FakeClock
) -> None:
    first = _in_backoff(store, clock, 60)
    second = _in_backoff(store, clock, 240)
    assert store.claim_delivery("p2", lease_s=30) is None  # both waiting
    assert store.expedite_deliveries() == 2
    assert store.next_delivery_due() == clock()
    claimed = [store.claim_delivery("p2", lease_s=30), store.claim_delivery("p3", lease_s=30)]
    got = {(d.id, d.webhook_id, d.attempts, d.total_attempts) for d in claimed if d is not None}
    assert got == {
        (first.id, first.webhook_id, 2, 2),
        (second.id, second.webhook_id, 2, 2),
    }
    rounds = {d.id: d.round_started_at for d in claimed if d is not None}
    assert rounds == {first.id: first.round_started_at, second.id: second.round_started_at}


def test_expedite_leaves_other_deliveries_alone(store: Store, clock: FakeClock) -> None:
    assert store.expedite_deliveries() == 0  # nothing at all
    delivered = draft_in(store, "published")
    refused = draft_in(store, "publish_failed")
    waiting = _in_backoff(store, clock, 120)
    _, due_now = approved_with_delivery(store)
    in_flight = store.claim_delivery("p9", lease_s=30)  # the due one, oldest due first
    assert in_flight is not None and in_flight.id == due_now.id
    assert store.expedite_deliveries() == 1  # only the one waiting in backoff
    assert store.expedite_deliveries() == 0  # already due
    states = {
        d.id: (d.state, d.lease_owner)
        for d in (
            store.latest_delivery(delivered.id),
            store.latest_delivery(refused.id),
            store.get_delivery(in_flight.id),
        )
        if d is not None
    }
    assert sorted(states.values()) == [("delivered", None), ("delivering", "p9"), ("failed", None)]
    after = store.get_delivery(waiting.id)
    assert after is not None and after.state == "pending" and after.next_attempt_at == clock()
