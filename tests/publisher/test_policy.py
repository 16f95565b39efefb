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
from bot.settings import load_settings


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


def test_backoff_ceilings_double_up_to_the_cap() -> None:
    policy = RetryPolicy()
    tops = [policy.next_delay(n, None, TOP) for n in range(1, 10)]
    assert tops == [60, 120, 240, 480, 960, 1800, 1800, 1800, 1800]
    assert policy.next_delay(1000, None, TOP) == 1800  # no overflow for absurd attempt numbers
    assert policy.next_delay(3, None, BOTTOM) == policy.min_delay_s  # never zero


def test_full_jitter_spreads_delays_over_the_whole_range() -> None:
    policy = RetryPolicy()
    rng = random.Random(1234)
    delays = [policy.next_delay(3, None, rng) for _ in range(2000)]
    assert min(delays) < 0.05 * 240 and max(delays) > 0.95 * 240
    assert all(policy.min_delay_s <= d <= 240 for d in delays)
    assert 0.45 * 240 < statistics.mean(delays) < 0.55 * 240
    assert len(set(delays)) > 1900  # no synchronised herd of retries


def test_retry_after_is_a_floor_up_to_its_cap() -> None:
    policy = RetryPolicy(retry_after_cap_s=600)
    assert policy.next_delay(1, 300, BOTTOM) == 300
    assert policy.next_delay(1, 300, TOP) == 300  # backoff 60 < 300
    assert policy.next_delay(6, 300, TOP) == 1800  # backoff larger than Retry-After wins
    assert policy.next_delay(1, 86_400, BOTTOM) == 600  # capped
    assert policy.next_delay(1, 0, BOTTOM) == policy.min_delay_s


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
    assert policy.min_delay_s <= delay <= max(policy.max_delay_s, policy.retry_after_cap_s)


@pytest.mark.parametrize(
    ("outcome", "action"),
    [(Outcome.DELIVERED, Action.DONE), (Outcome.STOP, Action.STOP), (Outcome.GONE, Action.GONE)],
)
def test_final_outcomes_never_retry(outcome: Outcome, action: Action) -> None:
    decision = RetryPolicy().decide(outcome, attempts=1, age_s=0, retry_after_s=5, rng=TOP)
    assert decision == Decision(action)


def test_decide_retries_with_the_backoff_delay() -> None:
    decision = RetryPolicy().decide(
        Outcome.RETRY, attempts=2, age_s=70, retry_after_s=None, rng=TOP
    )
    assert decision == Decision(Action.RETRY, 120)


def test_decide_gives_up_after_max_attempts() -> None:
    policy = RetryPolicy(max_attempts=3)
    assert policy.decide(Outcome.RETRY, attempts=2, age_s=0, retry_after_s=None, rng=TOP).action
    last = policy.decide(Outcome.RETRY, attempts=3, age_s=0, retry_after_s=None, rng=TOP)
    assert last == Decision(Action.GIVE_UP)


def test_decide_gives_up_at_max_age_and_shortens_the_last_delay_to_fit() -> None:
    policy = RetryPolicy()
    shortened = policy.decide(Outcome.RETRY, attempts=5, age_s=3590, retry_after_s=None, rng=TOP)
    assert shortened == Decision(Action.RETRY, 10)
    too_late = policy.decide(Outcome.RETRY, attempts=5, age_s=3599.5, retry_after_s=None, rng=TOP)
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


def test_a_dead_endpoint_gets_about_eight_attempts_within_an_hour() -> None:
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
    assert max(attempts_made) == 8
    assert max(spans) <= 3600
    assert statistics.mean(attempts_made) >= 7.5
    assert statistics.median(spans) > 1800  # spread over most of the hour, not bunched up


def test_policy_from_settings_and_validation() -> None:
    configured = load_settings(publish_max_attempts=3, publish_max_age_s=120)
    policy = RetryPolicy.from_settings(configured)
    assert (policy.max_attempts, policy.max_age_s) == (3, 120)
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="min_delay_s"):
        RetryPolicy(base_delay_s=10, max_delay_s=5)
    with pytest.raises(ValueError, match="attempt numbers"):
        RetryPolicy().next_delay(0, None, TOP)
