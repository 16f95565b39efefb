"""End-to-end chaos run: ``newsbot serve`` subprocesses against misbehaving loopback fakes.

    .venv/bin/python -m benchmarks.chaos [--db sqlite|postgres] [--processes N] [--quick]

The scenario (times from the start of the burst; ``--quick`` shrinks every one of them and
says so in the report):

- a burst of 500 signed events in 10 s, spread over the serve processes like a load balancer
  would: 50 people's posts with links (every tenth with two), and 450 that must create nothing
  new: link-less posts and thread replies, ``channel_join``, the ``message_changed`` Slack sends
  when it unfurls a link, echoes of the bot's own posts (``bot_id``) and redeliveries of the
  link posts with ``X-Slack-Retry-Num``;
- senders behave like Slack: 3 s timeout, then retries (compressed from Slack's "nearly
  immediately, after 1 minute, after 5 minutes" to 1, 3, 10 s); a refused connection goes to
  the next process, as a load balancer's health check would send it;
- ``chat.postMessage`` answers HTTP 429 with ``Retry-After: 1`` to half its calls for 15 s;
- the model answers 529 ``overloaded_error`` to 85 % of calls for 17 s;
- the webhook receiver is down for a minute (first half: connections dropped after the
  request was read, second half: 503);
- the first serve process is SIGKILLed 6 s in and restarted on the same port;
- an editor approves every draft once its message shows the Approve button (a fifth of them
  with a double click, the two clicks to different processes), clicks again if it is still
  not approved 5 s later, and presses Retry under a final retryable failure (not under "I'll
  try again at …": the bot re-queues passing failures itself, ``WORK_AUTO_RETRY_BASE_S``).

The run ends when every draft is published or at ``--deadline``; it prints a table and
PASS/FAIL per invariant, and exits with 1 on any FAIL. PostgreSQL: a fresh database on
``--pg-url``'s server per run, dropped afterwards; two processes share it by default.
"""

from __future__ import annotations

import argparse
import base64
import itertools
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from benchmarks.harness import ROOT, Serve, pct, print_table
from bot.slack import ids
from bot.store import Store
from tests.fakes import slack_signing as signing
from tests.fakes.anthropic_api import FakeAnthropic, RecordedRequest, Reply
from tests.fakes.news_site import NewsSite
from tests.fakes.slack_api import FakeSlackAPI, iter_texts
from tests.fakes.webhook_receiver import Close, Respond, Step, WebhookReceiver

SECRET = "chaos-signing-secret"  # noqa: S105  # the fakes' made-up secret
TOKEN = "xoxb-chaos-token"  # noqa: S105  # the fake Slack API's made-up token
CHANNEL = "C0CHAOS"
REPORTER = "U0REPORTER"
EDITOR = "U0EDITOR"
ACK_LIMIT_S = 3.0  # Slack's: https://docs.slack.dev/apis/events-api/#responding
SLACK_RETRY_DELAYS_S = (1.0, 3.0, 10.0)


@dataclass(frozen=True)
class Scenario:
    events: int = 500
    link_posts: int = 50
    burst_s: float = 10.0
    slack_429: tuple[float, float] = (2.0, 17.0)
    slack_429_share: float = 0.5
    storm: tuple[float, float] = (3.0, 20.0)
    storm_share: float = 0.85
    webhook_down: tuple[float, float] = (8.0, 68.0)
    kill_at: float = 6.0
    model_latency_s: float = 0.3
    auto_retry_base_s: float = 30.0  # WORK_AUTO_RETRY_BASE_S (the default)
    deadline_s: float = 420.0
    label: str = "full"


QUICK = Scenario(
    events=150,
    link_posts=15,
    burst_s=3.0,
    slack_429=(0.5, 4.0),
    storm=(1.0, 4.0),
    webhook_down=(2.0, 8.0),
    kill_at=2.0,
    auto_retry_base_s=3.0,
    deadline_s=240.0,
    label="QUICK (shrunk durations: a smoke run, not the issue's scenario)",
)


class Clock:
    """Seconds since the burst started (negative before)."""

    def __init__(self) -> None:
        self.t0 = time.monotonic() + 3600.0

    def start(self) -> None:
        self.t0 = time.monotonic()

    def now(self) -> float:
        return time.monotonic() - self.t0

    def within(self, window: tuple[float, float]) -> bool:
        return window[0] <= self.now() < window[1]


