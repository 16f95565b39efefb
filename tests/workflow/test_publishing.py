"""The outbox worker against a scripted loopback receiver that verifies every signature.

Backoff never makes a test wait: the worker's ``sleep`` advances the fake clock that both the
worker and the store read, so a retry scheduled 20 minutes ahead is due at once.
"""

from __future__ import annotations

import json
import random
import threading
from datetime import timedelta
from typing import Any

import jsonschema
import pytest
from structlog.testing import capture_logs

from bot.publisher import Action, AttemptResult, ErrorKind, Outcome, RetryPolicy, WebhookClient
from bot.settings import ConfigError, Settings
from bot.store import Store
from bot.workflow.publishing import (
    ApprovalPayloads,
    NullNotifier,
    PublishWorker,
    describe,
    start_from_settings,
    start_publish_workers,
)
from tests.fakes.webhook_receiver import Hang, Respond, Step, WebhookReceiver
from tests.publisher.samples import SCHEMA_PATH
from tests.store.conftest import FakeClock
from tests.store.helpers import draft_in
from tests.workflow.publish_support import (
    SECRET,
    RecordingNotifier,
    RoutingClient,
    approved_delivery,
    closed_port_url,
    payloads,
)

JSON = {"Content-Type": "application/json"}


def make_worker(
    store: Store,
    client: Any,
    clock: FakeClock,
    notifier: Any = None,
    *,
    policy: RetryPolicy | None = None,
    worker_id: str = "w1",
) -> PublishWorker:
    return PublishWorker(
        store,
        client,
        policy or RetryPolicy(),
        notifier if notifier is not None else RecordingNotifier(),
        worker_id=worker_id,
        lease_s=60,
        clock=clock,
        rng=random.Random(7),
        sleep=clock.advance,
    )


def test_outage_then_delivery_records_every_attempt_in_order(
    pub_store: Store, pub_clock: FakeClock
) -> None:
    draft, delivery = approved_delivery(pub_store)
    script: list[Step] = [
        Respond(500, "oops"),
        Respond(503, "busy", {"Retry-After": "600"}),
        Hang(30),
    ]
    notifier = RecordingNotifier()
    with (
        WebhookReceiver(SECRET, script=script) as rx,
        WebhookClient(rx.url, SECRET, timeout_s=0.5) as good,
        WebhookClient(closed_port_url(), SECRET, timeout_s=5) as refused,
    ):
        client = RoutingClient(good, routes={4: refused})
        worker = make_worker(pub_store, client, pub_clock, notifier)
        assert worker.run_pending(max_wait_s=3600) == 5
        requests = rx.requests
        accepted = rx.deliveries

    # The receiver saw attempts 1-3 and 5 (4 was refused) under one webhook-id, signed each time.
    assert [r.answer for r in requests] == ["500", "503", "hang", "200"]
    assert {r.webhook_id for r in requests} == {delivery.webhook_id}
    assert all(r.verified and not r.duplicate for r in requests)
    assert list(accepted) == [delivery.webhook_id]
    assert accepted[delivery.webhook_id]["data"]["summary_id"] == draft.id

    history = pub_store.history(draft.id)
    assert history is not None
    assert [(a.attempt, a.status_code, a.error_kind) for a in history.attempts] == [
        (1, 500, None),
        (2, 503, None),
        (3, None, "timeout"),
        (4, None, "connect"),
        (5, 200, None),
    ]
    assert history.attempts[0].response_snippet == "oops"
    assert history.draft.state == "published"
    [stored] = history.deliveries
    assert (stored.state, stored.total_attempts, stored.last_status) == ("delivered", 5, 200)
    assert history.audit[-1].action == "draft.published"
    assert history.audit[-1].detail["webhook_id"] == delivery.webhook_id

    # The thread heard about every state, with the time of the next attempt while retrying.
    assert notifier.keys == [
        "publish.retrying_http",
        "publish.retrying_http",
        "publish.retrying",
        "publish.retrying",
        "publish.published",
    ]
    retries = notifier.updates[:4]
    assert [u.line.params.get("status") for u in retries] == [500, 503, None, None]
    assert all(u.next_attempt_at is not None for u in retries)
    assert all(u.delivery.state == "pending" for u in retries)
    after_503 = retries[1]
    assert after_503.next_attempt_at is not None
    # Retry-After: 600 is honoured (above the 2-minute backoff ceiling for a second retry).
    assert after_503.next_attempt_at - history.attempts[1].started_at >= timedelta(seconds=600)
    done = notifier.updates[-1]
    assert done.next_attempt_at is None and done.line.params == {"status": 200}
    assert done.draft is not None and done.draft.approved_by == "U_EDITOR"
    assert done.delivery.delivered_at is not None


