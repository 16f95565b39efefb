""" "Post for review" is reserved in its own columns, apart from the Slack ts.

The reservation used to be a ``posting:<user>`` marker written into ``bot_message_ts``, which
every other reader takes for a Slack ts (App Home, dismiss, permalinks). A marker left behind by
a crashed process is cleared here, so that reporter can post again.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

TIMESTAMP = sa.DateTime(timezone=True)

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE on both databases, no batch table copy: on SQLite with foreign keys on,
    # dropping the old drafts table of a copy fails as soon as revisions reference it.
    op.add_column("drafts", sa.Column("post_reservation", sa.String(32), nullable=True))
    op.add_column("drafts", sa.Column("post_reserved_at", TIMESTAMP, nullable=True))
    op.execute("UPDATE drafts SET bot_message_ts = NULL WHERE bot_message_ts LIKE 'posting:%'")


def downgrade() -> None:
    # ALTER TABLE … DROP COLUMN needs SQLite 3.35 or later (March 2021).
    op.drop_column("drafts", "post_reserved_at")
    op.drop_column("drafts", "post_reservation")
