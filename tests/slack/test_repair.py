"""Every card state reaches Slack eventually: Slack answering 500 once, for 30 seconds, or not
at all in time, on ``chat.update`` and ``chat.postMessage``; and the repair at start.

The first card is posted once, when the draft is ready (no placeholder), so ``chat.update``
first happens on an editor's action: the update cases approve the draft.

The real Bolt app, workers and card repairer run against the loopback fakes. "30 seconds" is
30 s on the fake Slack's own clock, which the test moves on: the outage outlasts every
in-call retry (so the card must be marked stale and repaired by the sweep) without the test
waiting half a minute.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from sqlalchemy import text

from bot.cli.serve import running
from bot.settings import Settings
from bot.slack import ids
from bot.slack.app import build_services
from bot.store import Draft, Store
from tests.fakes.anthropic_api import FakeAnthropic
from tests.fakes.slack_api import FakeSlackAPI, Message, iter_texts
from tests.slack.conftest import CHANNEL, REPORTER, TOKEN, Flow, make_settings, wait_for
from tests.store.helpers import ai_revision, article


class SlackClock:
    """The fake Slack's clock: real time plus whatever the test skips ahead."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds


def _buttons(message: Message) -> list[str]:
    return [
        element["action_id"]
        for block in message.blocks or []
        if block.get("type") == "actions"
        for element in block["elements"]
    ]


def _stale(store: Store, draft_id: str) -> bool:
    with store._engine.connect() as conn:  # test-only peek at the mark
        marked = conn.execute(
            text("SELECT card_stale_at FROM drafts WHERE id = :id"), {"id": draft_id}
        ).scalar_one()
    return marked is not None


def _card_with_buttons(flow: Flow, draft_id: str) -> Message:
    def shown() -> Message | None:
        draft = flow.draft(draft_id)
        if draft.bot_message_ts is None:
            return None
        message = flow.slack.message(draft.channel, draft.bot_message_ts)
        return message if ids.ACTION_APPROVE in _buttons(message) else None

    return wait_for(shown, 15, "the draft card with its buttons")


def _one_card_in_thread(flow: Flow, ts: str) -> Message:
    [card] = flow.slack.thread(CHANNEL, ts)  # no second placeholder, no second card
    assert _buttons(card) == [
        ids.ACTION_APPROVE,
        ids.ACTION_EDIT,
        ids.ACTION_REGENERATE,
        ids.ACTION_REJECT,
    ]
    return card


def _post_link(flow: Flow) -> tuple[str, Draft]:
    ts, response = flow.post_message(f"New story {flow.site.url('/story')}")
    assert response.status == 200
    [draft] = flow.drafts(ts)
    return ts, draft


def _approved_card(flow: Flow, draft: Draft) -> bool:
    texts = list(iter_texts(flow.bot_message(draft).blocks))
    return any("Approved by" in t for t in texts) and any(
        "No publishing webhook is configured" in t for t in texts
    )


def test_a_500_once_on_chat_update_still_shows_the_approved_card(flow: Flow) -> None:
    # The first card is posted when ready (no placeholder to update): chat.update first
    # happens when an editor approves.
    ts, draft = _post_link(flow)
    _card_with_buttons(flow, draft.id)
    ready = flow.wait_state(draft.id, "ready")
    flow.slack.fail("chat.update", "internal_error", times=1, status=500)
    flow.click(ids.ACTION_APPROVE, ready)
    flow.wait_state(draft.id, "approved")
    wait_for(lambda: _approved_card(flow, draft), message="the approved card")
    assert [c.status for c in flow.slack.calls("chat.update")][:2] == [500, 200]
    assert [m.ts for m in flow.slack.thread(CHANNEL, ts)] == [ready.bot_message_ts]
    assert not _stale(flow.store, draft.id)  # the retry layer was enough


def test_a_500_once_on_chat_post_message_still_shows_the_first_card(flow: Flow) -> None:
    flow.slack.fail("chat.postMessage", "internal_error", times=1, status=500)
    ts, draft = _post_link(flow)
    flow.wait_state(draft.id, "ready")
    _card_with_buttons(flow, draft.id)
    assert [c.status for c in flow.slack.calls("chat.postMessage")] == [500, 200]
    _one_card_in_thread(flow, ts)


def test_chat_update_down_for_30_s_the_sweep_repairs_the_card_after(
    flow_factory: Callable[..., Flow],
) -> None:
    clock = SlackClock()
    flow = flow_factory(slack_clock=clock)
    ts, draft = _post_link(flow)
    first = _card_with_buttons(flow, draft.id)
    ready = flow.wait_state(draft.id, "ready")
    flow.slack.outage("chat.update", 30, status=500)

    flow.click(ids.ACTION_APPROVE, ready)
    approved = flow.wait_state(draft.id, "approved")
    wait_for(lambda: _stale(flow.store, draft.id), message="the card marked stale")
    # Slack is down: the thread still shows the card with its buttons, the database the
    # approval.
    assert ids.ACTION_APPROVE in _buttons(flow.bot_message(approved))
    wait_for(lambda: len(flow.slack.calls("chat.update")) >= 6, message="the sweep trying again")
    assert {c.status for c in flow.slack.calls("chat.update")} == {500}

    clock.advance(30)  # the outage is over
    wait_for(lambda: _approved_card(flow, draft), message="the approved card")
    wait_for(lambda: not _stale(flow.store, draft.id), message="the mark cleared")
    assert [m.ts for m in flow.slack.thread(CHANNEL, ts)] == [first.ts]
    after = flow.draft(draft.id)
    assert (after.state, after.current_revision) == ("approved", 1)
    # Repaired once: no more updates once the card is right.
    updates = len(flow.slack.calls("chat.update"))
    time.sleep(1.0)
    assert len(flow.slack.calls("chat.update")) == updates


