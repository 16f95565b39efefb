"""Retracted drafts: the state ``retracted`` and who retracted when.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

TIMESTAMP = sa.DateTime(timezone=True)

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_STATES = (
    "state IN ('queued', 'working', 'ready', 'approved', 'published', 'rejected', "
    "'failed', 'publish_failed')"
)
_NEW_STATES = (
    "state IN ('queued', 'working', 'ready', 'approved', 'published', 'rejected', "
    "'failed', 'publish_failed', 'retracted')"
)


def upgrade() -> None:
    # SQLite runs this as a table copy (batch mode, see env.py); PostgreSQL alters in place.
    with op.batch_alter_table("drafts") as batch:
        batch.add_column(sa.Column("retracted_by", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("retracted_at", TIMESTAMP, nullable=True))
        batch.drop_constraint(op.f("ck_drafts_state"), type_="check")
        batch.create_check_constraint(op.f("ck_drafts_state"), _NEW_STATES)


def downgrade() -> None:
    op.execute("UPDATE drafts SET state = 'published' WHERE state = 'retracted'")
    with op.batch_alter_table("drafts") as batch:
        batch.drop_constraint(op.f("ck_drafts_state"), type_="check")
        batch.create_check_constraint(op.f("ck_drafts_state"), _OLD_STATES)
        batch.drop_column("retracted_at")
        batch.drop_column("retracted_by")
