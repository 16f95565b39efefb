"""One Slack Web API call as the notifier makes it: through the workspace's budget
(:mod:`bot.slack.budget`) and the client's one retry layer (:mod:`bot.slack.retry`), never
raising; and the work rescheduled when Slack or the budget said "not now".

A call that finds its budget empty, or gets HTTP 429, is not waited for unless the caller
allows a short wait (``wait_cap``: a listener answering a person, a worker posting a new
card): the :class:`Answer` says it may pass and ``retry_in`` when. A 429 also pauses the
method's budget for ``Retry-After`` (https://docs.slack.dev/apis/web-api/rate-limits: HTTP
429, a ``Retry-After`` header in seconds, body ``{"ok": false, "error": "ratelimited"}``).

:class:`SlackCalls` also keeps what was rescheduled in this process (deferred calls such as a
reaction's removal, and the soonest due stale card) for the card repairer's thread, which
runs them (:meth:`SlackCalls.run_deferred`) and wakes when the soonest is due
(:meth:`SlackCalls.next_due_in`).
"""

from __future__ import annotations

import heapq
import http.client
import itertools
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from slack_sdk.errors import SlackApiError, SlackClientError

from bot.logs import get_logger
from bot.slack.budget import SlackBudget
from bot.slack.installs import NoInstallation

log = get_logger(__name__)

T = TypeVar("T")

# What a call raises when Slack gave no usable answer even after the retry layer: slack_sdk
# re-raises the transport's own exception (URLError, TimeoutError, RemoteDisconnected…).
TRANSPORT_ERRORS = (SlackClientError, OSError, http.client.HTTPException)
DEFAULT_RETRY_AFTER_S = 1.0  # a 429 without a usable Retry-After
RATELIMITED = "ratelimited"
NO_BUDGET = "budget"


@dataclass(frozen=True, slots=True)
class Answer(Generic[T]):
    """A call's result (None when it failed) and whether the failure may pass by itself
    (HTTP 5xx or 429, no answer at all, no budget left) rather than being Slack's final word;
    ``error`` is Slack's error code (or ``budget``); ``retry_in``: seconds until it is worth
    trying again (a 429's Retry-After, or when the budget refills)."""

    value: T | None
    passing: bool = False
    error: str | None = None
    retry_in: float | None = None
    reserved: bool = False  # the budget holds a call for the caller at ``retry_in``


