"""``/summarize`` (private summary, post for review, dismiss, usage help) and the App Home."""

from __future__ import annotations

from typing import Any

import pytest

from bot.slack import ids
from tests.fakes.slack_api import iter_texts
from tests.slack.conftest import ARTICLE_HTML, CHANNEL, EDITOR, OUTSIDER, REPORTER, Flow, wait_for


def _texts(node: Any) -> str:
    return "\n".join(iter_texts(node))


def _buttons(message: dict[str, Any]) -> list[str]:
    return [
        e["action_id"]
        for b in message.get("blocks") or []
        if b["type"] == "actions"
        for e in b["elements"]
    ]


def test_summarize_answers_privately_and_can_be_posted_for_review(flow: Flow) -> None:
    response_url, response = flow.command(flow.site.url("/story"))
    assert response.status == 200
    ack = response.json()
    assert ack["response_type"] == "ephemeral"
    assert ack["text"].startswith(":hourglass_flowing_sand: Summarizing")

    [preview] = wait_for(lambda: flow.slack.responses(response_url), message="the preview")
    assert preview["response_type"] == "ephemeral" and preview["replace_original"] is True
    assert _buttons(preview) == [ids.ACTION_POST_FOR_REVIEW, ids.ACTION_DISMISS]
    assert "Millbrook" in _texts(preview["blocks"])
    assert flow.slack.calls("chat.postMessage") == []  # nothing public yet
    draft_id = preview["blocks"][-1]["elements"][0]["value"]
    draft = flow.wait_state(draft_id, "ready")  # shown first, then committed
    assert draft.source == "slash_command"
    assert flow.store.awaiting_review() == [draft]
    assert flow.services.workflow.home(EDITOR).pending == ()  # not posted: not in the queue

    flow.click(ids.ACTION_POST_FOR_REVIEW, draft, user=REPORTER)

    # The ts field only ever holds the posted message's ts (the reservation has its own columns).
    posted = wait_for(lambda: flow.draft(draft_id).bot_message_ts, message="the post")
    message = flow.slack.message(CHANNEL, posted)
    assert message.thread_ts is None and message.unfurl_links is False
    assert ids.ACTION_APPROVE in [
        e["action_id"]
        for b in message.blocks or []
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert flow.answers() == [":white_check_mark: Posted for review in this channel."]
    flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)
    flow.wait_state(draft_id, "approved")


def test_summarize_without_or_with_a_bad_url_shows_usage_help(flow: Flow) -> None:
    _, missing = flow.command("")
    assert missing.json()["text"] == "Please add a link to the article."
    assert "Usage: `/summarize" in _texts(missing.json()["blocks"])
    _, bad = flow.command("ftp://example.org/file")
    assert bad.json()["text"].startswith("That doesn't look like a web link")
    assert flow.store.awaiting_review() == []


def test_summarize_works_where_the_bot_is_not_a_member(flow: Flow) -> None:
    response_url, _ = flow.command(f"<{flow.site.url('/story')}>", channel="C0NOTIN")
    [preview] = wait_for(lambda: flow.slack.responses(response_url), message="the preview")
    draft = flow.wait_state(preview["blocks"][-1]["elements"][0]["value"], "ready")
    flow.click(ids.ACTION_POST_FOR_REVIEW, draft, user=REPORTER)
    said = wait_for(flow.answers, message="the sentence")
    assert said == ["I'm not a member of this channel. Invite me with `/invite`, then try again."]
    # The post's reservation is released right after the sentence is sent (not before).
    wait_for(lambda: flow.draft(draft.id).bot_message_ts is None, message="the release")


def test_dismiss_removes_the_preview_and_ends_the_draft(flow: Flow) -> None:
    response_url, _ = flow.command(flow.site.url("/story"))
    [preview] = wait_for(lambda: flow.slack.responses(response_url), message="the preview")
    draft_id = flow.wait_state(preview["blocks"][-1]["elements"][0]["value"], "ready").id
    flow.click(ids.ACTION_DISMISS, draft_id, user=REPORTER)
    [answer] = wait_for(lambda: flow.slack.responses(flow.last_response_url), message="delete")
    assert answer["delete_original"] is True
    assert flow.wait_state(draft_id, "rejected").rejected_reason == "dismissed"


def test_app_home_shows_editors_the_queue_and_approvals_and_everyone_the_help(
    flow: Flow,
) -> None:
    waiting = flow.ready_draft()
    flow.site.add("/second", _html())
    approved = flow.ready_draft(f"Second {flow.site.url('/second')}")
    flow.click(ids.ACTION_APPROVE, approved, user=EDITOR)
    flow.wait_state(approved.id, "approved")

    from tests.fakes import slack_signing as signing

    for user in (EDITOR, OUTSIDER):
        flow.send_event(signing.app_home_opened_event(user=user))
    editor_home = wait_for(lambda: flow.slack.home(EDITOR), message="the editor's home")
    outsider_home = wait_for(lambda: flow.slack.home(OUTSIDER), message="the outsider's home")
    editor_text = _texts(editor_home["blocks"])
    assert "*Waiting for review* (1)" in editor_text
    assert (waiting.bot_message_ts or "").replace(".", "") in editor_text  # thread permalink
    assert f"approved by <@{EDITOR}>" in editor_text
    outsider_text = _texts(outsider_home["blocks"])
    assert "Waiting for review" not in outsider_text
    assert "approving them is up to the editors" in outsider_text
    assert "How to use the bot" in outsider_text


def _html() -> str:
    from tests.slack.conftest import ARTICLE_HTML

    return ARTICLE_HTML


# Bolt's body parser took any form containing the text "payload" for an interactivity payload
# and handed the command listener nothing (404 "unhandled request"); bot/server.py parses
# slash-command forms by their fields. Socket Mode: tests/slack/test_socket_mode.py.
PAYLOAD_WORD_CASES = {
    "url_path": {"path": "/payload-rocket-launch", "query": ""},
    "url_query": {"path": "/rocket-launch", "query": "?utm=payload"},
    "channel_name": {"channel_name": "payload-desk"},
    "user_name": {"user_name": "payload.reporter"},
}


@pytest.mark.parametrize("case", sorted(PAYLOAD_WORD_CASES))
def test_a_command_with_the_word_payload_is_answered_like_any_other(flow: Flow, case: str) -> None:
    where = PAYLOAD_WORD_CASES[case]
    path, query = where.get("path", "/story"), where.get("query", "")
    flow.site.add(path + query, ARTICLE_HTML)
    url = flow.site.url(path) + query
    names = {k: v for k, v in where.items() if k in ("channel_name", "user_name")}
    response_url, response = flow.command(url, **names)
    assert response.status == 200
    ack = response.json()
    assert ack["response_type"] == "ephemeral"
    assert ack["text"].startswith(":hourglass_flowing_sand: Summarizing")
    assert "payload" in ack["text"] or case in ("channel_name", "user_name")
    [preview] = wait_for(lambda: flow.slack.responses(response_url), message="the preview")
    assert "Millbrook" in _texts(preview["blocks"])
    draft = flow.wait_state(preview["blocks"][-1]["elements"][0]["value"], "ready")
    assert (draft.url, draft.channel, draft.reporter_id) == (url, CHANNEL, REPORTER)
    [fetched] = flow.site.requests_for(path)
    assert fetched.path == path + query
