"""The webhook body: ``{"type", "timestamp", "data"}`` as described in ``docs/webhook.md``.

``docs/webhook-payload.schema.json`` is the contract; the tests validate every event type
built here against it. Payloads are built once, frozen as JSON in the outbox, and the same
bytes are signed and sent on every attempt.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final, Literal, overload

from bot.domain import Article

EventType = Literal["summary.approved", "summary.updated", "summary.retracted"]
APPROVED: Final = "summary.approved"
UPDATED: Final = "summary.updated"
RETRACTED: Final = "summary.retracted"
EVENT_TYPES: Final[tuple[EventType, ...]] = (APPROVED, UPDATED, RETRACTED)

BULLET: Final = "• "
# data.summary's optional properties, in the order they are sent (docs/webhook.md).
SUMMARY_FIELDS: Final = ("headline", "teaser", "seo_description", "social")


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """The article a summary belongs to, as the CMS should link it."""

    url: str
    title: str | None = None
    language: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as extracted
    author: str | None = None  # the byline as extracted (several authors separated by "; ")
    site_name: str | None = None  # the publication's name, e.g. og:site_name

    @classmethod
    def from_article(cls, article: Article) -> ArticleRef:
        """Prefer the canonical URL, then the URL after redirects, then the pasted one."""
        url = article.canonical_url or article.final_url or article.url
        return cls(
            url,
            article.title,
            article.language,
            article.published,
            author=article.author,
            site_name=article.site_name,
        )


@dataclass(frozen=True, slots=True)
class SummaryText:
    """The approved text: bullets plus the configured heading and disclaimer."""

    bullets: Sequence[str]
    heading: str
    disclaimer: str
    language: str | None = None
    # Output fields beside the bullets (headline, teaser, seo_description, social), name →
    # text; each is sent as data.summary.<name> only when present.
    fields: Mapping[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The bullets as a plain-text list, one ``• bullet`` per line."""
        return "\n".join(BULLET + bullet.strip() for bullet in self.bullets)


@dataclass(frozen=True, slots=True)
class Provenance:
    model: str
    prompt_version: str
    ai_generated: bool = True
    human_edited: bool = False


@dataclass(frozen=True, slots=True)
class EditorAction:
    """Who approved (or retracted) what, when, and where in Slack."""

    editor_id: str
    editor_name: str | None
    at: datetime  # timezone-aware
    channel_id: str
    thread_ts: str
    permalink: str | None = None


@dataclass(frozen=True, slots=True)
class PublishInput:
    """Everything ``summary.approved`` and ``summary.updated`` carry."""

    summary_id: str
    revision: int
    article: ArticleRef
    summary: SummaryText
    provenance: Provenance
    approval: EditorAction


@dataclass(frozen=True, slots=True)
class RetractInput:
    """Everything ``summary.retracted`` carries."""

    summary_id: str
    revision: int
    article: ArticleRef
    retraction: EditorAction


def iso_utc(when: datetime) -> str:
    """``2025-03-01T14:05:09Z``; refuses naive datetimes (their zone is a guess)."""
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError("datetime must be timezone-aware")
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _article(ref: ArticleRef) -> dict[str, Any]:
    # author and site_name: null when extraction found none, like title and published.
    return {
        "url": ref.url,
        "title": ref.title,
        "language": ref.language,
        "published": ref.published,
        "author": ref.author,
        "site_name": ref.site_name,
    }


def _slack(action: EditorAction) -> dict[str, Any]:
    return {
        "editor_id": action.editor_id,
        "editor_name": action.editor_name,
        "channel_id": action.channel_id,
        "thread_ts": action.thread_ts,
        "permalink": action.permalink,
    }


def _check_common(summary_id: str, revision: int) -> None:
    if not summary_id:
        raise ValueError("summary_id must not be empty")
    if revision < 1:
        raise ValueError("revisions start at 1")


@overload
def build_payload(
    event_type: Literal["summary.approved", "summary.updated"], item: PublishInput
) -> dict[str, Any]: ...
@overload
def build_payload(
    event_type: Literal["summary.retracted"], item: RetractInput
) -> dict[str, Any]: ...
def build_payload(event_type: EventType, item: PublishInput | RetractInput) -> dict[str, Any]:
    """The webhook body for ``event_type``; ``timestamp`` is when the editor acted."""
    _check_common(item.summary_id, item.revision)
    if event_type == RETRACTED:
        if not isinstance(item, RetractInput):
            raise TypeError("summary.retracted needs a RetractInput")
        return {
            "type": event_type,
            "timestamp": iso_utc(item.retraction.at),
            "data": {
                "summary_id": item.summary_id,
                "revision": item.revision,
                "article": _article(item.article),
                "retraction": {"retracted_at": iso_utc(item.retraction.at)}
                | _slack(item.retraction),
            },
        }
    if event_type not in (APPROVED, UPDATED):
        raise ValueError(f"unknown event type {event_type!r}")
    if not isinstance(item, PublishInput):
        raise TypeError(f"{event_type} needs a PublishInput")
    if not item.summary.bullets or not all(b.strip() for b in item.summary.bullets):
        raise ValueError("a summary needs at least one non-empty bullet")
    summary = item.summary
    return {
        "type": event_type,
        "timestamp": iso_utc(item.approval.at),
        "data": {
            "summary_id": item.summary_id,
            "revision": item.revision,
            "article": _article(item.article),
            "summary": {
                "heading": summary.heading,
                "bullets": [b.strip() for b in summary.bullets],
                "text": summary.text,
                "disclaimer": summary.disclaimer,
                "language": summary.language,
            }
            | {
                name: summary.fields[name].strip()
                for name in SUMMARY_FIELDS
                if (summary.fields.get(name) or "").strip()
            },
            "provenance": {
                "model": item.provenance.model,
                "prompt_version": item.provenance.prompt_version,
                "ai_generated": item.provenance.ai_generated,
                "human_edited": item.provenance.human_edited,
            },
            "approval": {"approved_at": iso_utc(item.approval.at)} | _slack(item.approval),
        },
    }


def encode_payload(payload: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON: the exact bytes to freeze in the outbox, sign and send."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode(
        "utf-8"
    )