def test_chat_post_message_down_for_30_s_the_card_is_posted_once_after(
    flow_factory: Callable[..., Flow],
) -> None:
    clock = SlackClock()
    flow = flow_factory(slack_clock=clock)
    flow.slack.outage("chat.postMessage", 30, status=503)
    ts, draft = _post_link(flow)
    ready = flow.wait_state(draft.id, "ready")
    wait_for(lambda: _stale(flow.store, draft.id), message="the card marked stale")
    assert flow.slack.thread(CHANNEL, ts) == []  # the card did not get through
    assert ready.bot_message_ts is None

    clock.advance(30)
    card = _card_with_buttons(flow, draft.id)
    assert _one_card_in_thread(flow, ts).ts == card.ts
    after = flow.draft(draft.id)
    assert (after.state, after.current_revision, after.bot_message_ts) == ("ready", 1, card.ts)
    # The buttons work: an editor approves from the repaired card.
    flow.click(ids.ACTION_APPROVE, draft)
    flow.wait_state(draft.id, "approved", "published")


def test_an_update_slack_does_not_answer_in_time_is_retried(
    flow_factory: Callable[..., Flow],
) -> None:
    flow = flow_factory(slack_timeout_s=1)
    ts, draft = _post_link(flow)
    _card_with_buttons(flow, draft.id)
    ready = flow.wait_state(draft.id, "ready")
    flow.slack.hang("chat.update", 1.5)  # past the client's 1 s timeout
    flow.click(ids.ACTION_APPROVE, ready)
    flow.wait_state(draft.id, "approved")
    wait_for(lambda: _approved_card(flow, draft), message="the approved card")
    assert [m.ts for m in flow.slack.thread(CHANNEL, ts)] == [ready.bot_message_ts]


def test_an_approval_slack_did_not_show_is_repaired_with_its_status_line(
    flow_factory: Callable[..., Flow],
) -> None:
    clock = SlackClock()
    flow = flow_factory(slack_clock=clock)
    _, draft = _post_link(flow)
    _card_with_buttons(flow, draft.id)
    flow.wait_state(draft.id, "ready")  # the card is shown just before the state is committed
    flow.slack.outage("chat.update", 30, status=502)
    flow.click(ids.ACTION_APPROVE, draft)
    flow.wait_state(draft.id, "approved")
    wait_for(lambda: _stale(flow.store, draft.id), message="the card marked stale")
    assert ids.ACTION_APPROVE in _buttons(flow.bot_message(draft))  # Slack shows the old card
    clock.advance(30)
    wait_for(lambda: _approved_card(flow, draft), message="the approved card with its status")
    assert ids.ACTION_APPROVE not in _buttons(flow.bot_message(draft))
    wait_for(lambda: not _stale(flow.store, draft.id), message="the mark cleared")


def test_a_stale_card_is_repaired_when_the_bot_starts(tmp_path: Path) -> None:
    with FakeSlackAPI(token=TOKEN) as slack, FakeAnthropic() as model:
        slack.add_channel(CHANNEL, "news")
        slack.add_user(REPORTER, "reporter")
        settings: Settings = make_settings(
            tmp_path, slack, model, slack_repair_interval_s=600.0, worker_threads=1
        )
        # A previous process: the draft got ready but Slack never took its card.
        with Store.from_settings(settings) as store:
            store.upgrade()
            message_ts = slack.post_user_message(CHANNEL, "a link", REPORTER)
            placeholder = slack._chat_post_message(
                {"channel": CHANNEL, "thread_ts": message_ts, "text": "Summarizing the article…"}
            )["ts"]
            created = store.create_draft(
                team_id=slack.team_id,
                channel=CHANNEL,
                message_ts=message_ts,
                url="https://news.example/a",
                reporter_id=REPORTER,
            )
            claimed = store.claim_draft("old-process", 60)
            assert claimed is not None and claimed.id == created.draft.id
            store.set_bot_message(claimed.id, placeholder)
            store.mark_card_stale(claimed.id)
            revision = replace(ai_revision(), evidence=[])
            assert store.complete(claimed.id, "old-process", revision, article=article()).won

        services = build_services(settings)
        with running(settings, services):
            wait_for(
                lambda: ids.ACTION_APPROVE in _buttons(slack.message(CHANNEL, placeholder)),
                15,
                "the card repaired at start",
            )
            wait_for(lambda: not _stale(services.store, claimed.id), message="the mark cleared")
        assert [m.ts for m in slack.messages(CHANNEL)] == [placeholder]
