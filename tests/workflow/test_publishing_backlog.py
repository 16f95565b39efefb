"""After a webhook outage, the first delivered attempt brings the backlog forward.

A scripted loopback receiver is down (503, then dropped connections), then up. Deliveries that
failed meanwhile wait in backoff; once one delivery succeeds, the rest are due at once: the
worker delivers them without the fake clock moving, each webhook-id accepted exactly once.
"""

from __future__ import annotations

import random
from datetime import datetime

from bot.publisher import RetryPolicy, WebhookClient
from bot.store import Delivery, Store
from bot.workflow.publishing import PublishWorker
from tests.fakes.webhook_receiver import Close, Respond, Step, WebhookReceiver
from tests.store.conftest import FakeClock
from tests.workflow.publish_support import SECRET, RecordingNotifier, approved_delivery


def _worker(store: Store, client: WebhookClient, clock: FakeClock) -> PublishWorker:
    def no_waiting(seconds: float) -> None:  # the test must never need to wait
        raise AssertionError(f"the worker wanted to sleep {seconds:.1f} s")

    return PublishWorker(
        store,
        client,
        RetryPolicy(),
        RecordingNotifier(),
        worker_id="w1",
        lease_s=60,
        clock=clock,
        rng=random.Random(3),
        sleep=no_waiting,
    )


def _attempt_times(store: Store, delivery: Delivery) -> list[datetime]:
    history = store.history(delivery.draft_id)
    assert history is not None
    return [a.started_at for a in history.attempts]


def test_a_success_after_an_outage_delivers_the_backlog_at_once(
    pub_store: Store, pub_clock: FakeClock
) -> None:
    backlog = [approved_delivery(pub_store)[1] for _ in range(3)]
    down: list[Step] = [Respond(503, "maintenance"), Close(), Respond(503, "maintenance")]
    with (
        WebhookReceiver(SECRET, script=down) as rx,
        WebhookClient(rx.url, SECRET, timeout_s=5) as client,
    ):
        worker = _worker(pub_store, client, pub_clock)
        assert [worker.run_once() for _ in backlog] == [True, True, True]
        waiting = [pub_store.get_delivery(d.id) for d in backlog]
        assert all(d is not None and d.state == "pending" for d in waiting)
        assert all(d is not None and d.next_attempt_at > pub_clock() for d in waiting)
        assert worker.run_once() is False  # everything waits in backoff

        # The CMS is back: a fresh approval is delivered, and with it the whole backlog.
        _, fresh = approved_delivery(pub_store)
        up_at = pub_clock()
        assert worker.run_pending() == 4  # no sleep: it would raise
        requests = rx.requests
        accepted = rx.deliveries

    assert set(accepted) == {fresh.webhook_id, *(d.webhook_id for d in backlog)}
    assert all(r.verified and not r.duplicate for r in requests)
    assert [r.answer for r in requests] == ["503", "close", "503", "200", "200", "200", "200"]
    for delivery in backlog:
        stored = pub_store.get_delivery(delivery.id)
        assert stored is not None and stored.state == "delivered"
        assert stored.webhook_id == delivery.webhook_id
        assert (stored.attempts, stored.total_attempts) == (2, 2)  # counts kept
        assert _attempt_times(pub_store, delivery)[-1] == up_at  # delivered right after
        draft = pub_store.get_draft(delivery.draft_id)
        assert draft is not None and draft.state == "published"


def test_the_first_due_backlog_row_succeeding_brings_the_others_forward(
    pub_store: Store, pub_clock: FakeClock
) -> None:
    backlog = [approved_delivery(pub_store)[1] for _ in range(3)]
    with (
        WebhookReceiver(SECRET, script=[Respond(503)] * 3) as rx,
        WebhookClient(rx.url, SECRET, timeout_s=5) as client,
    ):
        worker = _worker(pub_store, client, pub_clock)
        for _ in backlog:
            worker.run_once()
        due = pub_store.next_delivery_due()
        assert due is not None
        pub_clock.advance((due - pub_clock()).total_seconds())  # the earliest retry's time
        assert worker.run_pending() == 3
        accepted = rx.deliveries
    assert sorted(accepted) == sorted(d.webhook_id for d in backlog)
    assert {_attempt_times(pub_store, d)[-1] for d in backlog} == {due}


def test_no_backlog_means_no_write(pub_store: Store, pub_clock: FakeClock) -> None:
    """A success with nothing in backoff changes no other row."""
    _, delivery = approved_delivery(pub_store)
    with (
        WebhookReceiver(SECRET) as rx,
        WebhookClient(rx.url, SECRET, timeout_s=5) as client,
    ):
        assert _worker(pub_store, client, pub_clock).run_pending() == 1
    assert pub_store.expedite_deliveries() == 0
    stored = pub_store.get_delivery(delivery.id)
    assert stored is not None and stored.state == "delivered"
