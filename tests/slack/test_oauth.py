"""OAuth mode end to end: workspaces install the app through Bolt's OAuth flow on ``newsbot
serve``'s HTTP edge against the loopback Slack fake, links posted in each are handled with that
workspace's own bot token, and ``app_uninstalled`` stops one workspace's work.

Issue 14's "Done when": two workspaces installed through ``GET /slack/install`` → Slack's
consent (the fake's :meth:`grant`) → ``GET /slack/oauth_redirect?code&state`` with the state
cookie; a signed ``message`` event per workspace; every Slack call of a draft carries its
workspace's token; after ``app_uninstalled`` a queued and a running draft of that workspace
never reach Slack again, and the other workspace still works.
"""

from __future__ import annotations

import itertools
import re
import threading
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.error import HTTPError
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.settings import MANIFEST_BOT_SCOPES
from bot.slack import ids
from bot.slack.retry import SlackRetryHandler
from bot.store import Draft
from tests.fakes import slack_signing as signing
from tests.fakes.news_site import NewsSiteRequestHandler
from tests.fakes.slack_api import FakeSlackAPI
from tests.slack.conftest import ARTICLE_HTML, REPORTER, SECRET, Flow, wait_for

OAUTH: dict[str, Any] = {
    "slack_bot_token": None,
    "slack_client_id": FakeSlackAPI.client_id,
    "slack_client_secret": FakeSlackAPI.client_secret,
}
COOKIE = "slack-app-oauth-state"
_event_ids = itertools.count(1)


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    body: str


def get(url: str, *, cookie: str | None = None) -> Page:
    request = urllib.request.Request(url, method="GET")  # noqa: S310 - a loopback URL
    if cookie:
        request.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - loopback
            return Page(answer.status, dict(answer.headers.items()), answer.read().decode())
    except HTTPError as error:
        return Page(error.code, dict(error.headers.items()), error.read().decode())


def base_url(flow: Flow) -> str:
    return flow.url.removesuffix("/slack/events")


def install(flow: Flow, team_id: str | None, **grant: Any) -> Page:
    """A person opens /slack/install, clicks "Add to Slack", allows it, and Slack redirects
    their browser back with ``code`` and ``state`` (and the cookie the install page set)."""
    page = get(base_url(flow) + "/slack/install")
    assert page.status == 200
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    name, _, state = cookie.partition("=")
    assert name == COOKIE and state
    found = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page.body)
    assert found is not None
    link = unescape(found[1])
    query = parse_qs(urlsplit(link).query)
    assert query["state"] == [state]
    assert query["client_id"] == [FakeSlackAPI.client_id]
    assert query["scope"][0].split(",") == list(MANIFEST_BOT_SCOPES)
    code = flow.slack.grant(team_id, **grant)
    return get(base_url(flow) + f"/slack/oauth_redirect?code={code}&state={state}", cookie=cookie)


def post_link(
    flow: Flow,
    team_id: str,
    channel: str,
    path: str = "/story",
    *,
    enterprise_id: str | None = None,
    org_wide: bool = False,
) -> str:
    """A reporter of ``team_id`` posts a link in ``channel``: the signed event; its ts."""
    text = f"New story {flow.site.url(path)}"
    ts = flow.slack.post_user_message(channel, text, REPORTER)
    event = signing.message_event(channel=channel, ts=ts, text=text, user=REPORTER)
    event["team"] = team_id
    response = flow.send(
        signing.event_request(
            event,
            SECRET,
            event_id=f"EvOAuth{next(_event_ids):06d}",
            team_id=team_id,
            enterprise_id=enterprise_id,
            is_enterprise_install=org_wide,
        )
    )
    assert response.status == 200
    return ts


def send_event(
    flow: Flow,
    team_id: str,
    event: dict[str, Any],
    *,
    enterprise_id: str | None = None,
    org_wide: bool = False,
) -> None:
    response = flow.send(
        signing.event_request(
            event,
            SECRET,
            event_id=f"EvOAuth{next(_event_ids):06d}",
            team_id=team_id,
            enterprise_id=enterprise_id,
            is_enterprise_install=org_wide,
        )
    )
    assert response.status == 200


def ready(flow: Flow, team_id: str, channel: str, ts: str) -> Draft:
    [draft] = wait_for(
        lambda: flow.store.drafts_for_message(team_id, channel, ts), message="the draft"
    )
    flow.wait_state(draft.id, "ready")
    return wait_for(lambda: d if (d := flow.draft(draft.id)).bot_message_ts else None)


