"""Desks end to end: one desks file with two desks drives two channels to two webhooks, each
with its own editors, house style (style file, bullets, heading) and output fields, through the
real Bolt app with signed requests against the loopback fakes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.slack import ids
from bot.store import Draft
from tests.fakes.slack_api import iter_texts
from tests.fakes.webhook_receiver import Respond, WebhookReceiver
from tests.slack.conftest import CHANNEL, EDITOR, EDITOR2, Flow, wait_for

OTHER = "C0OTHER"
POLITIK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPORT_SECRET = "whsec_c3BvcnQtc2VjcmV0LXNwb3J0LXNlY3JldA=="
POLITIK_STYLE = "Nenne bei Beschlüssen immer das Stimmenverhältnis."
SPORT_STYLE = "Always open with the final score."
POLITIK_DISCLAIMER = "KI-Text, von der Politikredaktion geprüft."
NOT_EDITOR = "Only editors can approve or reject drafts."


@pytest.fixture
def receivers() -> Iterator[tuple[WebhookReceiver, WebhookReceiver]]:
    with (
        WebhookReceiver(POLITIK_SECRET, default=Respond(201, b"{}"), path="/politik") as politik,
        WebhookReceiver(SPORT_SECRET, default=Respond(200, b"{}"), path="/sport") as sport,
    ):
        yield politik, sport


@pytest.fixture
def flow(
    flow_factory: Callable[..., Flow],
    receivers: tuple[WebhookReceiver, WebhookReceiver],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Flow:
    politik, sport = receivers
    styles = tmp_path / "styles"
    styles.mkdir()
    (styles / "politik.md").write_text(POLITIK_STYLE, encoding="utf-8")
    (styles / "sport.md").write_text(SPORT_STYLE, encoding="utf-8")
    desks = tmp_path / "desks.toml"
    desks.write_text(
        f"""
[desks.politik]
channels = ["{CHANNEL}"]
style = "styles/politik.md"
bullets = 2
words_per_bullet = 40
heading = "Das Wichtigste"
disclaimer = "{POLITIK_DISCLAIMER}"
editors = ["{EDITOR}"]
webhook_url = "{politik.url}"
webhook_secret_env = "POLITIK_WEBHOOK_SECRET"
[desks.politik.fields]
headline = 70

[desks.sport]
channels = ["{OTHER}"]
language = "article"
style = "styles/sport.md"
bullets = 3
editors = ["{EDITOR2}"]
webhook_url = "{sport.url}"
webhook_secret_env = "SPORT_WEBHOOK_SECRET"
[desks.sport.fields]
teaser = 300
social = 280
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("POLITIK_WEBHOOK_SECRET", POLITIK_SECRET)
    monkeypatch.setenv("SPORT_WEBHOOK_SECRET", SPORT_SECRET)
    # Global editors are EDITOR and EDITOR2 (conftest); no global webhook.
    running = flow_factory(desks_file=str(desks), publish_poll_s=0.1)
    running.model.follow_task_bullets = True
    return running


def _ready(flow: Flow, channel: str) -> Draft:
    ts, _ = flow.post_message(f"New story {flow.site.url('/story')}", channel=channel)
    [draft] = flow.drafts(ts, channel)
    flow.wait_state(draft.id, "ready")
    wait_for(
        lambda: flow.button_value(flow.draft(draft.id), ids.ACTION_APPROVE),
        message="the draft card's buttons",
    )
    return flow.draft(draft.id)


