"""The retry policy: classification, Retry-After, backoff with jitter, give-up rules."""

from __future__ import annotations

import random
import socket
import statistics
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
import urllib3.exceptions as u3
from hypothesis import given, settings
from hypothesis import strategies as st
from urllib3.connection import HTTPConnection

from bot.publisher.policy import (
    Action,
    Decision,
    ErrorKind,
    Outcome,
    RetryPolicy,
    classify,
    error_kind,
    parse_retry_after,
)
from bot.settings import ConfigError, load_settings


class EdgeRng(random.Random):
    """uniform(a, b) returns a fixed fraction of the way from a to b."""

    def __init__(self, fraction: float) -> None:
        super().__init__(0)
        self.fraction = fraction

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self.fraction


TOP, BOTTOM = EdgeRng(1.0), EdgeRng(0.0)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, Outcome.DELIVERED),
        (201, Outcome.DELIVERED),
        (202, Outcome.DELIVERED),
        (204, Outcome.DELIVERED),
        (299, Outcome.DELIVERED),
        (301, Outcome.STOP),
        (302, Outcome.STOP),
        (304, Outcome.STOP),
        (307, Outcome.STOP),
        (308, Outcome.STOP),
        (400, Outcome.STOP),
        (401, Outcome.STOP),
        (403, Outcome.STOP),
        (404, Outcome.STOP),
        (409, Outcome.STOP),
        (413, Outcome.STOP),
        (422, Outcome.STOP),
        (410, Outcome.GONE),
        (408, Outcome.RETRY),
        (429, Outcome.RETRY),
        (500, Outcome.RETRY),
        (502, Outcome.RETRY),
        (503, Outcome.RETRY),
        (504, Outcome.RETRY),
        (599, Outcome.RETRY),
        (100, Outcome.RETRY),
        (600, Outcome.RETRY),
    ],
)
def test_classify_status(status: int, outcome: Outcome) -> None:
    assert classify(status) is outcome


def _conn() -> HTTPConnection:
    return HTTPConnection("127.0.0.1", 9)  # never connected; exceptions only keep a reference


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (
            u3.NameResolutionError("cms.example", _conn(), socket.gaierror("no such host")),
            ErrorKind.DNS,
        ),
        (u3.NewConnectionError(_conn(), "refused"), ErrorKind.CONNECT),
        (ConnectionRefusedError(), ErrorKind.CONNECT),
        (ConnectionResetError(), ErrorKind.CONNECT),
        (u3.ConnectTimeoutError("slow"), ErrorKind.TIMEOUT),
        (u3.ReadTimeoutError(None, "/", "read timed out"), ErrorKind.TIMEOUT),  # type: ignore[arg-type]  # urllib3 types pool as non-None
        (TimeoutError(), ErrorKind.TIMEOUT),
        (u3.SSLError("bad certificate"), ErrorKind.TLS),
        (u3.ProtocolError("Connection aborted."), ErrorKind.PROTOCOL),
        (u3.LocationParseError("x"), ErrorKind.OTHER),
    ],
)
def test_network_errors_are_kinded_and_retried(exc: BaseException, kind: ErrorKind) -> None:
    assert error_kind(exc) is kind
    assert classify(exc) is Outcome.RETRY
    assert classify(kind) is Outcome.RETRY


NOW = datetime(2025, 3, 1, 14, 5, 0, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("0", 0.0),
        (format_datetime(datetime(2025, 3, 1, 14, 5, 30, tzinfo=UTC), usegmt=True), 30.0),
        ("Sat, 01 Mar 2025 14:06:00 GMT", 60.0),
        ("Sat, 01 Mar 2025 14:06:00 -0000", 60.0),
        ("Saturday, 01-Mar-25 14:06:00 GMT", 60.0),  # obsolete RFC 850 form, still legal to send
        ("Sat, 01 Mar 2025 14:00:00 GMT", 0.0),  # in the past
        (None, None),
        ("", None),
        ("-5", None),
        ("1.5", None),
        ("soon", None),
        ("٣", None),  # non-ASCII digits are not delay-seconds
    ],
)
def test_parse_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