def test_400_fails_with_the_reason_and_retry_keeps_the_webhook_id(
    pub_store: Store, pub_clock: FakeClock
) -> None:
    draft, delivery = approved_delivery(pub_store)
    refusal = json.dumps({"error": {"message": "field <title> & more is missing"}})
    notifier = RecordingNotifier()
    with (
        WebhookReceiver(SECRET, script=[Respond(400, refusal, JSON)]) as rx,
        WebhookClient(rx.url, SECRET) as client,
    ):
        worker = make_worker(pub_store, client, pub_clock, notifier)
        assert worker.run_pending(max_wait_s=3600) == 1  # no retry after a plain 4xx
        [failed] = notifier.updates
        assert failed.decision.action is Action.STOP
        assert failed.line.key == "publish.failed_rejected"
        assert failed.line.retry_button
        # Unescaped here; the Slack layer escapes it (the receiver's text is untrusted).
        assert failed.line.params == {"status": 400, "reason": "field <title> & more is missing"}
        assert failed.delivery.state == "failed"
        assert failed.draft is not None and failed.draft.state == "publish_failed"

        retried = pub_store.retry_delivery(delivery.id, "U_EDITOR")  # the Retry button
        assert retried.won
        assert worker.run_pending() == 1
        requests = rx.requests
        accepted = rx.deliveries

    assert [r.answer for r in requests] == ["400", "200"]
    assert [r.webhook_id for r in requests] == [delivery.webhook_id] * 2
    assert requests[0].body == requests[1].body  # the same frozen bytes
    assert list(accepted) == [delivery.webhook_id]
    assert notifier.keys[-1] == "publish.published"
    stored = pub_store.get_delivery(delivery.id)
    assert stored is not None and stored.state == "delivered"
    assert stored.last_error is None
    history = pub_store.history(draft.id)
    assert history is not None
    assert [a.status_code for a in history.attempts] == [400, 200]
    actions = [e.action for e in history.audit]
    assert actions[-3:] == ["draft.publish_failed", "delivery.retried", "draft.published"]
    failed_event = history.audit[-3]
    assert failed_event.detail["error"] == "HTTP 400: field <title> & more is missing"


def test_410_fails_and_flags_the_endpoint(pub_store: Store, pub_clock: FakeClock) -> None:
    draft, delivery = approved_delivery(pub_store)
    notifier = RecordingNotifier()
    with (
        capture_logs() as logs,
        WebhookReceiver(SECRET, script=[Respond(410, "gone")]) as rx,
        WebhookClient(rx.url, SECRET) as client,
    ):
        assert make_worker(pub_store, client, pub_clock, notifier).run_pending() == 1
    gone = [e for e in logs if e["event"] == "delivery.endpoint_gone"]
    assert len(gone) == 1 and gone[0]["webhook_id"] == delivery.webhook_id
    assert notifier.keys == ["publish.failed_gone"]
    assert notifier.updates[0].decision.action is Action.GONE
    stored = pub_store.get_draft(draft.id)
    assert stored is not None and stored.state == "publish_failed"


def test_a_redirect_is_not_followed(pub_store: Store, pub_clock: FakeClock) -> None:
    _, delivery = approved_delivery(pub_store)
    notifier = RecordingNotifier()
    moved = Respond(301, "", {"Location": "http://127.0.0.1:9/elsewhere"})
    with WebhookReceiver(SECRET, script=[moved]) as rx, WebhookClient(rx.url, SECRET) as client:
        assert make_worker(pub_store, client, pub_clock, notifier).run_pending() == 1
        assert len(rx.requests) == 1
    assert notifier.keys == ["publish.failed_redirect"]
    stored = pub_store.get_delivery(delivery.id)
    assert stored is not None and (stored.state, stored.last_status) == ("failed", 301)


def test_gives_up_when_the_attempts_are_used_up(pub_store: Store, pub_clock: FakeClock) -> None:
    draft, _ = approved_delivery(pub_store)
    notifier = RecordingNotifier()
    policy = RetryPolicy(max_attempts=3)
    with (
        WebhookReceiver(SECRET, script=[Respond(503)] * 3) as rx,
        WebhookClient(rx.url, SECRET) as client,
    ):
        worker = make_worker(pub_store, client, pub_clock, notifier, policy=policy)
        assert worker.run_pending(max_wait_s=3600) == 3
        assert rx.deliveries == {}
    assert notifier.keys == ["publish.retrying_http"] * 2 + ["publish.failed_gave_up"]
    assert notifier.updates[-1].line.params == {"attempts": 3}
    assert notifier.updates[-1].line.retry_button
    stored = pub_store.get_draft(draft.id)
    assert stored is not None and stored.state == "publish_failed"


