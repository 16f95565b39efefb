"""Each draft records its desk (DESKS_FILE), chosen from its channel at intake, so a later edit
of the desks file does not re-route drafts already made (their style, editors and webhook).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE on both databases (see 0005): drafts is referenced and populated.
    # Existing drafts keep NULL: the global desk, as before desks existed.
    op.add_column("drafts", sa.Column("desk", sa.String(64), nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN needs SQLite 3.35 or later (March 2021).
    op.drop_column("drafts", "desk")
