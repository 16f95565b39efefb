"""Initial schema: drafts, revisions, audit events, processed Slack events, the outbox.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-26
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Frozen copies of the column types of bot.store.models: migrations never import the models,
# which keep changing after this migration was written.
TIMESTAMP = sa.DateTime(timezone=True)
JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("team_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("message_ts", sa.String(length=64), nullable=True),
        sa.Column("thread_ts", sa.String(length=64), nullable=True),
        sa.Column("reporter_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("url_key", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("response_url", sa.Text(), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error_code", sa.String(length=64), nullable=True),
        sa.Column("last_error_retryable", sa.Boolean(), nullable=True),
        sa.Column("lease_owner", sa.String(length=128), nullable=True),
        sa.Column("lease_expires_at", TIMESTAMP, nullable=True),
        sa.Column("bot_message_ts", sa.String(length=64), nullable=True),
        sa.Column("instruction", sa.Text(), nullable=True),
        sa.Column("instruction_by", sa.String(length=64), nullable=True),
        sa.Column("article_title", sa.Text(), nullable=True),
        sa.Column("article_language", sa.String(length=16), nullable=True),
        sa.Column("article_meta", JSON_TYPE, nullable=True),
        sa.Column("article_text", sa.Text(), nullable=True),
        sa.Column("article_purged_at", TIMESTAMP, nullable=True),
        sa.Column("current_revision", sa.Integer(), nullable=True),
        sa.Column("approved_by", sa.String(length=64), nullable=True),
        sa.Column("approved_by_name", sa.Text(), nullable=True),
        sa.Column("approved_at", TIMESTAMP, nullable=True),
        sa.Column("approved_revision", sa.Integer(), nullable=True),
        sa.Column("rejected_by", sa.String(length=64), nullable=True),
        sa.Column("rejected_reason", sa.Text(), nullable=True),
        sa.Column("rejected_at", TIMESTAMP, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("source IN ('message', 'slash_command')", name=op.f("ck_drafts_source")),
        sa.CheckConstraint(
            "state IN ('queued', 'working', 'ready', 'approved', 'published', 'rejected', "
            "'failed', 'publish_failed')",
            name=op.f("ck_drafts_state"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint(
            "team_id", "channel", "message_ts", "url_key", name="uq_drafts_message"
        ),
    )
    op.create_index("ix_drafts_approved_at", "drafts", ["approved_at"])
    op.create_index(
        "ix_drafts_duplicate", "drafts", ["team_id", "channel", "url_key", "created_at"]
    )
    op.create_index("ix_drafts_state_created", "drafts", ["state", "created_at"])
    op.create_index("ix_drafts_updated_at", "drafts", ["updated_at"])

    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.String(length=128), nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_processed_events")),
    )
    op.create_index(op.f("ix_processed_events_received_at"), "processed_events", ["received_at"])

    op.create_table(
        "audit_events",
        sa.Column("id", BIGINT_PK, autoincrement=True, nullable=False),
        sa.Column("draft_id", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("detail", JSON_TYPE, nullable=False),
        sa.Column("at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_audit_events_draft_id_drafts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index("ix_audit_events_draft", "audit_events", ["draft_id", "id"])

    op.create_table(
        "deliveries",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("draft_id", sa.String(length=32), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(length=32), nullable=False),
        sa.Column("webhook_id", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("total_attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", TIMESTAMP, nullable=False),
        sa.Column("round_started_at", TIMESTAMP, nullable=False),
        sa.Column("lease_owner", sa.String(length=128), nullable=True),
        sa.Column("lease_expires_at", TIMESTAMP, nullable=True),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("delivered_at", TIMESTAMP, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("updated_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint(
            "event_type IN ('summary.approved', 'summary.updated', 'summary.retracted')",
            name=op.f("ck_deliveries_event_type"),
        ),
        sa.CheckConstraint(
            "state IN ('pending', 'delivering', 'delivered', 'failed')",
            name=op.f("ck_deliveries_state"),
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_deliveries_draft_id_drafts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deliveries")),
        sa.UniqueConstraint("webhook_id", name="uq_deliveries_webhook_id"),
    )
    op.create_index("ix_deliveries_draft", "deliveries", ["draft_id"])
    op.create_index("ix_deliveries_state_next", "deliveries", ["state", "next_attempt_at"])

    op.create_table(
        "revisions",
        sa.Column("draft_id", sa.String(length=32), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("bullets", JSON_TYPE, nullable=False),
        sa.Column("heading", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("author", sa.String(length=128), nullable=False),
        sa.Column("model", sa.String(length=128), nullable=True),
        sa.Column("prompt_version", sa.String(length=128), nullable=True),
        sa.Column("engine", sa.String(length=64), nullable=True),
        sa.Column("instruction", sa.Text(), nullable=True),
        sa.Column("checks", JSON_TYPE, nullable=True),
        sa.Column("evidence", JSON_TYPE, nullable=True),
        sa.Column("usage", JSON_TYPE, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.CheckConstraint("kind IN ('ai', 'edit', 'regenerate')", name=op.f("ck_revisions_kind")),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_revisions_draft_id_drafts")
        ),
        sa.PrimaryKeyConstraint("draft_id", "number", name=op.f("pk_revisions")),
    )
    op.create_table(
        "delivery_attempts",
        sa.Column("delivery_id", sa.String(length=32), nullable=False),
        sa.Column("attempt", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("started_at", TIMESTAMP, nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("error_kind", sa.String(length=64), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("response_snippet", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["deliveries.id"],
            name=op.f("fk_delivery_attempts_delivery_id_deliveries"),
        ),
        sa.PrimaryKeyConstraint("delivery_id", "attempt", name=op.f("pk_delivery_attempts")),
    )


def downgrade() -> None:
    op.drop_table("delivery_attempts")
    op.drop_table("revisions")
    op.drop_index("ix_deliveries_state_next", table_name="deliveries")
    op.drop_index("ix_deliveries_draft", table_name="deliveries")

    op.drop_table("deliveries")
    op.drop_index("ix_audit_events_draft", table_name="audit_events")

    op.drop_table("audit_events")
    op.drop_index(op.f("ix_processed_events_received_at"), table_name="processed_events")

    op.drop_table("processed_events")
    op.drop_index("ix_drafts_updated_at", table_name="drafts")
    op.drop_index("ix_drafts_state_created", table_name="drafts")
    op.drop_index("ix_drafts_duplicate", table_name="drafts")
    op.drop_index("ix_drafts_approved_at", table_name="drafts")

    op.drop_table("drafts")
