"""The draft's message in Slack: its ``ts``, the one-click reservation of "Post for review",
and cards that fell behind the database, held and claimed for repair.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, true, update

from bot.logs import get_logger
from bot.store.base import StoreBase
from bot.store.convert import to_draft
from bot.store.models import DraftRow
from bot.store.records import StaleCard

log = get_logger(__name__)


class Cards(StoreBase):
    """The draft's message in Slack, and its repair."""

    def set_bot_message(
        self, draft_id: str, bot_message_ts: str, *, only_if_unset: bool = False
    ) -> bool:
        """Remember the thread reply the bot posted (and later updates) for this draft.

        ``only_if_unset``: a compare-and-set that keeps a ts recorded meanwhile (False then)."""
        unset = DraftRow.bot_message_ts.is_(None) if only_if_unset else true()
        with self._write() as s:
            result = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, unset)
                .values(bot_message_ts=bot_message_ts, updated_at=self._now())
                .returning(DraftRow.id),
                execution_options={"synchronize_session": False},
            )
            return result.first() is not None

    def reserve_post(self, draft_id: str, *, stale_after: timedelta) -> str | None:
        """Reserve posting a ready, not yet posted draft for review; the reservation's token.

        A compare-and-set: of racing clicks (threads or processes) exactly one gets a token,
        the others None. A reservation older than ``stale_after`` (its process died while
        posting) may be taken over. ``bot_message_ts`` is not touched: it only ever holds a
        Slack ts."""
        now = self._now()
        token = secrets.token_hex(16)
        free = or_(
            DraftRow.post_reservation.is_(None),
            DraftRow.post_reserved_at < now - stale_after,
        )
        with self._write() as s:
            result = s.execute(
                update(DraftRow)
                .where(
                    DraftRow.id == draft_id,
                    DraftRow.state == "ready",
                    DraftRow.bot_message_ts.is_(None),
                    free,
                )
                .values(post_reservation=token, post_reserved_at=now, updated_at=now)
                .returning(DraftRow.id),
                execution_options={"synchronize_session": False},
            )
            return token if result.first() is not None else None

    def finish_post(self, draft_id: str, token: str, bot_message_ts: str | None) -> bool:
        """End the reservation ``token``: remember the posted message's ts, or (None) release
        it so the reporter can try again. False if the reservation was not (any more) ours."""
        values: dict[str, Any] = {
            "post_reservation": None,
            "post_reserved_at": None,
            "updated_at": self._now(),
        }
        if bot_message_ts is not None:
            values["bot_message_ts"] = bot_message_ts
        with self._write() as s:
            result = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id, DraftRow.post_reservation == token)
                .values(**values)
                .returning(DraftRow.id),
                execution_options={"synchronize_session": False},
            )
            return result.first() is not None

    # --- drafts: thread messages Slack did not take --------------------------------------------

    def mark_card_stale(self, draft_id: str, *, not_before: datetime | None = None) -> bool:
        """Record that the draft's thread message fell behind (Slack failed to take it).

        ``card_stale_at`` keeps the first such moment; ``card_marks`` counts every one, so a
        repair that drew an older state does not clear a newer mark. ``not_before``: no
        repair before then (Slack's ``Retry-After``, or when the method's budget refills)."""
        now = self._now()
        values: dict[str, Any] = {
            "card_stale_at": func.coalesce(DraftRow.card_stale_at, now),
            "card_marks": DraftRow.card_marks + 1,
        }
        if not_before is not None:
            values["card_repair_after"] = not_before
        with self._write() as s:
            result = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id)
                .values(**values)
                .returning(DraftRow.id),
                execution_options={"synchronize_session": False},
            )
            marked = result.first() is not None
        if marked:
            log.info("draft.card_stale", draft_id=draft_id, not_before=not_before)
        return marked

    def claim_stale_cards(self, hold_s: float, *, limit: int = 20) -> list[StaleCard]:
        """Stale cards to redraw, oldest mark first, each held for ``hold_s`` (one repairer at
        a time across processes; after a failed repair, the next try waits for the hold).

        Drafts a summary worker is on (``working``) are left to it: it shows its own outcome,
        and a redraw of the half-done state could land after it."""
        now = self._now()
        held_until = now + timedelta(seconds=hold_s)
        claimable = and_(
            DraftRow.card_stale_at.is_not(None),
            DraftRow.state != "working",
            or_(DraftRow.card_repair_after.is_(None), DraftRow.card_repair_after <= now),
        )
        claimed: list[StaleCard] = []
        with self._write() as s:
            ids = s.scalars(
                select(DraftRow.id)
                .where(claimable)
                .order_by(DraftRow.card_stale_at, DraftRow.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            for draft_id in ids:
                row = s.execute(
                    update(DraftRow)
                    .where(DraftRow.id == draft_id, claimable)
                    .values(card_repair_after=held_until)
                    .returning(DraftRow),
                    execution_options={
                        "synchronize_session": False,
                        "populate_existing": True,
                    },
                ).scalar_one_or_none()
                if row is not None and row.card_stale_at is not None:
                    claimed.append(StaleCard(to_draft(row), row.card_marks, row.card_stale_at))
        return claimed

    def card_repaired(self, card: StaleCard) -> bool:
        """Clear the mark after a successful redraw, unless a newer mark or a newer state of
        the draft came meanwhile (then the next sweep draws it again)."""
        with self._write() as s:
            result = s.execute(
                update(DraftRow)
                .where(
                    DraftRow.id == card.draft.id,
                    DraftRow.card_marks == card.marks,
                    DraftRow.version == card.draft.version,
                )
                .values(card_stale_at=None, card_repair_after=None)
                .returning(DraftRow.id),
                execution_options={"synchronize_session": False},
            )
            return result.first() is not None
