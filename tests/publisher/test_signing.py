"""Signing against the Standard Webhooks spec's published test vector, rotation, verification."""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from standardwebhooks.webhooks import Webhook

from bot.publisher.signing import (
    SignatureError,
    Signer,
    check_webhook_id,
    generate_secret,
    new_webhook_id,
    parse_secrets,
    verify,
)

# Test vector of the Standard Webhooks reference libraries: standard-webhooks/standard-webhooks,
# libraries/python/tests/test_webhooks.py::test_sign_function and
# libraries/go/webhook_test.go::TestWebhookSign (same key, id, timestamp, payload, signature).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TS = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
# Same file, test_invalid_signature_raises_error: the vector with its last byte changed.
VECTOR_BAD_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="

OTHER_SECRET = "whsec_" + base64.b64encode(b"another secret of thirty-two byte").decode()


def vector_headers(signature: str = VECTOR_SIGNATURE) -> dict[str, str]:
    return {
        "webhook-id": VECTOR_ID,
        "webhook-timestamp": str(VECTOR_TS),
        "webhook-signature": signature,
    }


def test_signature_matches_the_spec_test_vector() -> None:
    assert Signer(VECTOR_SECRET).signature(VECTOR_ID, VECTOR_TS, VECTOR_BODY) == VECTOR_SIGNATURE


def test_secret_without_prefix_is_refused_but_the_same_key_signs_alike() -> None:
    with pytest.raises(ValueError, match="whsec_"):
        Signer("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    # SecretStr (how settings hold it) works the same as a plain string.
    signer = Signer(SecretStr(VECTOR_SECRET))
    assert signer.signature(VECTOR_ID, VECTOR_TS, VECTOR_BODY) == VECTOR_SIGNATURE


def test_headers_carry_id_timestamp_and_signature() -> None:
    headers = Signer(VECTOR_SECRET).headers(VECTOR_ID, VECTOR_TS, VECTOR_BODY)
    assert headers == vector_headers()


def test_verify_accepts_the_vector_at_its_time() -> None:
    verify(VECTOR_SECRET, vector_headers(), VECTOR_BODY, now=VECTOR_TS)


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        (vector_headers(VECTOR_BAD_SIGNATURE), VECTOR_BODY),
        (vector_headers(), b'{"test": 2432232315}'),
        ({**vector_headers(), "webhook-id": "msg_other"}, VECTOR_BODY),
        ({**vector_headers(), "webhook-timestamp": str(VECTOR_TS + 1)}, VECTOR_BODY),
    ],
    ids=["changed-signature", "changed-body", "changed-id", "changed-timestamp"],
)
def test_verify_refuses_anything_changed(headers: dict[str, str], body: bytes) -> None:
    with pytest.raises(SignatureError):
        verify(VECTOR_SECRET, headers, body, now=VECTOR_TS)


def test_verify_skips_unknown_and_malformed_signatures_until_one_matches() -> None:
    # Mirrors test_multi_sig_payload_is_valid in the reference library's tests.
    header = " ".join(
        [
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            "garbage",
            "v1,not*base64",
            VECTOR_SIGNATURE,
        ]
    )
    verify(VECTOR_SECRET, vector_headers(header), VECTOR_BODY, now=VECTOR_TS)


@pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_verify_requires_all_three_headers(missing: str) -> None:
    headers = vector_headers()
    del headers[missing]
    with pytest.raises(SignatureError, match="missing"):
        verify(VECTOR_SECRET, headers, VECTOR_BODY, now=VECTOR_TS)


def test_verify_header_names_are_case_insensitive() -> None:
    headers = {k.title(): v for k, v in vector_headers().items()}
    verify(VECTOR_SECRET, headers, VECTOR_BODY, now=VECTOR_TS)


@pytest.mark.parametrize(("offset", "ok"), [(300, True), (-300, True), (301, False), (-301, False)])
def test_verify_timestamp_tolerance(offset: int, ok: bool) -> None:
    now = VECTOR_TS + offset
    if ok:
        verify(VECTOR_SECRET, vector_headers(), VECTOR_BODY, now=now)
    else:
        with pytest.raises(SignatureError, match="tolerance"):
            verify(VECTOR_SECRET, vector_headers(), VECTOR_BODY, now=now)


