"""The Claude client and our one retry layer around it.

The SDK's own retries are off (``max_retries=0``): it would obey ``retry-after`` without a cap
and has no overall deadline. Here tenacity retries what can succeed later (connection errors,
timeouts, 408, 409, 429 and 5xx including 529 overloaded), honours ``x-should-retry`` and
``retry-after-ms`` / ``retry-after`` up to a cap, and stops at an overall deadline. It never
retries 400, 401, 403, 404, 413 or a spend-limit 429.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import anthropic
import httpx2
import tenacity
from anthropic.types import Message, MessageTokensCount
from anthropic.types.shared.contract_spend_limit_reached_error import (
    ContractSpendLimitReachedError,
)
from anthropic.types.shared.enforced_spend_limit_reached_error import (
    EnforcedSpendLimitReachedError,
)

from bot.logs import get_logger
from bot.settings import Settings
from bot.summarizer.errors import (
    ModelUnavailable,
    NotMessagesApi,
    SpendLimitReached,
    SummarizerMisconfigured,
    SummaryError,
)

log = get_logger(__name__)

T = TypeVar("T")
Backoff = Callable[[int], float]  # attempt number (1 = after the first failure) -> seconds
DEFAULT_BASE_URL = "https://api.anthropic.com"

# Statuses that retrying cannot fix, whatever headers say (the list).
_NEVER_RETRY = frozenset({400, 401, 403, 404, 413})
# Spend limits arrive as 429 with error.details.error_code; the SDK maps them to these classes
# (anthropic/_error_classes.py: (429, "contract_spend_limit_reached"), (429,
# "enforced_spend_limit_reached")). A 429 "ramp_limit_exceeded" is retryable: its docstring
# says to retry after the retry-after header.
_SPEND_LIMIT_CODES = frozenset(
    {
        "contract_spend_limit_reached",
        "enforced_spend_limit_reached",
        "linked_organization_spend_limit_reached",
        "linked_organization_billing_unavailable",
    }
)


def make_client(settings: Settings) -> anthropic.Anthropic:
    """A client with key, base URL and timeout from settings, passed explicitly; no SDK retries."""
    settings.require("anthropic_api_key")
    assert settings.anthropic_api_key is not None
    return anthropic.Anthropic(
        api_key=settings.anthropic_api_key.get_secret_value(),
        base_url=settings.anthropic_base_url or DEFAULT_BASE_URL,
        timeout=settings.anthropic_timeout_s,
        max_retries=0,
    )


def default_backoff(attempt: int) -> float:
    """Full-jitter exponential backoff: uniform in [0, min(8, 0.5·2^attempt)] seconds."""
    wait = tenacity.wait_random_exponential(multiplier=0.5, max=8)
    state = tenacity.RetryCallState(retry_object=tenacity.Retrying(), fn=None, args=(), kwargs={})
    state.attempt_number = attempt
    return float(wait(state))


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how long to retry. ``backoff``, ``sleep`` and ``clock`` are injectable for tests."""

    max_attempts: int = 4
    deadline_s: float = 120.0
    retry_after_cap_s: float = 30.0
    timeout_s: float = 60.0
    backoff: Backoff = default_backoff
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        backoff: Backoff | None = None,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> RetryPolicy:
        return cls(
            max_attempts=settings.anthropic_max_attempts,
            deadline_s=settings.anthropic_deadline_s,
            retry_after_cap_s=settings.anthropic_retry_after_cap_s,
            timeout_s=settings.anthropic_timeout_s,
            backoff=backoff if backoff is not None else default_backoff,
            sleep=sleep if sleep is not None else time.sleep,
            clock=clock if clock is not None else time.monotonic,
        )


def is_spend_limit(exc: BaseException) -> bool:
    if isinstance(exc, ContractSpendLimitReachedError | EnforcedSpendLimitReachedError):
        return True
    if isinstance(exc, anthropic.APIStatusError):
        return exc.error_code in _SPEND_LIMIT_CODES or exc.type == "billing_error"
    return False


def is_retryable(exc: BaseException) -> bool:
    """The retry decision for one failed attempt."""
    if isinstance(exc, anthropic.APIConnectionError):  # includes APITimeoutError
        return True
    if not isinstance(exc, anthropic.APIStatusError):
        return False
    if exc.status_code in _NEVER_RETRY or is_spend_limit(exc):
        return False
    # Not a standard header; the SDK's own policy obeys it first (_base_client._should_retry).
    should_retry = exc.response.headers.get("x-should-retry")
    if should_retry == "true":
        return True
    if should_retry == "false":
        return False
    return exc.status_code in (408, 409, 429) or exc.status_code >= 500


def retry_after_seconds(exc: BaseException, now: Callable[[], float] = time.time) -> float | None:
    """Seconds the server asked us to wait: ``retry-after-ms``, else ``retry-after`` (seconds or
    an HTTP date), as the SDK reads them (_base_client._parse_retry_after_header)."""
    if not isinstance(exc, anthropic.APIStatusError):
        return None
    headers = exc.response.headers
    try:
        return max(0.0, float(headers["retry-after-ms"]) / 1000)
    except (KeyError, TypeError, ValueError):
        pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    return max(0.0, float(email.utils.mktime_tz(parsed) - now()))


