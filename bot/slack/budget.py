"""Per-workspace, per-method budgets for Slack Web API calls (token buckets), so the bot stays
under Slack's rate limits instead of running into 429s, and a 429 pauses the method.

Slack limits "per API method per workspace per app" in tiers
(https://docs.slack.dev/apis/web-api/rate-limits): Tier 2 "20+ per minute", Tier 3 "50+ per
minute", Tier 4 "100+ per minute"; ``chat.postMessage`` is special, "one message per second
per channel" with short bursts allowed. The methods' tiers (the method reference pages' "Rate
limits" fact, also listed in slackapi/java-slack-sdk ``MethodsRateLimits.java``):
``chat.update`` Tier 3, ``reactions.add`` Tier 3, ``reactions.remove`` Tier 2,
``chat.postEphemeral`` Tier 4, ``views.open``/``views.update``/``views.push``/``views.publish``
Tier 4, ``users.info`` Tier 4, ``usergroups.users.list`` Tier 2.

A bucket per ``(team_id, method)`` (and channel, for ``chat.postMessage``) holds ``burst``
calls and refills at ``(limit - burst) / window`` per second, so no window of ``window``
seconds ever sees more than ``limit`` calls (the burst plus a window's refill). A 429 from
Slack holds the method until its ``Retry-After`` (:meth:`SlackBudget.pause`).

The budget is per process: several ``serve`` processes sharing one workspace each keep their
own (Slack's 429s, handled the same way, are then the shared signal).

Hand-written rather than from a rate-limit library (``limits``, ``pyrate-limiter``): they
count windows but neither pause a key until a ``Retry-After`` nor reserve a call a short,
capped time ahead, and these are 100 lines under one lock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rate:
    """At most ``limit`` calls in any ``window_s`` seconds, ``burst`` of them at once."""

    limit: float
    window_s: float
    burst: float

    def refill_per_s(self, scale: float) -> float:
        return (self.limit - self.burst) * scale / self.window_s


TIER_2 = Rate(limit=20, window_s=60, burst=4)
TIER_3 = Rate(limit=50, window_s=60, burst=10)
TIER_4 = Rate(limit=100, window_s=60, burst=20)
# "1 per second per channel, short bursts >1 allowed" (the rate-limits page).
POST_PER_CHANNEL = Rate(limit=5, window_s=5, burst=2)

# Methods budgeted per (workspace, channel) rather than per workspace.
PER_CHANNEL = frozenset({"chat.postMessage"})

METHOD_RATES: Mapping[str, Rate] = {
    "chat.postMessage": POST_PER_CHANNEL,
    "chat.update": TIER_3,
    "reactions.add": TIER_3,
    "reactions.remove": TIER_2,
    "chat.postEphemeral": TIER_4,
    "views.open": TIER_4,
    "views.update": TIER_4,
    "views.push": TIER_4,
    "views.publish": TIER_4,
    "users.info": TIER_4,
    "usergroups.users.list": TIER_2,
}

Key = tuple[str, str, str]  # (team id, method, channel or "")


class _Bucket:
    __slots__ = ("capacity", "per_s", "tokens", "updated")

    def __init__(self, rate: Rate, scale: float, now: float) -> None:
        self.capacity = rate.burst
        self.per_s = rate.refill_per_s(scale)
        self.tokens = rate.burst
        self.updated = now

    def refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.per_s)
            self.updated = now

    def wait(self, now: float) -> float:
        """Seconds from ``now`` until one token is there (after :meth:`refill`)."""
        start = max(0.0, self.updated - now)  # paused: refilling starts at ``updated``
        if self.tokens >= 1:
            return start
        return start + (1 - self.tokens) / self.per_s


class SlackBudget:
    """Thread-safe token buckets keyed by ``(team_id, method[, channel])``.

    ``scale`` multiplies every rate: > 1 for a workspace Slack granted more ("50+") or a fake
    Slack whose minutes are shorter; ``clock`` is monotonic seconds (injectable for tests)."""

    def __init__(
        self,
        *,
        scale: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        rates: Mapping[str, Rate] = METHOD_RATES,
    ) -> None:
        if scale <= 0:
            raise ValueError("scale must be positive")
        self.scale = scale
        self._clock = clock
        self._rates = rates
        self._buckets: dict[Key, _Bucket] = {}
        self._lock = threading.Lock()

    def budgeted(self, method: str) -> bool:
        return method in self._rates

    def acquire(
        self, team_id: str | None, method: str, *, channel: str | None = None, max_wait: float = 0
    ) -> float | None:
        """Take one call of ``method``: the seconds to wait before making it (0: now), or None
        when it would be more than ``max_wait`` (then nothing is taken). Methods without a
        known rate are not budgeted (0)."""
        return self.acquire_all(team_id, [method], channel=channel, max_wait=max_wait)

    def acquire_all(
        self,
        team_id: str | None,
        methods: Sequence[str],
        *,
        channel: str | None = None,
        max_wait: float = 0,
    ) -> float | None:
        """:meth:`acquire` for several methods at once: all are taken, or none."""
        with self._lock:
            now = self._clock()
            buckets = [b for m in methods if (b := self._bucket(team_id, m, channel, now))]
            wait = 0.0
            for bucket in buckets:
                bucket.refill(now)
                wait = max(wait, bucket.wait(now))
            if wait > max_wait:
                return None
            for bucket in buckets:
                bucket.tokens -= 1  # may go below 0: a call reserved ``wait`` ahead
            return wait

    def refund(self, team_id: str | None, method: str, *, channel: str | None = None) -> None:
        """Give back a call taken but not made."""
        with self._lock:
            now = self._clock()
            bucket = self._bucket(team_id, method, channel, now)
            if bucket is not None:
                bucket.tokens = min(bucket.capacity, bucket.tokens + 1)

    def available_in(
        self, team_id: str | None, method: str, *, channel: str | None = None
    ) -> float:
        """Seconds until one call of ``method`` would be allowed (nothing is taken)."""
        with self._lock:
            now = self._clock()
            bucket = self._bucket(team_id, method, channel, now)
            if bucket is None:
                return 0.0
            bucket.refill(now)
            return bucket.wait(now)

    def pause(
        self, team_id: str | None, method: str, seconds: float, *, channel: str | None = None
    ) -> None:
        """Slack answered 429 with ``Retry-After: seconds``: no call of ``method`` before then;
        then one call, and the bucket refills from there."""
        with self._lock:
            now = self._clock()
            bucket = self._bucket(team_id, method, channel, now)
            if bucket is None:
                return
            bucket.refill(now)
            bucket.tokens = min(bucket.tokens, 1.0)
            bucket.updated = max(bucket.updated, now + max(0.0, seconds))

    def _bucket(
        self, team_id: str | None, method: str, channel: str | None, now: float
    ) -> _Bucket | None:
        rate = self._rates.get(method)
        if rate is None:
            return None
        where = (channel or "") if method in PER_CHANNEL else ""
        key = (team_id or "", method, where)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(rate, self.scale, now)
        return bucket
