"""The one retry layer of Slack calls, against the loopback fake Web API."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.settings import load_settings
from bot.slack.app import build_web_client
from bot.slack.retry import SlackRetryHandler
from tests.fakes.slack_api import FakeSlackAPI
from tests.slack.conftest import wait_for

TOKEN = "xoxb-test-token"
CHANNEL = "C0NEWS"


@pytest.fixture
def fake() -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI(token=TOKEN) as fake:
        fake.add_channel(CHANNEL, "news")
        yield fake


def _client(
    fake: FakeSlackAPI, waits: list[float], *, retries: int = 2, timeout: int = 10
) -> WebClient:
    handler = SlackRetryHandler(
        retries, backoff_s=0.5, max_backoff_s=2.0, sleep=waits.append, rng=random.Random(3)
    )
    return WebClient(token=TOKEN, base_url=fake.base_url, timeout=timeout, retry_handlers=[handler])


def _statuses(fake: FakeSlackAPI, method: str) -> list[int]:
    return [c.status for c in fake.calls(method)]


def test_a_500_is_retried_with_a_short_backoff(fake: FakeSlackAPI) -> None:
    waits: list[float] = []
    client = _client(fake, waits)
    ts = client.chat_postMessage(channel=CHANNEL, text="placeholder")["ts"]
    fake.fail("chat.update", "internal_error", times=2, status=500)
    client.chat_update(channel=CHANNEL, ts=ts, text="the draft")
    assert _statuses(fake, "chat.update") == [500, 500, 200]
    assert fake.message(CHANNEL, ts).text == "the draft"
    assert len(waits) == 2 and 0.25 <= waits[0] <= 0.5 and 0.5 <= waits[1] <= 1.0


def test_a_longer_outage_fails_after_the_few_attempts(fake: FakeSlackAPI) -> None:
    waits: list[float] = []
    client = _client(fake, waits)
    fake.outage("chat.postMessage", 60, status=503)
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel=CHANNEL, text="hello")
    assert raised.value.response.status_code == 503
    assert _statuses(fake, "chat.postMessage") == [503, 503, 503]
    assert all(w <= 2.0 for w in waits) and len(waits) == 2
    assert fake.messages(CHANNEL) == []


def test_429_waits_retry_after_up_to_the_cap_and_no_longer(fake: FakeSlackAPI) -> None:
    """A listener answering a person (here chat.postEphemeral) may wait a short Retry-After."""
    waits: list[float] = []
    client = _client(fake, waits)
    fake.add_user("U0ME", "me")
    fake.rate_limit("chat.postEphemeral", retry_after=3)
    client.chat_postEphemeral(channel=CHANNEL, user="U0ME", text="hello")
    assert waits == [3.0]
    fake.rate_limit("chat.postEphemeral", retry_after=120)  # longer than anyone should wait
    with pytest.raises(SlackApiError):
        client.chat_postEphemeral(channel=CHANNEL, user="U0ME", text="again")
    assert waits == [3.0]
    assert _statuses(fake, "chat.postEphemeral") == [429, 200, 429]


@pytest.mark.parametrize(
    "method", ["chat.postMessage", "chat.update", "reactions.add", "reactions.remove"]
)
def test_429_on_card_and_reaction_methods_is_never_waited_for(
    fake: FakeSlackAPI, method: str
) -> None:
    """Workers make these calls: the notifier reschedules them (bot.slack.budget), the retry
    layer does not sleep, not even for a 1-second Retry-After."""
    waits: list[float] = []
    client = _client(fake, waits)
    fake.rate_limit(method, retry_after=1)
    with pytest.raises(SlackApiError) as raised:
        client.api_call(method, json={"channel": CHANNEL, "ts": "1.0", "text": "x"})
    assert raised.value.response.status_code == 429
    assert waits == []
    assert _statuses(fake, method) == [429]


def test_an_unanswered_update_is_retried_an_unanswered_post_is_not(
    fake: FakeSlackAPI,
) -> None:
    waits: list[float] = []
    client = _client(fake, waits, timeout=1)
    ts = client.chat_postMessage(channel=CHANNEL, text="placeholder")["ts"]
    fake.hang("chat.update", 1.5)
    client.chat_update(channel=CHANNEL, ts=ts, text="the draft")
    assert len(waits) == 1  # one retry, answered at once
    assert fake.message(CHANNEL, ts).text == "the draft"
    # The hung first call is done too, late (as Slack may): an update twice is harmless.
    wait_for(lambda: len(fake.calls("chat.update")) == 2, message="the hung call")

    fake.hang("chat.postMessage", 1.5)
    with pytest.raises(TimeoutError):
        client.chat_postMessage(channel=CHANNEL, text="a new card")
    # Slack may have posted it: posting again could show it twice, so it is not retried.
    assert len(waits) == 1
    wait_for(lambda: len(fake.calls("chat.postMessage")) == 2, message="the hung post")
    assert [m.text for m in fake.messages(CHANNEL)] == ["the draft", "a new card"]


def test_slacks_final_answers_are_not_retried(fake: FakeSlackAPI) -> None:
    waits: list[float] = []
    client = _client(fake, waits)
    with pytest.raises(SlackApiError):
        client.chat_update(channel=CHANNEL, ts="1.000001", text="x")  # message_not_found
    assert waits == [] and len(fake.calls("chat.update")) == 1


def test_the_app_builds_its_client_with_exactly_this_one_layer() -> None:
    settings = load_settings(
        slack_bot_token=TOKEN, slack_max_retries=4, slack_retry_after_cap_s=7, slack_timeout_s=3
    )
    client = build_web_client(settings)
    [handler] = client.retry_handlers
    assert isinstance(handler, SlackRetryHandler)
    assert (handler.max_retry_count, handler.retry_after_cap_s) == (4, 7)
    assert client.timeout == 3