def calls_in(flow: Flow, channel: str) -> list[tuple[str, str | None]]:
    """(method, token) of every call the fake saw about ``channel``."""
    return [(c.method, c.token) for c in flow.slack.calls() if c.args.get("channel") == channel]


class Gate:
    """A news page that answers only once released (a draft held in ``working``)."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self.entered = threading.Event()

    def __call__(self, request: NewsSiteRequestHandler) -> None:
        self.entered.set()
        self.opened.wait(15)
        request.send_body(200, ARTICLE_HTML.encode(), content_type="text/html; charset=utf-8")


@pytest.fixture
def oauth_flow(flow_factory: Callable[..., Flow]) -> Iterator[Flow]:
    flow = flow_factory(worker_threads=1, **OAUTH)
    for channel in ("C0ALPHA", "C0BETA"):
        flow.slack.add_channel(channel, channel.lower())
    yield flow


def test_two_workspaces_install_each_uses_its_token_and_an_uninstall_stops_its_work(
    oauth_flow: Flow,
) -> None:
    flow = oauth_flow
    assert install(flow, "T0ALPHA", team="Alpha Daily").status == 200
    assert install(flow, "T0BETA", team="Beta Post").status == 200
    alpha, beta = flow.slack.bot_token("T0ALPHA"), flow.slack.bot_token("T0BETA")
    assert alpha != beta
    assert flow.store.installed_workspaces() == 2
    # Each workspace's client keeps the one retry layer.
    client = flow.services.clients.for_team("T0BETA")
    assert client.token == beta
    assert [type(h) for h in client.retry_handlers] == [SlackRetryHandler]

    # A link in each workspace: every call about it carries that workspace's token.
    ts_alpha = post_link(flow, "T0ALPHA", "C0ALPHA")
    ts_beta = post_link(flow, "T0BETA", "C0BETA")
    card_alpha = ready(flow, "T0ALPHA", "C0ALPHA", ts_alpha)
    card_beta = ready(flow, "T0BETA", "C0BETA", ts_beta)
    assert card_alpha.team_id == "T0ALPHA" and card_beta.team_id == "T0BETA"
    flow.wait_idle()
    assert flow.slack.thread("C0ALPHA", ts_alpha) and flow.slack.thread("C0BETA", ts_beta)
    assert {token for _, token in calls_in(flow, "C0ALPHA")} == {alpha}
    assert {token for _, token in calls_in(flow, "C0BETA")} == {beta}
    posts = flow.slack.tokens_used("chat.postMessage")
    assert posts[alpha] >= 1 and posts[beta] >= 1 and set(posts) == {alpha, beta}
    # One auth.test per install (Bolt asks the new token for its bot id), none per request:
    # requests are authorized from the database (cached), not with a Slack round trip.
    assert len(flow.slack.calls("auth.test")) == 2

    # Alpha: one draft held in `working` (its page hangs), one queued behind it (one worker).
    gate = Gate()
    flow.site.handle("/slow", gate)
    flow.site.add("/later", ARTICLE_HTML)
    slow_ts = post_link(flow, "T0ALPHA", "C0ALPHA", "/slow")
    assert gate.entered.wait(10)
    later_ts = post_link(flow, "T0ALPHA", "C0ALPHA", "/later")
    [working] = flow.store.drafts_for_message("T0ALPHA", "C0ALPHA", slow_ts)
    [queued] = flow.store.drafts_for_message("T0ALPHA", "C0ALPHA", later_ts)
    assert flow.draft(working.id).state == "working" and queued.state == "queued"

    # The admin removes the app from Alpha: Slack revokes its token and sends app_uninstalled.
    flow.slack.uninstall("T0ALPHA")
    send_event(flow, "T0ALPHA", {"type": "app_uninstalled", "event_ts": "1.0"})
    wait_for(lambda: flow.draft(queued.id).state == "failed", message="the queued draft stopped")
    seen_before_release = len(calls_in(flow, "C0ALPHA"))
    gate.opened.set()  # the running draft's worker goes on (fetch, model, card)…

    # Beta still works, with its own token; its draft waits for the one worker, so once it is
    # ready the stopped Alpha draft's worker has finished.
    ts_beta2 = post_link(flow, "T0BETA", "C0BETA", "/later")
    ready(flow, "T0BETA", "C0BETA", ts_beta2)
    flow.wait_idle()
    assert {token for _, token in calls_in(flow, "C0BETA")} == {beta}
    # Two first drafts, the slow one (summarized, never shown), Beta's second.
    assert len(flow.model.message_requests) == 4

    for draft in (working, queued):
        stopped = flow.draft(draft.id)
        assert stopped.state == "failed"
        assert stopped.last_error_code == "workspace_removed"
        assert stopped.last_error_retryable is False
    # …but nothing more reaches Alpha's channel: no card, no update, no reaction.
    assert len(calls_in(flow, "C0ALPHA")) == seen_before_release
    assert flow.slack.thread("C0ALPHA", later_ts) == []
    installations = flow.services.clients.installations
    assert installations is not None
    assert installations.find_bot(enterprise_id=None, team_id="T0ALPHA") is None

    # A link posted in Alpha after the uninstall: Bolt finds no installation, nothing is done.
    gone_ts = post_link(flow, "T0ALPHA", "C0ALPHA", "/later")
    assert flow.store.drafts_for_message("T0ALPHA", "C0ALPHA", gone_ts) == []


def test_a_rotating_token_is_refreshed_before_use_and_saved(
    flow_factory: Callable[..., Flow],
) -> None:
    """Token rotation on: the install's token expires within SLACK_TOKEN_ROTATION_MINUTES, so
    the first use refreshes it (``grant_type=refresh_token``) and saves the new one."""
    flow = flow_factory(slack_token_rotation_minutes=5, **OAUTH)
    flow.slack.add_channel("C0ALPHA", "alpha")
    assert install(flow, "T0ALPHA", rotating=True, expires_in=120).status == 200
    first = flow.slack.bot_token("T0ALPHA")
    assert first.startswith("xoxe.xoxb-")

    ts = post_link(flow, "T0ALPHA", "C0ALPHA")
    ready(flow, "T0ALPHA", "C0ALPHA", ts)
    flow.wait_idle()

    refreshed = flow.slack.bot_token("T0ALPHA")
    assert refreshed != first and flow.slack.refreshes == 1
    assert {token for _, token in calls_in(flow, "C0ALPHA")} == {refreshed}
    grants = [c.args.get("grant_type") for c in flow.slack.calls("oauth.v2.access")]
    assert grants == [None, "refresh_token"]  # the install's code, then one refresh
    assert flow.services.clients.installations is not None
    bot = flow.services.clients.installations.find_bot(enterprise_id=None, team_id="T0ALPHA")
    assert bot is not None and bot.bot_token == refreshed and bot.bot_refresh_token


def test_an_org_wide_install_serves_every_workspace_of_the_organization(
    flow_factory: Callable[..., Flow],
) -> None:
    """Enterprise Grid: the org admin installs once for the organization (no team); a link in
    any of its workspaces uses the organization's token; uninstalling it stops them all."""
    flow = flow_factory(**OAUTH)
    flow.slack.add_channel("C0GRID1", "grid-one")
    flow.slack.add_channel("C0GRID2", "grid-two")
    assert install(flow, None, enterprise_id="E0GRID", org_wide=True).status == 200
    org_token = flow.slack.bot_token(None, enterprise_id="E0GRID")
    assert flow.services.clients.installations is not None
    found = flow.services.clients.installations.find_bot(
        enterprise_id="E0GRID", team_id=None, is_enterprise_install=True
    )
    assert found is not None and found.is_enterprise_install and found.team_id is None

    for team, channel in (("T0GRID1", "C0GRID1"), ("T0GRID2", "C0GRID2")):
        ts = post_link(flow, team, channel, enterprise_id="E0GRID", org_wide=True)
        draft = ready(flow, team, channel, ts)
        assert draft.enterprise_id == "E0GRID"
    flow.wait_idle()
    assert {t for _, t in calls_in(flow, "C0GRID1") + calls_in(flow, "C0GRID2")} == {org_token}

    flow.slack.uninstall(None, enterprise_id="E0GRID")
    send_event(
        flow,
        "T0GRID1",
        {"type": "app_uninstalled", "event_ts": "1.0"},
        enterprise_id="E0GRID",
        org_wide=True,
    )
    wait_for(
        lambda: (
            flow.services.clients.installations is not None
            and flow.services.clients.installations.find_bot(
                enterprise_id="E0GRID", team_id=None, is_enterprise_install=True
            )
            is None
        ),
        message="the org install removed",
    )