class ChaosSlack(FakeSlackAPI):
    """The fake Slack Web API, rate-limiting ``chat.postMessage`` during a window."""

    def __init__(self, clock: Clock, scenario: Scenario, rng: random.Random) -> None:
        super().__init__(token=TOKEN, check_blocks=False)
        self.clock, self.scenario, self.rng = clock, scenario, rng
        self.limited = 0

    def _answer(
        self, method: str, args: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if (
            method == "chat.postMessage"
            and self.clock.within(self.scenario.slack_429)
            and self.rng.random() < self.scenario.slack_429_share
        ):
            self.limited += 1  # under the fake's lock
            # https://docs.slack.dev/apis/web-api/rate-limits: HTTP 429 with Retry-After
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}
        return super()._answer(method, args, token)


class ChaosReceiver(WebhookReceiver):
    """The webhook receiver, down during a window: connections dropped, then 503."""

    def __init__(self, secret: str, clock: Clock, scenario: Scenario) -> None:
        super().__init__(secret)
        self.clock, self.scenario = clock, scenario
        self.refused = Counter[str]()

    def _decide(self, headers: dict[str, str], body: bytes) -> tuple[Step, bool, bool]:
        start, end = self.scenario.webhook_down
        now = self.clock.now()
        if start <= now < end:
            step: Step = Close() if now < (start + end) / 2 else Respond(503, b"down")
            with self._lock:
                self.refused[type(step).__name__.lower()] += 1
            return step, self._verify(headers, body), False
        return super()._decide(headers, body)


class StormModel(FakeAnthropic):
    """The fake Messages API with a storm of 529 ``overloaded_error`` answers."""

    def __init__(self, clock: Clock, scenario: Scenario, rng: random.Random) -> None:
        super().__init__(latency_s=scenario.model_latency_s)
        self.clock, self.scenario, self.rng = clock, scenario, rng
        self.overloaded = 0
        self.answered = 0
        self._count = threading.Lock()
        self.responder = self._respond

    def _respond(self, request: RecordedRequest) -> Reply:
        with self._count:
            if self.clock.within(self.scenario.storm) and (
                self.rng.random() < self.scenario.storm_share
            ):
                self.overloaded += 1
                return Reply.error(529, delay_s=0.01)
            self.answered += 1
        return self.default(request)


@dataclass
class Event:
    at: float
    kind: str
    event: dict[str, Any]
    event_id: str
    target: int
    retry_num: int | None = None


@dataclass
class Post:
    ts: str
    links: int


@dataclass
class Delivery:
    kind: str
    status: int | None  # None: no answer (refused, reset or timed out)
    ms: float
    error: str = ""


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    deliveries: list[Delivery] = field(default_factory=list)
    acked: set[str] = field(default_factory=set)
    clicks: list[Delivery] = field(default_factory=list)

    def add(self, delivery: Delivery, *, click: bool = False) -> None:
        with self.lock:
            (self.clicks if click else self.deliveries).append(delivery)


class Fleet:
    """The serve processes (slots keep their port across a restart)."""

    def __init__(self, env: dict[str, str], count: int) -> None:
        self.env = env
        self.slots = [Serve(env, name=f"serve-{i}") for i in range(count)]
        self.history: list[Serve] = list(self.slots)
        self.restart_s: float | None = None
        for serve in self.slots:
            serve.wait_healthy()

    def url(self, index: int) -> str:
        return self.slots[index % len(self.slots)].url

    def kill_and_restart(self, index: int) -> None:
        victim = self.slots[index]
        victim.kill()
        fresh = Serve(self.env, port=victim.port, name=f"{victim.name}-restarted")
        self.slots[index] = fresh
        self.history.append(fresh)
        self.restart_s = fresh.wait_healthy()

    def stop(self) -> None:
        for serve in self.slots:
            serve.stop()


def post(url: str, request: signing.SignedRequest) -> tuple[int | None, float, str]:
    """One HTTP POST as Slack makes it: (status or None, ms, error kind)."""
    started = time.perf_counter()
    http = urllib.request.Request(url, data=request.body, headers=request.headers, method="POST")  # noqa: S310  # loopback URL
    try:
        with urllib.request.urlopen(http, timeout=ACK_LIMIT_S) as answer:  # noqa: S310  # loopback
            answer.read()
            status, error = int(answer.status), ""
    except urllib.error.HTTPError as exc:
        status, error = exc.code, ""
    except (TimeoutError, urllib.error.URLError, ConnectionError) as exc:
        reason = getattr(exc, "reason", exc)
        kind = "timeout" if isinstance(reason, TimeoutError) else type(reason).__name__
        status, error = None, kind
    return status, (time.perf_counter() - started) * 1000, error


