"""The Slack loop under load: ``newsbot serve`` as a subprocess against the loopback fakes.

    .venv/bin/python -m benchmarks.slack_flow [--events 300] [--threads 16] [--burst 40]

Measures, on one serve process (SQLite, default pool sizes):

1. ack latency of ``--events`` signed message events (each with a new link) sent from
   ``--threads`` threads: p50/p99/max and any non-200 answer (targets: p99 < 100 ms, none);
2. event → draft posted (the thread message carries the Approve button) with a zero-latency
   fake model, one event at a time (target: p50 < 500 ms);
3. ``--burst`` linked posts at once with a model taking 0.5 s: every draft posted, one model
   call each, and the wall time until the last one;
4. the process's peak RSS (``VmHWM``; target < 250 MB).

``--article`` is the page the fake news site serves (default: the flow test fixture).

``--rate`` measures Slack's rate limits instead (issue 14): ``--links`` (200) posts with one
link each, sent at once into ``--channels`` channels of one workspace, while the fake Slack
enforces the per-method tiers (Tier 3 50/min, reactions.remove Tier 2 20/min,
chat.postMessage 5 per 5 s per channel), its minutes shortened by ``--scale`` (10: a Tier 3
minute lasts 6 s; the bot gets ``SLACK_RATE_SCALE`` = the same factor). It prints the Slack
calls per draft (per method and in total), the 429s, the time until every draft has exactly
one card with its buttons, and until every progress reaction is gone. ``--code DIR`` runs
``newsbot serve`` from another checkout (e.g. the main branch, for the numbers before).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from benchmarks.harness import ROOT, Serve, pct, print_table, wait_until
from tests.fakes import slack_signing as signing
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.news_site import NewsSite
from tests.fakes.slack_api import FakeSlackAPI

SECRET = "bench-signing-secret"  # noqa: S105  # the fakes' made-up secret
TOKEN = "xoxb-bench-token"  # noqa: S105  # the fake Slack API's made-up token
CHANNEL = "C0BENCH"
REPORTER = "U0REPORTER"


class Bench:
    def __init__(self, slack: FakeSlackAPI, site: NewsSite, serve: Serve) -> None:
        self.slack = slack
        self.site = site
        self.serve = serve
        self._n = 0
        self._lock = threading.Lock()

    def new_post(self) -> tuple[str, signing.SignedRequest]:
        """A person's post with a link nobody posted before, and its signed event."""
        with self._lock:
            self._n += 1
            n = self._n
        text = f"Story {n}: {self.site.url('/story')}?id={n}"
        ts = self.slack.post_user_message(CHANNEL, text, REPORTER)
        event = signing.message_event(channel=CHANNEL, ts=ts, text=text)
        return ts, signing.event_request(event, SECRET, event_id=f"Ev{n:09d}")

    def send(self, request: signing.SignedRequest) -> tuple[int, float]:
        started = time.perf_counter()
        status = signing.post(self.serve.url, request).status
        return status, (time.perf_counter() - started) * 1000

    def posted(self, ts: str) -> bool:
        """The draft (with its Approve button) is in the thread."""
        return any(
            m.blocks and "draft_approve" in json.dumps(m.blocks)
            for m in self.slack.thread(CHANNEL, ts)
        )

    def failed(self, ts: str) -> bool:
        return any(
            m.blocks and "draft_approve" not in json.dumps(m.blocks) and ":warning:" in m.text
            for m in self.slack.thread(CHANNEL, ts)
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rate", action="store_true", help="the rate-limit benchmark")
    parser.add_argument("--links", type=int, default=200)
    parser.add_argument("--channels", type=int, default=4)
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--code", type=Path, default=ROOT)
    parser.add_argument("--timeout", type=float, default=900.0)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--sequential", type=int, default=20)
    parser.add_argument("--burst", type=int, default=40)
    parser.add_argument(
        "--article", type=Path, default=ROOT / "tests" / "fixtures" / "flow" / "article.html"
    )
    args = parser.parse_args(argv)
    if args.rate:
        from benchmarks.slack_rate import run  # noqa: PLC0415  # only for --rate

        print_table(run(args))
        return 0
    rows: list[tuple[str, str, str]] = []

    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeSlackAPI(token=TOKEN, check_blocks=False) as slack,
        FakeAnthropic() as model,
        NewsSite() as site,
    ):
        slack.add_channel(CHANNEL, "bench")
        site.add("/story", args.article.read_text(encoding="utf-8"))
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.base_url,
            "ANTHROPIC_API_KEY": "bench-key",
            "ANTHROPIC_BASE_URL": model.base_url,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "FETCH_ALLOW_PRIVATE_NETWORKS": "true",
            "FETCH_ALLOWED_PORTS": "",
            "MIN_ARTICLE_WORDS": "30",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "warning",
        }
        serve = Serve(env)
        serve.wait_healthy()
        bench = Bench(slack, site, serve)
        try:
            # 0. the first requests pay for Bolt's auth.test and lazy imports: measured apart
            warm = [bench.new_post() for _ in range(args.threads)]
            with ThreadPoolExecutor(args.threads) as pool:
                cold = [ms for _, ms in pool.map(lambda p: bench.send(p[1]), warm)]
            wait_until(lambda: all(bench.posted(ts) for ts, _ in warm), 120, 0.05)
            rows.append(
                (
                    f"cold start: first {args.threads} events at once",
                    f"max ack {max(cold):.0f} ms",
                    "",
                )
            )

            # 1. ack latency under concurrent events (the drafts are summarized meanwhile)
            posts = [bench.new_post() for _ in range(args.events)]
            with ThreadPoolExecutor(args.threads) as pool:
                results = list(pool.map(lambda p: bench.send(p[1]), posts))
            acks = [ms for _, ms in results]
            bad = sum(1 for status, _ in results if status != 200)
            rows.append(
                (
                    f"ack latency, {args.events} events from {args.threads} threads",
                    f"p50 {pct(acks, 50):.1f} ms · p99 {pct(acks, 99):.1f} ms · "
                    f"max {max(acks):.1f} ms · non-200: {bad}",
                    "p99 < 100 ms, no non-200",
                )
            )
            settle = wait_until(lambda: all(bench.posted(ts) for ts, _ in posts), 600, 0.1)
            rows.append(
                (
                    f"… all {args.events} drafts posted after the last ack",
                    f"{settle / 1000:.1f} s" if settle is not None else "NOT ALL",
                    "",
                )
            )

            # 2. event → draft posted, zero-latency model, one at a time
            latencies = []
            for _ in range(args.sequential):
                ts, request = bench.new_post()
                started = time.perf_counter()
                bench.send(request)
                if wait_until(partial(bench.posted, ts), 60) is not None:
                    latencies.append((time.perf_counter() - started) * 1000)
            rows.append(
                (
                    f"event → draft posted ({args.sequential} sequential, model 0 s)",
                    f"p50 {statistics.median(latencies):.0f} ms · "
                    f"max {max(latencies):.0f} ms · posted {len(latencies)}/{args.sequential}",
                    "p50 < 500 ms",
                )
            )

            # 3. a burst of linked posts with a slow model
            model.latency_s = 0.5
            calls_before = len(model.message_requests)
            burst = [bench.new_post() for _ in range(args.burst)]
            started = time.perf_counter()
            with ThreadPoolExecutor(args.burst) as pool:
                statuses = list(pool.map(lambda p: bench.send(p[1])[0], burst))
            done = wait_until(lambda: all(bench.posted(ts) for ts, _ in burst), 300, 0.05)
            wall = time.perf_counter() - started
            calls = len(model.message_requests) - calls_before
            posted = sum(1 for ts, _ in burst if bench.posted(ts))
            rows.append(
                (
                    f"{args.burst} linked posts at once, model 0.5 s",
                    f"{posted}/{args.burst} drafts · {calls} model calls · "
                    f"{wall:.1f} s to the last draft · non-200: "
                    f"{sum(1 for s in statuses if s != 200)}",
                    "all drafts, one call each",
                )
            )
            if done is None:
                rows.append(("… burst", "timed out", ""))
            rows.append(("peak RSS of newsbot serve", f"{serve.peak_rss_mb():.0f} MB", "< 250 MB"))
        finally:
            serve.stop()
        errors = serve.errors()

    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  result  (target)")
    for name, result, target in rows:
        print(f"{name:<{width}}  {result}" + (f"  ({target})" if target else ""))
    if errors:
        print(f"\n{len(errors)} error log lines, first: {errors[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
