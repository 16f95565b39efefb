"""The one retry layer of every Slack call: a slack_sdk ``RetryHandler`` for 5xx, 429,
connection errors and timeouts, with a short, capped backoff.

slack_sdk's built-in handlers retry only HTTP 429 (``RateLimitErrorRetryHandler``, sleeping
for the whole ``Retry-After`` however long) and connection errors
(``ConnectionErrorRetryHandler``: ``URLError``, resets); a 500 from ``chat.update`` was simply
lost (slack_sdk/http_retry/builtin_handlers.py; its ``ServerErrorRetryHandler`` knows only 500
and 503, with an uncapped 429 wait beside it). A 5xx is Slack's own trouble, so the same
request can succeed a moment later. This handler replaces the built-ins, so there is exactly
one layer:

- HTTP 429 on the methods that draw cards and reactions (``DEFERRED_ON_429``: chat.postMessage,
  chat.update, reactions.add, reactions.remove): never waited for here. These are called by
  summary and publish workers; the notifier pauses the method's budget for ``Retry-After``
  (:mod:`bot.slack.budget`) and reschedules the card (stale mark, redrawn by
  :mod:`bot.slack.repair` once the window is over) or the reaction, so no worker sleeps.
- HTTP 429 on the other methods (views.*, chat.postEphemeral, users.info, ``response_url``…),
  which a listener calls to answer a person now: wait ``Retry-After``
  (https://docs.slack.dev/apis/web-api/rate-limits) when it is at most ``retry_after_cap_s``;
  a longer wait is not done (the call fails and is logged).
- HTTP 5xx and connection errors before the request was sent (``URLError``: refused, DNS,
  connect timeout): retried after ``backoff_s`` × 2^n (capped at ``max_backoff_s``, full
  jitter between half and all of it).
- No answer after the request was sent (a read timeout, a reset, a closed connection): the
  call may have been done. Retried for every method except the ones that post a new message
  (``chat.postMessage``, ``chat.postEphemeral``, ``response_url`` posts), where a retry could
  show the same message twice; those fail, and a card is repaired from the store.

Slack's ``ok: false`` answers (HTTP 200: ``channel_not_found``, ``message_not_found``…) are
final: the same request would get the same answer.
"""

from __future__ import annotations

import http.client
import random
import time
from collections.abc import Callable
from urllib.error import URLError

from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.logs import get_logger

log = get_logger(__name__)

# Methods that create a message: a retry after an unanswered request may post it twice.
NOT_IDEMPOTENT = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.scheduleMessage"})
# Methods whose 429 is rescheduled by the notifier instead of waited for in the calling thread.
DEFERRED_ON_429 = frozenset(
    {"chat.postMessage", "chat.update", "reactions.add", "reactions.remove"}
)


def method_of(request: HttpRequest) -> str:
    """The Web API method of a request (``…/api/chat.update`` → ``chat.update``); ``response_url``
    posts (``hooks.slack.com/…``, the fake's ``/response/…``) are named ``response_url``."""
    path = request.url.split("?", 1)[0].rstrip("/")
    head, _, last = path.rpartition("/")
    return last if head.endswith("/api") else "response_url"


def retry_after_s(response: HttpResponse) -> float | None:
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return max(0.0, float(values[0]))
            except ValueError:
                return None
    return None


class SlackRetryHandler(RetryHandler):
    """See the module docstring. ``sleep`` and ``rng`` are injectable for tests."""

    def __init__(
        self,
        max_retry_count: int = 2,
        *,
        backoff_s: float = 0.5,
        max_backoff_s: float = 2.0,
        retry_after_cap_s: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(max_retry_count)
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        self.retry_after_cap_s = retry_after_cap_s
        self._sleep = sleep
        self._rng = rng or random.Random()  # noqa: S311 -- retry jitter, not a secret

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is not None:
            if response.status_code == 429:
                if method_of(request) in DEFERRED_ON_429:
                    return False
                wait = retry_after_s(response)
                return wait is None or wait <= self.retry_after_cap_s
            return response.status_code >= 500
        if error is None:
            return False
        if isinstance(error, URLError):
            return True  # not connected: nothing was sent
        if isinstance(error, TimeoutError | ConnectionError | http.client.HTTPException):
            return method_of(request) not in NOT_IDEMPOTENT
        return False

    def prepare_for_next_attempt(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> None:
        state.next_attempt_requested = True
        wait = (
            retry_after_s(response)
            if response is not None and response.status_code == 429
            else None
        )
        if wait is None:
            ceiling = min(self.max_backoff_s, self.backoff_s * 2**state.current_attempt)
            wait = self._rng.uniform(ceiling / 2, ceiling)
        log.warning(
            "slack.retrying",
            method=method_of(request),
            status=response.status_code if response is not None else None,
            error=type(error).__name__ if error is not None and response is None else None,
            attempt=state.current_attempt + 1,
            wait_s=round(wait, 3),
        )
        if wait > 0:
            self._sleep(wait)
        state.increment_current_attempt()
