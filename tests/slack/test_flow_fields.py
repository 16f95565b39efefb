"""Output fields and source credits end to end: SUMMARY_FIELDS asks the model for a headline,
teaser, SEO description and social post in the same call; the first card shows them; the
Edit modal edits them (a signed view_submission makes a new revision); the approved webhook
carries them, and the article's author, site name and date."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.slack import ids
from tests.fakes.slack_api import iter_texts
from tests.fakes.webhook_receiver import Respond, WebhookReceiver
from tests.slack.conftest import EDITOR, Flow, wait_for

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
CREDITED = (Path(__file__).parents[1] / "fixtures" / "flow" / "article-credits.html").read_text(
    encoding="utf-8"
)
FIELDS = "headline:70,teaser:300,seo_description:160,social:280"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(SECRET, default=Respond(201, b"{}")) as running:
        yield running


@pytest.fixture
def flow(flow_factory: Callable[..., Flow], receiver: WebhookReceiver) -> Flow:
    running = flow_factory(
        publish_webhook_url=receiver.url,
        publish_webhook_secret=SECRET,
        publish_poll_s=0.1,
        summary_fields=FIELDS,
    )
    running.site.add("/credited", CREDITED)
    return running


def _first_card(flow: Flow) -> list[dict[str, Any]]:
    """The blocks of the first review card the bot sent (posted or updated into place)."""
    for call in flow.slack.calls():
        if call.method not in ("chat.postMessage", "chat.update"):
            continue
        blocks = call.args.get("blocks") or []
        if isinstance(blocks, str):  # form-encoded calls carry blocks as JSON text
            blocks = json.loads(blocks)
        if ids.ACTION_APPROVE in "\n".join(str(b) for b in blocks):
            return list(blocks)
    raise AssertionError("no review card was sent")


def test_fields_are_drafted_shown_edited_and_published_with_the_source_credits(
    flow: Flow, receiver: WebhookReceiver
) -> None:
    draft = flow.ready_draft(f"New story {flow.site.url('/credited')}")

    # One model call asked for every field with its limit.
    (request,) = flow.model.message_requests
    assert '- "headline": a factual headline, at most 70 characters' in request.user_text
    assert '"social": a post for social media' in request.user_text
    assert request.body["output_config"]["format"]["schema"]["required"][2:] == [
        "headline",
        "teaser",
        "seo_description",
        "social",
    ]
    ai = flow.store.get_revision(draft.id)
    assert ai is not None and list(ai.fields) == ["headline", "teaser", "seo_description", "social"]

    card = "\n".join(iter_texts(_first_card(flow)))
    for label in ("*Headline:*", "*Teaser:*", "*SEO description:*", "*Social post:*"):
        assert label in card
    assert ai.fields["teaser"][:40] in card

    flow.click(ids.ACTION_EDIT, draft, user=EDITOR)
    modal = wait_for(flow.slack.views, message="the edit modal")[-1]
    inputs = {
        b["block_id"]: b["element"]
        for b in modal["blocks"]
        if b.get("block_id", "").startswith(ids.BLOCK_EDIT_FIELD_PREFIX)
    }
    assert {k: v["max_length"] for k, v in inputs.items()} == {
        "edit_field_headline": 70,
        "edit_field_teaser": 300,
        "edit_field_seo_description": 160,
        "edit_field_social": 280,
    }
    assert inputs["edit_field_headline"]["initial_value"] == ai.fields["headline"]

    bullets = "\n".join(ai.bullets)
    too_long = flow.submit(
        modal,
        {
            ids.BLOCK_EDIT_BULLETS: {ids.INPUT_EDIT_BULLETS: bullets},
            "edit_field_headline": {ids.INPUT_EDIT_FIELD: "x" * 71},
        },
    )
    assert too_long.json() == {
        "response_action": "errors",
        "errors": {"edit_field_headline": "That is 71 characters; this field allows at most 70."},
    }
    headline = "Millbrook votes 14 to 5 for a $48.5 million library"
    saved = flow.submit(
        modal,
        {
            ids.BLOCK_EDIT_BULLETS: {ids.INPUT_EDIT_BULLETS: bullets},
            "edit_field_headline": {ids.INPUT_EDIT_FIELD: headline},
            "edit_field_teaser": {ids.INPUT_EDIT_FIELD: ai.fields["teaser"]},
            "edit_field_seo_description": {ids.INPUT_EDIT_FIELD: ai.fields["seo_description"]},
            "edit_field_social": {ids.INPUT_EDIT_FIELD: None},  # emptied: left out
        },
    )
    assert saved.status == 200
    wait_for(lambda: flow.draft(draft.id).current_revision == 2, message="the edit")
    edited = flow.store.get_revision(draft.id)
    assert edited is not None and edited.kind == "edit"
    assert dict(edited.fields) == {
        "headline": headline,
        "teaser": ai.fields["teaser"],
        "seo_description": ai.fields["seo_description"],
    }
    wait_for(
        lambda: headline in "\n".join(iter_texts(flow.bot_message(draft).blocks or [])),
        message="the edited headline on the card",
    )

    flow.click(ids.ACTION_APPROVE, draft, user=EDITOR)
    flow.wait_state(draft.id, "published")
    [body] = receiver.deliveries.values()
    summary = body["data"]["summary"]
    assert summary["headline"] == headline
    assert summary["teaser"] == ai.fields["teaser"]
    assert summary["seo_description"] == ai.fields["seo_description"]
    assert "social" not in summary
    assert body["data"]["provenance"]["human_edited"] is True
    assert body["data"]["article"] == {
        "url": flow.site.url("/credited"),
        "title": "Millbrook council approves new library",
        "language": "en",
        "published": "2026-03-10T09:00:00+00:00",
        "author": "Jane Reporter; Sam Writer",
        "site_name": "Millbrook Gazette",
    }


def test_regenerate_writes_the_fields_again(flow: Flow) -> None:
    draft = flow.ready_draft(f"New story {flow.site.url('/credited')}")
    flow.click(ids.ACTION_REGENERATE, draft, user=EDITOR)
    modal = wait_for(flow.slack.views, message="the regenerate modal")[-1]
    flow.submit(modal, {ids.BLOCK_REGENERATE_INSTRUCTION: {ids.INPUT_REGENERATE_INSTRUCTION: ""}})
    wait_for(lambda: flow.draft(draft.id).current_revision == 2, message="the new version")
    flow.wait_state(draft.id, "ready")
    second = flow.store.get_revision(draft.id, 2)
    assert second is not None and second.kind == "regenerate"
    assert list(second.fields) == ["headline", "teaser", "seo_description", "social"]
    assert len(flow.model.message_requests) == 2
