"""The progress reaction under Slack's tiers: added only when its removal fits the budget,
removed at its reserved time, never taken back twice, never removed where none was added."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from slack_sdk import WebClient

from bot.slack import ids
from bot.slack.budget import SlackBudget
from bot.slack.calls import SlackCalls
from bot.slack.reactions import ProgressReactions
from tests.fakes.slack_api import FakeSlackAPI

TOKEN = "xoxb-test-token"
CHANNEL = "C0NEWS"
TEAM = "T0NEWSROOM"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _no_sleep(seconds: float) -> None:
    raise AssertionError(f"slept {seconds} s")


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fake(clock: Clock) -> Iterator[FakeSlackAPI]:
    with FakeSlackAPI(token=TOKEN, clock=clock) as fake:
        fake.add_channel(CHANNEL, "news")
        fake.enforce_tiers()  # on the same hand-wound clock
        yield fake


def test_a_burst_gets_reactions_only_as_far_as_their_removal_fits(
    fake: FakeSlackAPI, clock: Clock
) -> None:
    budget = SlackBudget(clock=clock)
    calls = SlackCalls(budget, clock=clock, sleep=_no_sleep)
    client = WebClient(token=TOKEN, base_url=fake.base_url, retry_handlers=[])
    reactions = ProgressReactions(calls, lambda _team: client)
    messages = [fake.post_user_message(CHANNEL, f"link {n}", "U0REPORTER") for n in range(12)]

    added = [reactions.add(TEAM, CHANNEL, ts) for ts in messages]
    # reactions.add holds a burst of 10 (Tier 3); their removals (Tier 2: a burst of 4, then
    # 16 a minute) all fit within the next Slack minute. The last two get none.
    assert added == [True] * 10 + [False] * 2
    assert [bool(fake.reactions(CHANNEL, ts)) for ts in messages] == added

    for ts in messages:
        reactions.remove(TEAM, CHANNEL, ts)
        reactions.remove(TEAM, CHANNEL, ts)  # a second finisher of the same message
    removed_now = len(fake.calls("reactions.remove"))
    assert removed_now == 4  # the burst; the others wait for their reserved time
    assert calls.next_due_in() is not None

    for _ in range(60):  # a minute, in seconds
        clock.now += 1
        calls.run_deferred()
    assert not any(fake.reactions(CHANNEL, ts) for ts in messages)
    removals = fake.calls("reactions.remove")
    assert len(removals) == 10  # one per added reaction, none for the skipped ones
    assert {c.status for c in fake.calls()} == {200}  # and Slack never said 429
    assert all(c.args["name"] == ids.PROGRESS_REACTION for c in removals)


def test_a_removal_slack_answers_429_is_retried_after_retry_after(
    fake: FakeSlackAPI, clock: Clock
) -> None:
    calls = SlackCalls(SlackBudget(clock=clock), clock=clock, sleep=_no_sleep)
    client = WebClient(token=TOKEN, base_url=fake.base_url, retry_handlers=[])
    reactions = ProgressReactions(calls, lambda _team: client)
    ts = fake.post_user_message(CHANNEL, "a link", "U0REPORTER")
    assert reactions.add(TEAM, CHANNEL, ts)
    fake.rate_limit("reactions.remove", retry_after=7)
    reactions.remove(TEAM, CHANNEL, ts)
    assert fake.reactions(CHANNEL, ts)
    assert calls.next_due_in() == pytest.approx(7)
    clock.now += 6
    assert calls.run_deferred() == 0
    clock.now += 1.5
    assert calls.run_deferred() == 1
    assert not fake.reactions(CHANNEL, ts)
    assert [c.status for c in fake.calls("reactions.remove")] == [429, 200]