class SlackCalls:
    """Budgeted calls and this process's rescheduled work; thread-safe."""

    def __init__(
        self,
        budget: SlackBudget | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budget = budget
        self._sleep = sleep
        self.clock = clock
        self._lock = threading.Lock()
        self._deferred: list[tuple[float, int, Callable[[], None]]] = []
        self._ids = itertools.count()
        self._dues: list[float] = []  # when rescheduled cards are due (a heap)
        self._wakeup: Callable[[], None] | None = None

    # --- calls ------------------------------------------------------------------------------

    def attempt(
        self,
        method: str,
        call: Callable[[], T],
        *,
        team_id: str | None = None,
        channel: str | None = None,
        ignore: tuple[str, ...] = (),
        wait_cap: float = 0.0,
        prepaid: bool = False,
        reserve: bool = False,
        **context: Any,
    ) -> Answer[T]:
        """One call; never raises. ``wait_cap``: how long this thread may wait for the budget
        or a 429's Retry-After (0 in workers: the caller reschedules); ``prepaid``: the budget
        was taken already; ``reserve``: when the budget is short, reserve the caller's call
        at the first free time (``Answer.reserved``, ``retry_in``), so rescheduled calls
        are spread over the refill instead of all retrying at once."""
        answer: Answer[T] = Answer(None)
        for attempt in (1, 2):
            if self.budget is not None and not prepaid:
                wait = self.budget.acquire(team_id, method, channel=channel, max_wait=wait_cap)
                if wait is None:
                    slot = None
                    if reserve:
                        slot = self.budget.acquire(
                            team_id, method, channel=channel, max_wait=float("inf")
                        )
                    retry_in = (
                        slot
                        if slot is not None
                        else self.budget.available_in(team_id, method, channel=channel)
                    )
                    log.info(
                        "slack.budget_exhausted",
                        method=method,
                        channel=channel,
                        retry_in_s=round(retry_in, 2),
                        reserved=slot is not None,
                        **context,
                    )
                    return Answer(
                        None,
                        passing=True,
                        error=NO_BUDGET,
                        retry_in=retry_in,
                        reserved=slot is not None,
                    )
                if wait > 0:
                    self._sleep(wait)
            prepaid = False
            answer = self._once(method, call, team_id, channel, ignore, **context)
            pause = answer.retry_in
            if attempt > 1 or answer.error != RATELIMITED or pause is None or pause > wait_cap:
                return answer
            if self.budget is None and pause > 0:
                self._sleep(pause)  # else the paused budget holds the next call back
        return answer

    def _once(
        self,
        method: str,
        call: Callable[[], T],
        team_id: str | None,
        channel: str | None,
        ignore: tuple[str, ...],
        **context: Any,
    ) -> Answer[T]:
        try:
            return Answer(call())
        except NoInstallation:
            log.info("slack.call_skipped", method=method, reason="no_installation", **context)
            return Answer(None, error="no_installation")
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error in ignore:
                return Answer(None, error=error)
            status = exc.response.status_code
            if status == 429:
                retry_in = retry_after_s(exc.response.headers)
                if self.budget is not None:
                    self.budget.pause(team_id, method, retry_in, channel=channel)
                log.warning(
                    "slack.rate_limited",
                    method=method,
                    channel=channel,
                    retry_after_s=retry_in,
                    **context,
                )
                return Answer(None, passing=True, error=RATELIMITED, retry_in=retry_in)
            log.warning(
                "slack.call_failed",
                method=method,
                error=error,
                status=status,
                channel=channel,
                **context,
            )
            return Answer(None, passing=status >= 500, error=error)
        except TRANSPORT_ERRORS as exc:
            log.warning(
                "slack.call_failed",
                method=method,
                error=type(exc).__name__,
                exc_info=True,
                channel=channel,
                **context,
            )
            return Answer(None, passing=True)

    # --- rescheduled work -------------------------------------------------------------------

    def set_wakeup(self, wakeup: Callable[[], None] | None) -> None:
        """Called whenever something was rescheduled (the repairer recomputes its wait)."""
        self._wakeup = wakeup

    def due_in(self, seconds: float) -> None:
        """Something (a stale card) is worth trying again in ``seconds``."""
        with self._lock:
            heapq.heappush(self._dues, self.clock() + seconds)
        self._wake()

    def defer(self, seconds: float, task: Callable[[], None]) -> None:
        """Run ``task`` (which must not raise much: it is logged) in ``seconds``."""
        with self._lock:
            heapq.heappush(self._deferred, (self.clock() + seconds, next(self._ids), task))
        self._wake()

    def next_due_in(self) -> float | None:
        """Seconds until the soonest rescheduled card or call is due; None: nothing is."""
        now = self.clock()
        with self._lock:
            dues = self._dues[:1]
            if self._deferred:
                dues.append(self._deferred[0][0])
        return max(0.0, min(dues) - now) if dues else None

    def run_deferred(self) -> int:
        """Run the deferred calls that are due; the number run."""
        now = self.clock()
        due: list[Callable[[], None]] = []
        with self._lock:
            while self._dues and self._dues[0] <= now:
                heapq.heappop(self._dues)
            while self._deferred and self._deferred[0][0] <= now:
                due.append(heapq.heappop(self._deferred)[2])
        for task in due:
            try:
                task()
            except Exception:  # a deferred call never stops the others; the log has it
                log.exception("slack.deferred_failed")
        return len(due)

    def _wake(self) -> None:
        wakeup = self._wakeup
        if wakeup is not None:
            wakeup()


def retry_after_s(headers: Mapping[str, Any]) -> float:
    """A 429's ``Retry-After`` in seconds (slack_sdk gives header values as str or list)."""
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) and value else value
            try:
                return max(0.0, float(raw))
            except (TypeError, ValueError):
                break
    return DEFAULT_RETRY_AFTER_S
