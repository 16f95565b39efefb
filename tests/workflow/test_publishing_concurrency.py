"""Exactly once under crashes and concurrency: killed processes, worker threads, two processes.

"Exactly once" is checked on both sides of the wire: the receiver accepts each webhook-id once
(it acknowledges a repeat as a duplicate without counting it), and its raw request log shows
whether a delivery was ever sent twice when it should not have been.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from bot.publisher import RetryPolicy, WebhookClient
from bot.store import Delivery, Store
from bot.workflow.publishing import NullNotifier, PublishWorker, start_publish_workers
from tests.fakes.webhook_receiver import (
    Close,
    Hang,
    ReceivedRequest,
    Respond,
    Step,
    WebhookReceiver,
)
from tests.store.conftest import FakeClock
from tests.workflow.publish_support import SECRET, RecordingNotifier, approved_delivery

CHILD = Path(__file__).with_name("publish_child.py")
FAST_POLICY = RetryPolicy(schedule_s=(0.05, 0.1, 0.2), min_delay_s=0.01, max_age_s=600)
LEASE_S = 30.0

pytestmark = pytest.mark.slow


def child(db_url: str, rx: WebhookReceiver, worker: str, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 -- our own script under sys.executable, fixed args
        [
            sys.executable,
            str(CHILD),
            "--db",
            db_url,
            "--url",
            rx.url,
            "--secret",
            SECRET,
            "--worker",
            worker,
            "--lease",
            str(LEASE_S),
            *extra,
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def by_webhook_id(requests: list[ReceivedRequest]) -> dict[str, list[ReceivedRequest]]:
    grouped: dict[str, list[ReceivedRequest]] = defaultdict(list)
    for request in requests:
        assert request.verified and request.webhook_id is not None
        grouped[request.webhook_id].append(request)
    return grouped


def assert_sent_exactly_once(store: Store, deliveries: list[Delivery], rx: WebhookReceiver) -> None:
    """Every delivery accepted once; no request repeated a delivery the receiver had accepted;
    the store recorded exactly the attempts the receiver saw."""
    requests = by_webhook_id(rx.requests)
    assert set(rx.deliveries) == {d.webhook_id for d in deliveries}
    assert set(requests) == {d.webhook_id for d in deliveries}
    for delivery in deliveries:
        stored = store.get_delivery(delivery.id)
        assert stored is not None and stored.state == "delivered"
        seen = requests[delivery.webhook_id]
        assert not any(r.duplicate for r in seen), f"{delivery.webhook_id} was sent twice"
        assert [r.answer.startswith("2") for r in seen].count(True) == 1
        assert seen[-1].answer == "200"
        assert len(seen) == stored.total_attempts
        history = store.history(delivery.draft_id)
        assert history is not None
        assert [a.attempt for a in history.attempts] == list(range(1, len(seen) + 1))


# --- a process killed between claim and delivery -----------------------------------------------


@pytest.mark.parametrize("moment", ["while_waiting", "after_receiver_accepted"])
def test_a_killed_publisher_is_recovered_after_its_lease(
    pub_store: Store, pub_db_url: str, pub_clock: FakeClock, moment: str
) -> None:
    draft, delivery = approved_delivery(pub_store)
    waiting = moment == "while_waiting"
    script = [Hang(120)] if waiting else []
    with WebhookReceiver(SECRET, script=script) as rx, WebhookClient(rx.url, SECRET) as client:
        extra = ("--mode", "once") if waiting else ("--mode", "once", "--die-after-send")
        proc = child(pub_db_url, rx, "doomed", *extra)
        try:
            rx.wait_for_requests(1, timeout=60)
            if waiting:
                proc.kill()  # SIGKILL while the receiver holds the request
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            assert proc.stdout is not None and proc.stderr is not None
            proc.stdout.close()
            proc.stderr.close()
            assert proc.stdin is not None
            proc.stdin.close()
        assert proc.returncode == -signal.SIGKILL

        leased = pub_store.get_delivery(delivery.id)
        assert leased is not None
        assert (leased.state, leased.lease_owner, leased.total_attempts) == (
            "delivering",
            "doomed",
            1,
        )
        notifier = RecordingNotifier()
        worker = PublishWorker(
            pub_store,
            client,
            FAST_POLICY,
            notifier,
            worker_id="survivor",
            lease_s=LEASE_S,
            clock=pub_clock,
        )
        assert not worker.run_once()  # the dead worker's lease still holds
        pub_clock.advance(LEASE_S + 120)  # past the lease, whatever the child's start-up took
        assert worker.run_once()
        requests = rx.requests
        accepted = rx.deliveries

    assert [r.webhook_id for r in requests] == [delivery.webhook_id] * 2
    if waiting:
        assert [(r.answer, r.duplicate) for r in requests] == [("hang", False), ("200", False)]
    else:
        # The receiver had accepted the first request: the resend is acknowledged, not counted.
        assert [(r.answer, r.duplicate) for r in requests] == [("200", False), ("200", True)]
    assert list(accepted) == [delivery.webhook_id]
    assert notifier.keys == ["publish.published"]
    history = pub_store.history(draft.id)
    assert history is not None
    assert history.draft.state == "published"
    assert [(a.attempt, a.status_code) for a in history.attempts] == [(2, 200)]
    assert [e.actor for e in history.audit if e.action == "draft.published"] == ["survivor"]


# --- several workers at once ----------------------------------------------------------------------


def test_worker_threads_on_sqlite_send_each_webhook_id_once(tmp_path: Path) -> None:
    count = 40
    script: list[Step] = [
        Respond(503),
        Close(),
        Respond(429, "", {"Retry-After": "0"}),
        Respond(502),
    ]
    with Store(f"sqlite:///{tmp_path / 'threads.db'}") as store:
        store.upgrade()
        deliveries = [approved_delivery(store)[1] for _ in range(count)]
        notifier = RecordingNotifier()
        with (
            WebhookReceiver(SECRET, script=script) as rx,
            WebhookClient(rx.url, SECRET, timeout_s=10) as client,
        ):
            handle = start_publish_workers(
                store, client, notifier, policy=FAST_POLICY, threads=4, poll_s=0.05
            )
            try:
                wait_until_delivered(store, deliveries)
            finally:
                handle.stop(timeout=30)
            assert_sent_exactly_once(store, deliveries, rx)
            assert len(rx.requests) == count + len(script)
    published = Counter(u.delivery.id for u in notifier.updates if u.line.key.endswith("published"))
    assert published == Counter({d.id: 1 for d in deliveries})
    assert notifier.keys.count("publish.published") == count


@pytest.mark.postgres
def test_two_processes_on_postgresql_never_double_send(pg_schema_url: str) -> None:
    count = 60
    script = [Respond(503)] * 4 + [Respond(500, "later")] * 2
    with Store(pg_schema_url) as store:
        store.upgrade()
        deliveries = [approved_delivery(store)[1] for _ in range(count)]
        with WebhookReceiver(SECRET, script=script) as rx:
            procs = [child(pg_schema_url, rx, f"proc-{n}", "--mode", "drain") for n in (1, 2)]
            outputs = []
            try:
                for proc in procs:  # both connected and waiting: start them together
                    assert proc.stdout is not None
                    assert proc.stdout.readline().strip() == "ready"
                for proc in procs:
                    assert proc.stdin is not None
                    proc.stdin.write("go\n")
                    proc.stdin.flush()
                for proc in procs:
                    out, err = proc.communicate(timeout=120)
                    assert proc.returncode == 0, err
                    outputs.append(json.loads(out.strip().splitlines()[-1]))
            finally:
                for proc in procs:
                    if proc.poll() is None:
                        proc.kill()
                        proc.communicate()
            assert_sent_exactly_once(store, deliveries, rx)
            assert len(rx.requests) == count + len(script)
        assert sum(o["attempts"] for o in outputs) == count + len(script)
        publishers: Counter[str] = Counter()
        for delivery in deliveries:
            history = store.history(delivery.draft_id)
            assert history is not None
            publishers.update(e.actor for e in history.audit if e.action == "draft.published")
    # Both processes really competed for the same rows.
    assert set(publishers) == {"proc-1", "proc-2"}
    assert sum(publishers.values()) == count


def wait_until_delivered(store: Store, deliveries: list[Delivery], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = [store.get_delivery(d.id) for d in deliveries]
        if all(s is not None and s.state == "delivered" for s in states):
            return
        time.sleep(0.05)
    pytest.fail("deliveries were not all delivered in time")


def test_a_single_worker_drains_a_backlog(pub_store: Store, pub_clock: FakeClock) -> None:
    deliveries = [approved_delivery(pub_store)[1] for _ in range(10)]
    with WebhookReceiver(SECRET) as rx, WebhookClient(rx.url, SECRET) as client:
        worker = PublishWorker(
            pub_store, client, FAST_POLICY, NullNotifier(), worker_id="solo", clock=pub_clock
        )
        assert worker.run_pending() == 10
        assert_sent_exactly_once(pub_store, deliveries, rx)
