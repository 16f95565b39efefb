"""Message events: what becomes a draft, what is acked and ignored, redeliveries and races."""

from __future__ import annotations

import threading
from collections.abc import Callable

from tests.fakes import slack_signing as signing
from tests.slack.conftest import CHANNEL, SECRET, Flow, wait_for


def test_redelivered_event_creates_nothing_twice(flow: Flow) -> None:
    url = flow.site.url("/story")
    ts, first = flow.post_message(f"Read {url}", event_id="Ev0REDELIVER")
    event = signing.message_event(channel=CHANNEL, ts=ts, text=f"Read {url}")
    again = flow.send_event(event, event_id="Ev0REDELIVER", retry_num=1)
    assert first.status == again.status == 200
    flow.wait_idle()
    assert len(flow.drafts(ts)) == 1
    assert len(flow.model.message_requests) == 1
    assert len(flow.slack.thread(CHANNEL, ts)) == 1


def test_the_same_delivery_racing_on_two_threads_makes_one_draft(flow: Flow) -> None:
    url = flow.site.url("/story")
    ts = flow.slack.post_user_message(CHANNEL, f"Read {url}", "U0REPORTER")
    event = signing.message_event(channel=CHANNEL, ts=ts, text=f"Read {url}")
    request = signing.event_request(event, SECRET, event_id="Ev0RACE")
    statuses: list[int] = []
    barrier = threading.Barrier(6)

    def send() -> None:
        barrier.wait()
        statuses.append(flow.send(request).status)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 6
    flow.wait_idle()
    assert len(flow.drafts(ts)) == 1
    assert len(flow.model.message_requests) == 1


def test_unfurl_edits_deletions_and_bot_posts_are_acked_and_ignored(flow: Flow) -> None:
    url = flow.site.url("/story")
    ts = flow.slack.post_user_message(CHANNEL, f"Read {url}", "U0REPORTER")
    base = signing.message_event(channel=CHANNEL, ts=ts, text=f"Read {url}")
    changed = {
        "type": "message",
        "subtype": "message_changed",
        "channel": CHANNEL,
        "ts": "1700000001.000200",
        "hidden": True,
        "message": {**base, "attachments": [{"from_url": url, "title": "Millbrook"}]},
        "previous_message": base,
    }
    deleted = {
        "type": "message",
        "subtype": "message_deleted",
        "channel": CHANNEL,
        "ts": "1700000001.000300",
        "deleted_ts": ts,
        "hidden": True,
    }
    other_bot = {**base, "bot_id": "B0OTHERBOT", "ts": "1700000001.000400"}
    ourselves = {**base, "user": flow.slack.bot_user_id, "ts": "1700000001.000500"}
    joined = {**base, "subtype": "channel_join", "ts": "1700000001.000600"}
    for event in (changed, deleted, other_bot, ourselves, joined):
        assert flow.send_event(event).status == 200
    assert flow.store.awaiting_review() == []
    assert flow.model.message_requests == []
    assert flow.slack.calls("chat.postMessage") == []


def test_thread_replies_broadcasts_and_file_shares_with_links_are_summarized(
    flow: Flow,
) -> None:
    url = flow.site.url("/story")
    parent = flow.slack.post_user_message(CHANNEL, "Morning, all", "U0REPORTER")
    reply_ts, _ = flow.post_message(f"In the thread: {url}", thread_ts=parent)
    [reply] = flow.drafts(reply_ts)
    assert reply.thread_ts == parent
    ready = flow.wait_state(reply.id, "ready")
    assert flow.bot_message(ready).thread_ts == parent

    # Further links to the same article are duplicates; use distinct paths.
    flow.site.add("/story-2", _page(flow))
    flow.site.add("/story-3", _page(flow))
    broadcast_ts, _ = flow.post_message(
        f"Also {flow.site.url('/story-2')}",
        thread_ts=parent,
        extra={"subtype": "thread_broadcast"},
    )
    file_ts, _ = flow.post_message(
        f"With a file {flow.site.url('/story-3')}",
        extra={"subtype": "file_share", "files": [{"id": "F0PDF", "name": "a.pdf"}]},
    )
    for ts in (broadcast_ts, file_ts):
        [draft] = flow.drafts(ts)
        flow.wait_state(draft.id, "ready")


def _page(flow: Flow) -> str:
    from tests.slack.conftest import ARTICLE_HTML

    return ARTICLE_HTML


def test_channels_outside_the_allowlist_are_ignored(
    flow_factory: Callable[..., Flow],
) -> None:
    flow = flow_factory(slack_channel_allowlist=["C0OTHER"])
    ts, response = flow.post_message(f"Read {flow.site.url('/story')}")
    assert response.status == 200
    assert flow.drafts(ts) == []
    ts_ok, _ = flow.post_message(f"Read {flow.site.url('/story')}", channel="C0OTHER")
    [draft] = flow.drafts(ts_ok, channel="C0OTHER")
    flow.wait_state(draft.id, "ready")


def test_the_same_link_again_in_the_channel_points_to_the_first_thread(flow: Flow) -> None:
    first = flow.ready_draft()
    ts, _ = flow.post_message(f"Did anyone see {flow.site.url('/story')}?")
    [second] = flow.drafts(ts)
    flow.wait_state(second.id, "rejected")
    [notice] = wait_for(lambda: flow.slack.thread(CHANNEL, ts), message="the notice")
    assert "already summarized" in notice.text
    assert first.bot_message_ts is not None
    assert first.bot_message_ts.replace(".", "") in notice.text  # the permalink
    assert len(flow.model.message_requests) == 1


def test_several_links_in_one_message_make_one_draft_each(flow: Flow) -> None:
    flow.site.add("/other", _page(flow))
    ts, _ = flow.post_message(
        f"Two: {flow.site.url('/story')} and {flow.site.url('/other')}?utm_source=x"
    )
    drafts = flow.drafts(ts)
    assert len(drafts) == 2
    for draft in drafts:
        flow.wait_state(draft.id, "ready")
    assert len(flow.slack.thread(CHANNEL, ts)) == 2
    wait_for(lambda: not flow.slack.reactions(CHANNEL, ts), message="the reaction to go")


def test_by_default_the_ack_does_not_wait_for_the_write_but_the_draft_follows(
    flow_factory: Callable[..., Flow],
) -> None:
    flow = flow_factory(slack_ack_wait_s=0.0)
    ts, response = flow.post_message(f"Read {flow.site.url('/story')}")
    assert response.status == 200
    [draft] = wait_for(lambda: flow.drafts(ts), message="the draft")
    flow.wait_state(draft.id, "ready")
    wait_for(lambda: not flow.slack.reactions(CHANNEL, ts), message="the reaction to go")
    assert flow.slack.calls("reactions.add")[0].args["timestamp"] == ts
