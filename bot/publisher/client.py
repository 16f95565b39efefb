"""One signed delivery attempt to the configured webhook endpoint.

urllib3 rather than httpx: it is already a dependency (the article fetcher uses it), it is
thread-safe behind one ``PoolManager``, ignores proxy environment variables unless told
(an intranet CMS must not be sent through a corporate proxy by accident), and with
``retries=False, redirect=False`` it does exactly one request and returns a 3xx as it is.
Retries are the worker's job, scheduled through the outbox by :mod:`bot.publisher.policy`.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Self

import urllib3
from pydantic import SecretStr
from urllib3.util import parse_url

from bot.logs import get_logger
from bot.publisher.payload import encode_payload
from bot.publisher.policy import ErrorKind, Outcome, classify, error_kind, parse_retry_after
from bot.publisher.signing import Signer, check_webhook_id
from bot.settings import DEFAULT_USER_AGENT, Settings

log = get_logger(__name__)

DEFAULT_TIMEOUT_S: Final = 15.0  # the Standard Webhooks spec recommends 15-30 s
SNIPPET_CHARS: Final = 200
_READ_LIMIT: Final = 16_384  # enough for any error message worth showing
_REASON_KEYS: Final = ("message", "error_description", "error", "detail", "title", "reason")


@dataclass(frozen=True, slots=True)
class AttemptResult:
    """What one attempt did; the worker stores it and asks the policy what comes next."""

    webhook_id: str
    attempt_no: int
    timestamp: int  # the webhook-timestamp sent
    outcome: Outcome
    status: int | None  # None: no HTTP answer (see error_kind)
    retry_after_s: float | None
    duration_ms: float
    response_snippet: str  # one line, at most ~200 characters, NOT escaped for Slack
    error_kind: ErrorKind | None


class WebhookClient:
    """Signs and POSTs a payload once per :meth:`send`; never raises for network errors."""

    def __init__(
        self,
        url: str,
        secrets: str | SecretStr | Sequence[str],
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        user_agent: str = DEFAULT_USER_AGENT,
        snippet_chars: int = SNIPPET_CHARS,
        clock: Callable[[], float] = time.time,
        pool: urllib3.PoolManager | None = None,
    ) -> None:
        parsed = parse_url(url)
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ValueError("the webhook URL must be an absolute http(s) URL")
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        self.url = url
        # For logs: no credentials, no query string (either may hold a token).
        port = f":{parsed.port}" if parsed.port else ""
        self.endpoint = f"{parsed.scheme}://{parsed.host}{port}{parsed.path or '/'}"
        self._signer = Signer(secrets)
        self._timeout = urllib3.Timeout(total=timeout_s)
        self._user_agent = user_agent
        self._snippet_chars = snippet_chars
        self._clock = clock
        self._pool = pool or urllib3.PoolManager(num_pools=2, maxsize=4)

    @classmethod
    def from_settings(cls, settings: Settings) -> WebhookClient | None:
        """The client for ``PUBLISH_WEBHOOK_URL``, or None when publishing is not configured."""
        if not settings.publish_webhook_url:
            return None
        if settings.publish_webhook_secret is None:  # the settings validator already insists
            raise ValueError("PUBLISH_WEBHOOK_SECRET is required with PUBLISH_WEBHOOK_URL")
        return cls(
            settings.publish_webhook_url,
            settings.publish_webhook_secret,
            timeout_s=settings.publish_timeout_s,
            user_agent=settings.fetch_user_agent,
        )

    def send(
        self, webhook_id: str, payload: bytes | str | Mapping[str, Any], attempt_no: int
    ) -> AttemptResult:
        """POST ``payload`` signed with a fresh timestamp; one attempt, no redirects followed."""
        check_webhook_id(webhook_id)
        if isinstance(payload, bytes):
            body = payload
        elif isinstance(payload, str):
            body = payload.encode("utf-8")
        else:
            body = encode_payload(payload)
        timestamp = int(self._clock())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": self._user_agent,
            **self._signer.headers(webhook_id, timestamp, body),
        }
        started = time.perf_counter()
        status: int | None = None
        kind: ErrorKind | None = None
        retry_after: float | None = None
        snippet = ""
        try:
            response = self._pool.request(
                "POST",
                self.url,
                body=body,
                headers=headers,
                timeout=self._timeout,
                retries=False,
                redirect=False,
                preload_content=False,
            )
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            kind = error_kind(exc)
            log_kw: dict[str, Any] = {"error": type(exc).__name__, "detail": str(exc)[:300]}
            if kind is ErrorKind.OTHER:
                log_kw["exc_info"] = True
        else:
            log_kw = {}
            status = response.status
            retry_after = parse_retry_after(response.headers.get("Retry-After"), self._clock())
            snippet = self._snippet(response)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        outcome = classify(status if status is not None else kind or ErrorKind.OTHER)
        result = AttemptResult(
            webhook_id=webhook_id,
            attempt_no=attempt_no,
            timestamp=timestamp,
            outcome=outcome,
            status=status,
            retry_after_s=retry_after,
            duration_ms=duration_ms,
            response_snippet=snippet,
            error_kind=kind,
        )
        level = log.info if outcome is Outcome.DELIVERED else log.warning
        level(
            "delivery.attempted",
            webhook_id=webhook_id,
            attempt=attempt_no,
            endpoint=self.endpoint,
            status=status,
            outcome=outcome.value,
            error_kind=kind.value if kind else None,
            retry_after_s=retry_after,
            ms=duration_ms,
            **log_kw,
        )
        if outcome is Outcome.GONE:
            log.warning(
                "delivery.endpoint_gone",
                webhook_id=webhook_id,
                endpoint=self.endpoint,
                hint="the receiver answered 410 Gone; fix or remove PUBLISH_WEBHOOK_URL",
            )
        return result

    def _snippet(self, response: urllib3.BaseHTTPResponse) -> str:
        try:
            raw = response.read(_READ_LIMIT + 1, decode_content=True)
            complete = len(raw) <= _READ_LIMIT
        except (urllib3.exceptions.HTTPError, OSError):
            raw, complete = b"", False
        if not complete:
            response.close()  # unread bytes would poison the pooled connection
        response.release_conn()
        return short_reason(
            raw[:_READ_LIMIT], response.headers.get("Content-Type", ""), self._snippet_chars
        )

    def close(self) -> None:
        self._pool.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
_SCRIPTS = re.compile(r"<(script|style)[^>]*>.*?</\1>", re.IGNORECASE | re.DOTALL)
_CHARSET = re.compile(r"charset=([\w.:-]+)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def short_reason(raw: bytes, content_type: str = "", limit: int = SNIPPET_CHARS) -> str:
    """One clean line from a response body: a JSON error message, an HTML title, or the text.

    Control and bidi characters are removed and whitespace collapsed; the result is plain text
    (the Slack layer escapes ``&``, ``<``, ``>`` when it renders it).
    """
    if not raw:
        return ""
    match = _CHARSET.search(content_type)
    encoding = match.group(1) if match else "utf-8"
    try:
        text = raw.decode(encoding, errors="replace")
    except LookupError:
        text = raw.decode("utf-8", errors="replace")
    reason = (
        _json_reason(text) if "json" in content_type.lower() or text.lstrip()[:1] in "{[" else None
    )
    if reason is None and ("html" in content_type.lower() or "<html" in text[:500].lower()):
        title = _TITLE.search(text)
        body = title.group(1) if title else _TAGS.sub(" ", _SCRIPTS.sub(" ", text))
        reason = html.unescape(body)
    if reason is None:
        reason = text
    reason = " ".join(_CONTROL.sub(" ", reason).split())
    if len(reason) > limit:
        reason = reason[: max(limit - 1, 0)].rstrip() + "…"
    return reason


def _json_reason(text: str) -> str | None:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    for _ in range(2):  # {"error": {"message": "..."}} is common
        if not isinstance(data, dict):
            return None
        for key in _REASON_KEYS:
            value = data.get(key)
            if isinstance(value, str) and value.strip():
                return value
        nested = data.get("error")
        if not isinstance(nested, dict):
            break
        data = nested
    return None
