"""Reviewing a draft: approve (once), edit, regenerate, reject, retry, and who may do what."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.slack import ids
from tests.fakes import slack_signing as signing
from tests.fakes.slack_api import iter_texts
from tests.fakes.webhook_receiver import WebhookReceiver
from tests.slack.conftest import (
    CHANNEL,
    EDITOR,
    EDITOR2,
    GROUP_EDITOR,
    OUTSIDER,
    REPORTER,
    SECRET,
    USERGROUP,
    Flow,
    wait_for,
)


def _texts(node: Any) -> str:
    return "\n".join(iter_texts(node))


def _shown(flow: Flow, draft_id: str) -> str:
    return _texts(flow.bot_message(flow.draft(draft_id)).blocks or [])


def _buttons(flow: Flow, draft_id: str) -> list[str]:
    blocks = flow.bot_message(flow.draft(draft_id)).blocks or []
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_two_editors_approving_at_once_exactly_one_wins_the_other_is_told(flow: Flow) -> None:
    draft = flow.ready_draft()
    results: dict[str, int] = {}
    urls: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def approve(user: str) -> None:
        response_url = flow.slack.new_response_url()
        urls[user] = response_url
        payload = signing.block_actions_payload(
            action_id=ids.ACTION_APPROVE,
            value=flow.button_value(draft, ids.ACTION_APPROVE) or "",
            trigger_id=flow.slack.new_trigger_id(),
            user_id=user,
            channel_id=CHANNEL,
            message_ts=draft.bot_message_ts or "",
            response_url=response_url,
        )
        barrier.wait()
        results[user] = flow.send(signing.interactivity_request(payload, SECRET)).status

    threads = [threading.Thread(target=approve, args=(u,)) for u in (EDITOR, EDITOR2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {EDITOR: 200, EDITOR2: 200}
    approved = flow.wait_state(draft.id, "approved")
    assert approved.approved_by in (EDITOR, EDITOR2)
    loser = EDITOR2 if approved.approved_by == EDITOR else EDITOR
    told = wait_for(lambda: flow.answers(urls[loser]), message="the loser to be told")
    assert told == [f"<@{approved.approved_by}> already approved this draft."]
    assert flow.answers(urls[approved.approved_by]) == []
    history = flow.store.history(draft.id)
    assert history is not None
    assert [a.action for a in history.audit].count("draft.approved") == 1


def test_double_click_approves_once(flow: Flow) -> None:
    draft = flow.ready_draft()
    flow.click(ids.ACTION_APPROVE, draft)
    flow.wait_state(draft.id, "approved")
    flow.click(ids.ACTION_APPROVE, draft)
    assert wait_for(flow.answers, message="the refusal") == [
        f"<@{EDITOR}> already approved this draft."
    ]


def test_only_editors_approve_or_reject_others_are_told_and_nothing_changes(
    flow: Flow,
) -> None:
    draft = flow.ready_draft()
    before = flow.bot_message(draft).blocks
    for action in (ids.ACTION_APPROVE, ids.ACTION_REJECT):
        for user in (REPORTER, OUTSIDER):
            assert flow.click(action, draft, user=user).status == 200
            said = wait_for(flow.answers, message="the refusal")
            assert said == ["Only editors can approve or reject drafts."]
    assert flow.draft(draft.id).state == "ready"
    assert flow.bot_message(draft).blocks == before
    assert flow.slack.calls("views.open") == []


def test_outsiders_may_not_edit_or_regenerate_but_the_reporter_may(flow: Flow) -> None:
    draft = flow.ready_draft()
    for action in (ids.ACTION_EDIT, ids.ACTION_REGENERATE):
        flow.click(action, draft, user=OUTSIDER)
        said = wait_for(flow.answers, message="the refusal")
        assert said == ["Only editors and the reporter who posted the link can change this draft."]
    assert flow.slack.calls("views.open") == []
    flow.click(ids.ACTION_REGENERATE, draft, user=REPORTER)
    modal = wait_for(flow.slack.views, message="the modal")[-1]
    assert modal["callback_id"] == ids.CALLBACK_REGENERATE


def test_edit_opens_a_prefilled_modal_validates_inline_and_saves_a_revision(
    flow: Flow,
) -> None:
    draft = flow.ready_draft()
    ai_text = flow.store.get_revision(draft.id)
    assert ai_text is not None
    flow.click(ids.ACTION_EDIT, draft, user=EDITOR)
    modal = wait_for(flow.slack.views, message="the edit modal")[-1]
    assert modal["callback_id"] == ids.CALLBACK_EDIT
    # The revision the modal was opened on, and where: the submission names no channel.
    assert modal["private_metadata"] == f"{draft.id}:1:{CHANNEL}:{draft.thread_ts}"
    field = next(b for b in modal["blocks"] if b.get("block_id") == ids.BLOCK_EDIT_BULLETS)
    assert field["element"]["initial_value"].splitlines() == list(ai_text.bullets)

    values = {ids.BLOCK_EDIT_BULLETS: {ids.INPUT_EDIT_BULLETS: "   \n  "}}
    refused = flow.submit(modal, values)
    assert refused.status == 200
    assert refused.json() == {
        "response_action": "errors",
        "errors": {ids.BLOCK_EDIT_BULLETS: "Please enter at least one bullet."},
    }
    too_many = "\n".join(f"Point {n}." for n in range(1, 8))
    refused = flow.submit(modal, {ids.BLOCK_EDIT_BULLETS: {ids.INPUT_EDIT_BULLETS: too_many}})
    assert refused.json()["response_action"] == "errors"
    assert flow.draft(draft.id).current_revision == 1

    edited = [
        "The council voted 14 to 5 for a library on the old bus depot site.",
        "It will cost 99 million dollars.",  # not in the article: the checks flag it
        "Mayor Helen Okafor expects it to open in 2028.",
    ]
    saved = flow.submit(
        modal, {ids.BLOCK_EDIT_BULLETS: {ids.INPUT_EDIT_BULLETS: "\n".join(edited)}}
    )
    assert saved.status == 200 and saved.body in (b"", b"{}")
    wait_for(lambda: flow.draft(draft.id).current_revision == 2, message="the edit")
    revision = flow.store.get_revision(draft.id)
    assert revision is not None and revision.kind == "edit" and revision.author == EDITOR
    assert list(revision.bullets) == edited
    assert any(c["kind"] == "number" and "99" in c["text"] for c in revision.checks)
    assert flow.store.get_revision(draft.id, 1) == ai_text  # the AI text is kept
    shown = wait_for(
        lambda: s if "Edited by" in (s := _shown(flow, draft.id)) else None,
        message="the edited message",
    )
    assert f"<@{EDITOR}>" in shown and "99 million" in shown
    # The edit modal was opened from a stale view: its revision is now outdated.
    flow.submit(modal, {ids.BLOCK_EDIT_BULLETS: {ids.INPUT_EDIT_BULLETS: "Another text."}})
    wait_for(lambda: flow.ephemerals(EDITOR), message="the conflict sentence")
    assert flow.ephemerals(EDITOR)[-1] == (
        "The summary changed since you looked: here is the current version."
    )
    assert flow.draft(draft.id).current_revision == 2


def test_expired_or_reused_trigger_is_told_in_one_sentence(
    flow_factory: Callable[..., Flow],
) -> None:
    flow = flow_factory(trigger_ttl_s=0.05)
    draft = flow.ready_draft()
    trigger = flow.slack.new_trigger_id()
    time.sleep(0.1)  # let the trigger expire (not a timing assertion)
    flow.click(ids.ACTION_EDIT, draft, trigger_id=trigger)
    said = wait_for(flow.answers, message="the sentence")
    assert said == ["Slack needed too long to open the form; please click the button again."]
    assert [c.response.get("error") for c in flow.slack.calls("views.open")] == [
        "expired_trigger_id"
    ]


def test_regenerate_with_an_instruction_makes_a_new_model_call_and_revision(flow: Flow) -> None:
    draft = flow.ready_draft()
    flow.click(ids.ACTION_REGENERATE, draft)
    modal = wait_for(flow.slack.views, message="the modal")[-1]
    values = {ids.BLOCK_REGENERATE_INSTRUCTION: {ids.INPUT_REGENERATE_INSTRUCTION: "shorter"}}
    assert flow.submit(modal, values).status == 200
    wait_for(lambda: flow.draft(draft.id).current_revision == 2, message="a new revision")
    ready = flow.wait_state(draft.id, "ready")
    revision = flow.store.get_revision(ready.id)
    assert revision is not None
    assert revision.kind == "regenerate" and revision.instruction == "shorter"
    assert len(flow.model.message_requests) == 2
    assert "shorter" in json.dumps(flow.model.message_requests[-1].body)
    assert len(flow.site.requests_for("/story")) == 1  # the stored article was reused
    assert len(flow.slack.thread(CHANNEL, draft.thread_ts or "")) == 1
    earlier = [_texts(h["blocks"] or []) for h in flow.bot_message(ready).history]
    assert any(f"Writing a new version for <@{EDITOR}>" in text for text in earlier)


def test_reject_with_a_reason_ends_the_draft_and_removes_the_buttons(flow: Flow) -> None:
    draft = flow.ready_draft()
    flow.click(ids.ACTION_REJECT, draft)
    modal = wait_for(flow.slack.views, message="the reject modal")[-1]
    assert modal["callback_id"] == ids.CALLBACK_REJECT
    values = {ids.BLOCK_REJECT_REASON: {ids.INPUT_REJECT_REASON: "Wrong story <!channel>"}}
    flow.submit(modal, values)
    rejected = flow.wait_state(draft.id, "rejected")
    assert rejected.rejected_by == EDITOR and rejected.rejected_reason == "Wrong story <!channel>"
    shown = wait_for(
        lambda: s if "Rejected" in (s := _shown(flow, draft.id)) else None, message="rejected"
    )
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown
    assert _buttons(flow, draft.id) == []


def test_a_failure_is_one_sentence_with_retry_and_retry_recovers(
    flow_factory: Callable[..., Flow],
) -> None:
    # Without automatic retries, a 503 is final at once (test_flow_auto_retry.py has them).
    flow = flow_factory(work_auto_retries=0)
    gone_ts, _ = flow.post_message(f"Old: {flow.site.url('/gone')}")
    [gone] = flow.drafts(gone_ts)
    assert flow.wait_state(gone.id, "failed").last_error_code == "http_not_found"
    assert _buttons(flow, gone.id) == []  # retrying a 404 cannot help

    flow.site.handle("/later", lambda request: request.send_body(503, b"down"))
    url = flow.site.url("/later")
    ts, _ = flow.post_message(f"Breaking: {url}")
    [draft] = flow.drafts(ts)
    failed = flow.wait_state(draft.id, "failed")
    assert failed.last_error_code == "http_server_error"
    assert _buttons(flow, draft.id) == [ids.ACTION_RETRY]
    assert _shown(flow, draft.id) == (
        ":warning: The website had a problem of its own (HTTP 503). Try again later.\nRetry"
    )
    flow.site.add("/later", _article())
    flow.click(ids.ACTION_RETRY, failed, user=REPORTER)
    flow.wait_state(draft.id, "ready")
    assert ids.ACTION_APPROVE in _buttons(flow, draft.id)
    assert len(flow.slack.thread(CHANNEL, ts)) == 1


def _article() -> str:
    from tests.slack.conftest import ARTICLE_HTML

    return ARTICLE_HTML


def test_usergroup_members_are_editors_and_a_free_plan_falls_back_to_the_ids(
    flow_factory: Callable[..., Flow],
) -> None:
    flow = flow_factory(editor_usergroup_id=USERGROUP)
    flow.slack.set_usergroup(USERGROUP, [GROUP_EDITOR])
    draft = flow.ready_draft()
    flow.click(ids.ACTION_APPROVE, draft, user=GROUP_EDITOR)
    assert flow.wait_state(draft.id, "approved").approved_by == GROUP_EDITOR
    assert len(flow.slack.calls("usergroups.users.list")) == 1  # cached


def test_plan_upgrade_required_leaves_only_the_listed_editors(
    flow_factory: Callable[..., Flow],
) -> None:
    flow = flow_factory(editor_usergroup_id=USERGROUP)
    flow.slack.usergroups_error = "plan_upgrade_required"
    draft = flow.ready_draft()
    flow.click(ids.ACTION_APPROVE, draft, user=GROUP_EDITOR)
    assert wait_for(flow.answers, message="refusal") == [
        "Only editors can approve or reject drafts."
    ]
    flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)
    flow.wait_state(draft.id, "approved")


def test_slack_rate_limits_are_retried_after_retry_after(flow: Flow) -> None:
    flow.slack.rate_limit("chat.postMessage", times=1, retry_after=1)
    draft = flow.ready_draft()
    posts = flow.slack.calls("chat.postMessage")
    assert [c.status for c in posts] == [429, 200]
    assert flow.bot_message(draft).thread_ts == draft.thread_ts


def test_forged_and_stale_signatures_get_401_and_change_nothing(flow: Flow) -> None:
    url = flow.site.url("/story")
    event = signing.message_event(channel=CHANNEL, ts="1700000000.000100", text=f"x {url}")
    forged = signing.event_request(event, "not-the-secret", event_id="Ev0FORGED")
    stale = signing.event_request(
        event, SECRET, event_id="Ev0STALE", timestamp=int(time.time()) - 600
    )
    assert flow.send(forged).status == 401
    assert flow.send(stale).status == 401
    tampered = signing.event_request(event, SECRET, event_id="Ev0TAMPER")
    body = tampered.body.replace(b'"text": "x ', b'"text": "y ')
    assert body != tampered.body
    assert flow.send(signing.SignedRequest(body, tampered.headers)).status == 401
    assert flow.drafts("1700000000.000100") == []


def test_an_approval_is_published_once_and_the_thread_says_so(
    flow_factory: Callable[..., Flow],
) -> None:
    secret = "whsec_" + base64.b64encode(b"flow-webhook-secret-32-bytes-long").decode()
    with WebhookReceiver(secret) as receiver:
        flow = flow_factory(
            publish_webhook_url=receiver.url,
            publish_webhook_secret=secret,
            publish_poll_s=0.2,
        )
        draft = flow.ready_draft()
        flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)
        flow.click(ids.ACTION_APPROVE, draft, user=EDITOR2)  # too late: told, nothing sent
        published = flow.wait_state(draft.id, "published")
        [request] = receiver.wait_for_requests(1)
        body = json.loads(request.body)
        assert body["type"] == "summary.approved"
        assert body["data"]["summary_id"] == draft.id
        assert body["data"]["approval"]["editor_id"] == EDITOR
        assert body["data"]["approval"]["channel_id"] == CHANNEL
        assert body["data"]["summary"]["bullets"] == list(
            (flow.store.get_revision(draft.id) or _no_revision()).bullets
        )
        shown = wait_for(
            lambda: s if "Published by" in (s := _shown(flow, published.id)) else None,
            message="the published line",
        )
        assert "CMS answered 200" in shown
        assert len(receiver.deliveries) == 1


def _no_revision() -> Any:
    raise AssertionError("the draft has no revision")


def test_the_bots_own_words_follow_bot_language(flow_factory: Callable[..., Flow]) -> None:
    flow = flow_factory(bot_language="de")
    draft = flow.ready_draft()
    shown = _shown(flow, draft.id)
    assert "KI-Entwurf – muss von der Redaktion freigegeben werden" in shown
    assert "Freigeben" in shown and "Millbrook" in shown  # the summary stays English
    flow.click(ids.ACTION_APPROVE, draft, user=OUTSIDER)
    assert wait_for(flow.answers, message="the refusal") == [
        "Nur die Redaktion kann Entwürfe freigeben oder ablehnen."
    ]


# --- Actions name the revision they were rendered for ------------------------------------------

STALE = "The summary changed since you looked: here is the current version."
REPORTER_TEXT = ["The council voted 14 to 5 for the library.", "Reporter's second bullet."]


def _edit_as_reporter(flow: Flow, draft_id: str) -> None:
    """The reporter edits the draft to revision 2 through the Edit modal."""
    flow.click(ids.ACTION_EDIT, draft_id, user=REPORTER)
    modal = wait_for(flow.slack.views, message="the reporter's modal")[-1]
    text = "\n".join(REPORTER_TEXT)
    flow.submit(modal, {ids.BLOCK_EDIT_BULLETS: {ids.INPUT_EDIT_BULLETS: text}}, user=REPORTER)
    wait_for(lambda: flow.draft(draft_id).current_revision == 2, message="revision 2")
    wait_for(lambda: "Reporter's second bullet" in _shown(flow, draft_id), message="the new card")


def _card_versions(flow: Flow, draft_id: str) -> int:
    return len(flow.bot_message(flow.draft(draft_id)).history)


def test_approve_on_a_card_of_an_older_revision_publishes_nothing_and_shows_the_current_one(
    flow_factory: Callable[..., Flow],
) -> None:
    secret = "whsec_" + base64.b64encode(b"flow-webhook-secret-32-bytes-long").decode()
    with WebhookReceiver(secret) as receiver:
        flow = flow_factory(
            publish_webhook_url=receiver.url, publish_webhook_secret=secret, publish_poll_s=0.2
        )
        draft = flow.ready_draft()
        seen = flow.button_value(draft, ids.ACTION_APPROVE)  # the editor's card: revision 1
        assert seen == f"{draft.id}:1"
        _edit_as_reporter(flow, draft.id)
        versions = _card_versions(flow, draft.id)

        flow.click(ids.ACTION_APPROVE, draft, user=EDITOR, value=seen)
        assert wait_for(flow.answers, message="the sentence") == [STALE]
        # The card is drawn again with the current text (and buttons naming revision 2).
        wait_for(lambda: _card_versions(flow, draft.id) > versions, message="the refresh")
        assert "Reporter's second bullet" in _shown(flow, draft.id)
        assert flow.button_value(flow.draft(draft.id), ids.ACTION_APPROVE) == f"{draft.id}:2"
        stored = flow.draft(draft.id)
        assert (stored.state, stored.current_revision, stored.approved_revision) == (
            "ready",
            2,
            None,
        )
        history = flow.store.history(draft.id)
        assert history is not None and history.deliveries == ()
        assert "draft.approved" not in [a.action for a in history.audit]

        # Approving the card as it is now publishes revision 2, and the audit says so.
        flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)
        flow.wait_state(draft.id, "published")
        [request] = receiver.wait_for_requests(1)
        body = json.loads(request.body)
        assert body["data"]["revision"] == 2
        assert body["data"]["summary"]["bullets"] == REPORTER_TEXT
        history = flow.store.history(draft.id)
        assert history is not None
        [approval] = [a for a in history.audit if a.action == "draft.approved"]
        assert approval.detail["revision"] == 2 and approval.actor == EDITOR


def test_buttons_of_cards_rendered_before_revisions_were_named_are_stale(flow: Flow) -> None:
    # Cards posted by an older version carry the draft id alone: never approved blindly.
    draft = flow.ready_draft()
    versions = _card_versions(flow, draft.id)
    flow.click(ids.ACTION_APPROVE, draft, user=EDITOR, value=draft.id)
    assert wait_for(flow.answers, message="the sentence") == [STALE]
    wait_for(lambda: _card_versions(flow, draft.id) > versions, message="the refresh")
    assert flow.button_value(flow.draft(draft.id), ids.ACTION_APPROVE) == f"{draft.id}:1"
    assert flow.draft(draft.id).state == "ready"
    for action in (ids.ACTION_EDIT, ids.ACTION_REGENERATE, ids.ACTION_REJECT):
        flow.click(action, draft, user=EDITOR, value=draft.id)
        assert wait_for(flow.answers, message="the sentence") == [STALE]
    assert flow.slack.calls("views.open") == []
    flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)  # the refreshed card
    assert flow.wait_state(draft.id, "approved").approved_revision == 1


def test_modals_and_buttons_of_an_older_revision_change_nothing(flow: Flow) -> None:
    draft = flow.ready_draft()
    old = f"{draft.id}:1"
    flow.click(ids.ACTION_REGENERATE, draft, user=EDITOR)
    regenerate = wait_for(flow.slack.views, message="the regenerate modal")[-1]
    flow.click(ids.ACTION_REJECT, draft, user=EDITOR)
    reject = wait_for(lambda: v if len(v := flow.slack.views()) == 2 else None)[-1]
    _edit_as_reporter(flow, draft.id)  # revision 2 while both modals were open
    opened = len(flow.slack.views())

    for action in (ids.ACTION_EDIT, ids.ACTION_REGENERATE, ids.ACTION_REJECT):
        flow.click(action, draft, user=EDITOR, value=old)
        assert wait_for(flow.answers, message="the sentence") == [STALE]
    assert len(flow.slack.views()) == opened  # no modal for an outdated card

    before = len(flow.ephemerals(EDITOR))
    instruction = {ids.BLOCK_REGENERATE_INSTRUCTION: {ids.INPUT_REGENERATE_INSTRUCTION: "x"}}
    flow.submit(regenerate, instruction)
    flow.submit(reject, {ids.BLOCK_REJECT_REASON: {ids.INPUT_REJECT_REASON: "old text"}})
    said = wait_for(lambda: e if len(e := flow.ephemerals(EDITOR)) >= before + 2 else None)
    assert said[before:] == [STALE, STALE]
    stored = flow.draft(draft.id)
    assert (stored.state, stored.current_revision, stored.instruction) == ("ready", 2, None)
    assert len(flow.model.message_requests) == 1  # nothing regenerated


def test_retract_names_the_published_revision(flow_factory: Callable[..., Flow]) -> None:
    secret = "whsec_" + base64.b64encode(b"flow-webhook-secret-32-bytes-long").decode()
    with WebhookReceiver(secret) as receiver:
        flow = flow_factory(
            publish_webhook_url=receiver.url, publish_webhook_secret=secret, publish_poll_s=0.2
        )
        draft = flow.ready_draft()
        flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)
        flow.wait_state(draft.id, "published")
        wait_for(lambda: flow.button_value(flow.draft(draft.id), ids.ACTION_RETRACT))
        assert flow.button_value(flow.draft(draft.id), ids.ACTION_RETRACT) == f"{draft.id}:1"
        # A correction (revision 2) is approved and published: a card still showing
        # revision 1 as the published text cannot retract revision 2.
        flow.click(ids.ACTION_EDIT, draft, user=EDITOR)
        modal = wait_for(flow.slack.views, message="the correction modal")[-1]
        corrected = {ids.BLOCK_EDIT_BULLETS: {ids.INPUT_EDIT_BULLETS: "Corrected text."}}
        flow.submit(modal, corrected)
        wait_for(lambda: flow.draft(draft.id).current_revision == 2, message="the correction")
        # The card is redrawn after the correction is committed: click what it shows then.
        wait_for(
            lambda: flow.button_value(flow.draft(draft.id), ids.ACTION_APPROVE) == f"{draft.id}:2",
            message="the correction's card",
        )
        flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)
        wait_for(lambda: flow.draft(draft.id).approved_revision == 2, message="the update")
        flow.wait_state(draft.id, "published")
        flow.click(ids.ACTION_RETRACT, draft, user=EDITOR2, value=f"{draft.id}:1")
        assert wait_for(flow.answers, message="the sentence") == [STALE]
        assert flow.draft(draft.id).state == "published"
        wait_for(
            lambda: flow.button_value(flow.draft(draft.id), ids.ACTION_RETRACT) == f"{draft.id}:2",
            message="the card naming revision 2 as published",
        )
        flow.click(ids.ACTION_RETRACT, draft, user=EDITOR2)  # the card as it is now
        retracted = flow.wait_state(draft.id, "retracted")
        assert retracted.retracted_by == EDITOR2
        history = flow.store.history(draft.id)
        assert history is not None
        [event] = [a for a in history.audit if a.action == "draft.retracted"]
        assert event.detail["revision"] == 2


def test_an_edit_racing_an_approval_never_publishes_text_the_editor_did_not_see(
    flow: Flow,
) -> None:
    for round_ in range(3):
        _race_edit_and_approval(flow, f"/race{round_}")


def _race_edit_and_approval(flow: Flow, path: str) -> None:
    flow.site.add(path, _article())
    draft = flow.ready_draft(f"Story {flow.site.url(path)}")
    seen = flow.button_value(draft, ids.ACTION_APPROVE)
    opened = len(flow.slack.views())
    flow.click(ids.ACTION_EDIT, draft, user=REPORTER)
    modal = flow.last_modal(opened)  # this round's modal, not an earlier round's
    values = {ids.BLOCK_EDIT_BULLETS: {ids.INPUT_EDIT_BULLETS: "Raced edit."}}
    barrier = threading.Barrier(2)
    told_before = len(flow.ephemerals(REPORTER))
    answered_before = len(flow.answers())  # earlier rounds' answers are not this round's

    def edit() -> None:
        barrier.wait()
        flow.submit(modal, values, user=REPORTER)

    def approve() -> None:
        barrier.wait()
        flow.click(ids.ACTION_APPROVE, draft.id, user=EDITOR, value=seen)

    threads = [threading.Thread(target=edit), threading.Thread(target=approve)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Exactly one wins; the loser is told (the reporter privately, the editor by STALE).
    told = wait_for(
        lambda: flow.ephemerals(REPORTER)[told_before:] or flow.answers()[answered_before:] or None,
        message="the loser to be told",
    )
    stored = flow.draft(draft.id)
    if stored.state == "approved":
        # The approval won: revision 1 is approved, the edit was refused.
        assert (stored.approved_revision, stored.current_revision) == (1, 1)
        assert told == [f"<@{EDITOR}> already approved this draft."]
    else:
        # The edit won: nothing is approved, revision 2 waits for a look.
        assert (stored.state, stored.current_revision) == ("ready", 2)
        assert stored.approved_revision is None
        assert told == [STALE]


# --- The database fails at click time -----------------------------------------------------------

NOT_RECORDED = "That didn't go through: nothing was recorded. Please try again in a moment."


def test_a_click_while_the_database_is_down_is_told_and_nothing_is_half_done(
    flow_factory: Callable[..., Flow], tmp_path: Path
) -> None:
    secret = "whsec_" + base64.b64encode(b"flow-webhook-secret-32-bytes-long").decode()
    volume = tmp_path / "volume"
    volume.mkdir()
    with WebhookReceiver(secret) as receiver:
        flow = flow_factory(
            database_url=f"sqlite:///{volume / 'flow.db'}",
            publish_webhook_url=receiver.url,
            publish_webhook_secret=secret,
            publish_poll_s=0.2,
        )
        draft = flow.ready_draft()
        flow.click(ids.ACTION_EDIT, draft, user=EDITOR)
        modal = wait_for(flow.slack.views, message="the edit modal")[-1]
        draft = flow.draft(draft.id)
        card = flow.bot_message(draft)
        versions = len(card.history)
        buttons = {
            a: flow.button_value(draft, a) for a in (ids.ACTION_APPROVE, ids.ACTION_REGENERATE)
        }

        # The database goes away (its volume is unmounted): every connection fails for real.
        away = tmp_path / "unmounted"
        volume.rename(away)
        flow.store.close()  # drop pooled connections: the next ones cannot open the file
        try:
            flow.click(ids.ACTION_APPROVE, draft, user=EDITOR, value=buttons[ids.ACTION_APPROVE])
            assert wait_for(flow.answers, message="the approval's sentence") == [NOT_RECORDED]
            value = buttons[ids.ACTION_REGENERATE]
            flow.click(ids.ACTION_REGENERATE, draft, user=EDITOR, value=value)
            assert wait_for(flow.answers, message="the regenerate sentence") == [NOT_RECORDED]
            values = {ids.BLOCK_EDIT_BULLETS: {ids.INPUT_EDIT_BULLETS: "Edited while down."}}
            flow.submit(modal, values)
            # A submission has no response_url: the sentence comes privately in the thread.
            [ephemeral] = wait_for(lambda: flow.slack.ephemerals(EDITOR), message="the edit's")
            assert ephemeral.text == NOT_RECORDED and ephemeral.channel == CHANNEL
        finally:
            flow.store.close()
            away.rename(volume)

        # Nothing half-done: no approval, no edit, no outbox row, nothing sent, card untouched.
        stored = flow.draft(draft.id)
        assert (stored.state, stored.current_revision, stored.approved_by) == ("ready", 1, None)
        history = flow.store.history(draft.id)
        assert history is not None and history.deliveries == ()
        assert [a.action for a in history.audit if a.actor == EDITOR] == []
        assert len(receiver.deliveries) == 0
        assert len(flow.bot_message(draft).history) == versions
        assert flow.bot_message(draft).blocks == card.blocks
        assert len(flow.slack.views()) == 1  # no modal was opened while it was down

        # Trying again once the database is back works.
        flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)
        flow.wait_state(draft.id, "published")
        assert len(receiver.wait_for_requests(1)) == 1
