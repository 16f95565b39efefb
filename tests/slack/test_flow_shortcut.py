""" "Summarize with newsbot" (message shortcut) end to end: signed ``message_action`` payloads
to the real Bolt app; the fakes see the summary request and the card in the message's thread."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.i18n import t
from bot.slack import ids
from bot.slack.listeners.shortcuts import SUMMARIZE_MESSAGE
from tests.fakes import slack_signing as signing
from tests.slack.conftest import CHANNEL, EDITOR, REPORTER, SECRET, Flow, wait_for

ELSEWHERE = "C0OTHER"  # the bot is a member, but the channel is not on the allowlist


def _message(flow: Flow, text: str, *, channel: str, user: str = REPORTER) -> dict[str, Any]:
    """A person's message that no event reached the bot for (as before it joined)."""
    ts = flow.slack.post_user_message(channel, text, user)
    return signing.message_event(channel=channel, ts=ts, text=text, user=user)


def shortcut(
    flow: Flow, message: dict[str, Any], *, user: str = EDITOR
) -> tuple[str, signing.Response]:
    response_url = flow.slack.new_response_url()
    payload = signing.message_action_payload(
        callback_id=SUMMARIZE_MESSAGE,
        message=message,
        trigger_id=flow.slack.new_trigger_id(),
        response_url=response_url,
        user_id=user,
        channel_id=str(message["channel"]),
    )
    return response_url, flow.send(signing.interactivity_request(payload, SECRET))


def test_shortcut_summarizes_in_the_thread_where_detection_is_off(
    flow_factory: Callable[..., Flow],
) -> None:
    flow = flow_factory(slack_channel_allowlist=[CHANNEL])
    message = _message(flow, f"Read this: {flow.site.url('/story')}", channel=ELSEWHERE)
    # Automatic detection ignores the channel…
    flow.send_event(message)
    assert flow.drafts(message["ts"], ELSEWHERE) == []

    # …the shortcut does not.
    response_url, response = shortcut(flow, message)
    assert response.status == 200 and response.body == b""
    [draft] = wait_for(lambda: flow.drafts(message["ts"], ELSEWHERE), message="the draft")
    assert (draft.source, draft.reporter_id, draft.thread_ts) == ("message", EDITOR, message["ts"])
    ready = flow.wait_state(draft.id, "ready")
    [summary_request] = flow.model.message_requests
    assert "Millbrook" in str(summary_request.body)
    card = wait_for(
        lambda: flow.button_value(flow.draft(ready.id), ids.ACTION_APPROVE), message="the card"
    )
    assert card
    posted = flow.bot_message(ready)
    assert posted.channel == ELSEWHERE and posted.thread_ts == message["ts"]
    [accepted] = flow.slack.ephemerals(EDITOR)
    assert accepted.text.startswith(":hourglass_flowing_sand: Summarizing 1 link(s)")
    assert flow.slack.responses(response_url) == []

    # A second use on the same message adds nothing and says so.
    again_url, _ = shortcut(flow, message)
    [already] = wait_for(lambda: flow.answers(again_url), message="the sentence")
    assert already.startswith("The links of this message have already been summarized")
    assert len(flow.drafts(message["ts"], ELSEWHERE)) == 1


def test_shortcut_reads_slack_link_formatting_without_blocks(flow: Flow) -> None:
    message = _message(flow, "x", channel=CHANNEL)
    url = flow.site.url("/story")
    message.pop("blocks")
    message["text"] = f"Siehe <{url}|den Bericht> &amp; mehr"
    shortcut(flow, message)
    [draft] = wait_for(lambda: flow.drafts(message["ts"]), message="the draft")
    assert draft.url == url
    flow.wait_state(draft.id, "ready")


def test_shortcut_on_a_message_without_links_says_so(flow: Flow) -> None:
    message = _message(flow, "Kaffee um drei?", channel=CHANNEL)
    response_url, response = shortcut(flow, message)
    assert response.status == 200
    [said] = wait_for(lambda: flow.slack.responses(response_url), message="the sentence")
    assert said["text"] == "This message has no article links I could summarize."
    assert said["response_type"] == "ephemeral"
    assert flow.drafts(message["ts"]) == []


def test_shortcut_where_the_bot_is_not_a_member_says_so(flow: Flow) -> None:
    message = _message(flow, f"Look {flow.site.url('/story')}", channel="C0NOTIN")
    response_url, _ = shortcut(flow, message)
    [said] = wait_for(lambda: flow.answers(response_url), message="the sentence")
    assert said == "I'm not a member of this channel. Invite me with `/invite`, then try again."
    assert flow.drafts(message["ts"], "C0NOTIN") == []
    assert flow.model.message_requests == []


def test_shortcut_whose_recording_fails_says_so(flow: Flow, monkeypatch: Any) -> None:
    def broken(message: object) -> list[object]:
        raise RuntimeError("database is down")

    monkeypatch.setattr(flow.services.workflow, "record_shortcut", broken)
    message = _message(flow, f"Look {flow.site.url('/story')}", channel=CHANNEL)
    response_url, _ = shortcut(flow, message)
    [said] = wait_for(lambda: flow.answers(response_url), message="the sentence")
    assert "database" not in said and said == t("error.internal", "en")
