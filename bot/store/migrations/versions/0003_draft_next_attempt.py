"""Automatic retries of drafts: a "not before" time and a count of automatic retries.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

TIMESTAMP = sa.DateTime(timezone=True)

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite runs this as a table copy (batch mode, see env.py); PostgreSQL alters in place.
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("next_attempt_at", TIMESTAMP, nullable=True))
        batch.add_column(
            sa.Column("auto_retries", sa.Integer(), nullable=False, server_default="0")
        )
        batch.create_index("ix_drafts_state_next", ["state", "next_attempt_at"])


def downgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.drop_index("ix_drafts_state_next")
        batch.drop_column("auto_retries")
        batch.drop_column("next_attempt_at")
