"""Cards Slack did not take: when the draft's thread message fell behind the database, how
often that was recorded, and until when a repairer holds it.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

TIMESTAMP = sa.DateTime(timezone=True)

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite runs this as a table copy (batch mode, see env.py); PostgreSQL alters in place.
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("card_stale_at", TIMESTAMP, nullable=True))
        batch.add_column(sa.Column("card_marks", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("card_repair_after", TIMESTAMP, nullable=True))
        batch.create_index("ix_drafts_card_stale_at", ["card_stale_at"])


def downgrade() -> None:
    with op.batch_alter_table("drafts") as batch:
        batch.drop_index("ix_drafts_card_stale_at")
        batch.drop_column("card_repair_after")
        batch.drop_column("card_marks")
        batch.drop_column("card_stale_at")