MIDDLE = EdgeRng(0.5)


def test_the_schedule_is_quick_first_then_backs_off_to_minutes() -> None:
    policy = RetryPolicy()
    steps = [policy.next_delay(n, None, MIDDLE) for n in range(1, 10)]
    assert steps == [2, 10, 30, 120, 600, 1800, 1800, 1800, 1800]
    assert policy.next_delay(10_000, None, MIDDLE) == 1800  # the last step repeats
    with pytest.raises(ValueError, match="attempt numbers"):
        policy.step(0)


def test_jitter_is_twenty_percent_around_each_step_so_first_retries_stay_quick() -> None:
    policy = RetryPolicy()
    rng = random.Random(1234)
    for attempt, step in ((1, 2), (2, 10), (3, 30), (4, 120), (5, 600), (6, 1800)):
        delays = [policy.next_delay(attempt, None, rng) for _ in range(1000)]
        assert all(0.8 * step <= d <= 1.2 * step for d in delays)
        assert min(delays) < 0.82 * step and max(delays) > 1.18 * step
        assert 0.97 * step < statistics.mean(delays) < 1.03 * step
        assert len(set(delays)) > 990  # no synchronised herd of retries
    # Three quick failures in a row are over within a minute, whatever the jitter.
    assert sum(policy.next_delay(n, None, TOP) for n in (1, 2, 3)) == pytest.approx(50.4)


def test_a_custom_schedule_and_no_jitter() -> None:
    policy = RetryPolicy(schedule_s=(1, 5), jitter=0)
    assert [policy.next_delay(n, None, TOP) for n in (1, 2, 3)] == [1, 5, 5]


def test_retry_after_is_a_floor_up_to_its_cap() -> None:
    policy = RetryPolicy(retry_after_cap_s=600)
    assert policy.next_delay(1, 300, BOTTOM) == 300
    assert policy.next_delay(1, 300, TOP) == 300  # step 2 s < 300
    assert policy.next_delay(6, 300, BOTTOM) == 1440  # a step longer than Retry-After wins
    assert policy.next_delay(1, 86_400, BOTTOM) == 600  # capped
    assert policy.next_delay(1, 0, BOTTOM) == 1.6  # the step, jittered down


@settings(max_examples=200, deadline=None)
@given(
    attempt=st.integers(min_value=1, max_value=10_000),
    retry_after=st.none() | st.floats(min_value=0, max_value=1e9),
    seed=st.integers(),
)
def test_delays_always_stay_within_bounds(
    attempt: int, retry_after: float | None, seed: int
) -> None:
    policy = RetryPolicy()
    delay = policy.next_delay(attempt, retry_after, random.Random(seed))
    assert (
        policy.min_delay_s <= delay <= max(1.2 * max(policy.schedule_s), policy.retry_after_cap_s)
    )


@pytest.mark.parametrize(
    ("outcome", "action"),
    [(Outcome.DELIVERED, Action.DONE), (Outcome.STOP, Action.STOP), (Outcome.GONE, Action.GONE)],
)
def test_final_outcomes_never_retry(outcome: Outcome, action: Action) -> None:
    decision = RetryPolicy().decide(outcome, attempts=1, age_s=0, retry_after_s=5, rng=TOP)
    assert decision == Decision(action)


def test_decide_retries_with_the_backoff_delay() -> None:
    decision = RetryPolicy().decide(
        Outcome.RETRY, attempts=2, age_s=3, retry_after_s=None, rng=MIDDLE
    )
    assert decision == Decision(Action.RETRY, 10)


def test_decide_gives_up_after_max_attempts() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert policy.decide(Outcome.RETRY, attempts=2, age_s=0, retry_after_s=None, rng=TOP).action
    last = policy.decide(Outcome.RETRY, attempts=3, age_s=0, retry_after_s=None, rng=TOP)
    assert last == Decision(Action.GIVE_UP)


