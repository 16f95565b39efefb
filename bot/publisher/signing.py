"""Standard Webhooks signatures: ``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``.

The HMAC itself comes from the ``standardwebhooks`` package (the spec authors' library); this
module adds what it lacks: several secrets at once (rotation), a verifier with an injectable
clock, and checks on the id. Spec: https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from secrets import token_bytes
from typing import Final

from pydantic import SecretStr
from standardwebhooks.webhooks import Webhook

HEADER_ID: Final = "webhook-id"
HEADER_TIMESTAMP: Final = "webhook-timestamp"
HEADER_SIGNATURE: Final = "webhook-signature"

SECRET_PREFIX: Final = "whsec_"  # noqa: S105 -- the spec's secret prefix, not a secret
SIGNATURE_VERSION: Final = "v1"
# The spec's advice for receivers; the reference libraries use five minutes.
DEFAULT_TOLERANCE_S: Final = 300

# The spec asks that the id never contain "." (it delimits the signed content); header-safe too.
_ID_RE = re.compile(r"^[A-Za-z0-9_\-:]{1,255}$")


class SignatureError(Exception):
    """A delivery failed verification (missing headers, stale timestamp, no matching signature)."""


def parse_secrets(value: str | SecretStr | Sequence[str]) -> list[str]:
    """Split a space-separated secret list (``whsec_<base64>`` each) and check every item."""
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    items = value.split() if isinstance(value, str) else [s.strip() for s in value if s.strip()]
    if not items:
        raise ValueError("at least one webhook secret is required")
    for item in items:
        if not item.startswith(SECRET_PREFIX):
            raise ValueError("each webhook secret must look like whsec_<base64>")
        try:
            raw = base64.b64decode(item.removeprefix(SECRET_PREFIX), validate=True)
        except binascii.Error as exc:
            raise ValueError("the part after whsec_ must be base64") from exc
        if not raw:
            raise ValueError("a webhook secret must not be empty")
    return items


def check_webhook_id(webhook_id: str) -> str:
    if not _ID_RE.match(webhook_id):
        raise ValueError("webhook id must be 1-255 characters of [A-Za-z0-9_-:] (no dots)")
    return webhook_id


def new_webhook_id() -> str:
    """A fresh id in the spec's ``msg_…`` style; keep it for every retry of the same event."""
    return f"msg_{uuid.uuid4().hex}"


def generate_secret(n_bytes: int = 32) -> str:
    """A new ``whsec_`` secret (the spec asks for 24 to 64 random bytes)."""
    if not 24 <= n_bytes <= 64:
        raise ValueError("the spec asks for 24 to 64 bytes")
    return SECRET_PREFIX + base64.b64encode(token_bytes(n_bytes)).decode("ascii")


class Signer:
    """Signs deliveries with one or more secrets; the header lists one ``v1,…`` per secret."""

    def __init__(self, secrets: str | SecretStr | Sequence[str]) -> None:
        self._webhooks = [Webhook(secret) for secret in parse_secrets(secrets)]

    def signature(self, webhook_id: str, timestamp: int, body: bytes) -> str:
        """The ``webhook-signature`` value: space-separated ``v1,<base64>``, one per secret."""
        check_webhook_id(webhook_id)
        # Webhook.sign replaces tzinfo with UTC, so hand it an aware UTC datetime.
        when = datetime.fromtimestamp(timestamp, tz=UTC)
        text = body.decode("utf-8")
        return " ".join(
            wh.sign(msg_id=webhook_id, timestamp=when, data=text) for wh in self._webhooks
        )

    def headers(self, webhook_id: str, timestamp: int, body: bytes) -> dict[str, str]:
        return {
            HEADER_ID: webhook_id,
            HEADER_TIMESTAMP: str(timestamp),
            HEADER_SIGNATURE: self.signature(webhook_id, timestamp, body),
        }


def _candidates(header: str) -> Iterable[bytes]:
    for item in header.split():
        version, sep, value = item.partition(",")
        if version != SIGNATURE_VERSION or not sep:
            continue  # unknown schemes (v1a, future versions) are skipped, as the spec asks
        try:
            yield base64.b64decode(value, validate=True)
        except binascii.Error:
            continue


def verify(
    secrets: str | SecretStr | Sequence[str],
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: float,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> None:
    """Raise :class:`SignatureError` unless ``headers`` carry a fresh, valid signature of ``body``.

    Accepts a signature made with any of ``secrets`` (rotation on the receiving side).
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    webhook_id = lowered.get(HEADER_ID, "")
    raw_ts = lowered.get(HEADER_TIMESTAMP, "")
    header = lowered.get(HEADER_SIGNATURE, "")
    if not (webhook_id and raw_ts and header):
        raise SignatureError("missing webhook-id, webhook-timestamp or webhook-signature")
    if not raw_ts.isdigit():
        raise SignatureError("webhook-timestamp is not an integer")
    timestamp = int(raw_ts)
    if abs(now - timestamp) > tolerance_s:
        raise SignatureError("webhook-timestamp outside the tolerance")
    try:
        check_webhook_id(webhook_id)
        body.decode("utf-8")
    except (ValueError, UnicodeDecodeError) as exc:
        raise SignatureError("malformed webhook-id or body") from exc
    expected = [
        base64.b64decode(sig.partition(",")[2])
        for sig in Signer(secrets).signature(webhook_id, timestamp, body).split()
    ]
    for candidate in _candidates(header):
        if any(hmac.compare_digest(candidate, want) for want in expected):
            return
    raise SignatureError("no matching signature")
