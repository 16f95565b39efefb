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
    Column,
    DateTime,
    Dialect,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
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


PURGEABLE = "article_text IS NOT NULL"
STATE_COUNT_KINDS = ("drafts", "deliveries")


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
        # App Home filters, per workspace: by state (waiting, my desk, failed), published
        # today, and "mine" (asked for or approved).
        Index("ix_drafts_team_state_created", "team_id", "state", "created_at"),
        Index("ix_drafts_team_state_approved", "team_id", "state", "approved_at"),
        Index("ix_drafts_team_reporter", "team_id", "reporter_id", "created_at"),
        Index("ix_drafts_team_approver", "team_id", "approved_by", "approved_at"),
        # The retention purge: only drafts that still hold article text (purged rows leave it).
        Index(
            "ix_drafts_purge",
            "created_at",
            postgresql_where=text(PURGEABLE),
            sqlite_where=text(PURGEABLE),
        ),
        # The same article in another channel (a summary to reuse).
        Index("ix_drafts_url_key", "url_key", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    team_id: Mapped[str] = mapped_column(String(64))
    # The Enterprise Grid organization of the workspace (None outside a grid): an org-wide
    # install has one bot token for every workspace of the organization.
    enterprise_id: Mapped[str | None] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(64))
    message_ts: Mapped[str | None] = mapped_column(String(64))
    thread_ts: Mapped[str | None] = mapped_column(String(64))
    reporter_id: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(Text)
    url_key: Mapped[str] = mapped_column(String(64))  # sha256 hex of url: bounded index size
    source: Mapped[str] = mapped_column(String(16))
    response_url: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    # The state before the last UPDATE that set ``state`` (``SET state_before = state``), so
    # its RETURNING tells the state counts what moved: RETURNING sees only the new row.
    state_before: Mapped[str | None] = mapped_column(String(16))
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
    # Fingerprint of the house style the summarizer wrote this AI text in (reuse across channels).
    style_key: Mapped[str | None] = mapped_column(String(64))
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
    state_before: Mapped[str | None] = mapped_column(String(16))  # as on drafts
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


class StateCountRow(Base):
    """How many drafts and deliveries are in each state, kept by the store's transitions in
    the same transaction as the change, so ``/metrics`` reads a few rows instead of counting
    the tables. Each (kind, state) is spread over a few ``slot`` rows (a writer picks one at
    random), so concurrent transitions rarely wait for each other's row lock; the count is
    the sum over the slots."""

    __tablename__ = "state_counts"
    __table_args__ = (CheckConstraint(_in("kind", STATE_COUNT_KINDS), name="kind"),)

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger, default=0)


# --- slack_sdk's installation and OAuth state stores (migration 0007_oauth) -------------------
# Declared on our metadata so the schema test sees them. A copy, not an import (the store never
# imports Slack): the columns of slack_sdk 3.48's SQLAlchemyInstallationStore
# (build_installations_table, build_bots_table) and SQLAlchemyOAuthStateStore
# (build_oauth_states_table); tests/slack/test_installs.py fails when the library drifts.

INSTALLATIONS = "slack_installations"
BOTS = "slack_bots"
OAUTH_STATES = "slack_oauth_states"


def _bot_columns() -> list[Column[object]]:
    return [
        Column("bot_token", String(200)),
        Column("bot_id", String(32)),
        Column("bot_user_id", String(32)),
        Column("bot_scopes", String(1000)),
        Column("bot_refresh_token", String(200)),
        Column("bot_token_expires_at", DateTime),
    ]


installations = Table(
    INSTALLATIONS,
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("enterprise_url", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_bot_columns(),
    Column("user_id", String(32), nullable=False),
    Column("user_token", String(200)),
    Column("user_scopes", String(1000)),
    Column("user_refresh_token", String(200)),
    Column("user_token_expires_at", DateTime),
    Column("incoming_webhook_url", String(200)),
    Column("incoming_webhook_channel", String(200)),
    Column("incoming_webhook_channel_id", String(200)),
    Column("incoming_webhook_configuration_url", String(200)),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("token_type", String(32)),
    Column("installed_at", DateTime, nullable=False),
    Index(
        f"{INSTALLATIONS}_idx", "client_id", "enterprise_id", "team_id", "user_id", "installed_at"
    ),
)

bots = Table(
    BOTS,
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("client_id", String(32), nullable=False),
    Column("app_id", String(32), nullable=False),
    Column("enterprise_id", String(32)),
    Column("enterprise_name", String(200)),
    Column("team_id", String(32)),
    Column("team_name", String(200)),
    *_bot_columns(),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("installed_at", DateTime, nullable=False),
    Index(f"{BOTS}_idx", "client_id", "enterprise_id", "team_id", "installed_at"),
)

oauth_states = Table(
    OAUTH_STATES,
    Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("state", String(200), nullable=False),
    Column("expire_at", DateTime, nullable=False),
)