def test_the_install_redirect_refuses_a_state_without_its_cookie_or_used_twice(
    oauth_flow: Flow,
) -> None:
    flow = oauth_flow
    page = get(base_url(flow) + "/slack/install")
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    state = cookie.partition("=")[2]
    code = flow.slack.grant("T0ALPHA")
    no_cookie = get(base_url(flow) + f"/slack/oauth_redirect?code={code}&state={state}")
    assert no_cookie.status == 400
    first = get(base_url(flow) + f"/slack/oauth_redirect?code={code}&state={state}", cookie=cookie)
    assert first.status == 200
    again = get(base_url(flow) + f"/slack/oauth_redirect?code={code}&state={state}", cookie=cookie)
    assert again.status != 200
    assert flow.services.clients.installations is not None
    assert flow.services.clients.installations.find_bot(enterprise_id=None, team_id="T0ALPHA")
    assert flow.slack.calls("oauth.v2.access")  # went to SLACK_API_URL, the fake
    assert get(base_url(flow) + "/slack/oauth_redirect?error=access_denied").status == 200


def test_tokens_revoked_removes_the_install_only_when_the_bot_token_went(
    oauth_flow: Flow,
) -> None:
    flow = oauth_flow
    assert install(flow, "T0ALPHA").status == 200
    installations = flow.services.clients.installations
    assert installations is not None
    # A user token revoked: the app holds none, nothing changes.
    send_event(flow, "T0ALPHA", {"type": "tokens_revoked", "tokens": {"oauth": ["U0ADMIN"]}})
    assert installations.find_bot(enterprise_id=None, team_id="T0ALPHA") is not None

    gate = Gate()
    flow.site.handle("/slow", gate)
    slow_ts = post_link(flow, "T0ALPHA", "C0ALPHA", "/slow")
    assert gate.entered.wait(10)
    [held] = flow.store.drafts_for_message("T0ALPHA", "C0ALPHA", slow_ts)
    flow.slack.uninstall("T0ALPHA")
    send_event(
        flow,
        "T0ALPHA",
        {"type": "tokens_revoked", "tokens": {"bot": ["U0BOT001"], "oauth": []}},
    )
    wait_for(lambda: flow.draft(held.id).last_error_code == "workspace_removed")
    assert installations.find_bot(enterprise_id=None, team_id="T0ALPHA") is None
    gate.opened.set()