def test_two_desks_route_two_channels_to_two_webhooks_with_their_own_editors_and_style(
    flow: Flow, receivers: tuple[WebhookReceiver, WebhookReceiver]
) -> None:
    politik_hook, sport_hook = receivers
    politik = _ready(flow, CHANNEL)
    sport = _ready(flow, OTHER)
    assert (politik.desk, sport.desk) == ("politik", "sport")

    # Each model call carried its desk's style file, bullet count and fields.
    by_style = {
        "politik": [r for r in flow.model.message_requests if POLITIK_STYLE in r.system_text],
        "sport": [r for r in flow.model.message_requests if SPORT_STYLE in r.system_text],
    }
    [politik_request] = by_style["politik"]
    [sport_request] = by_style["sport"]
    assert SPORT_STYLE not in politik_request.system_text
    assert "- Bullets: 2," in politik_request.user_text
    assert "- Bullets: 3," in sport_request.user_text
    assert '"headline"' in politik_request.user_text and '"teaser"' not in politik_request.user_text
    assert '"teaser"' in sport_request.user_text and '"social"' in sport_request.user_text

    politik_ai = flow.store.get_revision(politik.id)
    sport_ai = flow.store.get_revision(sport.id)
    assert politik_ai is not None and sport_ai is not None
    assert len(politik_ai.bullets) == 2 and len(sport_ai.bullets) == 3
    assert list(politik_ai.fields) == ["headline"]
    assert list(sport_ai.fields) == ["teaser", "social"]
    assert politik_ai.prompt_version and "+desk-" in politik_ai.prompt_version
    assert politik_ai.prompt_version != sport_ai.prompt_version

    # The card shows the desk's heading and disclaimer; the other desk's card the global ones.
    politik_card = "\n".join(iter_texts(flow.bot_message(politik).blocks or []))
    sport_card = "\n".join(iter_texts(flow.bot_message(sport).blocks or []))
    assert "Das Wichtigste" in politik_card and POLITIK_DISCLAIMER in politik_card
    assert "Das Wichtigste" not in sport_card and POLITIK_DISCLAIMER not in sport_card

    # Each desk's editors, and only they, approve its drafts (both are global editors).
    flow.click(ids.ACTION_APPROVE, politik, user=EDITOR2)
    assert wait_for(flow.answers, message="the refusal") == [NOT_EDITOR]
    flow.click(ids.ACTION_APPROVE, sport, user=EDITOR)
    assert wait_for(flow.answers, message="the refusal") == [NOT_EDITOR]
    assert flow.draft(politik.id).state == flow.draft(sport.id).state == "ready"

    # The Edit modal has one input per field of the draft's desk, limited as the desk says.
    flow.click(ids.ACTION_EDIT, politik, user=EDITOR)
    modal = flow.last_modal()
    inputs = {
        b["block_id"]: b["element"]["max_length"]
        for b in modal["blocks"]
        if b.get("block_id", "").startswith(ids.BLOCK_EDIT_FIELD_PREFIX)
    }
    assert inputs == {"edit_field_headline": 70}
    bullets = "\n".join(politik_ai.bullets)
    too_long = flow.submit(
        modal,
        {
            ids.BLOCK_EDIT_BULLETS: {ids.INPUT_EDIT_BULLETS: bullets},
            "edit_field_headline": {ids.INPUT_EDIT_FIELD: "x" * 71},
        },
    )
    assert too_long.json()["errors"] == {
        "edit_field_headline": "That is 71 characters; this field allows at most 70."
    }
    headline = "Millbrook stimmt für die Bibliothek"
    saved = flow.submit(
        modal,
        {
            ids.BLOCK_EDIT_BULLETS: {ids.INPUT_EDIT_BULLETS: bullets},
            "edit_field_headline": {ids.INPUT_EDIT_FIELD: headline},
        },
    )
    assert saved.status == 200
    wait_for(lambda: flow.draft(politik.id).current_revision == 2, message="the edit")
    wait_for(
        lambda: headline in "\n".join(iter_texts(flow.bot_message(politik).blocks or [])),
        message="the edited headline on the card",
    )

    flow.click(ids.ACTION_APPROVE, politik, user=EDITOR)
    flow.click(ids.ACTION_APPROVE, sport, user=EDITOR2)
    flow.wait_state(politik.id, "published")
    flow.wait_state(sport.id, "published")

    # Each webhook received its desk's draft only, signed with its desk's secret (the
    # receivers accept only a valid signature), with its desk's heading and fields.
    [politik_body] = politik_hook.deliveries.values()
    [sport_body] = sport_hook.deliveries.values()
    assert politik_body["data"]["summary_id"] == politik.id
    assert sport_body["data"]["summary_id"] == sport.id
    assert politik_body["data"]["summary"]["heading"] == "Das Wichtigste"
    assert politik_body["data"]["summary"]["disclaimer"] == POLITIK_DISCLAIMER
    assert sport_body["data"]["summary"]["disclaimer"] != POLITIK_DISCLAIMER
    assert politik_body["data"]["summary"]["headline"] == headline
    assert "teaser" not in politik_body["data"]["summary"]
    assert sport_body["data"]["summary"]["teaser"] == sport_ai.fields["teaser"]
    assert len(politik_body["data"]["summary"]["bullets"]) == 2
    assert all(r.verified for r in politik_hook.requests + sport_hook.requests)