def test_verify_refuses_a_non_integer_timestamp() -> None:
    headers = {**vector_headers(), "webhook-timestamp": "1614265330.5"}
    with pytest.raises(SignatureError, match="integer"):
        verify(VECTOR_SECRET, headers, VECTOR_BODY, now=VECTOR_TS)


def test_rotation_signs_with_every_secret_in_order() -> None:
    signer = Signer(f"{VECTOR_SECRET} {OTHER_SECRET}")
    header = signer.signature(VECTOR_ID, VECTOR_TS, VECTOR_BODY)
    first, second = header.split(" ")
    assert first == VECTOR_SIGNATURE
    assert second == Signer(OTHER_SECRET).signature(VECTOR_ID, VECTOR_TS, VECTOR_BODY)
    assert second != first
    # A receiver that knows only one of the two secrets accepts the delivery.
    for receiver_secret in (VECTOR_SECRET, OTHER_SECRET):
        verify(receiver_secret, vector_headers(header), VECTOR_BODY, now=VECTOR_TS)
    stranger = generate_secret()
    with pytest.raises(SignatureError):
        verify(stranger, vector_headers(header), VECTOR_BODY, now=VECTOR_TS)


def test_receiver_side_rotation_accepts_either_secret() -> None:
    header = Signer(OTHER_SECRET).signature(VECTOR_ID, VECTOR_TS, VECTOR_BODY)
    verify([VECTOR_SECRET, OTHER_SECRET], vector_headers(header), VECTOR_BODY, now=VECTOR_TS)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "at least one"),
        ("   ", "at least one"),
        ("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_"),
        ("whsec_not*base64", "base64"),
        ("whsec_", "empty"),
        (f"{VECTOR_SECRET} nope", "whsec_"),
    ],
)
def test_parse_secrets_refuses_bad_values(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_secrets(value)


def test_parse_secrets_splits_on_any_whitespace() -> None:
    assert parse_secrets(f" {VECTOR_SECRET}\t{OTHER_SECRET} ") == [VECTOR_SECRET, OTHER_SECRET]
    assert parse_secrets([VECTOR_SECRET, " "]) == [VECTOR_SECRET]


@pytest.mark.parametrize("bad", ["", "msg.1", "msg 1", "msg\n1", "ü", "x" * 256])
def test_webhook_ids_that_could_break_the_signed_content_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="webhook id"):
        check_webhook_id(bad)
    with pytest.raises(ValueError, match="webhook id"):
        Signer(VECTOR_SECRET).signature(bad, VECTOR_TS, VECTOR_BODY)


def test_new_ids_are_unique_and_valid() -> None:
    ids = {new_webhook_id() for _ in range(100)}
    assert len(ids) == 100
    for webhook_id in ids:
        assert check_webhook_id(webhook_id).startswith("msg_")


def test_generated_secrets_decode_to_the_requested_length() -> None:
    secret = generate_secret(32)
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    assert generate_secret() != generate_secret()
    with pytest.raises(ValueError, match="24 to 64"):
        generate_secret(16)


@settings(max_examples=60, deadline=None)
@given(
    webhook_id=st.from_regex(r"[A-Za-z0-9_\-]{1,40}", fullmatch=True),
    timestamp=st.integers(min_value=0, max_value=2**33),
    body=st.text(max_size=200).map(lambda s: s.encode("utf-8")),
    flip=st.integers(min_value=0),
)
def test_our_signatures_verify_with_the_reference_library_and_break_on_any_change(
    webhook_id: str, timestamp: int, body: bytes, flip: int
) -> None:
    header = Signer(VECTOR_SECRET).signature(webhook_id, timestamp, body)
    # The reference library's own signing agrees byte for byte.
    reference = Webhook(VECTOR_SECRET).sign(
        webhook_id, datetime.fromtimestamp(timestamp, tz=UTC), body.decode("utf-8")
    )
    assert header == reference
    headers = {"webhook-id": webhook_id, "webhook-timestamp": str(timestamp)}
    headers["webhook-signature"] = header
    verify(VECTOR_SECRET, headers, body, now=timestamp)
    if body:
        i = flip % len(body)
        changed = body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1 :]
        with pytest.raises(SignatureError):
            verify(VECTOR_SECRET, headers, changed, now=timestamp)
