"""The retry policy for webhook deliveries: pure functions, no I/O, no clock of their own.

What the receiver's answer means follows the Standard Webhooks spec ("Delivery success and
failure"): 2xx is success, 3xx is a failure and is not followed, 410 asks the sender to stop
sending to that endpoint, 429/502/504 ask for throttling, ``Retry-After`` should be taken into
account. Our choices on top: 408, 429, 5xx and network errors are retried with exponential
backoff and full jitter ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015); any
other 4xx (and 3xx) stops at once, since sending the same bytes again cannot help.

The delays follow a schedule that retries quickly first, then backs off to minutes (2 s,
10 s, 30 s, 2 min, 10 min, 30 min, then 30 min): a CMS that restarts for ten seconds gets
the summary within seconds, one that is down for an hour is not hammered. Each step is
jittered by ±20 % ("Exponential Backoff And Jitter", AWS Architecture Blog, 2015: spread
retries so clients failed together do not come back together), which keeps the first
retries fast; full jitter would not (it could wait 2 min for a 2 min ceiling, or 0 s).

tenacity's waits draw from the global ``random`` module and need a ``RetryCallState``; the
worker schedules retries through the outbox (``next_attempt_at``), not a sleeping loop, so a
small function with an injected ``random.Random`` fits better and is reproducible in tests.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import urllib3.exceptions as u3

if TYPE_CHECKING:
    from bot.settings import Settings


class Outcome(StrEnum):
    """What one attempt's answer means."""

    DELIVERED = "delivered"  # 2xx
    RETRY = "retry"  # 408, 429, 5xx, timeouts, connection errors
    STOP = "stop"  # 3xx and other 4xx: the receiver refused these bytes; retrying cannot help
    GONE = "gone"  # 410: the receiver no longer wants our webhooks


class ErrorKind(StrEnum):
    """Why an attempt got no HTTP answer."""

    TIMEOUT = "timeout"
    CONNECT = "connect"  # refused, unreachable, reset while connecting
    DNS = "dns"
    TLS = "tls"
    PROTOCOL = "protocol"  # connection closed without an answer, or a malformed answer
    OTHER = "other"


class Action(StrEnum):
    """What the worker does after an attempt."""

    DONE = "done"  # delivered
    RETRY = "retry"  # try again after ``delay_s``
    GIVE_UP = "give_up"  # retryable failure, but attempts or age are used up
    STOP = "stop"  # refused (3xx, 4xx other than 408/410/429): show it with a Retry button
    GONE = "gone"  # 410: flag the endpoint


def error_kind(exc: BaseException) -> ErrorKind:
    """Map a urllib3 or socket error to an :class:`ErrorKind`."""
    # Order matters: NameResolutionError < NewConnectionError < ConnectTimeoutError in urllib3 2.
    if isinstance(exc, u3.NameResolutionError):
        return ErrorKind.DNS
    if isinstance(exc, u3.NewConnectionError | ConnectionError):
        return ErrorKind.CONNECT
    if isinstance(exc, u3.TimeoutError | TimeoutError):
        return ErrorKind.TIMEOUT
    if isinstance(exc, u3.SSLError):
        return ErrorKind.TLS
    if isinstance(exc, u3.ProtocolError | u3.DecodeError | u3.ResponseError):
        return ErrorKind.PROTOCOL
    return ErrorKind.OTHER


def classify(answer: int | BaseException | ErrorKind) -> Outcome:
    """The :class:`Outcome` of an HTTP status, a network exception or an :class:`ErrorKind`."""
    if isinstance(answer, BaseException | ErrorKind):
        return Outcome.RETRY  # no answer at all: the receiver may be down or restarting
    status = answer
    if 200 <= status <= 299:
        return Outcome.DELIVERED
    if status == 410:
        return Outcome.GONE
    if status in (408, 429) or 500 <= status <= 599:
        return Outcome.RETRY
    if 300 <= status <= 499:
        return Outcome.STOP
    return Outcome.RETRY  # 1xx as a final answer or a status outside HTTP: a broken proxy


