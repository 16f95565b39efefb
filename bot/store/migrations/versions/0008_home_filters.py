"""App Home filters: per-workspace indexes for drafts by state (waiting, my desk, failed),
published today, and "mine" (drafts a user asked for or approved).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


INDEXES = {
    "ix_drafts_team_state_created": ["team_id", "state", "created_at"],
    "ix_drafts_team_state_approved": ["team_id", "state", "approved_at"],
    "ix_drafts_team_reporter": ["team_id", "reporter_id", "created_at"],
    "ix_drafts_team_approver": ["team_id", "approved_by", "approved_at"],
}


def upgrade() -> None:
    # Plain CREATE INDEX on both backends (no table copy on a populated table).
    for name, columns in INDEXES.items():
        op.create_index(name, "drafts", columns)


def downgrade() -> None:
    for name in reversed(INDEXES):
        op.drop_index(name, table_name="drafts")
