"""The loopback fake Slack Web API, driven by the real slack_sdk clients."""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot.slack import blocks as bk
from bot.slack.views import ArticleRef, DraftView
from tests.fakes.slack_api import FakeSlackAPI, iter_texts

TOKEN = "xoxb-test-token"


class Clock:
    """A hand-wound clock for trigger expiry."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI(token=TOKEN, clock=clock) as server:
        yield server


@pytest.fixture
def client(fake: FakeSlackAPI) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.base_url, retry_handlers=[])


def error_of(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(SlackApiError) as caught:
        call(*args, **kwargs)
    return str(caught.value.response["error"])


def draft(state: str = "ready") -> DraftView:
    return DraftView(
        draft_id="d-1",
        state=state,  # type: ignore[arg-type]
        article=ArticleRef(url="https://news.example/a", title="Titel"),
        heading="Zusammenfassung",
        bullets=("Eins.", "Zwei."),
        model="claude-haiku",
    )


def test_auth_test_and_token_checks(fake: FakeSlackAPI, client: WebClient) -> None:
    answer = client.auth_test()
    assert answer["user_id"] == fake.bot_user_id and answer["team_id"] == fake.team_id
    assert answer["bot_id"] == fake.bot_id and answer["url"] == "https://newsroom.slack.com/"
    wrong = WebClient(token="xoxb-wrong", base_url=fake.base_url)
    assert error_of(wrong.auth_test) == "invalid_auth"
    anonymous = WebClient(base_url=fake.base_url)
    assert error_of(anonymous.api_call, "auth.test") == "not_authed"
    assert error_of(client.api_call, "no.such.method") == "unknown_method"
    assert [c.token for c in fake.calls("auth.test")] == [TOKEN, "xoxb-wrong", None]


def test_post_message_stores_blocks_thread_and_unfurl_flags(
    fake: FakeSlackAPI, client: WebClient
) -> None:
    parent = fake.post_user_message("C1", "look https://news.example/a", "U0REPORTER")
    message = bk.draft_message(draft(), "en")
    answer = client.chat_postMessage(channel="C1", thread_ts=parent, **message, **bk.NO_UNFURL)
    assert answer["channel"] == "C1" and answer["message"]["thread_ts"] == parent
    assert answer["message"]["bot_id"] == fake.bot_id
    (stored,) = fake.thread("C1", parent)
    assert stored.ts == answer["ts"] and stored.blocks == message["blocks"]
    assert stored.text == message["text"]
    assert (stored.unfurl_links, stored.unfurl_media) == (False, False)
    assert fake.calls("chat.postMessage")[0].content_type.startswith("application/json")


def test_ts_increase_per_post_even_under_concurrency(fake: FakeSlackAPI, client: WebClient) -> None:
    results: list[str] = []
    lock = threading.Lock()

    def post(n: int) -> None:
        ts = client.chat_postMessage(channel="C1", text=f"m{n}")["ts"]
        with lock:
            results.append(ts)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 20
    stored = fake.messages("C1")
    assert [m.ts for m in stored] == sorted(results, key=float)
    assert sorted(m.text for m in stored) == sorted(f"m{n}" for n in range(20))


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing:UserWarning")
def test_post_message_refusals(fake: FakeSlackAPI, client: WebClient) -> None:
    assert error_of(client.chat_postMessage, channel="C1") == "no_text"
    header = {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}
    assert (
        error_of(client.chat_postMessage, channel="C1", text="x", blocks=[header])
        == "invalid_blocks"
    )
    big = [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3000}}] * 4
    assert (
        error_of(client.chat_postMessage, channel="C1", text="x", blocks=big)
        == "msg_blocks_too_long"
    )
    fake.add_channel("C1", "news")
    fake.add_channel("C2", "private", is_private=True, is_member=False)
    assert error_of(client.chat_postMessage, channel="C9", text="x") == "channel_not_found"
    assert error_of(client.chat_postMessage, channel="C2", text="x") == "not_in_channel"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert len(fake.messages()) == 1


def test_update_replaces_text_and_blocks_and_keeps_history(
    fake: FakeSlackAPI, client: WebClient
) -> None:
    placeholder = bk.progress_message(draft().article, "en")
    ts = client.chat_postMessage(channel="C1", **placeholder)["ts"]
    approved = bk.draft_message(draft("approved"), "en")
    answer = client.chat_update(channel="C1", ts=ts, **approved)
    assert answer["ts"] == ts and answer["text"] == approved["text"]
    stored = fake.message("C1", ts)
    assert stored.blocks == approved["blocks"]
    assert stored.history == [{"text": placeholder["text"], "blocks": placeholder["blocks"]}]
    assert (
        error_of(client.chat_update, channel="C1", ts="1.000001", text="x") == "message_not_found"
    )
    theirs = fake.post_user_message("C1", "hi", "U0REPORTER")
    assert error_of(client.chat_update, channel="C1", ts=theirs, text="x") == "cant_update_message"


def test_ephemeral_messages(fake: FakeSlackAPI, client: WebClient) -> None:
    preview = bk.summary_preview(draft(), "en")
    answer = client.chat_postEphemeral(channel="C1", user="U0REPORTER", **preview)
    (ephemeral,) = fake.ephemerals("U0REPORTER")
    assert ephemeral.message_ts == answer["message_ts"] and ephemeral.blocks == preview["blocks"]
    assert fake.messages() == []
    fake.add_user("U0EDITOR", "editor")
    assert (
        error_of(client.chat_postEphemeral, channel="C1", user="U0NOBODY", text="x")
        == "user_not_in_channel"
    )


def test_permalinks_for_messages_and_thread_replies(fake: FakeSlackAPI, client: WebClient) -> None:
    parent = fake.post_user_message("C1", "article", "U0REPORTER")
    reply = client.chat_postMessage(channel="C1", thread_ts=parent, text="draft")["ts"]
    top = client.chat_getPermalink(channel="C1", message_ts=parent)["permalink"]
    assert top == f"https://newsroom.slack.com/archives/C1/p{parent.replace('.', '')}"
    threaded = client.chat_getPermalink(channel="C1", message_ts=reply)["permalink"]
    assert threaded == (
        f"https://newsroom.slack.com/archives/C1/p{reply.replace('.', '')}"
        f"?thread_ts={parent}&cid=C1"
    )
    assert (
        error_of(client.chat_getPermalink, channel="C1", message_ts="9.000009")
        == "message_not_found"
    )


def test_reactions_are_tracked_per_message(fake: FakeSlackAPI, client: WebClient) -> None:
    ts = fake.post_user_message("C1", "link", "U0REPORTER")
    client.reactions_add(channel="C1", timestamp=ts, name="hourglass_flowing_sand")
    assert fake.reactions("C1", ts) == {"hourglass_flowing_sand"}
    assert (
        error_of(client.reactions_add, channel="C1", timestamp=ts, name="hourglass_flowing_sand")
        == "already_reacted"
    )
    client.reactions_remove(channel="C1", timestamp=ts, name="hourglass_flowing_sand")
    assert fake.reactions("C1", ts) == set()
    assert (
        error_of(client.reactions_remove, channel="C1", timestamp=ts, name="eyes") == "no_reaction"
    )
    assert (
        error_of(client.reactions_add, channel="C1", timestamp="1.1", name="eyes")
        == "message_not_found"
    )


def test_trigger_ids_are_single_use_and_expire(
    fake: FakeSlackAPI, client: WebClient, clock: Clock
) -> None:
    modal = bk.edit_modal(draft(), "en")
    trigger = fake.new_trigger_id()
    assert re.fullmatch(r"\d+\.\d+\.[0-9a-f]+", trigger)
    opened = client.views_open(trigger_id=trigger, view=modal)["view"]
    assert opened["id"].startswith("V") and opened["private_metadata"] == "d-1"
    assert opened["callback_id"] == modal["callback_id"] and opened["state"] == {"values": {}}
    assert error_of(client.views_open, trigger_id=trigger, view=modal) == "exchanged_trigger_id"
    assert error_of(client.views_open, trigger_id="1.2.nope", view=modal) == "invalid_trigger_id"
    late = fake.new_trigger_id()
    clock.now += 3.01  # the default lifetime is 3 s
    assert error_of(client.views_open, trigger_id=late, view=modal) == "expired_trigger_id"
    in_time = fake.new_trigger_id()
    clock.now += 2.9
    assert client.views_open(trigger_id=in_time, view=modal)["ok"]
    assert len(fake.views()) == 2


def test_views_open_refuses_invalid_views(fake: FakeSlackAPI, client: WebClient) -> None:
    modal = {**bk.reject_modal("d-1", "en"), "title": {"type": "plain_text", "text": "t" * 25}}
    with pytest.raises(SlackApiError) as caught:
        client.views_open(trigger_id=fake.new_trigger_id(), view=modal)
    assert caught.value.response["error"] == "invalid_arguments"
    assert "25 characters" in caught.value.response["response_metadata"]["messages"][0]


def test_views_update_and_push(fake: FakeSlackAPI, client: WebClient) -> None:
    opened = client.views_open(trigger_id=fake.new_trigger_id(), view=bk.edit_modal(draft(), "en"))[
        "view"
    ]
    updated = client.views_update(
        view_id=opened["id"], hash=opened["hash"], view=bk.reject_modal("d-1", "de")
    )
    assert (
        updated["view"]["id"] == opened["id"]
        and updated["view"]["callback_id"] == "draft_reject_modal"
    )
    stale = error_of(
        client.views_update,
        view_id=opened["id"],
        hash=opened["hash"],
        view=bk.reject_modal("d-1", "en"),
    )
    assert stale == "hash_conflict"
    assert (
        error_of(client.views_update, view_id="VNOPE", view=bk.reject_modal("d-1", "en"))
        == "not_found"
    )
    pushed = client.views_push(
        trigger_id=fake.new_trigger_id(), view=bk.regenerate_modal("d-1", "en")
    )
    assert pushed["view"]["root_view_id"] == opened["id"]
    assert pushed["view"]["previous_view_id"] == opened["id"]
    client.views_push(trigger_id=fake.new_trigger_id(), view=bk.regenerate_modal("d-1", "en"))
    third = error_of(
        client.views_push, trigger_id=fake.new_trigger_id(), view=bk.regenerate_modal("d-1", "en")
    )
    assert third == "push_limit_reached"


def test_views_publish_keeps_each_users_home(fake: FakeSlackAPI, client: WebClient) -> None:
    from bot.slack.views import HomeView

    home = bk.home_view(HomeView(is_editor=False), "de")
    client.views_publish(user_id="U0REPORTER", view=home)
    stored = fake.home("U0REPORTER")
    assert stored is not None and stored["blocks"] == home["blocks"]
    assert "So nutzen Sie den Bot" in "".join(iter_texts(stored["blocks"]))
    assert fake.home("U0EDITOR") is None
    modal = bk.reject_modal("d-1", "en")
    assert error_of(client.views_publish, user_id="U0REPORTER", view=modal) == "invalid_arguments"


def test_usergroups_users_and_channels(fake: FakeSlackAPI, client: WebClient) -> None:
    fake.set_usergroup("S0EDITORS", ["U0EDITOR", "U0CHIEF"])
    assert client.usergroups_users_list(usergroup="S0EDITORS")["users"] == ["U0EDITOR", "U0CHIEF"]
    assert error_of(client.usergroups_users_list, usergroup="S0OTHER") == "no_such_subteam"
    fake.usergroups_error = "plan_upgrade_required"
    assert error_of(client.usergroups_users_list, usergroup="S0EDITORS") == "plan_upgrade_required"
    fake.add_user("U0EDITOR", "erika", real_name="Erika Muster")
    user = client.users_info(user="U0EDITOR")["user"]
    assert user["real_name"] == "Erika Muster" and user["profile"]["display_name"] == "erika"
    assert error_of(client.users_info, user="U0NOBODY") == "user_not_found"
    fake.add_channel("C1", "politik")
    assert client.conversations_info(channel="C1")["channel"]["name"] == "politik"
    assert error_of(client.conversations_info, channel="C9") == "channel_not_found"


def test_scripted_errors_hit_the_next_calls_only(fake: FakeSlackAPI, client: WebClient) -> None:
    fake.fail("chat.postMessage", "fatal_error", times=2)
    assert error_of(client.chat_postMessage, channel="C1", text="x") == "fatal_error"
    assert error_of(client.chat_postMessage, channel="C1", text="x") == "fatal_error"
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert [c.response["ok"] for c in fake.calls("chat.postMessage")] == [False, False, True]


def test_429_without_a_retry_handler_surfaces_retry_after(
    fake: FakeSlackAPI, client: WebClient
) -> None:
    fake.rate_limit("chat.update", retry_after=30)
    with pytest.raises(SlackApiError) as caught:
        client.chat_update(channel="C1", ts="1.1", text="x")
    assert caught.value.response.status_code == 429
    assert caught.value.response.headers["Retry-After"] == "30"
    assert caught.value.response["error"] == "ratelimited"


def test_rate_limit_retry_handler_waits_as_told_then_succeeds(
    fake: FakeSlackAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []
    # record the waits instead of sleeping
    monkeypatch.setattr("slack_sdk.http_retry.builtin_handlers.time.sleep", waits.append)
    client = WebClient(
        token=TOKEN,
        base_url=fake.base_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    fake.rate_limit("chat.postMessage", times=2, retry_after=7)
    answer = client.chat_postMessage(channel="C1", text="hello")
    assert answer["ok"]
    assert [c.status for c in fake.calls("chat.postMessage")] == [429, 429, 200]
    assert len(waits) == 2 and all(7 <= w < 8 for w in waits)  # Retry-After plus jitter below 1 s
    assert len(fake.messages("C1")) == 1


def test_enforced_tiers_answer_429_like_slack_until_the_window_has_room(
    fake: FakeSlackAPI, client: WebClient, clock: Clock
) -> None:
    fake.enforce_tiers(scale=10)  # Tier 3: 50 calls in any 6 s
    ts = client.chat_postMessage(channel="C1", text="card")["ts"]
    for _ in range(50):
        client.chat_update(channel="C1", ts=ts, text="x")
    with pytest.raises(SlackApiError) as caught:
        client.chat_update(channel="C1", ts=ts, text="over")
    answer = caught.value.response
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "6"
    assert answer.data == {"ok": False, "error": "ratelimited"}
    assert fake.message("C1", ts).text == "x"  # a refused call changes nothing
    # Other methods have their own budget; reactions.remove is Tier 2 (20).
    for _ in range(20):
        client.reactions_add(channel="C1", timestamp=ts, name="eyes")
        client.reactions_remove(channel="C1", timestamp=ts, name="eyes")
    assert error_of(client.reactions_remove, channel="C1", timestamp=ts, name="x") == "ratelimited"
    clock.now += 3.5
    with pytest.raises(SlackApiError) as again:
        client.chat_update(channel="C1", ts=ts, text="still over")
    assert again.value.response.headers["Retry-After"] == "3"
    clock.now += 2.6
    assert client.chat_update(channel="C1", ts=ts, text="after the window")["ok"]


def test_enforced_post_limit_is_per_channel(fake: FakeSlackAPI, client: WebClient) -> None:
    fake.add_channel("C1", "one")
    fake.add_channel("C2", "two")
    fake.enforce_tiers()
    for _ in range(5):
        client.chat_postMessage(channel="C1", text="x")
    assert error_of(client.chat_postMessage, channel="C1", text="x") == "ratelimited"
    assert client.chat_postMessage(channel="C2", text="x")["ok"]
    fake.stop_enforcing_tiers()
    assert client.chat_postMessage(channel="C1", text="x")["ok"]


def test_form_encoded_calls_and_token_in_the_body(fake: FakeSlackAPI) -> None:
    blocks = bk.draft_message(draft(), "en")["blocks"]
    body = urllib.parse.urlencode(
        {
            "token": TOKEN,
            "channel": "C1",
            "text": "x",
            "blocks": json.dumps(blocks),
            "unfurl_links": "false",
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310 - loopback fake
        fake.base_url + "chat.postMessage", data=body, method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - loopback fake
        assert json.loads(answer.read())["ok"] is True
    (stored,) = fake.messages("C1")
    assert stored.blocks == blocks and stored.unfurl_links is False


def test_response_url_records_payloads(fake: FakeSlackAPI) -> None:
    url = fake.new_response_url()
    preview = bk.summary_preview(draft(), "en")
    answer = WebhookClient(url).send(
        text=preview["text"], blocks=preview["blocks"], response_type="ephemeral"
    )
    assert answer.status_code == 200
    (payload,) = fake.responses(url)
    assert payload["response_type"] == "ephemeral" and payload["blocks"] == preview["blocks"]
    assert WebhookClient(fake.root_url + "response/unknown").send(text="x").status_code == 404
    assert fake.responses() == [payload]
