"""Publishing speed: approve → webhook latency, and one worker's deliveries per second.

    .venv/bin/python -m benchmarks.publish [--runs 200] [--deliveries 500] [--postgres [URL]]

Both run against the loopback receiver the tests use (``tests/fakes/webhook_receiver.py``:
it verifies every Standard Webhooks signature and answers 200) on a fresh SQLite file and,
with ``--postgres``, a fresh schema in that database (default: the test server's URL).

- **approve → received**: with the publish worker threads running (idle, polling only every
  ``--poll`` seconds), each run makes a draft ready (not timed), then times
  ``store.approve(..., payload=ApprovalPayloads.builder())`` (the call the Slack approve path
  makes) + ``workers.wake.set()`` until the receiver has the request. The next run starts
  once the delivery is marked delivered.
- **throughput**: ``--deliveries`` approved rows are queued first (not timed), then one
  ``PublishWorker.run_pending()`` delivers them all: claim, signed POST, record, mark.
- **a CMS that blips** (SQLite, real time, about 45 s a run; ``--blip-runs 0`` skips it): the
  receiver answers 503 three times, then 200; with the default retry policy, the time from
  approve to delivered and the number of distinct ``webhook-id`` values it saw (must be 1).
  Beside it, the same scenario simulated over 10,000 seeds of the policy's jitter (no waiting).

Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

from bot.domain import Article
from bot.logs import configure_logging
from bot.publisher import RetryPolicy, WebhookClient
from bot.publisher.policy import Action, Outcome
from bot.store import Delivery, Draft, NewRevision, Store
from bot.workflow.publishing import (
    ApprovalPayloads,
    NullNotifier,
    PublishWorker,
    start_publish_workers,
)
from tests.fakes.webhook_receiver import Respond, WebhookReceiver

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
SECRET = "whsec_" + "YmVuY2htYXJrLXNlY3JldC1mb3ItbmV3c2JvdA=="
BULLETS = (
    "Der Bundestag hat den Haushalt für 2025 mit 389 zu 280 Stimmen beschlossen.",
    "Die Ausgaben steigen auf 488 Milliarden Euro.",
    "Die Opposition kündigte eine Klage an.",
)


@dataclass(slots=True)
class Result:
    backend: str
    approve_ms: list[float]
    received_ms: list[float]
    deliveries: int
    seconds: float


class NoDelayReceiver(WebhookReceiver):
    """The test receiver with Nagle's algorithm off, as production HTTP servers have it.

    ``http.server`` writes the headers and the body of a response in two ``send`` calls; with
    Nagle on, the body waits for the client's delayed ACK (~40 ms on Linux), which would
    measure the fake, not the worker.
    """

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        handler = super()._handler_class()
        return type("NoDelayHandler", (handler,), {"disable_nagle_algorithm": True})


class Newsroom:
    """Makes ready drafts through the store API, as the summary worker would."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.payloads = ApprovalPayloads(store, heading="Zusammenfassung", disclaimer="KI.")
        self.count = 0

    def ready(self) -> Draft:
        self.count += 1
        url = f"https://zeitung.example/artikel-{self.count}"
        created = self.store.create_draft(
            team_id="T1",
            channel="C1",
            message_ts=f"1700000000.{self.count:06d}",
            url=url,
            reporter_id="U_REPORTER",
        )
        claimed = self.store.claim_draft("bench-summarizer", lease_s=60)
        assert claimed is not None and claimed.id == created.draft.id
        article = Article(url=url, final_url=url, title="Haushalt", text="Text.", language="de")
        revision = NewRevision(
            kind="ai",
            bullets=BULLETS,
            author="claude-haiku-5-5",
            model="claude-haiku-5-5",
            prompt_version="sha256:bench",
            engine="claude",
        )
        outcome = self.store.complete(claimed.id, "bench-summarizer", revision, article=article)
        assert outcome.won and outcome.draft is not None
        return outcome.draft

    def approve(self, draft: Draft) -> Delivery:
        outcome = self.store.approve(
            draft.id,
            editor_id="U_EDITOR",
            editor_name="Eva Editor",
            revision=1,
            payload=self.payloads.builder(),
        )
        assert outcome.won and outcome.delivery is not None
        return outcome.delivery


