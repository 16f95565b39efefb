"""The schema as SQLAlchemy 2 typed ORM classes (``Mapped[...]``).

These classes describe the tables for queries; the tables themselves are created only by the
Alembic migrations in ``bot/store/migrations`` (a test checks that both agree). ORM objects
never leave :mod:`bot.store.store`: callers get the frozen dataclasses of
:mod:`bot.store.records`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

DRAFT_STATES = (
    "queued",
    "working",
    "ready",
    "approved",
    "published",
    "rejected",
    "failed",
    "publish_failed",
    "retracted",
)
DRAFT_SOURCES = ("message", "slash_command")
REVISION_KINDS = ("ai", "edit", "regenerate")
DELIVERY_STATES = ("pending", "delivering", "delivered", "failed")
EVENT_TYPES = ("summary.approved", "summary.updated", "summary.retracted")

# Stable constraint names, so later migrations can address them on every backend
# (https://alembic.sqlalchemy.org/en/latest/naming.html).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend.

    PostgreSQL stores ``timestamptz``; SQLite has no time zones, so values are stored as naive
    UTC (SQLAlchemy's fixed-width ISO format, which compares correctly as text) and read back
    with ``tzinfo=UTC``. Naive datetimes are refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use an aware UTC datetime")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")
# SQLite only auto-increments an INTEGER PRIMARY KEY (https://sqlite.org/autoinc.html).
BigIntPK = BigInteger().with_variant(Integer(), "sqlite")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DraftRow(Base):
    __tablename__ = "drafts"
    __table_args__ = (
        UniqueConstraint("team_id", "channel", "message_ts", "url_key", name="uq_drafts_message"),
        CheckConstraint(_in("state", DRAFT_STATES), name="state"),
        CheckConstraint(_in("source", DRAFT_SOURCES), name="source"),
        Index("ix_drafts_state_created", "state", "created_at"),
        Index("ix_drafts_state_next", "state", "next_attempt_at"),
        Index("ix_drafts_duplicate", "team_id", "channel", "url_key", "created_at"),
        Index("ix_drafts_approved_at", "approved_at"),
        Index("ix_drafts_updated_at", "updated_at"),
        Index("ix_drafts_card_stale_at", "card_stale_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    message_ts: Mapped[str | None] = mapped_column(String(64))
    thread_ts: Mapped[str | None] = mapped_column(String(64))
    reporter_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    url_key: Mapped[str] = mapped_column(String(64))  # sha256 hex of url: bounded index size
    source: Mapped[str] = mapped_column(String(16))
    response_url: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error_code: Mapped[str | None] = mapped_column(String(64))
    last_error_retryable: Mapped[bool | None] = mapped_column(Boolean)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A queued draft is claimable only from this time on (an automatic retry's delay).
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    auto_retries: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    bot_message_ts: Mapped[str | None] = mapped_column(String(64))  # only ever a Slack ts
    # "Post for review" in flight: a random token owned by the click that reserved it.
    post_reservation: Mapped[str | None] = mapped_column(String(32))
    post_reserved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The desk (DESKS_FILE) chosen from the channel at intake; NULL: the global desk.
    desk: Mapped[str | None] = mapped_column(String(64), nullable=True)
    instruction: Mapped[str | None] = mapped_column(Text)
    instruction_by: Mapped[str | None] = mapped_column(String(64))
    article_title: Mapped[str | None] = mapped_column(Text)
    article_language: Mapped[str | None] = mapped_column(String(16))
    article_meta: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    article_text: Mapped[str | None] = mapped_column(Text)
    article_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    current_revision: Mapped[int | None] = mapped_column(Integer)
    approved_by: Mapped[str | None] = mapped_column(String(64))
    approved_by_name: Mapped[str | None] = mapped_column(Text)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_revision: Mapped[int | None] = mapped_column(Integer)
    rejected_by: Mapped[str | None] = mapped_column(String(64))
    rejected_reason: Mapped[str | None] = mapped_column(Text)
    rejected_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retracted_by: Mapped[str | None] = mapped_column(String(64))
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The thread message fell behind (Slack did not take an update): since when (None: up to
    # date), how many times that was recorded (a repair clears the mark only if no newer one
    # came), and until when a repairer holds it (lease and backoff).
    card_stale_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    card_marks: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    card_repair_after: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RevisionRow(Base):
    __tablename__ = "revisions"
    __table_args__ = (CheckConstraint(_in("kind", REVISION_KINDS), name="kind"),)

    draft_id: Mapped[str] = mapped_column(String(32), ForeignKey("drafts.id"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    kind: Mapped[str] = mapped_column(String(16))
    bullets: Mapped[list[str]] = mapped_column(JSONType)
    heading: Mapped[str | None] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(16))
    author: Mapped[str] = mapped_column(String(128))
    model: Mapped[str | None] = mapped_column(String(128))
    prompt_version: Mapped[str | None] = mapped_column(String(128))
    engine: Mapped[str | None] = mapped_column(String(64))
    instruction: Mapped[str | None] = mapped_column(Text)
    checks: Mapped[Any] = mapped_column(JSONType, nullable=True)
    evidence: Mapped[Any] = mapped_column(JSONType, nullable=True)
    usage: Mapped[Any] = mapped_column(JSONType, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Output fields beside the bullets: {"headline": …, "teaser": …}; NULL before 0006.
    fields: Mapped[dict[str, str] | None] = mapped_column(JSONType, nullable=True)


class AuditRow(Base):
    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_draft", "draft_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntPK, primary_key=True, autoincrement=True)
    draft_id: Mapped[str] = mapped_column(String(32), ForeignKey("drafts.id"))
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSONType)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProcessedEventRow(Base):
    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class DeliveryRow(Base):
    __tablename__ = "deliveries"
    __table_args__ = (
        CheckConstraint(_in("state", DELIVERY_STATES), name="state"),
        CheckConstraint(_in("event_type", EVENT_TYPES), name="event_type"),
        UniqueConstraint("webhook_id", name="uq_deliveries_webhook_id"),
        Index("ix_deliveries_state_next", "state", "next_attempt_at"),
        Index("ix_deliveries_draft", "draft_id"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    draft_id: Mapped[str] = mapped_column(String(32), ForeignKey("drafts.id"))
    revision: Mapped[int] = mapped_column(Integer)
    event_type: Mapped[str] = mapped_column(String(32))
    webhook_id: Mapped[str] = mapped_column(String(64))
    # The JSON body exactly as frozen at approval (text, not JSONB: JSONB reorders keys), so
    # every attempt signs and sends the same bytes.
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    total_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    round_started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(String(500))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DeliveryAttemptRow(Base):
    __tablename__ = "delivery_attempts"

    delivery_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("deliveries.id"), primary_key=True
    )
    attempt: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error_kind: Mapped[str | None] = mapped_column(String(64))
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    response_snippet: Mapped[str | None] = mapped_column(String(500))