_DELAY_SECONDS = re.compile(r"\d{1,12}", re.ASCII)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (RFC 9110 §10.2.3: delay-seconds or HTTP-date).

    ``now`` is the unix time the answer arrived. Dates in the past give 0; junk gives None.
    """
    if value is None:
        return None
    value = value.strip()
    if _DELAY_SECONDS.fullmatch(value):
        return float(int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000" parses naive; HTTP-dates are always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


@dataclass(frozen=True, slots=True)
class Decision:
    action: Action
    delay_s: float | None = None  # set when action is RETRY


DEFAULT_SCHEDULE_S = (2.0, 10.0, 30.0, 120.0, 600.0, 1800.0)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """A retry schedule with ±``jitter`` around each step, honouring ``Retry-After`` up to a cap.

    The delay after failed attempt ``n`` is step ``n`` of ``schedule_s`` (the last step repeats).
    Defaults give 8 attempts within an hour: retries after about 2 s, 10 s, 30 s, 2 min, 10 min,
    30 min, and one more at the age limit, since no retry is scheduled later than ``max_age_s``
    after the first attempt.
    """

    max_attempts: int = 8
    max_age_s: float = 3600.0
    schedule_s: tuple[float, ...] = DEFAULT_SCHEDULE_S
    jitter: float = 0.2
    min_delay_s: float = 0.5
    retry_after_cap_s: float = 1800.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if not self.schedule_s or any(step <= 0 for step in self.schedule_s):
            raise ValueError("schedule_s needs at least one step, each above 0 seconds")
        if not 0 <= self.jitter < 1:
            raise ValueError("jitter must be at least 0 and below 1")
        if not 0 < self.min_delay_s <= min(self.schedule_s):
            raise ValueError("need 0 < min_delay_s <= the shortest step of schedule_s")
        if self.max_age_s <= 0 or self.retry_after_cap_s < 0:
            raise ValueError("max_age_s must be positive and retry_after_cap_s not negative")

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        schedule = tuple(settings.publish_retry_schedule_s) or DEFAULT_SCHEDULE_S
        return cls(
            max_attempts=settings.publish_max_attempts,
            max_age_s=settings.publish_max_age_s,
            schedule_s=schedule,
            min_delay_s=min(0.5, *schedule),
        )

    def step(self, attempt: int) -> float:
        """The unjittered delay after failed attempt number ``attempt`` (1-based)."""
        if attempt < 1:
            raise ValueError("attempt numbers start at 1")
        return self.schedule_s[min(attempt, len(self.schedule_s)) - 1]

    def next_delay(self, attempt: int, retry_after_s: float | None, rng: random.Random) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        step = self.step(attempt)
        delay = max(self.min_delay_s, step * rng.uniform(1 - self.jitter, 1 + self.jitter))
        if retry_after_s is not None:
            delay = max(delay, min(max(retry_after_s, 0.0), self.retry_after_cap_s))
        return delay

    def gives_up(self, attempts: int, age_s: float) -> bool:
        """True once ``attempts`` attempts were made or the first one is ``max_age_s`` old."""
        return attempts >= self.max_attempts or age_s >= self.max_age_s

    def decide(
        self,
        outcome: Outcome,
        *,
        attempts: int,
        age_s: float,
        retry_after_s: float | None,
        rng: random.Random,
    ) -> Decision:
        """What to do after attempt number ``attempts``, ``age_s`` after the first attempt began.

        A retry never lands past the age limit: a backoff delay that would is shortened to
        the limit (one last try), but a ``Retry-After`` beyond the limit means giving up.
        """
        if outcome is Outcome.DELIVERED:
            return Decision(Action.DONE)
        if outcome is Outcome.STOP:
            return Decision(Action.STOP)
        if outcome is Outcome.GONE:
            return Decision(Action.GONE)
        if self.gives_up(attempts, age_s):
            return Decision(Action.GIVE_UP)
        remaining = self.max_age_s - age_s
        if remaining < self.min_delay_s:
            return Decision(Action.GIVE_UP)
        delay = self.next_delay(attempts, retry_after_s, rng)
        if delay > remaining:
            asked = None if retry_after_s is None else min(retry_after_s, self.retry_after_cap_s)
            if asked is not None and asked > remaining:
                return Decision(Action.GIVE_UP)
            delay = remaining
        return Decision(Action.RETRY, delay)
