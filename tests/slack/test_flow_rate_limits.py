"""Slack's rate limits end to end: calls per draft on the happy path, and 429s that reschedule
a card instead of parking a worker (the real Bolt app, workers and repairer on the fakes).

What counts as a Slack call: every request the fake Slack Web API receives (all methods,
refused ones included), per draft of a one-link message. ``auth.test`` (Bolt's, once per
process) and ``users.info`` (the editor's name, cached) are not per draft and not counted.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.slack import ids
from tests.fakes.anthropic_api import Reply
from tests.fakes.slack_api import FakeSlackAPI, iter_texts
from tests.fakes.webhook_receiver import Respond, WebhookReceiver
from tests.slack.conftest import CHANNEL, EDITOR, Flow, wait_for

SECRET = "whsec_" + base64.b64encode(b"flow-rate-limit-secret-32-bytes!").decode()
NOT_PER_DRAFT = frozenset({"auth.test", "users.info"})


def _buttons(blocks: list[dict[str, Any]] | None) -> list[str]:
    return [
        element["action_id"]
        for block in blocks or []
        if block.get("type") == "actions"
        for element in block["elements"]
    ]


def _per_method(slack: FakeSlackAPI) -> Counter[str]:
    return Counter(c.method for c in slack.calls() if c.method not in NOT_PER_DRAFT)


def _card(flow: Flow, draft_id: str) -> list[str]:
    draft = flow.draft(draft_id)
    if draft.bot_message_ts is None:
        return []
    return _buttons(flow.slack.message(draft.channel, draft.bot_message_ts).blocks)


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    json = {"Content-Type": "application/json"}
    with WebhookReceiver(SECRET, default=Respond(201, b'{"id":"cms-1"}', json)) as running:
        yield running


def test_the_happy_path_costs_three_calls_up_to_the_card(
    flow_factory: Callable[..., Flow], receiver: WebhookReceiver
) -> None:
    flow = flow_factory(
        publish_webhook_url=receiver.url, publish_webhook_secret=SECRET, publish_poll_s=0.1
    )
    ts, _ = flow.post_message(f"Read {flow.site.url('/story')}")
    [draft] = flow.drafts(ts)
    wait_for(lambda: ids.ACTION_APPROVE in _card(flow, draft.id), message="the card")
    wait_for(lambda: not flow.slack.reactions(CHANNEL, ts), message="the reaction to go")

    # Up to the card: one reaction and its removal, one post (the card itself, already with
    # title, site, date and buttons; no placeholder, no "working" update).
    assert _per_method(flow.slack) == Counter(
        {"reactions.add": 1, "chat.postMessage": 1, "reactions.remove": 1}
    )
    [card_post] = flow.slack.calls("chat.postMessage")
    shown = "\n".join(iter_texts(card_post.args["blocks"]))
    assert "Millbrook council approves new library" in shown and "Millbrook Gazette" in shown
    assert ids.ACTION_APPROVE in _buttons(card_post.args["blocks"])

    flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)
    flow.wait_state(draft.id, "published")
    wait_for(
        lambda: any("Published by" in t for t in iter_texts(flow.bot_message(draft).blocks or [])),
        message="the published status on the card",
    )
    # Approve → published: one update for the approval, one for the delivery status, and
    # the thread's permalink for the webhook's approval record (chat.getPermalink, a special
    # tier Slack does not count with the Tier 3 methods).
    assert _per_method(flow.slack) == Counter(
        {
            "reactions.add": 1,
            "chat.postMessage": 1,
            "reactions.remove": 1,
            "chat.update": 2,
            "chat.getPermalink": 1,
        }
    )
    assert len(flow.slack.thread(CHANNEL, ts)) == 1


def test_links_of_one_message_share_the_reaction(flow: Flow) -> None:
    url = flow.site.url("/story")
    ts, _ = flow.post_message(f"Two: {url}?a=1 and {url}?b=2")
    drafts = flow.drafts(ts)
    assert len(drafts) == 2
    wait_for(
        lambda: all(ids.ACTION_APPROVE in _card(flow, d.id) for d in drafts),
        message="the cards",
    )
    wait_for(lambda: not flow.slack.reactions(CHANNEL, ts), message="the reaction to go")
    calls = _per_method(flow.slack)
    assert calls == Counter({"reactions.add": 1, "chat.postMessage": 2, "reactions.remove": 1})
    assert sum(calls.values()) / len(drafts) == 2  # 4 calls for 2 drafts


def test_a_429_on_chat_update_reschedules_the_card_and_the_worker_goes_on(
    flow_factory: Callable[..., Flow],
) -> None:
    # One worker thread: if it slept through the Retry-After, nothing else would be done.
    flow = flow_factory(worker_threads=1, work_auto_retry_base_s=0.2)
    flow.model.script(Reply.error(529))  # A's first attempt fails: a failure card, retried
    ts_a, _ = flow.post_message(f"A {flow.site.url('/story')}?a")
    [a] = flow.drafts(ts_a)
    wait_for(lambda: ids.ACTION_RETRY in _card(flow, a.id), message="A's failure card")
    # A's second attempt updates that card (a worker's chat.update): Slack says 429, 5 s.
    flow.slack.rate_limit("chat.update", retry_after=5)
    wait_for(lambda: flow.slack.calls("chat.update"), message="A's update")
    [limited] = flow.slack.calls("chat.update")
    assert limited.status == 429

    # Meanwhile the one worker summarizes and posts other drafts.
    others = []
    for n in range(2):
        ts, _ = flow.post_message(f"B{n} {flow.site.url('/story')}?b={n}")
        [other] = flow.drafts(ts)
        others.append(other)
    wait_for(
        lambda: all(ids.ACTION_APPROVE in _card(flow, o.id) for o in others),
        message="the other cards",
    )
    flow.wait_state(a.id, "ready")

    # A's card is redrawn right after the window, with its buttons, in its one message.
    wait_for(lambda: ids.ACTION_APPROVE in _card(flow, a.id), 15, "A's card after the window")
    redrawn = [c for c in flow.slack.calls("chat.update") if c.status == 200]
    assert redrawn and redrawn[0].at >= limited.at + 5  # not before Retry-After …
    posts = [c for c in flow.slack.calls("chat.postMessage") if c.args.get("thread_ts") != ts_a]
    assert len(posts) == 2 and all(p.at < redrawn[0].at for p in posts)  # … others before it
    assert [m.ts for m in flow.slack.thread(CHANNEL, ts_a)] == [flow.draft(a.id).bot_message_ts]


@pytest.mark.parametrize(("retry_after", "post_wait_cap_s"), [(1, 2.0), (3, 0.0)])
def test_a_card_post_that_got_429_still_ends_as_one_card_with_buttons(
    flow_factory: Callable[..., Flow], retry_after: int, post_wait_cap_s: float
) -> None:
    # 1 s within the cap: the worker waits it out; 3 s over it: the repairer posts the card.
    flow = flow_factory(slack_post_wait_cap_s=post_wait_cap_s)
    flow.slack.rate_limit("chat.postMessage", retry_after=retry_after)
    ts, _ = flow.post_message(f"Read {flow.site.url('/story')}")
    [draft] = flow.drafts(ts)
    flow.wait_state(draft.id, "ready")
    wait_for(lambda: ids.ACTION_APPROVE in _card(flow, draft.id), 15, "the card")
    statuses = [c.status for c in flow.slack.calls("chat.postMessage")]
    assert statuses == [429, 200]
    first, second = flow.slack.calls("chat.postMessage")
    assert second.at >= first.at + retry_after
    [card] = flow.slack.thread(CHANNEL, ts)
    assert ids.ACTION_APPROVE in _buttons(card.blocks)
    wait_for(lambda: not flow.slack.reactions(CHANNEL, ts), message="the reaction to go")
