"""``python -m benchmarks.slack_flow --rate``: links drained under Slack's enforced tiers.

See :mod:`benchmarks.slack_flow` for the options. One ``newsbot serve`` process (SQLite,
default worker and repair settings) against the fake Slack with :meth:`FakeSlackAPI.
enforce_tiers`, a zero-latency fake model and the fake news site.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from benchmarks.harness import Serve, wait_until
from tests.fakes import slack_signing as signing
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.news_site import NewsSite
from tests.fakes.slack_api import FakeSlackAPI, Message

SECRET = "bench-signing-secret"  # noqa: S105  # the fakes' made-up secret
TOKEN = "xoxb-bench-token"  # noqa: S105  # the fake Slack API's made-up token
REPORTER = "U0REPORTER"
NOT_PER_DRAFT = frozenset({"auth.test", "users.info"})


def _card(messages: list[Message]) -> bool:
    """Exactly one bot message in the thread, and it carries the Approve button."""
    return len(messages) == 1 and "draft_approve" in json.dumps(messages[0].blocks or [])


def run(args: argparse.Namespace) -> list[tuple[str, str, str]]:
    channels = [f"C0RATE{n}" for n in range(args.channels)]
    with (
        tempfile.TemporaryDirectory() as tmp,
        FakeSlackAPI(token=TOKEN, check_blocks=False) as slack,
        FakeAnthropic() as model,
        NewsSite() as site,
    ):
        for channel in channels:
            slack.add_channel(channel, channel.lower())
        site.add("/story", args.article.read_text(encoding="utf-8"))
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.base_url,
            "SLACK_RATE_SCALE": str(args.scale),
            "ANTHROPIC_API_KEY": "bench-key",
            "ANTHROPIC_BASE_URL": model.base_url,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
            "FETCH_ALLOW_PRIVATE_NETWORKS": "true",
            "FETCH_ALLOWED_PORTS": "",
            "MIN_ARTICLE_WORDS": "30",
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "warning",
        }
        serve = Serve(env, cwd=args.code)
        serve.wait_healthy()
        posts: list[tuple[str, str, signing.SignedRequest]] = []
        for n in range(args.links):
            channel = channels[n % len(channels)]
            text = f"Story {n}: {site.url('/story')}?id={n}"
            ts = slack.post_user_message(channel, text, REPORTER)
            event = signing.message_event(channel=channel, ts=ts, text=text)
            posts.append((channel, ts, signing.event_request(event, SECRET, event_id=f"Ev{n:09d}")))
        slack.enforce_tiers(scale=args.scale)
        try:
            started = time.perf_counter()
            with ThreadPoolExecutor(args.threads) as pool:
                statuses = list(pool.map(lambda p: signing.post(serve.url, p[2]).status, posts))
            acked = time.perf_counter() - started

            def drained() -> bool:
                return all(_card(slack.thread(c, ts)) for c, ts, _ in posts)

            def unreacted() -> bool:
                return not any(slack.reactions(c, ts) for c, ts, _ in posts)

            cards_ms = wait_until(drained, args.timeout, 0.2)
            cards_s = time.perf_counter() - started
            reactions_ms = wait_until(unreacted, args.timeout, 0.2)
            reactions_s = time.perf_counter() - started
            time.sleep(2.0 / args.scale + 1)  # let late redraws land before counting
        finally:
            serve.stop()
        calls = [c for c in slack.calls() if c.method not in NOT_PER_DRAFT]
        per_method = Counter(c.method for c in calls)
        limited = Counter(c.method for c in calls if c.status == 429)
        reacted = sum(1 for c in calls if c.method == "reactions.add" and c.status == 200)
        one_card = sum(1 for c, ts, _ in posts if _card(slack.thread(c, ts)))
        errors = serve.errors()

    n = args.links
    minute = 60 / args.scale
    rows: list[tuple[str, str, str]] = [
        (
            "setup",
            f"{n} links, 1 workspace, {len(channels)} channels; tiers enforced, time scale "
            f"×{args.scale:g} (a Slack minute = {minute:g} s); code: {args.code}",
            "",
        ),
        ("acks", f"{acked:.1f} s for {n} events, non-200: {sum(s != 200 for s in statuses)}", ""),
    ]
    for method, count in sorted(per_method.items()):
        rows.append(
            (
                f"calls/draft {method}",
                f"{count / n:.2f} ({count} calls, {limited[method]} answered 429)",
                "",
            )
        )
    total = sum(per_method.values())
    rows += [
        (
            "calls/draft, total",
            f"{total / n:.2f} ({total} calls, {sum(limited.values())} answered 429)",
            "≤ 3",
        ),
        ("messages that got the progress reaction", f"{reacted}/{n}", ""),
        ("drafts ending with exactly one card with buttons", f"{one_card}/{n}", f"{n}/{n}"),
        (
            "time to drain: every card with buttons",
            f"{cards_s:.1f} s = {cards_s / minute:.1f} Slack minutes"
            if cards_ms is not None
            else f"NOT ALL after {args.timeout:g} s",
            "",
        ),
        (
            "… and every progress reaction gone",
            f"{reactions_s:.1f} s = {reactions_s / minute:.1f} Slack minutes"
            if reactions_ms is not None
            else f"NOT ALL after {args.timeout:g} s",
            "",
        ),
        ("error log lines", str(len(errors)), "0"),
    ]
    return rows