def test_a_failing_notifier_neither_loses_nor_repeats_a_delivery(
    pub_store: Store, pub_clock: FakeClock
) -> None:
    draft, delivery = approved_delivery(pub_store)
    notifier = RecordingNotifier(fail=True)
    with (
        capture_logs() as logs,
        WebhookReceiver(SECRET) as rx,
        WebhookClient(rx.url, SECRET) as client,
    ):
        worker = make_worker(pub_store, client, pub_clock, notifier)
        assert worker.run_pending() == 1
        pub_clock.advance(3600)  # long after any lease: nothing comes back
        assert worker.run_pending() == 0
        assert len(rx.requests) == 1
    assert notifier.keys == ["publish.published"]
    assert [e["delivery_id"] for e in logs if e["event"] == "delivery.notify_failed"] == [
        delivery.id
    ]
    stored = pub_store.get_draft(draft.id)
    assert stored is not None and stored.state == "published"


def test_a_worker_whose_lease_was_taken_over_does_not_report(
    pub_store: Store, pub_clock: FakeClock
) -> None:
    """A slow attempt outlives its lease; a second worker resends and settles the delivery."""
    _, delivery = approved_delivery(pub_store)
    notifier = RecordingNotifier()
    with WebhookReceiver(SECRET) as rx, WebhookClient(rx.url, SECRET) as client:
        second = make_worker(pub_store, client, pub_clock, notifier, worker_id="w2")
        taken_over: list[bool] = []

        class SlowClient:
            def send(self, webhook_id: str, payload: bytes, attempt_no: int) -> AttemptResult:
                result = client.send(webhook_id, payload, attempt_no)
                pub_clock.advance(61)  # w1's lease (60 s) expires while it waits
                taken_over.append(second.run_once())
                return result

        first = make_worker(pub_store, SlowClient(), pub_clock, notifier, worker_id="w1")
        with capture_logs() as logs:
            assert first.run_once()
        requests = rx.requests
    assert taken_over == [True]
    # Two requests, one accepted delivery: the receiver acknowledged the repeat as a duplicate.
    assert [(r.webhook_id, r.duplicate) for r in requests] == [
        (delivery.webhook_id, False),
        (delivery.webhook_id, True),
    ]
    assert [(u.delivery.lease_owner, u.line.key) for u in notifier.updates] == [
        (None, "publish.published")
    ]
    lost = [e for e in logs if e["event"] == "delivery.lease_lost"]
    assert [e["worker"] for e in lost] == ["w1"]
    history = pub_store.history(delivery.draft_id)
    assert history is not None
    assert [e.actor for e in history.audit if e.action == "draft.published"] == ["w2"]
    assert [a.attempt for a in history.attempts] == [1, 2]  # both attempts recorded


