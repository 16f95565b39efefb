"""Output fields beside the bullets (headline, teaser, SEO description, social post) are kept
with each revision, as one JSON object.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE on both databases (see 0005): revisions is referenced and populated.
    # Existing revisions keep NULL: they were written without fields.
    op.add_column("revisions", sa.Column("fields", JSON_TYPE, nullable=True))


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN needs SQLite 3.35 or later (March 2021).
    op.drop_column("revisions", "fields")