def _status(exc: BaseException | None) -> int | None:
    return exc.status_code if isinstance(exc, anthropic.APIStatusError) else None


def _request_id(exc: BaseException | None) -> str | None:
    return exc.request_id if isinstance(exc, anthropic.APIStatusError) else None


def call_with_retries(call: Callable[[float], T], policy: RetryPolicy, *, what: str) -> T:
    """Run ``call(timeout_s)`` under ``policy``; ``timeout_s`` shrinks to fit the deadline.

    Re-raises the last SDK exception when retrying is pointless or the budget is spent; map it
    with :func:`to_summary_error`.
    """
    started = policy.clock()

    def remaining() -> float:
        return policy.deadline_s - (policy.clock() - started)

    def wait(state: tenacity.RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_seconds(exc) if exc else None
        if asked is not None and asked > 0:
            return asked
        return max(0.0, policy.backoff(state.attempt_number))

    def stop(state: tenacity.RetryCallState) -> bool:
        if state.attempt_number >= policy.max_attempts:
            return True
        exc = state.outcome.exception() if state.outcome else None
        asked = retry_after_seconds(exc) if exc else None
        if asked is not None and asked > policy.retry_after_cap_s:
            log.warning(
                "claude.retry_after_too_long",
                what=what,
                retry_after_s=asked,
                cap_s=policy.retry_after_cap_s,
                request_id=_request_id(exc),
            )
            return True
        upcoming = state.upcoming_sleep or 0.0
        return upcoming >= remaining()

    def before_sleep(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.warning(
            "claude.retry",
            what=what,
            attempt=state.attempt_number,
            wait_s=round(state.upcoming_sleep, 3),
            status=_status(exc),
            error=type(exc).__name__ if exc else None,
            request_id=_request_id(exc),
        )

    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(is_retryable),
        wait=wait,
        stop=stop,
        sleep=policy.sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
    for attempt in retrying:
        with attempt:
            budget = remaining()
            if budget <= 0:
                raise anthropic.APITimeoutError(
                    request=httpx2.Request("POST", f"{DEFAULT_BASE_URL}/v1/messages")
                )
            return call(min(policy.timeout_s, budget))
    raise AssertionError("unreachable: tenacity either returns or re-raises")  # pragma: no cover


# --- answers that are not the Messages API -------------------------------------------------------
# The SDK builds response objects without validating them (it trusts the API): a base URL that
# answers 200 with an HTML page or plain text comes back as a ``str``, with ``{}`` as a Message
# whose fields are all None. So every answer is checked here, at the client boundary, before
# any field is read.


def checked_message(value: object, *, base_url: object) -> Message:
    """``value`` if it is a usable Messages API answer, else :class:`NotMessagesApi`."""
    if (
        isinstance(value, Message)
        and value.type == "message"
        and isinstance(value.content, list)
        and all(isinstance(getattr(block, "type", None), str) for block in value.content)
        and value.usage is not None
        and isinstance(value.usage.input_tokens, int)
        and isinstance(value.usage.output_tokens, int)
    ):
        return value
    raise NotMessagesApi(f"messages.create at {base_url} answered {_shape(value)}")


def checked_token_count(value: object, *, base_url: object) -> int:
    """The ``input_tokens`` of a ``count_tokens`` answer, else :class:`NotMessagesApi`."""
    if isinstance(value, MessageTokensCount) and isinstance(value.input_tokens, int):
        return value.input_tokens
    raise NotMessagesApi(f"messages.count_tokens at {base_url} answered {_shape(value)}")


def is_foreign_error(exc: BaseException) -> bool:
    """An error status whose body is not the API's error shape, for a status retrying cannot fix.

    The API's errors are "always returned as JSON, with a top-level error object that always
    includes a type and message" (https://docs.anthropic.com/claude/reference/errors-and-rate-limits,
    "Error shapes"). A 404 or 405 HTML page comes from some other server. 5xx pages are left to
    the retry policy: a gateway in front of the real API sends those too.
    """
    if not isinstance(exc, anthropic.APIStatusError) or is_retryable(exc):
        return False
    body = exc.body
    error = body.get("error") if isinstance(body, dict) else None
    return not (
        isinstance(body, dict)
        and body.get("type") == "error"
        and isinstance(error, dict)
        and isinstance(error.get("type"), str)
    )


def _shape(value: object) -> str:
    if isinstance(value, str):
        return f"text ({len(value)} characters)"
    return type(value).__name__


def to_summary_error(exc: BaseException) -> SummaryError:
    """The typed, user-facing error for a final SDK failure (details stay in the log)."""
    detail = f"{type(exc).__name__}: status={_status(exc)} request_id={_request_id(exc)}"
    if isinstance(exc, anthropic.APIConnectionError):
        return ModelUnavailable(detail)
    if is_foreign_error(exc):
        return NotMessagesApi(detail)
    if isinstance(exc, anthropic.APIStatusError):
        if is_spend_limit(exc) or exc.status_code == 402:
            return SpendLimitReached(detail)
        if exc.status_code in (408, 409, 429) or exc.status_code >= 500:
            return ModelUnavailable(detail)
        return SummarizerMisconfigured(detail)
    return SummarizerMisconfigured(detail)