def test_without_a_webhook_the_worker_does_nothing(
    pub_store: Store, pub_clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, delivery = approved_delivery(pub_store)  # a row from when a webhook was configured
    worker = make_worker(pub_store, None, pub_clock)
    assert not worker.enabled
    assert not worker.run_once()
    assert worker.run_pending() == 0
    worker.run_forever(threading.Event(), threading.Event(), poll_s=60)  # returns at once
    stored = pub_store.get_delivery(delivery.id)
    assert stored is not None and (stored.state, stored.attempts) == ("pending", 0)

    handle = start_publish_workers(pub_store, None, NullNotifier())
    assert not handle.enabled and handle.threads == []
    handle.wake.set()
    handle.stop()

    settings = Settings()
    assert settings.publish_webhook_url is None
    assert ApprovalPayloads.from_settings(settings, pub_store) is None
    assert not start_from_settings(settings, pub_store, NullNotifier()).enabled


def test_a_lease_shorter_than_an_attempt_is_refused(pub_store: Store) -> None:
    settings = Settings(
        publish_webhook_url="http://127.0.0.1:9/hook",
        publish_webhook_secret=SECRET,
        publish_timeout_s=30,
        publish_lease_s=35,
    )
    with pytest.raises(ConfigError, match="PUBLISH_LEASE_S"):
        start_from_settings(settings, pub_store, NullNotifier())


def test_next_delivery_due_is_the_earliest_pending_row(
    pub_store: Store, pub_clock: FakeClock
) -> None:
    assert pub_store.next_delivery_due() is None
    _, first = approved_delivery(pub_store)
    pub_clock.advance(5)
    approved_delivery(pub_store)
    assert pub_store.next_delivery_due() == first.next_attempt_at
    claimed = pub_store.claim_delivery("w", lease_s=30)
    assert claimed is not None and claimed.id == first.id
    assert pub_store.next_delivery_due() == pub_clock()  # the second row; the first is leased
    later = pub_clock() + timedelta(minutes=10)
    assert pub_store.schedule_retry(first.id, "w", later, status=503)
    assert pub_store.next_delivery_due() == pub_clock()


def test_describe_names_the_answer() -> None:
    refused = AttemptResult("msg_1", 1, 0, Outcome.STOP, 400, None, 1.0, "bad", None)
    assert describe(refused) == "HTTP 400: bad"
    silent = AttemptResult("msg_1", 1, 0, Outcome.RETRY, None, None, 1.0, "", ErrorKind.TIMEOUT)
    assert describe(silent) == "timeout"


# --- threads and wake-up ----------------------------------------------------------------------


def test_wake_starts_the_first_attempt_without_waiting_for_the_poll(
    pub_store: Store, pub_clock: FakeClock
) -> None:
    notifier = RecordingNotifier()
    with WebhookReceiver(SECRET) as rx, WebhookClient(rx.url, SECRET) as client:
        # An hour between polls: only the wake-up can explain a prompt delivery.
        handle = start_publish_workers(pub_store, client, notifier, threads=2, poll_s=3600)
        try:
            assert all(t.is_alive() for t in handle.threads)
            _, delivery = approved_delivery(pub_store)
            handle.wake.set()
            [request] = rx.wait_for_requests(1, timeout=30)
        finally:
            handle.stop(timeout=30)
    assert request.webhook_id == delivery.webhook_id
    assert not any(t.is_alive() for t in handle.threads)
    assert notifier.keys == ["publish.published"]


def test_workers_resume_pending_rows_at_start(pub_store: Store) -> None:
    """Rows left by an earlier process (pending, due) are delivered without any wake-up."""
    deliveries = [approved_delivery(pub_store)[1] for _ in range(3)]
    with WebhookReceiver(SECRET) as rx, WebhookClient(rx.url, SECRET) as client:
        handle = start_publish_workers(pub_store, client, NullNotifier(), poll_s=3600)
        try:
            rx.wait_for_requests(3, timeout=30)
        finally:
            handle.stop(timeout=30)
        accepted = rx.deliveries
    assert set(accepted) == {d.webhook_id for d in deliveries}


# --- the payload frozen at approval ------------------------------------------------------------


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_approval_payload_follows_the_schema(pub_store: Store) -> None:
    draft, delivery = approved_delivery(pub_store)
    body = delivery.payload
    validator().validate(body)
    data = body["data"]
    assert body["type"] == "summary.approved"
    assert data["summary_id"] == draft.id and data["revision"] == 1
    assert data["provenance"] == {
        "model": "claude-test",
        "prompt_version": "p1",
        "ai_generated": True,
        "human_edited": False,
    }
    assert data["approval"]["editor_id"] == "U_EDITOR"
    assert data["approval"]["thread_ts"] == draft.thread_ts
    assert data["article"]["url"] == "https://news.example/a"
    assert data["summary"]["disclaimer"] == "KI-gestützt, von der Redaktion geprüft."


def test_an_edited_approval_keeps_the_ai_provenance(pub_store: Store) -> None:
    ready = draft_in(pub_store, "ready")
    edited = pub_store.edit(
        ready.id, editor_id="U_EDITOR", base_revision=1, bullets=["Nur ein Punkt."]
    )
    assert edited.won
    outcome = pub_store.approve(
        ready.id,
        editor_id="U_CHIEF",
        editor_name=None,
        revision=2,
        payload=payloads(pub_store).builder(permalink="https://x.slack.com/archives/C1/p1"),
    )
    assert outcome.delivery is not None
    body = outcome.delivery.payload
    validator().validate(body)
    assert body["data"]["revision"] == 2
    assert body["data"]["summary"]["bullets"] == ["Nur ein Punkt."]
    assert body["data"]["provenance"]["model"] == "claude-test"
    assert body["data"]["provenance"]["human_edited"] is True
    assert body["data"]["approval"]["permalink"] == "https://x.slack.com/archives/C1/p1"
