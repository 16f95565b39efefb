"""Slack event dedupe: an event id is recorded once, so a redelivery is recognised
(:meth:`SlackEvents.record_event`), and old ids are purged.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete

from bot.store.base import StoreBase
from bot.store.models import ProcessedEventRow


class SlackEvents(StoreBase):
    """Slack event dedupe and its retention."""

    # --- Slack event dedupe -----------------------------------------------------------------

    def record_event(self, event_id: str) -> bool:
        """True the first time ``event_id`` is seen, False for any redelivery (race-safe)."""
        with self._write() as s:
            return self._insert_ignore(
                s,
                ProcessedEventRow,
                {"event_id": event_id, "received_at": self._now()},
                ["event_id"],
            )

    def purge_processed_events(self, older_than: datetime) -> int:
        with self._write() as s:
            result = s.execute(
                delete(ProcessedEventRow)
                .where(ProcessedEventRow.received_at < older_than)
                .returning(ProcessedEventRow.event_id)
            )
            return len(result.all())
