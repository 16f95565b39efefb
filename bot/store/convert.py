"""Conversions of ORM rows into the frozen records of :mod:`bot.store.records` (rows never
leave the store), and the JSON-safe values stored in audit details.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from bot.domain import Article
from bot.store.models import AuditRow, DeliveryAttemptRow, DeliveryRow, DraftRow, RevisionRow
from bot.store.records import (
    AuditEvent,
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    Draft,
    DraftSource,
    DraftState,
    EventType,
    Revision,
    RevisionKind,
    ordered_fields,
)

# --- conversions: ORM rows → frozen records --------------------------------------------------


def jsonable(value: Any) -> Any:
    """Datetimes inside JSON details become ISO strings; everything else must be JSON already."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def article_values(article: Article) -> dict[str, Any]:
    meta = {k: v for k, v in article.to_json().items() if k != "text"}
    return {
        "article_title": article.title,
        "article_language": article.language,
        "article_meta": jsonable(meta),
        "article_text": article.text,
        "article_purged_at": None,
    }


def to_draft(row: DraftRow) -> Draft:
    return Draft(
        id=row.id,
        team_id=row.team_id,
        channel=row.channel,
        message_ts=row.message_ts,
        thread_ts=row.thread_ts,
        reporter_id=row.reporter_id,
        url=row.url,
        source=cast(DraftSource, row.source),
        response_url=row.response_url,
        state=cast(DraftState, row.state),
        attempts=row.attempts,
        last_error_code=row.last_error_code,
        last_error_retryable=row.last_error_retryable,
        lease_owner=row.lease_owner,
        lease_expires_at=row.lease_expires_at,
        bot_message_ts=row.bot_message_ts,
        instruction=row.instruction,
        instruction_by=row.instruction_by,
        article_title=row.article_title,
        article_language=row.article_language,
        article_meta=row.article_meta,
        article_text=row.article_text,
        article_purged_at=row.article_purged_at,
        current_revision=row.current_revision,
        approved_by=row.approved_by,
        approved_by_name=row.approved_by_name,
        approved_at=row.approved_at,
        approved_revision=row.approved_revision,
        rejected_by=row.rejected_by,
        rejected_reason=row.rejected_reason,
        rejected_at=row.rejected_at,
        retracted_by=row.retracted_by,
        retracted_at=row.retracted_at,
        next_attempt_at=row.next_attempt_at,
        auto_retries=row.auto_retries,
        post_reserved_at=row.post_reserved_at,
        enterprise_id=row.enterprise_id,
        desk=row.desk,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_revision(row: RevisionRow) -> Revision:
    return Revision(
        draft_id=row.draft_id,
        number=row.number,
        kind=cast(RevisionKind, row.kind),
        bullets=tuple(row.bullets),
        heading=row.heading,
        language=row.language,
        author=row.author,
        model=row.model,
        prompt_version=row.prompt_version,
        engine=row.engine,
        instruction=row.instruction,
        checks=row.checks,
        evidence=row.evidence,
        usage=row.usage,
        created_at=row.created_at,
        fields=ordered_fields(row.fields),
        style_key=row.style_key,
    )


def to_audit_event(row: AuditRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        draft_id=row.draft_id,
        actor=row.actor,
        action=row.action,
        detail=row.detail,
        at=row.at,
    )


def to_delivery(row: DeliveryRow) -> Delivery:
    return Delivery(
        id=row.id,
        draft_id=row.draft_id,
        revision=row.revision,
        event_type=cast(EventType, row.event_type),
        webhook_id=row.webhook_id,
        body=row.body.encode("utf-8"),
        state=cast(DeliveryState, row.state),
        attempts=row.attempts,
        total_attempts=row.total_attempts,
        next_attempt_at=row.next_attempt_at,
        round_started_at=row.round_started_at,
        lease_owner=row.lease_owner,
        lease_expires_at=row.lease_expires_at,
        last_status=row.last_status,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def to_attempt(row: DeliveryAttemptRow) -> DeliveryAttempt:
    return DeliveryAttempt(
        delivery_id=row.delivery_id,
        attempt=row.attempt,
        started_at=row.started_at,
        status_code=row.status_code,
        error_kind=row.error_kind,
        duration_ms=row.duration_ms,
        response_snippet=row.response_snippet,
    )


def open_flags(checks: Any) -> list[dict[str, Any]]:
    """The checks stored with a revision (a list of ``Check.to_json()`` objects), as a list."""
    if not isinstance(checks, list):
        return []
    return [dict(check) for check in checks if isinstance(check, Mapping) and check.get("kind")]
