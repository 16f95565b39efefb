"""A ``newsbot serve`` process killed mid-summary: after a restart the draft is finished once.

Runs the real command line (``python -m bot serve``) as a subprocess against the loopback
fakes; SIGKILL leaves the draft ``working`` with a lease, and the restarted process claims it
once the lease has expired and finishes it in the same thread message.
"""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.slack import ids
from bot.store import Store
from tests.fakes import slack_signing as signing
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.bot_process import ServeProcess
from tests.fakes.news_site import NewsSite
from tests.fakes.slack_api import FakeSlackAPI, iter_texts
from tests.slack.conftest import ARTICLE_HTML, CHANNEL, EDITOR, SECRET, TOKEN, wait_for


@pytest.fixture
def fakes() -> Iterator[tuple[FakeSlackAPI, FakeAnthropic, NewsSite]]:
    with FakeSlackAPI(token=TOKEN) as slack, FakeAnthropic(latency_s=30.0) as model:
        slack.add_channel(CHANNEL, "news")
        for user in ("U0REPORTER", EDITOR):
            slack.add_user(user, user.lower())
        with NewsSite() as site:
            site.add("/story", ARTICLE_HTML)
            yield slack, model, site


@pytest.mark.slow
def test_a_draft_interrupted_by_a_crash_reaches_the_thread_exactly_once(
    fakes: tuple[FakeSlackAPI, FakeAnthropic, NewsSite], tmp_path: Path
) -> None:
    slack, model, site = fakes
    database = f"sqlite:///{tmp_path / 'crash.db'}"
    env = {
        **os.environ,
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack.base_url,
        "ANTHROPIC_API_KEY": "test-key",
        "ANTHROPIC_BASE_URL": model.base_url,
        "ANTHROPIC_MAX_ATTEMPTS": "1",
        "DATABASE_URL": database,
        "EDITOR_USER_IDS": EDITOR,
        "FETCH_ALLOW_PRIVATE_NETWORKS": "true",
        "FETCH_ALLOWED_PORTS": "",
        "MIN_ARTICLE_WORDS": "30",
        "WORK_LEASE_S": "1.5",
        "WORK_POLL_S": "0.2",
        "LOG_FORMAT": "json",
        "NEWSBOT_TEST_LOOPBACK_ONLY": "1",
    }
    first = ServeProcess(env)
    try:
        assert _get(first.url + "/healthz") == 200
        ts = slack.post_user_message(CHANNEL, f"Read {site.url('/story')}", "U0REPORTER")
        event = signing.message_event(channel=CHANNEL, ts=ts, text=f"Read {site.url('/story')}")
        response = signing.post(
            first.url + "/slack/events", signing.event_request(event, SECRET, event_id="Ev0CRASH")
        )
        assert response.status == 200
        wait_for(lambda: model.message_requests, 30.0, "the model call to start")
    finally:
        first.kill()  # SIGKILL while the draft is being summarized

    with Store(database) as store:
        [draft] = store.drafts_for_message(slack.team_id, CHANNEL, ts)
        assert draft.state == "working" and draft.attempts == 1
    # No card yet (it is posted once, when ready); the progress reaction shows the work.
    assert slack.thread(CHANNEL, ts) == []
    assert slack.reactions(CHANNEL, ts) == {ids.PROGRESS_REACTION}

    model.latency_s = 0.0
    second = ServeProcess(env)
    try:
        with Store(database) as store:
            done = wait_for(
                lambda: d if (d := store.get_draft(draft.id)) and d.state == "ready" else None,
                30.0,
                "the draft to be finished after the restart",
            )
        assert done.attempts == 2
        [message] = slack.thread(CHANNEL, ts)  # exactly one message: the card
        assert message.ts == done.bot_message_ts
        assert "Millbrook" in "\n".join(iter_texts(message.blocks or []))
        assert ids.ACTION_APPROVE in json.dumps(message.blocks)
        assert len(model.message_requests) == 2
        # The restarted process did not add the reaction, but takes it back all the same.
        wait_for(lambda: not slack.reactions(CHANNEL, ts), 10.0, "the reaction to go")
        assert second.terminate() == 0  # SIGTERM: a graceful stop
    finally:
        if second.process.poll() is None:
            second.kill()
    assert any(e.get("event") == "workers.stopped" for e in second.lines)


def _get(url: str) -> int:
    with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - loopback URL
        return int(answer.status)