def wait_delivered(store: Store, delivery_id: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = store.get_delivery(delivery_id)
        if current is not None and current.state == "delivered":
            return
        time.sleep(0.001)
    raise RuntimeError(f"delivery {delivery_id} was not delivered within {timeout} s")


def measure(backend: str, url: str, runs: int, deliveries: int, poll_s: float) -> Result:
    with (
        Store(url) as store,
        NoDelayReceiver(SECRET) as rx,
        WebhookClient(rx.url, SECRET) as client,
    ):
        store.upgrade()
        newsroom = Newsroom(store)

        approve_ms: list[float] = []
        received_ms: list[float] = []
        workers = start_publish_workers(store, client, NullNotifier(), poll_s=poll_s)
        try:
            for run in range(runs):
                draft = newsroom.ready()
                started = time.perf_counter()
                delivery = newsroom.approve(draft)
                approved = time.perf_counter()
                workers.wake.set()
                rx.wait_for_requests(run + 1, timeout=30)
                received = time.perf_counter()
                approve_ms.append((approved - started) * 1000)
                received_ms.append((received - started) * 1000)
                wait_delivered(store, delivery.id)
        finally:
            workers.stop()

        for _ in range(deliveries):
            newsroom.approve(newsroom.ready())
        worker = PublishWorker(store, client, RetryPolicy(), NullNotifier(), worker_id="bench")
        started = time.perf_counter()
        sent = worker.run_pending()
        seconds = time.perf_counter() - started
        if sent != deliveries or len(rx.deliveries) != runs + deliveries:
            raise RuntimeError(f"expected {deliveries} deliveries, made {sent}")
    return Result(backend, approve_ms, received_ms, deliveries, seconds)


@dataclass(slots=True)
class Blip:
    seconds: list[float]
    attempts: list[int]
    webhook_ids: list[int]


def measure_blip(url: str, runs: int, failures: int) -> Blip:
    """``failures`` 503s, then 200: approve → delivered, with the production retry policy."""
    result = Blip([], [], [])
    with (
        Store(url) as store,
        NoDelayReceiver(SECRET) as rx,
        WebhookClient(rx.url, SECRET) as client,
    ):
        store.upgrade()
        newsroom = Newsroom(store)
        workers = start_publish_workers(store, client, NullNotifier(), poll_s=5.0)
        try:
            for _ in range(runs):
                seen = len(rx.requests)
                rx.add_steps(*[Respond(503) for _ in range(failures)])
                draft = newsroom.ready()
                started = time.perf_counter()
                delivery = newsroom.approve(draft)
                workers.wake.set()
                wait_delivered(store, delivery.id, timeout=600)
                result.seconds.append(time.perf_counter() - started)
                requests = rx.requests[seen:]
                result.attempts.append(len(requests))
                result.webhook_ids.append(len({r.webhook_id for r in requests}))
        finally:
            workers.stop()
    return result


def simulate_blip(failures: int, seeds: int) -> list[float]:
    """Seconds from the first attempt to the delivering one, by the policy alone."""
    policy = RetryPolicy()
    spans = []
    for seed in range(seeds):
        rng = random.Random(seed)
        age = 0.0
        for attempt in range(1, failures + 1):
            decision = policy.decide(
                Outcome.RETRY, attempts=attempt, age_s=age, retry_after_s=None, rng=rng
            )
            assert decision.action is Action.RETRY and decision.delay_s is not None
            age += decision.delay_s
        spans.append(age)
    return spans


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


@contextmanager
def postgres_url(base: str) -> Iterator[str]:
    """A fresh schema (dropped afterwards), as the store tests use."""
    dsn = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    schema = "newsbot_bench_" + secrets.token_hex(6)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def quantile(values: Sequence[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def print_tables(results: list[Result], runs: int, poll_s: float) -> None:
    print(f"Approve → webhook received ({runs} runs, workers polling every {poll_s:g} s)\n")
    print("| backend | store.approve p50 ms | approve→received p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.backend} | {statistics.median(r.approve_ms):.1f} "
            f"| {statistics.median(r.received_ms):.1f} | {quantile(r.received_ms, 0.95):.1f} "
            f"| {max(r.received_ms):.1f} |"
        )
    print("\nOne worker draining a backlog (claim, signed POST, record attempt, mark delivered)\n")
    print("| backend | deliveries | seconds | deliveries/s |")
    print("|---|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.backend} | {r.deliveries} | {r.seconds:.2f} | {r.deliveries / r.seconds:.0f} |"
        )


def print_blip(blip: Blip, simulated: list[float], failures: int) -> None:
    schedule = ", ".join(f"{step:g}" for step in RetryPolicy().schedule_s)
    print(f"\nA CMS that blips: {failures} × 503, then 200 (retry schedule {schedule} s, ±20 %)\n")
    print("| run | approve → delivered s | attempts | distinct webhook-ids |")
    print("|---|---:|---:|---:|")
    for number, (seconds, attempts, ids) in enumerate(
        zip(blip.seconds, blip.attempts, blip.webhook_ids, strict=True), start=1
    ):
        print(f"| {number} (SQLite, real time) | {seconds:.1f} | {attempts} | {ids} |")
    print(
        f"| policy simulated, {len(simulated)} seeds | p50 {statistics.median(simulated):.1f}, "
        f"p95 {quantile(simulated, 0.95):.1f}, max {max(simulated):.1f} | {failures + 1} | 1 |"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=200, help="approve → received samples")
    parser.add_argument("--deliveries", type=int, default=500, help="backlog for throughput")
    parser.add_argument("--poll", type=float, default=5.0, help="worker idle poll interval (s)")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=DEFAULT_PG_URL,
        metavar="URL",
        help=f"also measure PostgreSQL (default URL: {DEFAULT_PG_URL})",
    )
    parser.add_argument(
        "--blip-runs",
        type=int,
        default=1,
        help="runs of the 3 × 503 then 200 scenario (~45 s each)",
    )
    args = parser.parse_args(argv)
    configure_logging("warning", "json", stream=sys.stderr)

    results = []
    with sqlite_url() as url:
        results.append(measure("SQLite", url, args.runs, args.deliveries, args.poll))
    if args.postgres:
        with postgres_url(args.postgres) as url:
            results.append(measure("PostgreSQL", url, args.runs, args.deliveries, args.poll))
    print_tables(results, args.runs, args.poll)
    if args.blip_runs > 0:
        failures = 3
        with sqlite_url() as url:
            blip = measure_blip(url, args.blip_runs, failures)
        print_blip(blip, simulate_blip(failures, 10_000), failures)
        if any(ids != 1 for ids in blip.webhook_ids):
            print("FAIL: a retry changed the webhook-id", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