def test_clicks_in_a_workspace_act_with_its_token_and_editors_are_per_workspace(
    flow_factory: Callable[..., Flow],
) -> None:
    """Approve from Alpha: the name lookup and the card update use Alpha's token; an editor
    named for Beta only (``T0BETA:U0EDITOR2``) is refused in Alpha; Edit opens its modal with
    the request's client (Alpha's token)."""
    flow = flow_factory(editor_user_ids=["T0ALPHA:U0EDITOR", "T0BETA:U0EDITOR2"], **OAUTH)
    flow.slack.add_channel("C0ALPHA", "alpha")
    assert install(flow, "T0ALPHA").status == 200
    assert install(flow, "T0BETA").status == 200
    alpha = flow.slack.bot_token("T0ALPHA")
    draft = ready(flow, "T0ALPHA", "C0ALPHA", post_link(flow, "T0ALPHA", "C0ALPHA"))
    flow.wait_idle()

    def click(action_id: str, user: str) -> None:
        current = flow.draft(draft.id)
        payload = signing.block_actions_payload(
            action_id=action_id,
            value=flow.button_value(current, action_id) or current.id,
            trigger_id=flow.slack.new_trigger_id(),
            user_id=user,
            user_name=user.lower(),
            channel_id="C0ALPHA",
            message_ts=current.bot_message_ts or "1.0",
            thread_ts=current.thread_ts,
            response_url=flow.slack.new_response_url(),
            team_id="T0ALPHA",
        )
        assert flow.send(signing.interactivity_request(payload, SECRET)).status == 200

    click(ids.ACTION_EDIT, "U0EDITOR")
    modal = flow.last_modal()
    assert modal["callback_id"] == ids.CALLBACK_EDIT
    assert flow.slack.tokens_used("views.open") == {alpha: 1}

    click(ids.ACTION_APPROVE, "U0EDITOR2")  # an editor in Beta only
    wait_for(flow.slack.responses, message="the refusal")
    assert flow.draft(draft.id).state == "ready"

    click(ids.ACTION_APPROVE, "U0EDITOR")
    approved = flow.wait_state(draft.id, "approved")
    assert approved.approved_by == "U0EDITOR"
    wait_for(lambda: flow.slack.calls("chat.update"), message="the card update")
    assert set(flow.slack.tokens_used("users.info")) == {alpha}
    assert set(flow.slack.tokens_used("chat.update")) == {alpha}
