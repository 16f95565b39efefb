"""Retention: article text purged from old drafts, the audit trail kept."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Update, update

from bot.logs import get_logger
from bot.store.base import StoreBase
from bot.store.models import DraftRow

log = get_logger(__name__)


class Retention(StoreBase):
    """Retention of article text."""

    def purge_article_text(self, older_than: datetime) -> int:
        """Null the article text of drafts created before ``older_than`` (retention).

        Metadata, revisions, audit events and deliveries stay; returns how many were purged.
        """
        now = self._now()
        with self._write() as s:
            result = s.execute(
                self._purge_statement(older_than, now),
                execution_options={"synchronize_session": False},
            )
            count = len(result.all())
        log.info("store.articles_purged", count=count, older_than=older_than.isoformat())
        return count

    @staticmethod
    def _purge_statement(older_than: datetime, now: datetime) -> Update:
        """The purge's UPDATE. Its WHERE matches the partial index ``ix_drafts_purge``
        (``created_at`` of drafts that still hold text, migration 0009_scale): the purge reads only
        drafts it will change, however many were purged before."""
        return (
            update(DraftRow)
            .where(DraftRow.created_at < older_than, DraftRow.article_text.is_not(None))
            .values(article_text=None, article_purged_at=now, updated_at=now)
            .returning(DraftRow.id)
        )
