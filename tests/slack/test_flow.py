"""The review loop end to end: a link in Slack → a draft in the thread → an editor approves."""

from __future__ import annotations

import json
from typing import Any

from bot.slack import ids
from tests.fakes.slack_api import Call, iter_texts
from tests.slack.conftest import CHANNEL, EDITOR, REPORTER, Flow, wait_for


def _texts(message: object) -> str:
    return "\n".join(iter_texts(getattr(message, "blocks", None) or []))


def test_link_becomes_a_draft_in_the_thread_and_an_editor_approves_it(flow: Flow) -> None:
    url = flow.site.url("/story")
    ts, response = flow.post_message(f"Have a look: {url}")
    assert response.status == 200

    [draft] = flow.drafts(ts)
    assert draft.url == url and draft.reporter_id == REPORTER
    ready = flow.wait_state(draft.id, "ready")

    message = flow.bot_message(ready)
    assert message.thread_ts == ts
    assert message.unfurl_links is False and message.unfurl_media is False
    shown = _texts(message)
    assert "Millbrook" in shown
    assert "AI draft — needs an editor's approval" in shown
    action_ids = [
        e["action_id"]
        for b in message.blocks or []
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert action_ids == [
        ids.ACTION_APPROVE,
        ids.ACTION_EDIT,
        ids.ACTION_REGENERATE,
        ids.ACTION_REJECT,
    ]
    assert len(flow.model.message_requests) == 1
    # The progress reaction came at once and is gone now that the draft is shown.
    assert [c.args["name"] for c in flow.slack.calls("reactions.add")] == [ids.PROGRESS_REACTION]
    wait_for(lambda: not flow.slack.reactions(CHANNEL, ts), message="the reaction to go")

    assert flow.click(ids.ACTION_APPROVE, ready, user=EDITOR).status == 200
    approved = flow.wait_state(draft.id, "approved")
    assert approved.approved_by == EDITOR and approved.approved_revision == 1
    message = wait_for(
        lambda: m if "Approved by" in _texts(m := flow.bot_message(approved)) else None,
        message="the approved message",
    )
    assert not [b for b in message.blocks or [] if b["type"] == "actions"]
    assert f"<@{EDITOR}>" in _texts(message)
    assert "No publishing webhook is configured" in _texts(message)
    # Exactly one message in the thread: the card, posted once when the draft was ready.
    assert len(flow.slack.thread(CHANNEL, ts)) == 1


def _sent_blocks(call: Call) -> list[Any]:
    blocks = call.args.get("blocks") or []
    return list(json.loads(blocks) if isinstance(blocks, str) else blocks)


def test_the_first_card_already_names_the_article(flow: Flow) -> None:
    draft = flow.ready_draft()
    # The first message carrying the draft (its Approve button), as Slack received it.
    first = next(
        call
        for call in flow.slack.calls()
        if call.method in ("chat.postMessage", "chat.update")
        and ids.ACTION_APPROVE in json.dumps(_sent_blocks(call))
        and call.args.get("channel") == CHANNEL
    )
    shown = "\n".join(iter_texts(_sent_blocks(first)))
    assert "Millbrook council approves new library" in shown  # the title, linked
    assert "Millbrook Gazette" in shown and "2026-03-10" in shown  # site and date
    assert "Untitled article" not in shown
    assert "Millbrook council approves new library" in str(first.args.get("text"))  # fallback
    assert first.args.get("ts") in (None, draft.bot_message_ts)

    # The private /summarize answer is the first card of its kind: the same header.
    response_url, _ = flow.command(flow.site.url("/story"))
    [preview] = wait_for(lambda: flow.slack.responses(response_url), message="the preview")
    text = "\n".join(iter_texts(preview["blocks"]))
    assert "Millbrook council approves new library" in text and "Millbrook Gazette" in text
