"""The review loop end to end: a link in Slack → a draft in the thread → an editor approves."""

from __future__ import annotations

from bot.slack import ids
from tests.fakes.slack_api import iter_texts
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
    # Exactly one message in the thread: the placeholder became the draft.
    assert len(flow.slack.thread(CHANNEL, ts)) == 1
