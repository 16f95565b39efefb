"""The database at scale: state counts kept by the transitions, an index for the retention
purge, an index to find the same article in other channels, and the house-style fingerprint
of each AI revision.

* ``state_counts`` holds how many drafts and deliveries are in each state (``/metrics`` read
  ``count(*) … GROUP BY state``, a scan of both tables). It is backfilled here from the
  tables; from then on the store keeps it in the same transaction as every state change.
* ``drafts.state_before`` / ``deliveries.state_before``: the state an UPDATE moved a row
  from, read back through RETURNING (which only sees the new row).
* ``ix_drafts_purge``: ``created_at`` of drafts that still hold article text (partial index),
  what ``purge_article_text`` looks for; purged rows drop out of it.
* ``ix_drafts_url_key``: drafts of one article across channels.
* ``revisions.style_key``: the fingerprint of the house style an AI text was written in.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PURGEABLE = "article_text IS NOT NULL"


def upgrade() -> None:
    # Plain ALTER TABLE on both databases (no batch copy), nullable columns: no table rewrite.
    op.add_column("drafts", sa.Column("state_before", sa.String(16), nullable=True))
    op.add_column("deliveries", sa.Column("state_before", sa.String(16), nullable=True))
    op.add_column("revisions", sa.Column("style_key", sa.String(64), nullable=True))
    op.create_index(
        "ix_drafts_purge",
        "drafts",
        ["created_at"],
        postgresql_where=sa.text(PURGEABLE),
        sqlite_where=sa.text(PURGEABLE),
    )
    op.create_index("ix_drafts_url_key", "drafts", ["url_key", "created_at"])
    op.create_table(
        "state_counts",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("slot", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("kind IN ('drafts', 'deliveries')", name=op.f("ck_state_counts_kind")),
        sa.PrimaryKeyConstraint("kind", "state", "slot", name=op.f("pk_state_counts")),
    )
    # Backfill. The migration's transaction holds the table lock of the new table only: run it
    # with the old processes stopped (or `newsbot db recount` after they stopped), else a
    # state change they commit meanwhile is not counted.
    for kind in ("drafts", "deliveries"):
        op.execute(
            f"INSERT INTO state_counts (kind, state, slot, n) "  # noqa: S608 -- constants
            f"SELECT '{kind}', state, 0, count(*) FROM {kind} GROUP BY state"
        )


def downgrade() -> None:
    op.drop_table("state_counts")
    op.drop_index("ix_drafts_url_key", table_name="drafts")
    op.drop_index("ix_drafts_purge", table_name="drafts")
    # ALTER TABLE … DROP COLUMN needs SQLite 3.35 or later (March 2021).
    op.drop_column("revisions", "style_key")
    op.drop_column("deliveries", "state_before")
    op.drop_column("drafts", "state_before")
