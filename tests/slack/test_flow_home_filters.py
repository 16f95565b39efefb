"""App Home filters end to end: a signed ``block_actions`` from the Home tab's select makes the
real Bolt app re-publish the tab (``views.publish``) with the chosen queue, and reopening Home
keeps it (the view's ``private_metadata`` comes back with ``app_home_opened``)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.slack import ids
from tests.fakes import slack_signing as signing
from tests.fakes.slack_api import iter_texts
from tests.fakes.webhook_receiver import Respond, WebhookReceiver
from tests.slack.conftest import (
    ARTICLE_HTML,
    CHANNEL,
    EDITOR,
    EDITOR2,
    SECRET,
    Flow,
    wait_for,
)

WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"flow-home-filters-secret-32bytes").decode()
OTHER = "C0OTHER"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    with WebhookReceiver(WEBHOOK_SECRET, default=Respond(201, b"{}")) as running:
        yield running


@pytest.fixture
def flow(flow_factory: Callable[..., Flow], receiver: WebhookReceiver) -> Flow:
    started = flow_factory(
        publish_webhook_url=receiver.url,
        publish_webhook_secret=WEBHOOK_SECRET,
        publish_poll_s=0.1,
        work_auto_retries=0,
    )
    # The desks helper provides this in production; here EDITOR edits the desk of CHANNEL.
    started.services.desk_channels = lambda user: frozenset({CHANNEL}) if user == EDITOR else None
    return started


def _texts(view: dict[str, Any]) -> str:
    return "\n".join(iter_texts(view["blocks"]))


def _select(view: dict[str, Any]) -> dict[str, Any]:
    [block] = [b for b in view["blocks"] if b.get("block_id") == ids.ACTION_HOME_FILTER]
    accessory: dict[str, Any] = block["accessory"]
    return accessory


def _choose(flow: Flow, user: str, queue: str) -> dict[str, Any]:
    """The editor picks ``queue`` in the Home tab's select; the re-published view."""
    before = len(flow.slack.calls("views.publish"))
    current = wait_for(lambda: flow.slack.home(user), message="a published home")
    payload = signing.home_select_payload(
        action_id=ids.ACTION_HOME_FILTER,
        selected=queue,
        view=current,
        trigger_id=flow.slack.new_trigger_id(),
        user_id=user,
    )
    response = flow.send(signing.interactivity_request(payload, SECRET))
    assert response.status == 200
    calls = wait_for(
        lambda: c if len(c := flow.slack.calls("views.publish")) > before else None,
        message="views.publish",
    )
    call = calls[-1]
    assert call.args["user_id"] == user and call.response.get("ok") is True
    view = flow.slack.home(user)
    assert view is not None
    return view


def _open_home(flow: Flow, user: str) -> dict[str, Any]:
    before = len(flow.slack.calls("views.publish"))
    flow.send_event(signing.app_home_opened_event(user=user, view=flow.slack.home(user)))
    wait_for(lambda: len(flow.slack.calls("views.publish")) > before, message="views.publish")
    view = flow.slack.home(user)
    assert view is not None
    return view


def test_home_filters_republish_the_chosen_queue_and_reopening_keeps_it(flow: Flow) -> None:
    # A draft waiting in the desk's channel, asked for by the reporter…
    waiting_here = flow.ready_draft(f"Desk story {flow.site.url('/story')}")
    # …one waiting in another channel…
    flow.site.add("/elsewhere", ARTICLE_HTML)
    ts, _ = flow.post_message(f"Other desk {flow.site.url('/elsewhere')}", channel=OTHER)
    [elsewhere] = flow.drafts(ts, OTHER)
    flow.wait_state(elsewhere.id, "ready")
    # …one that failed (404), and one EDITOR approved and the CMS took (published today).
    failed_ts, _ = flow.post_message(f"Gone {flow.site.url('/gone')}")
    [failed] = flow.drafts(failed_ts)
    flow.wait_state(failed.id, "failed")
    flow.site.add("/approved", ARTICLE_HTML)
    published = flow.ready_draft(f"Approve me {flow.site.url('/approved')}")
    flow.click(ids.ACTION_APPROVE, published, user=EDITOR)
    flow.wait_state(published.id, "published")

    home = _open_home(flow, EDITOR)
    assert home["private_metadata"] == "waiting"
    select = _select(home)
    assert [o["value"] for o in select["options"]] == [
        "waiting",
        "mine",
        "desk",
        "failed",
        "published_today",
    ]
    assert select["initial_option"]["value"] == "waiting"
    assert "*Waiting for review* (2)" in _texts(home)

    desk = _choose(flow, EDITOR, "desk")
    assert desk["private_metadata"] == "desk"
    assert _select(desk)["initial_option"]["value"] == "desk"
    text = _texts(desk)
    assert "*My desk* (1)" in text
    assert flow.site.url("/story") in text and flow.site.url("/elsewhere") not in text

    failed_view = _choose(flow, EDITOR, "failed")
    text = _texts(failed_view)
    assert "*Failed* (1)" in text and flow.site.url("/gone") in text and "· failed ·" in text

    today = _choose(flow, EDITOR, "published_today")
    text = _texts(today)
    assert "*Published today (UTC)* (1)" in text and flow.site.url("/approved") in text
    assert "· published ·" in text

    mine = _choose(flow, EDITOR, "mine")
    text = _texts(mine)
    assert "*Mine* (1)" in text and flow.site.url("/approved") in text  # approved by EDITOR
    assert flow.site.url("/story") not in text.split("Recently approved")[0]

    # Reopening Home keeps the last choice: Slack sends the published view back.
    reopened = _open_home(flow, EDITOR)
    assert reopened["private_metadata"] == "mine"
    assert "*Mine* (1)" in _texts(reopened)
    assert waiting_here.id  # (the desk draft stays in the review queue)


def test_desk_is_not_offered_without_desks_and_falls_back_to_waiting(flow: Flow) -> None:
    flow.ready_draft()
    home = _open_home(flow, EDITOR2)  # desk_channels(EDITOR2) is None
    assert "desk" not in [o["value"] for o in _select(home)["options"]]
    forced = _choose(flow, EDITOR2, "desk")  # a stale or forged choice
    assert forced["private_metadata"] == "waiting"
    assert "*Waiting for review* (1)" in _texts(forced)
    unknown = _choose(flow, EDITOR2, "everything")
    assert unknown["private_metadata"] == "waiting"
