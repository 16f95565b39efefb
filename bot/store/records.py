"""Plain frozen values the store returns and accepts; no ORM object ever leaves the store."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from bot.domain import SUMMARY_FIELD_NAMES, Article

DraftState = Literal[
    "queued",
    "working",
    "ready",
    "approved",
    "published",
    "rejected",
    "failed",
    "publish_failed",
    "retracted",
]
DraftSource = Literal["message", "slash_command"]
RevisionKind = Literal["ai", "edit", "regenerate"]
DeliveryState = Literal["pending", "delivering", "delivered", "failed"]
EventType = Literal["summary.approved", "summary.updated", "summary.retracted"]


@dataclass(frozen=True, slots=True)
class Draft:
    """One requested summary of one link in one Slack message."""

    id: str
    team_id: str
    channel: str
    message_ts: str | None
    thread_ts: str | None
    reporter_id: str
    url: str
    source: DraftSource
    response_url: str | None
    state: DraftState
    attempts: int
    last_error_code: str | None
    last_error_retryable: bool | None
    lease_owner: str | None
    lease_expires_at: datetime | None
    bot_message_ts: str | None
    instruction: str | None
    instruction_by: str | None
    article_title: str | None
    article_language: str | None
    article_meta: Mapping[str, Any] | None
    article_text: str | None
    article_purged_at: datetime | None
    current_revision: int | None
    approved_by: str | None
    approved_by_name: str | None
    approved_at: datetime | None
    approved_revision: int | None
    rejected_by: str | None
    rejected_reason: str | None
    rejected_at: datetime | None
    version: int
    created_at: datetime
    updated_at: datetime
    retracted_by: str | None = None
    retracted_at: datetime | None = None
    # A queued draft waiting for an automatic retry is claimable from this time on.
    next_attempt_at: datetime | None = None
    auto_retries: int = 0
    # Set while a "Post for review" click is posting the draft (see Store.reserve_post).
    post_reserved_at: datetime | None = None
    # The Enterprise Grid organization of ``team_id`` (None outside a grid).
    enterprise_id: str | None = None
    # The desk (DESKS_FILE) whose style, editors and webhook apply, fixed at intake from the
    # draft's channel; None: the global settings.
    desk: str | None = None

    def article(self) -> Article | None:
        """The stored article, or None before extraction or after the text was purged."""
        if self.article_text is None or self.article_meta is None:
            return None
        meta = dict(self.article_meta)
        return Article(
            url=meta.get("url", self.url),
            final_url=meta.get("final_url", self.url),
            title=meta.get("title"),
            text=self.article_text,
            language=meta.get("language"),
            author=meta.get("author"),
            published=meta.get("published"),
            site_name=meta.get("site_name"),
            canonical_url=meta.get("canonical_url"),
            paywalled=bool(meta.get("paywalled", False)),
            extra=dict(meta.get("extra") or {}),
        )


@dataclass(frozen=True, slots=True)
class NewRevision:
    """A summary text to store; the store assigns its number and time."""

    kind: RevisionKind
    bullets: Sequence[str]
    author: str  # model id for AI text, Slack user id for a human edit
    heading: str | None = None
    language: str | None = None
    model: str | None = None
    prompt_version: str | None = None
    engine: str | None = None
    instruction: str | None = None  # the editor's wish for a regeneration
    checks: Any = None  # JSON-serializable
    evidence: Any = None
    usage: Any = None
    # Output fields beside the bullets (headline, teaser, seo_description, social): name → text.
    fields: Mapping[str, str] = field(default_factory=dict)
    # Fingerprint of the house style the AI text was written in (None: unknown, never reused).
    style_key: str | None = None

    def as_revision(self, draft_id: str, number: int, created_at: datetime) -> Revision:
        """The revision this text becomes as revision ``number`` of the draft: what the store
        records, and what the workflow shows before the commit."""
        return Revision(
            draft_id=draft_id,
            number=number,
            kind=self.kind,
            bullets=tuple(self.bullets),
            heading=self.heading,
            language=self.language,
            author=self.author,
            model=self.model,
            prompt_version=self.prompt_version,
            engine=self.engine,
            instruction=self.instruction,
            checks=self.checks,
            evidence=self.evidence,
            usage=self.usage,
            created_at=created_at,
            fields=ordered_fields(self.fields),
            style_key=self.style_key,
        )


@dataclass(frozen=True, slots=True)
class Revision:
    draft_id: str
    number: int
    kind: RevisionKind
    bullets: tuple[str, ...]
    heading: str | None
    language: str | None
    author: str
    model: str | None
    prompt_version: str | None
    engine: str | None
    instruction: str | None
    checks: Any
    evidence: Any
    usage: Any
    created_at: datetime
    # name → text, in the canonical order of SUMMARY_FIELD_NAMES; empty before fields existed.
    fields: Mapping[str, str] = field(default_factory=dict)
    style_key: str | None = None


def ordered_fields(values: Mapping[str, Any] | None) -> dict[str, str]:
    """Stored fields in canonical order (JSONB does not keep key order), non-empty text only."""
    values = values or {}
    return {
        name: str(values[name])
        for name in SUMMARY_FIELD_NAMES
        if isinstance(values.get(name), str) and values[name].strip()
    }


@dataclass(frozen=True, slots=True)
class AuditEvent:
    id: int
    draft_id: str
    actor: str
    action: str
    detail: Mapping[str, Any]
    at: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    """One outbox message to the publishing webhook; ``webhook_id`` is stable across attempts."""

    id: str
    draft_id: str
    revision: int
    event_type: EventType
    webhook_id: str
    body: bytes  # the exact JSON to sign and send, identical on every attempt
    state: DeliveryState
    attempts: int  # since the delivery was (re)started; the retry budget
    total_attempts: int  # ever; numbers the rows of ``delivery_attempts``
    next_attempt_at: datetime
    round_started_at: datetime  # creation, or the last manual retry
    lease_owner: str | None
    lease_expires_at: datetime | None
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @property
    def payload(self) -> dict[str, Any]:
        """The body parsed (for display and tests)."""
        parsed: dict[str, Any] = json.loads(self.body)
        return parsed


@dataclass(frozen=True, slots=True)
class DeliveryAttempt:
    delivery_id: str
    attempt: int
    started_at: datetime
    status_code: int | None
    error_kind: str | None
    duration_ms: int | None
    response_snippet: str | None


@dataclass(frozen=True, slots=True)
class DraftRequest:
    """One draft to record (see :meth:`Store.create_drafts`); ``url`` already normalized."""

    team_id: str
    channel: str
    message_ts: str | None
    url: str
    reporter_id: str
    thread_ts: str | None = None
    source: DraftSource = "message"
    response_url: str | None = None
    enterprise_id: str | None = None
    desk: str | None = None


@dataclass(frozen=True, slots=True)
class Created:
    """Result of :meth:`Store.create_draft`: the draft, and whether this call inserted it."""

    draft: Draft
    created: bool


@dataclass(frozen=True, slots=True)
class Outcome:
    """Result of a state transition.

    ``won`` is True only for the one caller whose conditional update changed the row; ``draft``
    is the draft as it is afterwards (None if it does not exist), so a loser can say why.
    """

    won: bool
    draft: Draft | None
    revision: Revision | None = None
    delivery: Delivery | None = None


@dataclass(frozen=True, slots=True)
class StaleCard:
    """A draft whose thread message Slack did not take, claimed for repair.

    ``marks`` and ``version`` are the draft's as read at the claim: the repair is recorded
    (:meth:`Store.card_repaired`) only if neither changed meanwhile, so a newer failure or a
    newer state is drawn again by the next sweep.
    """

    draft: Draft
    marks: int
    stale_since: datetime


@dataclass(frozen=True, slots=True)
class DraftHistory:
    """Everything recorded about one draft, for the audit view and exports."""

    draft: Draft
    revisions: tuple[Revision, ...] = ()
    audit: tuple[AuditEvent, ...] = ()
    deliveries: tuple[Delivery, ...] = ()
    attempts: tuple[DeliveryAttempt, ...] = field(default=())


# A webhook payload: a JSON object, or its already encoded bytes (stored exactly as given).
Payload = Mapping[str, Any] | bytes
PayloadBuilder = Callable[[Draft, Revision], Payload]