class Chaos:
    def __init__(self, scenario: Scenario, seed: int) -> None:
        self.scenario = scenario
        self.rng = random.Random(seed)
        self.clock = Clock()
        self.tally = Tally()
        self.posts: list[Post] = []
        self.approve_clicks: dict[str, float] = {}
        self.double_clicks = 0
        self.reclicks = 0
        self.retry_clicks: dict[str, float] = {}
        self.retries = 0
        self._clicks = itertools.count()

    # --- the events ----------------------------------------------------------------------------

    def plan(self, slack: FakeSlackAPI, site: NewsSite, processes: int) -> list[Event]:
        sc, rng = self.scenario, self.rng
        events: list[Event] = []
        n = itertools.count(1)
        target = itertools.cycle(range(processes))

        def add(at: float, kind: str, event: dict[str, Any], event_id: str | None = None) -> None:
            events.append(Event(at, kind, event, event_id or f"Ev{next(n):08d}", next(target)))

        link_events: list[Event] = []
        for index in range(sc.link_posts):
            urls = [site.url(f"/story?id={index}")]
            if index % 10 == 9:
                urls.append(site.url(f"/story?id={index}b"))
            text = f"New story: {' and '.join(urls)}"
            ts = slack.post_user_message(CHANNEL, text, REPORTER)
            self.posts.append(Post(ts, len(urls)))
            at = rng.uniform(0, sc.burst_s * 0.8)
            add(at, "link post", signing.message_event(channel=CHANNEL, ts=ts, text=text))
            link_events.append(events[-1])
        others = sc.events - sc.link_posts
        redeliveries = min(others // 4, 2 * sc.link_posts)
        for index in range(redeliveries):
            original = link_events[index % len(link_events)]
            retry = 1 + index // len(link_events)
            at = min(sc.burst_s, original.at + rng.uniform(0.5, 3.0))
            events.append(
                Event(
                    at,
                    "redelivery",
                    original.event,
                    original.event_id,
                    next(target),
                    retry_num=retry,
                )
            )
        kinds = ["plain", "thread reply", "channel_join", "unfurl", "bot echo"]
        for index in range(others - redeliveries):
            kind = kinds[index % len(kinds)]
            at = rng.uniform(0, sc.burst_s)
            parent = self.posts[index % len(self.posts)]
            link = site.url(f"/story?id={index % sc.link_posts}")
            if kind == "plain":
                text = f"Morning meeting moved to 10:{index % 60:02d}"
                ts = slack.post_user_message(CHANNEL, text, REPORTER)
                event = signing.message_event(channel=CHANNEL, ts=ts, text=text)
            elif kind == "thread reply":
                text = f"Thanks, looks good ({index})"
                ts = slack.post_user_message(CHANNEL, text, EDITOR, thread_ts=parent.ts)
                event = signing.message_event(
                    channel=CHANNEL, ts=ts, text=text, user=EDITOR, thread_ts=parent.ts
                )
            elif kind == "channel_join":
                event = {
                    "type": "message",
                    "subtype": "channel_join",
                    "user": f"U0NEW{index:05d}",
                    "text": f"<@U0NEW{index:05d}> has joined the channel",
                    "channel": CHANNEL,
                    "ts": f"{1700000000 + index}.000001",
                    "event_ts": f"{1700000000 + index}.000001",
                    "channel_type": "channel",
                }
            elif kind == "unfurl":
                base = signing.message_event(channel=CHANNEL, ts=parent.ts, text=link)
                event = {
                    "type": "message",
                    "subtype": "message_changed",
                    "hidden": True,
                    "channel": CHANNEL,
                    "ts": f"{1700001000 + index}.000002",
                    "event_ts": f"{1700001000 + index}.000002",
                    "message": {**base, "attachments": [{"from_url": link, "title": "Story"}]},
                    "previous_message": base,
                    "channel_type": "channel",
                }
            else:  # the bot's own thread message, echoed back with its link
                event = {
                    **signing.message_event(
                        channel=CHANNEL,
                        ts=f"{1700002000 + index}.000003",
                        text=f"Summary of {link}",
                        user=signing.BOT_USER_ID,
                        thread_ts=parent.ts,
                    ),
                    "bot_id": "B0NEWSBOT",
                    "app_id": signing.APP_ID,
                }
            add(at, kind, event)
        return sorted(events, key=lambda e: e.at)

    def deliver(self, fleet: Fleet, event: Event) -> None:
        """Send one event until it is acked, as Slack does (timeouts and errors retried)."""
        retry_num = event.retry_num
        target = event.target
        for delay in (0.0, *SLACK_RETRY_DELAYS_S):
            time.sleep(delay)
            for hop in range(len(fleet.slots)):  # a refused connection goes to the next one
                request = signing.event_request(
                    event.event,
                    SECRET,
                    event_id=event.event_id,
                    retry_num=retry_num,
                    retry_reason="http_timeout",
                )
                status, ms, error = post(fleet.url(target + hop), request)
                self.tally.add(Delivery(event.kind, status, ms, error))
                if status == 200:
                    with self.tally.lock:
                        self.tally.acked.add(f"{event.event_id}/{event.retry_num}")
                    return
                if error not in ("ConnectionRefusedError", "ConnectionResetError"):
                    break
            retry_num = (retry_num or 0) + 1

    def burst(self, fleet: Fleet, events: list[Event], pool: ThreadPoolExecutor) -> None:
        killed = False
        for event in events:
            if not killed and self.clock.now() >= self.scenario.kill_at:
                killed = True
                pool.submit(fleet.kill_and_restart, 0)
            wait = event.at - self.clock.now()
            if wait > 0:
                time.sleep(wait)
            pool.submit(self.deliver, fleet, event)
        if not killed:
            time.sleep(max(0.0, self.scenario.kill_at - self.clock.now()))
            pool.submit(fleet.kill_and_restart, 0)

    # --- the editor ----------------------------------------------------------------------------

    def click(
        self, fleet: Fleet, slack: FakeSlackAPI, action: str, draft_id: str, msg: Any
    ) -> None:
        payload = signing.block_actions_payload(
            action_id=action,
            value=draft_id,
            trigger_id=slack.new_trigger_id(),
            user_id=EDITOR,
            user_name="editor",
            channel_id=CHANNEL,
            message_ts=msg.ts,
            thread_ts=msg.thread_ts,
            response_url=slack.new_response_url(),
        )
        request = signing.interactivity_request(payload, SECRET)
        start = next(self._clicks)
        for hop in range(len(fleet.slots)):
            status, ms, error = post(fleet.url(start + hop), request)
            self.tally.add(Delivery(action, status, ms, error), click=True)
            if error not in ("ConnectionRefusedError", "ConnectionResetError"):
                return

    def edit_loop(self, fleet: Fleet, slack: FakeSlackAPI, stop: threading.Event) -> None:
        with ThreadPoolExecutor(8) as clicks:
            while not stop.wait(0.25):
                now = time.monotonic()
                for msg in slack.messages(CHANNEL):
                    for action, draft_id in _buttons(msg.blocks):
                        if action == ids.ACTION_APPROVE:
                            last = self.approve_clicks.get(draft_id)
                            if last is not None and now - last < 5.0:
                                continue
                            if last is not None:
                                self.reclicks += 1
                            self.approve_clicks[draft_id] = now
                            clicks.submit(self.click, fleet, slack, action, draft_id, msg)
                            if last is None and self.rng.random() < 0.2:
                                self.double_clicks += 1
                                clicks.submit(self.click, fleet, slack, action, draft_id, msg)
                        elif action == ids.ACTION_RETRY and not _auto_retrying(msg.blocks):
                            last = self.retry_clicks.get(draft_id)
                            if last is not None and now - last < 5.0:
                                continue
                            self.retry_clicks[draft_id] = now
                            self.retries += 1
                            clicks.submit(self.click, fleet, slack, action, draft_id, msg)


def _auto_retrying(blocks: Any) -> bool:
    """The message says the bot tries again by itself (``:hourglass_flowing_sand:`` line)."""
    return any(text.startswith(":hourglass_flowing_sand:") for text in iter_texts(blocks))


def _buttons(blocks: Any) -> Iterator[tuple[str, str]]:
    if isinstance(blocks, dict):
        if blocks.get("type") == "button" and blocks.get("action_id"):
            yield str(blocks["action_id"]), str(blocks.get("value") or "")
        for value in blocks.values():
            yield from _buttons(value)
    elif isinstance(blocks, list):
        for item in blocks:
            yield from _buttons(item)


@contextmanager
def database(kind: str, pg_url: str, tmp: str) -> Iterator[str]:
    """A fresh database URL for this run (PostgreSQL: created here and dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp}/chaos.db"
        return
    name = f"newsbot_chaos_{secrets.token_hex(4)}"
    admin = make_url(pg_url).set(drivername="postgresql")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # a name made here, not input
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args: argparse.Namespace) -> int:
    scenario = QUICK if args.quick else Scenario(deadline_s=args.deadline or 420.0)
    if args.deadline:
        scenario = replace(scenario, deadline_s=args.deadline)
    if args.webhook_down_s is not None:
        start = scenario.webhook_down[0]
        scenario = replace(
            scenario,
            webhook_down=(start, start + args.webhook_down_s),
            label=f"{scenario.label}; webhook down {args.webhook_down_s:g} s",
        )
    processes = args.processes or (2 if args.db == "postgres" else 1)
    chaos = Chaos(scenario, args.seed)
    clock = chaos.clock
    webhook_secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    article = args.article.read_text(encoding="utf-8")
    rows: list[tuple[str, str, str]] = []
    verdicts: list[tuple[str, bool, str]] = []

    with (
        tempfile.TemporaryDirectory() as tmp,
        database(args.db, args.pg_url, tmp) as database_url,
        ChaosSlack(clock, scenario, chaos.rng) as slack,
        StormModel(clock, scenario, random.Random(args.seed + 1)) as model,
        ChaosReceiver(webhook_secret, clock, scenario) as receiver,
        NewsSite() as site,
    ):
        slack.add_channel(CHANNEL, "chaos")
        for user in (REPORTER, EDITOR):
            slack.add_user(user, user.lower())
        site.add("/story", article)
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.base_url,
            "ANTHROPIC_API_KEY": "chaos-key",
            "ANTHROPIC_BASE_URL": model.base_url,
            "DATABASE_URL": database_url,
            "EDITOR_USER_IDS": EDITOR,
            "PUBLISH_WEBHOOK_URL": receiver.url,
            "PUBLISH_WEBHOOK_SECRET": webhook_secret,
            "FETCH_ALLOW_PRIVATE_NETWORKS": "true",
            "FETCH_ALLOWED_PORTS": "",
            "MIN_ARTICLE_WORDS": "30",
            "WORK_LEASE_S": str(args.lease_s),
            # must exceed PUBLISH_TIMEOUT_S (default 15) by 10 s, a check of the settings
            "PUBLISH_LEASE_S": str(max(args.lease_s, 30.0)),
            "WORK_POLL_S": "1",
            "WORK_AUTO_RETRY_BASE_S": str(scenario.auto_retry_base_s),
            "PUBLISH_POLL_S": "1",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "info",
        }
        if args.db == "postgres":
            subprocess.run(  # our own interpreter and module
                [sys.executable, "-m", "bot", "db", "upgrade"],
                cwd=ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        events = chaos.plan(slack, site, processes)
        fleet = Fleet(env, processes)
        stop_editor = threading.Event()
        editor = threading.Thread(target=chaos.edit_loop, args=(fleet, slack, stop_editor))
        store = Store(database_url)
        expected = sum(p.links for p in chaos.posts)
        published_at: float | None = None
        try:
            clock.start()
            editor.start()
            with ThreadPoolExecutor(64) as pool:
                chaos.burst(fleet, events, pool)
            burst_done = clock.now()
            while clock.now() < scenario.deadline_s:
                states = _states(store, chaos.posts, slack.team_id)
                if (
                    states.get("published", 0) == expected
                    and clock.now() > scenario.webhook_down[1]
                ):
                    published_at = clock.now()
                    break
                time.sleep(1.0)
            stop_editor.set()
            editor.join(30)
            time.sleep(1.0)  # let the last status updates land
            for serve in fleet.slots:
                serve.peak_rss_mb()
        finally:
            stop_editor.set()
            fleet.stop()
        rows, verdicts = report(chaos, fleet, slack, model, receiver, store, expected)
        rows.insert(0, ("scenario", scenario.label, ""))
        rows.insert(
            1,
            (
                "setup",
                f"{args.db}, {processes} serve process(es), WORK_LEASE_S={args.lease_s:g}, "
                f"PUBLISH_LEASE_S={max(args.lease_s, 30.0):g}, seed {args.seed}",
                "",
            ),
        )
        rows.append(("burst sent in", f"{burst_done:.1f} s", ""))
        rows.append(
            (
                "restart after SIGKILL: healthy in",
                f"{fleet.restart_s:.1f} s" if fleet.restart_s is not None else "never",
                "",
            )
        )
        rows.append(
            (
                "everything published after",
                f"{published_at:.0f} s" if published_at is not None else "NOT by the deadline",
                f"deadline {scenario.deadline_s:.0f} s",
            )
        )
        store.close()

    print_table(rows)
    print()
    width = max(len(v[0]) for v in verdicts)
    for name, ok, detail in verdicts:
        print(f"{'PASS' if ok else 'FAIL'}  {name:<{width}}  {detail}")
    errors = [(s.name, e) for s in fleet.history for e in s.errors()]
    if errors:
        kinds = Counter(str(e.get("event")) for _, e in errors)
        print(f"\nerror log lines: {dict(kinds)}")
        name, first = errors[0]
        print(f"first ({name}): {json.dumps(first)[:600]}")
    return 0 if all(ok for _, ok, _ in verdicts) else 1


def _states(store: Store, posts: list[Post], team_id: str) -> Counter[str]:
    states: Counter[str] = Counter()
    for post_ in posts:
        for draft in store.drafts_for_message(team_id, CHANNEL, post_.ts):
            states[draft.state] += 1
    return states


def report(  # noqa: PLR0917  # one call site; the run's parts by name would add nothing
    chaos: Chaos,
    fleet: Fleet,
    slack: FakeSlackAPI,
    model: StormModel,
    receiver: ChaosReceiver,
    store: Store,
    expected: int,
) -> tuple[list[tuple[str, str, str]], list[tuple[str, bool, str]]]:
    tally = chaos.tally
    rows: list[tuple[str, str, str]] = []
    verdicts: list[tuple[str, bool, str]] = []
    sent = len(tally.deliveries)
    answered = [d for d in tally.deliveries if d.status is not None]
    acks = [d.ms for d in answered]
    refused = Counter(d.error for d in tally.deliveries if d.status is None)
    events_total = chaos.scenario.events
    acked = len(tally.acked)
    slow = [d for d in tally.deliveries if d.status == 200 and d.ms > ACK_LIMIT_S * 1000]
    timeouts = refused.get("timeout", 0)
    rows.append(
        (
            "events sent / acked",
            f"{events_total} / {acked} ({sent} HTTP attempts; no answer: {dict(refused) or 0})",
            "all acked",
        )
    )
    rows.append(
        (
            "event ack latency",
            f"p50 {pct(acks, 50):.0f} ms · p99 {pct(acks, 99):.0f} ms · max {max(acks):.0f} ms",
            "each < 3000 ms",
        )
    )
    verdicts.append(("every event acked", acked == events_total, f"{acked}/{events_total}"))
    verdicts.append(
        (
            "every answer within 3 s (no timeouts)",
            not slow and timeouts == 0,
            f"{len(slow)} slow acks, {timeouts} timeouts, max {max(acks):.0f} ms",
        )
    )
    non_200 = Counter(d.status for d in answered if d.status != 200)
    verdicts.append(("no non-200 answers", not non_200, str(dict(non_200)) if non_200 else ""))
    click_ms = [c.ms for c in tally.clicks if c.status is not None]
    click_bad = [c for c in tally.clicks if c.status is not None and c.status != 200]
    click_lost = [c for c in tally.clicks if c.status is None]
    rows.append(
        (
            "button clicks (approve, retry) acked",
            f"{len(click_ms)} · p99 {pct(click_ms, 99):.0f} ms · max "
            f"{max(click_ms, default=0):.0f} ms · non-200 {len(click_bad)} · "
            f"no answer {len(click_lost)}",
            "each < 3000 ms",
        )
    )
    verdicts.append(
        (
            "every click answered within 3 s",
            not click_bad and all(ms < ACK_LIMIT_S * 1000 for ms in click_ms),
            f"max {max(click_ms, default=0):.0f} ms, non-200 {len(click_bad)}",
        )
    )

    drafts = []
    per_post_ok = True
    for post_ in chaos.posts:
        found = store.drafts_for_message(slack.team_id, CHANNEL, post_.ts)
        drafts.extend(found)
        per_post_ok &= len(found) == post_.links and len({d.url for d in found}) == post_.links
    with store._engine.connect() as conn:  # a whole-table count: nothing else may have drafts
        total = int(conn.execute(text("SELECT count(*) FROM drafts")).scalar_one())
    states = Counter(d.state for d in drafts)
    rows.append(("drafts", f"{total} for {expected} links · states {dict(states)}", "one per link"))
    verdicts.append(
        (
            "exactly one draft per link, none for other events",
            per_post_ok and total == expected,
            f"{total} drafts, {expected} links",
        )
    )
    rows.append(
        (
            "model calls",
            f"{len(model.message_requests)} ({model.overloaded} answered 529, "
            f"{model.answered} summaries) · automatic retries "
            f"{sum(d.auto_retries for d in drafts)} · editor Retry clicks {chaos.retries}",
            "",
        )
    )
    approved = [d for d in drafts if d.approved_by]
    rows.append(
        (
            "approvals",
            f"{len(approved)} drafts approved · {len(chaos.approve_clicks)} clicked, "
            f"{chaos.double_clicks} double clicks, {chaos.reclicks} clicked again",
            "",
        )
    )
    verdicts.append(("every draft approved", len(approved) == expected, f"{len(approved)}"))

    accepted = receiver.deliveries
    by_summary = Counter(
        str(body["data"]["summary_id"]) for body in accepted.values() if isinstance(body, dict)
    )
    requests = receiver.requests
    rows.append(
        (
            "webhook: accepted deliveries",
            f"{len(accepted)} webhook-ids · {len(requests)} requests ("
            f"{dict(receiver.refused)} while down, "
            f"{sum(1 for r in requests if r.duplicate)} duplicates deduped)",
            "one per approval",
        )
    )
    doubles = {k: v for k, v in by_summary.items() if v > 1}
    missing = [d.id for d in approved if d.id not in by_summary]
    verdicts.append(
        (
            "exactly one accepted delivery per approval",
            not doubles and not missing and len(accepted) == len(approved),
            f"{len(accepted)} for {len(approved)} approvals; twice: {len(doubles)}, "
            f"missing: {len(missing)}",
        )
    )
    verdicts.append(
        ("every approval published", states.get("published", 0) == expected, str(dict(states)))
    )

    thread_counts = [len(slack.thread(CHANNEL, p.ts)) - p.links for p in chaos.posts]
    top_level = [m for m in slack.messages(CHANNEL) if m.thread_ts is None]
    extra = sum(c for c in thread_counts if c > 0)
    lacking = sum(-c for c in thread_counts if c < 0)
    rows.append(
        (
            "bot messages in threads",
            f"{sum(len(slack.thread(CHANNEL, p.ts)) for p in chaos.posts)} for {expected} "
            f"drafts · extra {extra} · missing {lacking} · top-level {len(top_level)}",
            "one per draft",
        )
    )
    verdicts.append(
        (
            "one bot message per draft in its thread, no duplicates",
            extra == 0 and lacking == 0 and not top_level,
            f"extra {extra}, missing {lacking}, top-level {len(top_level)}",
        )
    )
    posts_429 = [c for c in slack.calls("chat.postMessage") if c.status == 429]
    rows.append(("Slack 429s served on chat.postMessage", str(len(posts_429)), ""))
    for serve in fleet.history:
        rows.append((f"peak RSS {serve.name}", f"{serve.last_rss_mb:.0f} MB", "< 250 MB"))
    return rows, verdicts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--processes", type=int, default=None, help="default: 1 sqlite, 2 pg")
    parser.add_argument("--quick", action="store_true", help="shrunk durations, a smoke run")
    parser.add_argument("--deadline", type=float, default=None, help="seconds (default 420)")
    parser.add_argument(
        "--lease-s", type=float, default=20.0, help="WORK_LEASE_S (PUBLISH_LEASE_S: at least 30)"
    )
    parser.add_argument(
        "--webhook-down-s", type=float, default=None, help="outage length (default 60, quick 6)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--pg-url", default="postgresql://postgres@127.0.0.1:5432/test", help="admin connection"
    )
    parser.add_argument(
        "--article", type=Path, default=ROOT / "tests" / "fixtures" / "flow" / "article.html"
    )
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