def test_decide_gives_up_at_max_age_and_shortens_the_last_delay_to_fit() -> None:
    policy = RetryPolicy()
    shortened = policy.decide(Outcome.RETRY, attempts=5, age_s=3590, retry_after_s=None, rng=TOP)
    assert shortened == Decision(Action.RETRY, 10)
    too_late = policy.decide(Outcome.RETRY, attempts=5, age_s=3599.8, retry_after_s=None, rng=TOP)
    assert too_late == Decision(Action.GIVE_UP)
    assert policy.decide(
        Outcome.RETRY, attempts=5, age_s=3600, retry_after_s=None, rng=TOP
    ) == Decision(Action.GIVE_UP)


def test_decide_gives_up_when_retry_after_asks_for_more_than_the_time_left() -> None:
    policy = RetryPolicy()
    decision = policy.decide(Outcome.RETRY, attempts=2, age_s=3000, retry_after_s=900, rng=BOTTOM)
    assert decision == Decision(Action.GIVE_UP)
    fits = policy.decide(Outcome.RETRY, attempts=2, age_s=3000, retry_after_s=500, rng=BOTTOM)
    assert fits == Decision(Action.RETRY, 500)


def test_a_dead_endpoint_gets_eight_attempts_within_an_hour() -> None:
    """Simulate a receiver that always fails, over many seeds."""
    policy = RetryPolicy()
    attempts_made, spans = [], []
    for seed in range(300):
        rng = random.Random(seed)
        attempts, age = 1, 0.0
        while True:
            decision = policy.decide(
                Outcome.RETRY, attempts=attempts, age_s=age, retry_after_s=None, rng=rng
            )
            if decision.action is Action.GIVE_UP:
                break
            assert decision.action is Action.RETRY and decision.delay_s is not None
            age += decision.delay_s
            attempts += 1
        attempts_made.append(attempts)
        spans.append(age)
    assert set(attempts_made) == {8}
    assert max(spans) <= 3600
    assert min(spans) > 3000  # the last attempt comes at about the hour


def test_a_cms_that_restarts_for_ten_seconds_gets_it_within_a_minute() -> None:
    """Simulate a receiver that is down for the first 10 s, over many seeds."""
    policy = RetryPolicy()
    delivered_at = []
    for seed in range(300):
        rng = random.Random(seed)
        attempts, age = 1, 0.0
        while age < 10:  # this attempt fails: the CMS is still restarting
            decision = policy.decide(
                Outcome.RETRY, attempts=attempts, age_s=age, retry_after_s=None, rng=rng
            )
            assert decision.action is Action.RETRY and decision.delay_s is not None
            age += decision.delay_s
            attempts += 1
        assert attempts <= 4
        delivered_at.append(age)
    assert max(delivered_at) < 60
    assert statistics.median(delivered_at) < 15  # mostly the third attempt, at about 12 s


def test_policy_from_settings_and_validation() -> None:
    configured = load_settings(publish_max_attempts=3, publish_max_age_s=120)
    policy = RetryPolicy.from_settings(configured)
    assert (policy.max_attempts, policy.max_age_s) == (3, 120)
    assert policy.schedule_s == (2, 10, 30, 120, 600, 1800)
    custom = RetryPolicy.from_settings(load_settings(publish_retry_schedule_s="0.2, 1,5"))
    assert custom.schedule_s == (0.2, 1, 5) and custom.min_delay_s == 0.2
    with pytest.raises(ConfigError, match="PUBLISH_RETRY_SCHEDULE_S"):
        load_settings(publish_retry_schedule_s="2,0")
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="schedule_s"):
        RetryPolicy(schedule_s=())
    with pytest.raises(ValueError, match="jitter"):
        RetryPolicy(jitter=1)
    with pytest.raises(ValueError, match="min_delay_s"):
        RetryPolicy(schedule_s=(0.1,), min_delay_s=1)
    with pytest.raises(ValueError, match="attempt numbers"):
        RetryPolicy().next_delay(0, None, TOP)
