"""The webhook body: shape, validation against the published JSON Schema, encoding."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import jsonschema
import pytest

from bot.domain import Article
from bot.publisher.payload import (
    APPROVED,
    EVENT_TYPES,
    RETRACTED,
    UPDATED,
    ArticleRef,
    EditorAction,
    SummaryText,
    build_payload,
    encode_payload,
    iso_utc,
)
from tests.publisher.samples import APPROVAL, PUBLISH, RETRACT, SUMMARY, schema


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    loaded = schema()
    jsonschema.Draft202012Validator.check_schema(loaded)
    return jsonschema.Draft202012Validator(
        loaded, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_approved_payload_has_the_documented_shape(
    validator: jsonschema.Draft202012Validator,
) -> None:
    payload = build_payload(APPROVED, PUBLISH)
    validator.validate(payload)
    assert payload["type"] == "summary.approved"
    assert payload["timestamp"] == "2025-03-01T13:05:09Z"
    data = payload["data"]
    assert (data["summary_id"], data["revision"]) == ("k3Qz8VbN2xLp7TfR", 2)
    assert data["article"] == {
        "url": "https://www.example-zeitung.de/politik/haushalt-2025-100.html",
        "title": "Bundestag beschließt Haushalt für 2025",
        "language": "de",
        "published": "2025-03-01T09:30:00+01:00",
        "author": "Anna Beispiel",
        "site_name": "Example-Zeitung",
    }
    assert data["summary"]["bullets"] == list(SUMMARY.bullets)
    assert data["summary"]["headline"] == SUMMARY.fields["headline"]
    assert data["summary"]["teaser"] == SUMMARY.fields["teaser"]
    assert "seo_description" not in data["summary"] and "social" not in data["summary"]
    assert data["summary"]["heading"] == "Zusammenfassung"
    assert data["summary"]["disclaimer"].startswith("Diese Zusammenfassung")
    assert data["provenance"] == {
        "model": "claude-haiku-5-5",
        "prompt_version": "50aa2abc03a7",
        "ai_generated": True,
        "human_edited": True,
    }
    assert data["approval"] == {
        "approved_at": "2025-03-01T13:05:09Z",
        "editor_id": "U024BE7LH",
        "editor_name": "Erika Mustermann",
        "channel_id": "C0123456789",
        "thread_ts": "1740834000.000100",
        "permalink": "https://newsroom.slack.com/archives/C0123456789/p1740834000000100",
    }


def test_summary_text_is_the_bullets_as_a_plain_text_list() -> None:
    text = build_payload(APPROVED, PUBLISH)["data"]["summary"]["text"]
    assert text == (
        "• Der Bundestag hat den Haushalt für 2025 mit 389 zu 280 Stimmen beschlossen.\n"
        "• Die Ausgaben steigen auf 488 Milliarden Euro, die Neuverschuldung auf 51 Milliarden.\n"
        "• Die Opposition kündigte eine Klage vor dem Bundesverfassungsgericht an."
    )
    padded = SummaryText(bullets=("  eins ", "zwei\n"), heading="", disclaimer="")
    assert padded.text == "• eins\n• zwei"


def test_updated_payload_differs_only_in_type(validator: jsonschema.Draft202012Validator) -> None:
    approved, updated = build_payload(APPROVED, PUBLISH), build_payload(UPDATED, PUBLISH)
    validator.validate(updated)
    assert updated["type"] == "summary.updated"
    assert {**updated, "type": approved["type"]} == approved


def test_retracted_payload_is_thin(validator: jsonschema.Draft202012Validator) -> None:
    payload = build_payload(RETRACTED, RETRACT)
    validator.validate(payload)
    assert payload["timestamp"] == "2025-03-01T15:00:00Z"
    assert set(payload["data"]) == {"summary_id", "revision", "article", "retraction"}
    assert payload["data"]["retraction"]["retracted_at"] == "2025-03-01T15:00:00Z"
    assert payload["data"]["retraction"]["permalink"] is None


def test_nullable_article_fields_validate(validator: jsonschema.Draft202012Validator) -> None:
    bare = ArticleRef(url="https://example.org/a")
    payload = build_payload(APPROVED, replace(PUBLISH, article=bare))
    validator.validate(payload)
    assert payload["data"]["article"] == {
        "url": "https://example.org/a",
        "title": None,
        "language": None,
        "published": None,
        "author": None,
        "site_name": None,
    }


def test_summary_fields_are_optional_properties_sent_only_with_text(
    validator: jsonschema.Draft202012Validator,
) -> None:
    every = {
        "headline": "Haushalt beschlossen",
        "teaser": "Der Bundestag hat abgestimmt.",
        "seo_description": "Haushalt 2025: Bundestag stimmt zu",
        "social": "Der Haushalt 2025 ist beschlossen.",
    }
    full = build_payload(APPROVED, replace(PUBLISH, summary=replace(SUMMARY, fields=every)))
    validator.validate(full)
    assert list(full["data"]["summary"])[-4:] == list(every)
    none = build_payload(
        APPROVED, replace(PUBLISH, summary=replace(SUMMARY, fields={"headline": "  "}))
    )
    validator.validate(none)
    assert set(none["data"]["summary"]) == {"heading", "bullets", "text", "disclaimer", "language"}


def test_schema_accepts_bodies_frozen_before_fields_and_credits_existed(
    validator: jsonschema.Draft202012Validator,
) -> None:
    # Outbox rows keep their bytes across an upgrade: an old body must still validate.
    old = copy.deepcopy(build_payload(APPROVED, PUBLISH))
    for name in ("headline", "teaser"):
        del old["data"]["summary"][name]
    for name in ("author", "site_name"):
        del old["data"]["article"][name]
    validator.validate(old)
    old_retraction = copy.deepcopy(build_payload(RETRACTED, RETRACT))
    del old_retraction["data"]["article"]["author"]
    validator.validate(old_retraction)
    # New properties are typed: an empty field or a numeric author is refused.
    bad = copy.deepcopy(build_payload(APPROVED, PUBLISH))
    bad["data"]["summary"]["headline"] = ""
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(bad)
    bad = copy.deepcopy(build_payload(APPROVED, PUBLISH))
    bad["data"]["article"]["author"] = 7
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(bad)


def _broken(event: str, mutate: Any) -> dict[str, Any]:
    payload = (
        build_payload(RETRACTED, RETRACT)
        if event == RETRACTED
        else build_payload(APPROVED, PUBLISH)
    )
    payload = copy.deepcopy(payload)
    mutate(payload)
    return payload


@pytest.mark.parametrize(
    ("event", "mutate"),
    [
        (APPROVED, lambda p: p["data"].pop("provenance")),
        (APPROVED, lambda p: p["data"]["summary"].update(bullets=[])),
        (APPROVED, lambda p: p["data"].update(revision=0)),
        (APPROVED, lambda p: p.update(timestamp="2025-03-01 13:05")),
        (APPROVED, lambda p: p.update(type="summary.deleted")),
        (APPROVED, lambda p: p.update(type="summary.retracted")),  # data of the wrong event
        (RETRACTED, lambda p: p.update(type="summary.approved")),
        (RETRACTED, lambda p: p["data"].pop("retraction")),
        (APPROVED, lambda p: p["data"]["approval"].pop("approved_at")),
        (APPROVED, lambda p: p["data"]["approval"].update(editor_id="")),
    ],
)
def test_schema_rejects_broken_payloads(
    validator: jsonschema.Draft202012Validator, event: str, mutate: Any
) -> None:
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(_broken(event, mutate))


def test_timestamps_are_utc_with_z_and_naive_times_are_refused() -> None:
    berlin = timezone(timedelta(hours=1))
    assert iso_utc(datetime(2025, 3, 1, 14, 5, 9, 999_999, tzinfo=berlin)) == "2025-03-01T13:05:09Z"
    with pytest.raises(ValueError, match="timezone-aware"):
        iso_utc(datetime(2025, 3, 1, 14, 5))
    naive = replace(PUBLISH, approval=replace(APPROVAL, at=datetime(2025, 3, 1, 14, 5)))
    with pytest.raises(ValueError, match="timezone-aware"):
        build_payload(APPROVED, naive)


def test_builder_refuses_mismatched_or_empty_input() -> None:
    with pytest.raises(TypeError, match="RetractInput"):
        build_payload(RETRACTED, PUBLISH)  # type: ignore[call-overload]  # the misuse under test
    with pytest.raises(TypeError, match="PublishInput"):
        build_payload(APPROVED, RETRACT)  # type: ignore[call-overload]  # the misuse under test
    with pytest.raises(ValueError, match="unknown event"):
        build_payload("summary.deleted", PUBLISH)  # type: ignore[call-overload]  # ditto
    with pytest.raises(ValueError, match="bullet"):
        build_payload(APPROVED, replace(PUBLISH, summary=replace(SUMMARY, bullets=("a", " "))))
    with pytest.raises(ValueError, match="revisions"):
        build_payload(APPROVED, replace(PUBLISH, revision=0))
    with pytest.raises(ValueError, match="summary_id"):
        build_payload(RETRACTED, replace(RETRACT, summary_id=""))


def test_article_ref_prefers_canonical_then_final_url() -> None:
    article = Article(
        url="https://t.co/x",
        final_url="https://example.org/news/1?utm_source=x",
        title="T",
        text="text",
        language="en",
        published="2025-03-01",
        canonical_url="https://example.org/news/1",
    )
    assert ArticleRef.from_article(article) == ArticleRef(
        "https://example.org/news/1", "T", "en", "2025-03-01"
    )
    assert ArticleRef.from_article(replace(article, canonical_url=None)).url == article.final_url
    no_final = replace(article, canonical_url=None, final_url="")
    assert ArticleRef.from_article(no_final).url == "https://t.co/x"


def test_encoding_is_compact_utf8_and_round_trips() -> None:
    payload = build_payload(APPROVED, PUBLISH)
    body = encode_payload(payload)
    assert json.loads(body) == payload
    assert body.startswith(b'{"type":"summary.approved","timestamp":"2025-03-01T13:05:09Z",')
    assert len(body) < len(json.dumps(payload, ensure_ascii=False).encode())
    assert "beschließt".encode() in body  # raw UTF-8, not \u escapes
    assert encode_payload(payload) == body  # deterministic: the outbox freezes these bytes
    with pytest.raises(ValueError, match="JSON compliant"):
        encode_payload({"x": float("nan")})


def test_every_event_type_builds() -> None:
    built = [
        build_payload(APPROVED, PUBLISH)["type"],
        build_payload(UPDATED, PUBLISH)["type"],
        build_payload(RETRACTED, RETRACT)["type"],
    ]
    assert built == list(EVENT_TYPES)


def test_editor_action_fields_are_the_slack_context() -> None:
    action = EditorAction("U1", None, APPROVAL.at, "C1", "1.2")
    assert action.permalink is None
