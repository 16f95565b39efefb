"""The :class:`Store`: drafts, revisions, audit, Slack event dedupe, leased work and the outbox.

Every state change is ONE conditional ``UPDATE … WHERE id = ? AND state IN (…)`` (plus the
lease or revision it depends on) with ``RETURNING``; the caller that changed the row "won"
and writes its audit event (and revision or outbox row) in the same transaction. Losers get
``Outcome(won=False, draft=<the draft as it is now>)`` and nothing changes.

Draft transitions (:data:`DRAFT_TRANSITIONS`; any other move is refused):

=================  ===========================================  ==============  =================
action             from                                         to              method
=================  ===========================================  ==============  =================
create             (new row; unique per team/channel/ts/url)    queued          create_draft
claim              queued and due; working whose lease expired  working         claim_draft
exhaust            queued/expired working, attempts >= cap      failed          claim_draft
complete           working, caller holds the lease              ready           complete
fail               working, caller holds the lease              failed          fail
retry_later        working, caller holds the lease              queued (due     retry_later
                                                                later)
retry              failed                                       queued          retry
retry_now          queued, waiting for a later attempt          queued (now)    retry
regenerate         ready (at the revision the editor saw)       queued          regenerate
edit               ready, at the revision the editor saw        ready           edit
correct            published, at the revision the editor saw    ready           correct
approve            ready, at the revision the editor saw        approved        approve
reject             queued, working, ready, failed (at the       rejected        reject
                   revision the editor saw)
publish            approved, publish_failed                     published       mark_delivered
publish_fail       approved                                     publish_failed  mark_delivery_failed
republish          publish_failed                               approved        retry_delivery
retract            approved, published, publish_failed; ready   retracted       retract
                   only as a correction (approved before); at
                   the approved revision the editor saw
=================  ===========================================  ==============  =================

Automatic retries: :meth:`Store.retry_later` puts a draft whose work failed for a passing
reason back to ``queued`` with ``next_attempt_at`` (claimable only from then on),
``auto_retries`` counted up and a fresh claim budget; the workflow decides when and how often.
The Retry button (:meth:`Store.retry`) makes such a draft due at once.

Corrections: an edit of a ``published`` draft makes it ``ready`` again with the new revision
(``approved_revision`` still names the published one); approving it queues a
``summary.updated`` delivery. Retracting queues ``summary.retracted``.

Deliveries (the outbox): ``pending`` (due at ``next_attempt_at``) → ``delivering`` (leased by
one worker) → ``delivered`` | ``pending`` again (``schedule_retry``) | ``failed``;
``retry_delivery`` moves ``failed`` → ``pending`` with the same ``webhook_id``. Only
``summary.approved`` and ``summary.updated`` deliveries move their draft (publish,
publish_fail, republish); a retraction's delivery never does.

Give-ups at claim time (drafts whose workers kept crashing, deliveries out of attempts) are
committed by whichever claimer found them; pass ``exhausted=[]`` to :meth:`Store.claim_draft`
/ :meth:`Store.claim_delivery` to get them back and tell their threads.

Leases: PostgreSQL picks the row with ``SELECT … FOR UPDATE SKIP LOCKED`` inside the
``UPDATE``; SQLite runs the same ``UPDATE`` inside ``BEGIN IMMEDIATE`` (one writer at a time).
Either way the ``UPDATE`` re-checks state and lease, so exactly one worker wins a row. Lease
times come from this process's clock: hosts sharing a PostgreSQL need synchronized clocks (NTP).
A worker may finish after its lease expired as long as nobody reclaimed the row; once another
worker claimed it, the first one's ``complete``/``fail``/``mark_*`` calls are refused.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import string
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    ColumnElement,
    and_,
    delete,
    func,
    insert,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, aliased

from bot.domain import Article
from bot.logs import get_logger
from bot.store import migrate
from bot.store.engine import WRITE_OPTION, build_engine, normalize_url, safe_url
from bot.store.models import (
    AuditRow,
    Base,
    DeliveryAttemptRow,
    DeliveryRow,
    DraftRow,
    ProcessedEventRow,
    RevisionRow,
)
from bot.store.records import (
    AuditEvent,
    Created,
    Delivery,
    DeliveryAttempt,
    DeliveryState,
    Draft,
    DraftHistory,
    DraftRequest,
    DraftSource,
    DraftState,
    EventType,
    NewRevision,
    Outcome,
    Payload,
    PayloadBuilder,
    Revision,
    RevisionKind,
    StaleCard,
)

if TYPE_CHECKING:
    from bot.settings import Settings

log = get_logger(__name__)

DRAFT_TRANSITIONS: Mapping[str, tuple[frozenset[DraftState], DraftState]] = {
    "claim": (frozenset({"queued", "working"}), "working"),
    "exhaust": (frozenset({"queued", "working"}), "failed"),
    "complete": (frozenset({"working"}), "ready"),
    "fail": (frozenset({"working"}), "failed"),
    "retry_later": (frozenset({"working"}), "queued"),
    "retry": (frozenset({"failed"}), "queued"),
    "retry_now": (frozenset({"queued"}), "queued"),
    "regenerate": (frozenset({"ready"}), "queued"),
    "edit": (frozenset({"ready"}), "ready"),
    "correct": (frozenset({"published"}), "ready"),
    "approve": (frozenset({"ready"}), "approved"),
    "reject": (frozenset({"queued", "working", "ready", "failed"}), "rejected"),
    "publish": (frozenset({"approved", "publish_failed"}), "published"),
    "publish_fail": (frozenset({"approved"}), "publish_failed"),
    "republish": (frozenset({"publish_failed"}), "approved"),
    "retract": (frozenset({"approved", "published", "publish_failed", "ready"}), "retracted"),
}
# Deliveries whose outcome moves the draft (publish, publish_fail, republish).
_PUBLISHING_EVENTS = ("summary.approved", "summary.updated")

# Error code of a draft whose work crashed or timed out ``max_attempts`` times
# (its sentence is ``error.attempts_exhausted`` in the i18n catalogue).
ATTEMPTS_EXHAUSTED = "attempts_exhausted"
SYSTEM_ACTOR = "system"
APPROVED_STATES: tuple[DraftState, ...] = ("approved", "published", "publish_failed")
_SNIPPET_CHARS = 500


def utcnow() -> datetime:
    return datetime.now(UTC)


_ID_ALPHABET = string.ascii_letters + string.digits


def new_id() -> str:
    """A random id (16 letters and digits, ~95 bits), fine for Slack button values.

    Letters and digits only: a URL-safe base64 id may start with ``-``, which argparse reads
    as an option (``newsbot audit -zCL8…``) and spreadsheets as a formula (the CSV export)."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(16))


def new_webhook_id() -> str:
    """A Standard Webhooks message id (``msg_…``), the receiver's idempotency key."""
    return "msg_" + secrets.token_hex(16)


def encode_body(payload: Payload) -> str:
    """Freeze a webhook payload as text: bytes are kept exactly (they must be a JSON object in
    UTF-8); a mapping becomes compact UTF-8 JSON, as ``bot.publisher`` encodes it, with
    datetimes as ISO 8601 strings. NaN and other non-JSON values are refused."""
    if isinstance(payload, bytes):
        text_body = payload.decode("utf-8")
        if not isinstance(json.loads(text_body), dict):
            raise ValueError("a webhook payload must be a JSON object")
        return text_body
    return json.dumps(
        _jsonable(dict(payload)), ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def _truncate(value: str | None, limit: int = _SNIPPET_CHARS) -> str | None:
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


class Store:
    """The database behind the bot; build one per process from a URL (no I/O until used)."""

    def __init__(
        self,
        url: str,
        *,
        max_attempts: int = 3,
        max_delivery_attempts: int = 8,
        clock: Callable[[], datetime] = utcnow,
        echo: bool = False,
    ) -> None:
        if max_attempts < 1 or max_delivery_attempts < 1:
            raise ValueError("attempt caps must be at least 1")
        self.url = normalize_url(url)
        self.backend = self.url.get_backend_name()
        self.max_attempts = max_attempts
        self.max_delivery_attempts = max_delivery_attempts
        self._clock = clock
        self._engine = build_engine(self.url, echo=echo)
        self._write_engine = self._engine.execution_options(**{WRITE_OPTION: True})
        # SQLite has one writer. Threads of this process queue on a lock (woken at once) rather
        # than in SQLite's busy handler, which sleeps in steps of up to 100 ms and made acks
        # wait ~200 ms under load. Other processes still meet the busy timeout.
        self._write_lock: AbstractContextManager[object] = (
            threading.Lock() if self.backend == "sqlite" else nullcontext()
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        return cls(
            settings.database_url,
            max_attempts=settings.work_max_attempts,
            max_delivery_attempts=settings.publish_max_attempts,
        )

    def __repr__(self) -> str:
        return f"Store({safe_url(self.url)!r})"

    def close(self) -> None:
        """Close pooled connections (call at shutdown, and in each child after a fork)."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- schema and health ------------------------------------------------------------------

    def upgrade(self) -> str | None:
        """Create or migrate the schema (Alembic); returns the revision the database is at."""
        revision = migrate.upgrade(self._engine)
        log.info("store.upgraded", url=safe_url(self.url), revision=revision)
        return revision

    def schema_revision(self) -> str | None:
        return migrate.current_revision(self._engine)

    def is_current(self) -> bool:
        """True when the database is migrated to the newest revision this code ships."""
        return self.schema_revision() == migrate.head_revision()

    def ping(self) -> bool:
        """A cheap round trip for /healthz; False (and a log line) when the database is down."""
        try:
            with self._engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            # No traceback: /healthz may ask every few seconds while the database is down.
            log.warning(
                "store.unreachable",
                url=safe_url(self.url),
                error_type=type(exc).__name__,
                error=str(getattr(exc, "orig", None) or exc).strip(),
            )
            return False
        return True

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

    # --- drafts: creation and lookups -------------------------------------------------------

    def create_draft(
        self,
        *,
        team_id: str,
        channel: str,
        message_ts: str | None,
        url: str,
        reporter_id: str,
        thread_ts: str | None = None,
        source: DraftSource = "message",
        response_url: str | None = None,
    ) -> Created:
        """Record a request (state ``queued``) once per (team, channel, message ts, url).

        ``url`` must already be normalized by the caller. A redelivery or a racing process
        gets the existing draft and ``created=False``. Without ``message_ts`` (a slash command)
        every call creates a new draft.
        """
        request = DraftRequest(
            team_id=team_id,
            channel=channel,
            message_ts=message_ts,
            url=url,
            reporter_id=reporter_id,
            thread_ts=thread_ts,
            source=source,
            response_url=response_url,
        )
        return self.create_drafts([request])[0]

    def create_drafts(
        self, requests: Sequence[DraftRequest], *, event_ids: Sequence[str] = ()
    ) -> list[Created]:
        """Several :meth:`create_draft` calls and :meth:`record_event` ids in ONE transaction.

        Group commit for the ack path: concurrent Slack events share one write (SQLite has a
        single writer), so each ack waits for one commit instead of queueing behind many.
        Event ids are recorded after the drafts in the same transaction; the returned list
        matches ``requests``.
        """
        results: list[tuple[Draft, bool]] = []
        with self._write() as s:
            for request in requests:
                results.append(self._insert_draft(s, request))
            for event_id in event_ids:
                if not self._insert_ignore(
                    s,
                    ProcessedEventRow,
                    {"event_id": event_id, "received_at": self._now()},
                    ["event_id"],
                ):
                    log.info("event.redelivered", event_id=event_id)
        for draft, inserted in results:
            if inserted:
                log.info(
                    "draft.created", draft_id=draft.id, channel=draft.channel, source=draft.source
                )
        return [Created(draft=draft, created=inserted) for draft, inserted in results]

    def _insert_draft(self, s: Session, request: DraftRequest) -> tuple[Draft, bool]:
        now = self._now()
        draft_id = new_id()
        key = url_key(request.url)
        values: dict[str, Any] = {
            "id": draft_id,
            "team_id": request.team_id,
            "channel": request.channel,
            "message_ts": request.message_ts,
            "thread_ts": request.thread_ts if request.thread_ts is not None else request.message_ts,
            "reporter_id": request.reporter_id,
            "url": request.url,
            "url_key": key,
            "source": request.source,
            "response_url": request.response_url,
            "state": "queued",
            "attempts": 0,
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        inserted = self._insert_ignore(
            s, DraftRow, values, ["team_id", "channel", "message_ts", "url_key"]
        )
        if inserted:
            self._audit(
                s,
                draft_id,
                request.reporter_id,
                "draft.created",
                url=request.url,
                source=request.source,
            )
            row = s.get_one(DraftRow, draft_id)
        else:
            row = s.execute(
                select(DraftRow).where(
                    DraftRow.team_id == request.team_id,
                    DraftRow.channel == request.channel,
                    DraftRow.message_ts == request.message_ts,
                    DraftRow.url_key == key,
                )
            ).scalar_one()
        return _draft(row), inserted

    def get_draft(self, draft_id: str) -> Draft | None:
        with self._read() as s:
            row = s.get(DraftRow, draft_id)
            return _draft(row) if row is not None else None

    def drafts_for_message(self, team_id: str, channel: str, message_ts: str) -> list[Draft]:
        """All drafts of one Slack message (one per link), oldest first."""
        with self._read() as s:
            rows = s.scalars(
                select(DraftRow)
                .where(
                    DraftRow.team_id == team_id,
                    DraftRow.channel == channel,
                    DraftRow.message_ts == message_ts,
                )
                .order_by(DraftRow.created_at, DraftRow.id)
            )
            return [_draft(r) for r in rows]

    def find_recent_duplicate(
        self,
        *,
        team_id: str,
        channel: str,
        url: str,
        within: timedelta,
        exclude_draft_id: str | None = None,
    ) -> Draft | None:
        """The newest non-rejected draft of the same normalized ``url`` in ``channel``."""
        since = self._now() - within
        conditions: list[ColumnElement[bool]] = [
            DraftRow.team_id == team_id,
            DraftRow.channel == channel,
            DraftRow.url_key == url_key(url),
            DraftRow.url == url,
            DraftRow.created_at >= since,
            DraftRow.state != "rejected",
        ]
        if exclude_draft_id is not None:
            conditions.append(DraftRow.id != exclude_draft_id)
        with self._read() as s:
            row = s.scalars(
                select(DraftRow)
                .where(*conditions)
                .order_by(DraftRow.created_at.desc(), DraftRow.id)
                .limit(1)
            ).first()
            return _draft(row) if row is not None else None

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

    def mark_card_stale(self, draft_id: str) -> bool:
        """Record that the draft's thread message fell behind (Slack failed to take it).

        ``card_stale_at`` keeps the first such moment; ``card_marks`` counts every one, so a
        repair that drew an older state does not clear a newer mark."""
        now = self._now()
        with self._write() as s:
            result = s.execute(
                update(DraftRow)
                .where(DraftRow.id == draft_id)
                .values(
                    card_stale_at=func.coalesce(DraftRow.card_stale_at, now),
                    card_marks=DraftRow.card_marks + 1,
                )
                .returning(DraftRow.id),
                execution_options={"synchronize_session": False},
            )
            marked = result.first() is not None
        if marked:
            log.info("draft.card_stale", draft_id=draft_id)
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
                    claimed.append(StaleCard(_draft(row), row.card_marks, row.card_stale_at))
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

    # --- drafts: leased work ----------------------------------------------------------------

    def claim_draft(
        self, worker_id: str, lease_s: float, *, exhausted: list[Draft] | None = None
    ) -> Draft | None:
        """Claim the queued draft that has been due longest (or one whose worker's lease
        expired) for ``lease_s``; drafts waiting for a later attempt are left alone.

        Drafts that already used up ``max_attempts`` claims (their workers crashed or hung)
        are moved to ``failed`` with :data:`ATTEMPTS_EXHAUSTED` instead of looping forever;
        they are appended to ``exhausted`` (after the commit) so the caller can report them.
        """
        now = self._now()
        with self._write() as s:
            gave_up = self._exhaust_drafts(s, now)
            claimable = self._claimable_draft(DraftRow, now)
            pick = aliased(DraftRow)
            candidate = (
                select(pick.id)
                .where(self._claimable_draft(pick, now))
                # First due, first served: a retried draft queues from its due time.
                .order_by(func.coalesce(pick.next_attempt_at, pick.created_at), pick.id)
                .limit(1)
                .with_for_update(skip_locked=True)
                .scalar_subquery()
            )
            row = self._update_draft(
                s,
                "claim",
                [DraftRow.id == candidate, claimable],
                lease_owner=worker_id,
                lease_expires_at=now + timedelta(seconds=lease_s),
                attempts=DraftRow.attempts + 1,
                next_attempt_at=None,
            )
            draft = None if row is None else _draft(row)
            if row is not None:
                self._audit(s, row.id, worker_id, "draft.claimed", attempt=row.attempts)
        if exhausted is not None:
            exhausted.extend(gave_up)
        if draft is None:
            return None
        log.info("draft.claimed", draft_id=draft.id, worker=worker_id, attempt=draft.attempts)
        return draft

    def renew_lease(self, draft_id: str, worker_id: str, lease_s: float) -> bool:
        """Extend the lease; False if the worker no longer holds it (stop working then)."""
        return self._renew(DraftRow, draft_id, "working", worker_id, lease_s)

    def save_article(self, draft_id: str, worker_id: str, article: Article) -> Draft | None:
        """Store the extracted article while the worker holds the lease; the draft with its
        article (title, site, date…) as now stored, or None if the worker lost the lease."""
        with self._write() as s:
            row = s.execute(
                update(DraftRow)
                .where(
                    DraftRow.id == draft_id,
                    DraftRow.state == "working",
                    DraftRow.lease_owner == worker_id,
                )
                .values(updated_at=self._now(), **_article_values(article))
                .returning(DraftRow),
                execution_options={"synchronize_session": False, "populate_existing": True},
            ).scalar_one_or_none()
            return _draft(row) if row is not None else None

    def complete(
        self,
        draft_id: str,
        worker_id: str,
        revision: NewRevision,
        *,
        article: Article | None = None,
    ) -> Outcome:
        """working → ready with a new AI revision, only while ``worker_id`` holds the lease."""
        if revision.kind == "edit":
            raise ValueError("complete() stores AI text; use edit() for human edits")
        extra = _article_values(article) if article is not None else {}
        with self._write() as s:
            row = self._update_draft(
                s,
                "complete",
                [DraftRow.lease_owner == worker_id],
                draft_id=draft_id,
                lease_owner=None,
                lease_expires_at=None,
                last_error_code=None,
                last_error_retryable=None,
                instruction=None,
                instruction_by=None,
                current_revision=func.coalesce(DraftRow.current_revision, 0) + 1,
                **extra,
            )
            if row is None:
                return self._lost(s, draft_id, "complete", worker_id)
            assert row.current_revision is not None
            rev = self._add_revision(s, row.id, row.current_revision, revision)
            self._audit(s, row.id, worker_id, "draft.completed", revision=rev.number, kind=rev.kind)
            outcome = Outcome(won=True, draft=_draft(row), revision=rev)
        log.info("draft.completed", draft_id=draft_id, worker=worker_id, revision=rev.number)
        return outcome

    def fail(self, draft_id: str, worker_id: str, error_code: str, retryable: bool) -> Outcome:
        """working → failed with ``error_code`` (a sentence key), if the worker holds the lease."""
        with self._write() as s:
            row = self._update_draft(
                s,
                "fail",
                [DraftRow.lease_owner == worker_id],
                draft_id=draft_id,
                lease_owner=None,
                lease_expires_at=None,
                last_error_code=error_code,
                last_error_retryable=retryable,
            )
            if row is None:
                return self._lost(s, draft_id, "fail", worker_id)
            self._audit(
                s, row.id, worker_id, "draft.failed", error_code=error_code, retryable=retryable
            )
            outcome = Outcome(won=True, draft=_draft(row))
        log.info("draft.failed", draft_id=draft_id, error_code=error_code, retryable=retryable)
        return outcome

    def retry_later(self, draft_id: str, worker_id: str, error_code: str, at: datetime) -> Outcome:
        """working → queued, claimable from ``at`` on (an automatic retry after a passing
        failure ``error_code``), if the worker holds the lease. ``auto_retries`` counts up;
        the claim budget starts afresh, as after the Retry button."""
        if at.tzinfo is None:
            raise ValueError("retry_later needs an aware UTC datetime")
        with self._write() as s:
            row = self._update_draft(
                s,
                "retry_later",
                [DraftRow.lease_owner == worker_id],
                draft_id=draft_id,
                lease_owner=None,
                lease_expires_at=None,
                attempts=0,
                auto_retries=DraftRow.auto_retries + 1,
                next_attempt_at=at,
                last_error_code=error_code,
                last_error_retryable=True,
            )
            if row is None:
                return self._lost(s, draft_id, "retry_later", worker_id)
            self._audit(
                s,
                row.id,
                worker_id,
                "draft.retry_scheduled",
                error_code=error_code,
                at=at,
                auto_retry=row.auto_retries,
            )
            outcome = Outcome(won=True, draft=_draft(row))
        log.info(
            "draft.retry_scheduled",
            draft_id=draft_id,
            error_code=error_code,
            at=at.isoformat(),
            auto_retry=row.auto_retries,
        )
        return outcome

    def next_draft_due(self) -> datetime | None:
        """When the earliest draft waiting for an automatic retry is due (maybe in the past);
        None if none waits. Drafts queued without a time are claimable at once anyway."""
        with self._read() as s:
            due: datetime | None = s.scalar(
                select(func.min(DraftRow.next_attempt_at)).where(
                    DraftRow.state == "queued", DraftRow.next_attempt_at.is_not(None)
                )
            )
        return due

    def retry(self, draft_id: str, actor: str) -> Outcome:
        """failed → queued now with fresh attempt budgets (the Retry button); also makes a
        draft waiting for an automatic retry due at once."""
        with self._write() as s:
            fresh: dict[str, Any] = {
                "attempts": 0,
                "auto_retries": 0,
                "next_attempt_at": None,
                "last_error_code": None,
                "last_error_retryable": None,
            }
            row = self._update_draft(s, "retry", [], draft_id=draft_id, **fresh)
            if row is None:
                row = self._update_draft(
                    s,
                    "retry_now",
                    [DraftRow.next_attempt_at > self._now()],
                    draft_id=draft_id,
                    **fresh,
                )
            if row is None:
                return self._lost(s, draft_id, "retry", actor)
            self._audit(s, row.id, actor, "draft.retried")
            return Outcome(won=True, draft=_draft(row))

    def regenerate(
        self,
        draft_id: str,
        actor: str,
        *,
        instruction: str | None = None,
        base_revision: int | None = None,
    ) -> Outcome:
        """ready → queued, to be summarized again (optionally with an editor's instruction).

        With ``base_revision``, only if the draft is still at the revision the editor saw.
        """
        extra: list[ColumnElement[bool]] = []
        if base_revision is not None:
            extra.append(DraftRow.current_revision == base_revision)
        with self._write() as s:
            row = self._update_draft(
                s,
                "regenerate",
                extra,
                draft_id=draft_id,
                attempts=0,
                auto_retries=0,
                next_attempt_at=None,
                instruction=instruction,
                instruction_by=actor,
            )
            if row is None:
                return self._lost(s, draft_id, "regenerate", actor)
            self._audit(s, row.id, actor, "draft.regenerate_requested", instruction=instruction)
            return Outcome(won=True, draft=_draft(row))

    # --- drafts: review ---------------------------------------------------------------------

    def edit(
        self,
        draft_id: str,
        *,
        editor_id: str,
        base_revision: int,
        bullets: Sequence[str],
        heading: str | None = None,
        language: str | None = None,
        checks: Any = None,
        evidence: Any = None,
    ) -> Outcome:
        """Add a human edit as the new current revision, if nobody changed the draft meanwhile."""
        new = NewRevision(
            kind="edit",
            bullets=bullets,
            author=editor_id,
            heading=heading,
            language=language,
            checks=checks,
            evidence=evidence,
        )
        return self._edit(
            "edit",
            "draft.edited",
            draft_id,
            editor_id=editor_id,
            base_revision=base_revision,
            new=new,
        )

    def correct(
        self,
        draft_id: str,
        *,
        editor_id: str,
        base_revision: int,
        bullets: Sequence[str],
        heading: str | None = None,
        language: str | None = None,
        checks: Any = None,
        evidence: Any = None,
    ) -> Outcome:
        """published → ready with an edit as the new revision: a correction to approve again
        (``approved_revision`` keeps naming the published text until then)."""
        new = NewRevision(
            kind="edit",
            bullets=bullets,
            author=editor_id,
            heading=heading,
            language=language,
            checks=checks,
            evidence=evidence,
        )
        return self._edit(
            "correct",
            "draft.correction_started",
            draft_id,
            editor_id=editor_id,
            base_revision=base_revision,
            new=new,
        )

    def _edit(
        self,
        action: str,
        audit_action: str,
        draft_id: str,
        *,
        editor_id: str,
        base_revision: int,
        new: NewRevision,
    ) -> Outcome:
        with self._write() as s:
            row = self._update_draft(
                s,
                action,
                [DraftRow.current_revision == base_revision],
                draft_id=draft_id,
                current_revision=DraftRow.current_revision + 1,
            )
            if row is None:
                return self._lost(s, draft_id, action, editor_id)
            assert row.current_revision is not None
            rev = self._add_revision(s, row.id, row.current_revision, new)
            self._audit(s, row.id, editor_id, audit_action, revision=rev.number, base=base_revision)
            return Outcome(won=True, draft=_draft(row), revision=rev)

    def approve(
        self,
        draft_id: str,
        *,
        editor_id: str,
        editor_name: str | None,
        revision: int,
        payload: Payload | PayloadBuilder | None = None,
        event_type: EventType = "summary.approved",
    ) -> Outcome:
        """ready → approved at ``revision`` + audit + outbox row, in ONE transaction.

        ``event_type`` is ``summary.updated`` for a correction of a published draft.

        ``payload`` is the webhook body, frozen now: a mapping or encoded bytes, or a function
        of the approved draft and revision returning one (called inside the transaction, so it
        sees ``approved_at``; if it raises, nothing is recorded). None (no webhook configured)
        records the approval without an outbox row. If two editors click at once, exactly one
        wins; the other gets ``won=False`` and the draft as the winner left it.
        """
        now = self._now()
        with self._write() as s:
            row = self._update_draft(
                s,
                "approve",
                [DraftRow.current_revision == revision],
                draft_id=draft_id,
                approved_by=editor_id,
                approved_by_name=editor_name,
                approved_at=now,
                approved_revision=revision,
            )
            if row is None:
                return self._lost(s, draft_id, "approve", editor_id)
            draft = _draft(row)
            rev = _revision(s.get_one(RevisionRow, (draft_id, revision)))
            delivery: Delivery | None = None
            if payload is not None:
                body = payload(draft, rev) if callable(payload) else payload
                delivery = self._add_delivery(
                    s,
                    draft_id=draft_id,
                    revision=revision,
                    event_type=event_type,
                    payload=body,
                    now=now,
                )
            self._audit(
                s,
                draft_id,
                editor_id,
                "draft.approved",
                revision=revision,
                editor_name=editor_name,
                delivery_id=delivery.id if delivery else None,
                event_type=event_type if delivery else None,
                # The checks still open on the approved text: approving with flags is allowed,
                # and the audit says so ("approved with 2 open flags") and which ones.
                open_flags=len(flags := open_flags(rev.checks)),
                flags=flags,
            )
            outcome = Outcome(won=True, draft=draft, revision=rev, delivery=delivery)
        log.info("draft.approved", draft_id=draft_id, editor=editor_id, revision=revision)
        return outcome

    def reject(
        self,
        draft_id: str,
        actor: str,
        reason: str | None = None,
        *,
        base_revision: int | None = None,
    ) -> Outcome:
        """→ rejected; with ``base_revision``, only if the draft is still at the revision the
        editor saw (checked in the same UPDATE)."""
        now = self._now()
        extra: list[ColumnElement[bool]] = []
        if base_revision is not None:
            extra.append(DraftRow.current_revision == base_revision)
        with self._write() as s:
            row = self._update_draft(
                s,
                "reject",
                extra,
                draft_id=draft_id,
                rejected_by=actor,
                rejected_reason=reason,
                rejected_at=now,
                lease_owner=None,
                lease_expires_at=None,
                next_attempt_at=None,
            )
            if row is None:
                return self._lost(s, draft_id, "reject", actor)
            self._audit(s, draft_id, actor, "draft.rejected", reason=reason)
            return Outcome(won=True, draft=_draft(row))

    def retract(
        self,
        draft_id: str,
        actor: str,
        *,
        payload: Callable[[Draft], Payload] | None = None,
        revision: int | None = None,
    ) -> Outcome:
        """An approved (or published, or being corrected) draft → retracted, with the
        ``summary.retracted`` outbox row (``payload`` of the retracted draft, built inside the
        transaction; None without a webhook) in ONE transaction. Double clicks lose. With
        ``revision``, only if that is still the approved (published) revision."""
        now = self._now()
        conditions = [or_(DraftRow.state != "ready", DraftRow.approved_revision.is_not(None))]
        if revision is not None:
            conditions.append(DraftRow.approved_revision == revision)
        with self._write() as s:
            row = self._update_draft(
                s,
                "retract",
                conditions,
                draft_id=draft_id,
                retracted_by=actor,
                retracted_at=now,
            )
            if row is None:
                return self._lost(s, draft_id, "retract", actor)
            draft = _draft(row)
            revision = draft.approved_revision or draft.current_revision or 1
            delivery: Delivery | None = None
            if payload is not None:
                delivery = self._add_delivery(
                    s,
                    draft_id=draft_id,
                    revision=revision,
                    event_type="summary.retracted",
                    payload=payload(draft),
                    now=now,
                )
            self._audit(
                s,
                draft_id,
                actor,
                "draft.retracted",
                revision=revision,
                delivery_id=delivery.id if delivery else None,
            )
            outcome = Outcome(won=True, draft=draft, delivery=delivery)
        log.info("draft.retracted", draft_id=draft_id, actor=actor, revision=revision)
        return outcome

    def get_revision(self, draft_id: str, number: int | None = None) -> Revision | None:
        """Revision ``number`` of the draft, or its current one."""
        with self._read() as s:
            if number is None:
                draft = s.get(DraftRow, draft_id)
                if draft is None or draft.current_revision is None:
                    return None
                number = draft.current_revision
            row = s.get(RevisionRow, (draft_id, number))
            return _revision(row) if row is not None else None

    # --- outbox -----------------------------------------------------------------------------

    def enqueue_delivery(
        self,
        draft_id: str,
        *,
        event_type: EventType,
        revision: int,
        payload: Payload,
        actor: str,
    ) -> Delivery | None:
        """Queue a further webhook message (``summary.updated``/``summary.retracted``) for an
        approved draft; None if the draft was never approved."""
        now = self._now()
        with self._write() as s:
            draft = s.get(DraftRow, draft_id)
            if draft is None or draft.state not in APPROVED_STATES:
                return None
            delivery = self._add_delivery(
                s,
                draft_id=draft_id,
                revision=revision,
                event_type=event_type,
                payload=payload,
                now=now,
            )
            self._audit(
                s,
                draft_id,
                actor,
                "delivery.enqueued",
                delivery_id=delivery.id,
                event_type=event_type,
                revision=revision,
            )
            return delivery

    def latest_delivery(self, draft_id: str) -> Delivery | None:
        """The draft's newest outbox row (the one its thread status line is about)."""
        with self._read() as s:
            row = s.scalars(
                select(DeliveryRow)
                .where(DeliveryRow.draft_id == draft_id)
                .order_by(DeliveryRow.created_at.desc(), DeliveryRow.id.desc())
                .limit(1)
            ).first()
            return _delivery(row) if row is not None else None

    def get_delivery(self, delivery_id: str) -> Delivery | None:
        with self._read() as s:
            row = s.get(DeliveryRow, delivery_id)
            return _delivery(row) if row is not None else None

    def next_delivery_due(self) -> datetime | None:
        """When the earliest ``pending`` delivery is due (maybe in the past); None if none is.

        Rows another worker is ``delivering`` are not counted: they come back through their
        lease, which :meth:`claim_delivery` honours without anyone waiting for it.
        """
        with self._read() as s:
            due: datetime | None = s.scalar(
                select(func.min(DeliveryRow.next_attempt_at)).where(DeliveryRow.state == "pending")
            )
        return due

    def expedite_deliveries(self) -> int:
        """Make every ``pending`` delivery that waits in backoff due now; returns how many.

        Called after a delivery succeeded: the receiver is back, so the backlog need not wait
        out its backoff. Attempt counts, ``round_started_at`` and ``webhook_id`` stay, so the
        receiver still dedupes and the give-up limits still hold. A read comes first, so the
        common case (nothing waiting) takes no write lock.
        """
        now = self._now()
        waiting = and_(DeliveryRow.state == "pending", DeliveryRow.next_attempt_at > now)
        with self._read() as s:
            if s.scalar(select(DeliveryRow.id).where(waiting).limit(1)) is None:
                return 0
        with self._write() as s:
            ids = s.scalars(
                update(DeliveryRow)
                .where(waiting)
                .values(next_attempt_at=now, updated_at=now)
                .returning(DeliveryRow.id),
                execution_options={"synchronize_session": False},
            ).all()
        if ids:
            log.info("delivery.backlog_expedited", count=len(ids))
        return len(ids)

    def claim_delivery(
        self, worker_id: str, lease_s: float, *, exhausted: list[Outcome] | None = None
    ) -> Delivery | None:
        """Lease the delivery that is due first (or one whose worker's lease expired).

        ``attempts`` and ``total_attempts`` are counted up by the claim; a delivery that used
        ``max_delivery_attempts`` claims without finishing is failed instead, and its outcome
        (delivery and draft afterwards) is appended to ``exhausted`` after the commit.
        """
        now = self._now()
        with self._write() as s:
            gave_up = self._exhaust_deliveries(s, now)
            claimable = self._claimable_delivery(DeliveryRow, now)
            pick = aliased(DeliveryRow)
            candidate = (
                select(pick.id)
                .where(self._claimable_delivery(pick, now))
                .order_by(pick.next_attempt_at, pick.created_at, pick.id)
                .limit(1)
                .with_for_update(skip_locked=True)
                .scalar_subquery()
            )
            row = s.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == candidate, claimable)
                .values(
                    state="delivering",
                    lease_owner=worker_id,
                    lease_expires_at=now + timedelta(seconds=lease_s),
                    attempts=DeliveryRow.attempts + 1,
                    total_attempts=DeliveryRow.total_attempts + 1,
                    updated_at=now,
                )
                .returning(DeliveryRow),
                execution_options={"synchronize_session": False, "populate_existing": True},
            ).scalar_one_or_none()
            delivery = None if row is None else _delivery(row)
        if exhausted is not None:
            exhausted.extend(gave_up)
        if delivery is None:
            return None
        log.info(
            "delivery.claimed", delivery_id=delivery.id, worker=worker_id, attempt=delivery.attempts
        )
        return delivery

    def renew_delivery_lease(self, delivery_id: str, worker_id: str, lease_s: float) -> bool:
        """Extend a claimed delivery's lease; False if the worker no longer holds it."""
        return self._renew(DeliveryRow, delivery_id, "delivering", worker_id, lease_s)

    def _renew(
        self,
        model: type[DraftRow] | type[DeliveryRow],
        row_id: str,
        state: str,
        worker_id: str,
        lease_s: float,
    ) -> bool:
        """One conditional UPDATE: the lease moves on only for its holder, in ``state``."""
        now = self._now()
        with self._write() as s:
            result = s.execute(
                update(model)
                .where(model.id == row_id, model.state == state, model.lease_owner == worker_id)
                .values(lease_expires_at=now + timedelta(seconds=lease_s), updated_at=now)
                .returning(model.id),
                execution_options={"synchronize_session": False},
            )
            return result.first() is not None

    def record_attempt(
        self,
        delivery_id: str,
        *,
        attempt: int,
        started_at: datetime,
        status_code: int | None = None,
        error_kind: str | None = None,
        duration_ms: int | None = None,
        response_snippet: str | None = None,
    ) -> DeliveryAttempt:
        """Log one HTTP attempt; ``attempt`` is the claimed delivery's ``total_attempts``."""
        record = DeliveryAttempt(
            delivery_id=delivery_id,
            attempt=attempt,
            started_at=started_at,
            status_code=status_code,
            error_kind=_truncate(error_kind, 64),
            duration_ms=duration_ms,
            response_snippet=_truncate(response_snippet),
        )
        with self._write() as s:
            s.execute(
                insert(DeliveryAttemptRow).values(
                    delivery_id=record.delivery_id,
                    attempt=record.attempt,
                    started_at=record.started_at,
                    status_code=record.status_code,
                    error_kind=record.error_kind,
                    duration_ms=record.duration_ms,
                    response_snippet=record.response_snippet,
                )
            )
        return record

    def mark_delivered(
        self, delivery_id: str, worker_id: str, *, status: int | None = None
    ) -> Outcome:
        """delivering → delivered (and the draft → published for ``summary.approved``)."""
        now = self._now()
        with self._write() as s:
            row = self._update_delivery(
                s,
                delivery_id,
                worker_id,
                state="delivered",
                delivered_at=now,
                last_status=status,
                last_error=None,
            )
            if row is None:
                return self._lost_delivery(s, delivery_id, "delivered", worker_id)
            detail = {"delivery_id": row.id, "webhook_id": row.webhook_id, "status": status}
            draft_row: DraftRow | None = None
            if row.event_type in _PUBLISHING_EVENTS:
                draft_row = self._update_draft(s, "publish", [], draft_id=row.draft_id)
            if draft_row is not None:
                self._audit(s, row.draft_id, worker_id, "draft.published", **detail)
            else:
                self._audit(s, row.draft_id, worker_id, "delivery.delivered", **detail)
            outcome = Outcome(
                won=True,
                draft=_draft(draft_row or s.get_one(DraftRow, row.draft_id)),
                delivery=_delivery(row),
            )
        log.info("delivery.delivered", delivery_id=delivery_id, status=status)
        return outcome

    def schedule_retry(
        self,
        delivery_id: str,
        worker_id: str,
        next_attempt_at: datetime,
        *,
        status: int | None = None,
        error: str | None = None,
    ) -> bool:
        """delivering → pending, due again at ``next_attempt_at`` (backoff chosen by the caller)."""
        with self._write() as s:
            row = self._update_delivery(
                s,
                delivery_id,
                worker_id,
                state="pending",
                next_attempt_at=next_attempt_at,
                last_status=status,
                last_error=_truncate(error),
            )
            return row is not None

    def mark_delivery_failed(
        self,
        delivery_id: str,
        worker_id: str,
        *,
        status: int | None = None,
        error: str | None = None,
    ) -> Outcome:
        """delivering → failed (and the draft → publish_failed for ``summary.approved``)."""
        with self._write() as s:
            row = self._update_delivery(
                s,
                delivery_id,
                worker_id,
                state="failed",
                last_status=status,
                last_error=_truncate(error),
            )
            if row is None:
                return self._lost_delivery(s, delivery_id, "failed", worker_id)
            outcome = self._after_delivery_failed(s, row, worker_id, status)
        log.info("delivery.failed", delivery_id=delivery_id, status=status)
        return outcome

    def retry_delivery(self, delivery_id: str, actor: str) -> Outcome:
        """failed → pending now, with a fresh attempt budget and the SAME ``webhook_id``."""
        now = self._now()
        with self._write() as s:
            row = s.execute(
                update(DeliveryRow)
                .where(DeliveryRow.id == delivery_id, DeliveryRow.state == "failed")
                .values(
                    state="pending",
                    attempts=0,
                    next_attempt_at=now,
                    round_started_at=now,
                    updated_at=now,
                )
                .returning(DeliveryRow),
                execution_options={"synchronize_session": False, "populate_existing": True},
            ).scalar_one_or_none()
            if row is None:
                return self._lost_delivery(s, delivery_id, "retry", actor)
            draft_row: DraftRow | None = None
            if row.event_type in _PUBLISHING_EVENTS:
                draft_row = self._update_draft(s, "republish", [], draft_id=row.draft_id)
            self._audit(
                s,
                row.draft_id,
                actor,
                "delivery.retried",
                delivery_id=row.id,
                webhook_id=row.webhook_id,
            )
            return Outcome(
                won=True,
                draft=_draft(draft_row or s.get_one(DraftRow, row.draft_id)),
                delivery=_delivery(row),
            )

    # --- queries for App Home, audit and retention ------------------------------------------

    def awaiting_review(self, *, team_id: str | None = None, limit: int = 50) -> list[Draft]:
        """Drafts in state ``ready``, oldest first."""
        conditions: list[ColumnElement[bool]] = [DraftRow.state == "ready"]
        if team_id is not None:
            conditions.append(DraftRow.team_id == team_id)
        with self._read() as s:
            rows = s.scalars(
                select(DraftRow)
                .where(*conditions)
                .order_by(DraftRow.created_at, DraftRow.id)
                .limit(limit)
            )
            return [_draft(r) for r in rows]

    def recent_approvals(self, *, team_id: str | None = None, limit: int = 20) -> list[Draft]:
        """Approved drafts (published or not), newest approval first."""
        conditions: list[ColumnElement[bool]] = [DraftRow.state.in_(APPROVED_STATES)]
        if team_id is not None:
            conditions.append(DraftRow.team_id == team_id)
        with self._read() as s:
            rows = s.scalars(
                select(DraftRow)
                .where(*conditions)
                .order_by(DraftRow.approved_at.desc(), DraftRow.id)
                .limit(limit)
            )
            return [_draft(r) for r in rows]

    def history(self, draft_id: str) -> DraftHistory | None:
        """The draft with all its revisions, audit events, deliveries and attempts."""
        with self._read() as s:
            histories = self._histories(s, [draft_id])
        return histories[0] if histories else None

    def export_since(self, since: datetime, *, batch_size: int = 100) -> Iterator[DraftHistory]:
        """Every draft with any audit event at or after ``since``, oldest draft first."""
        with self._read() as s:
            ids = list(
                s.scalars(
                    select(DraftRow.id)
                    .where(
                        DraftRow.id.in_(
                            select(AuditRow.draft_id).where(AuditRow.at >= since).distinct()
                        )
                    )
                    .order_by(DraftRow.created_at, DraftRow.id)
                )
            )
        for start in range(0, len(ids), batch_size):
            with self._read() as s:
                yield from self._histories(s, ids[start : start + batch_size])

    def state_counts(self) -> dict[str, dict[str, int]]:
        """``{"drafts": {state: n}, "deliveries": {state: n}}`` for the metrics endpoint."""
        with self._read() as s:
            drafts = s.execute(select(DraftRow.state, func.count()).group_by(DraftRow.state))
            deliveries = s.execute(
                select(DeliveryRow.state, func.count()).group_by(DeliveryRow.state)
            )
            return {
                "drafts": {str(state): int(n) for state, n in drafts},
                "deliveries": {str(state): int(n) for state, n in deliveries},
            }

    def purge_article_text(self, older_than: datetime) -> int:
        """Null the article text of drafts created before ``older_than`` (retention).

        Metadata, revisions, audit events and deliveries stay; returns how many were purged.
        """
        now = self._now()
        with self._write() as s:
            result = s.execute(
                update(DraftRow)
                .where(DraftRow.created_at < older_than, DraftRow.article_text.is_not(None))
                .values(article_text=None, article_purged_at=now, updated_at=now)
                .returning(DraftRow.id),
                execution_options={"synchronize_session": False},
            )
            count = len(result.all())
        log.info("store.articles_purged", count=count, older_than=older_than.isoformat())
        return count

    # --- internals --------------------------------------------------------------------------

    def _now(self) -> datetime:
        now = self._clock()
        if now.tzinfo is None:
            raise ValueError("the store's clock must return aware UTC datetimes")
        return now.astimezone(UTC)

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """A write transaction (SQLite: BEGIN IMMEDIATE), committed on success."""
        with (
            self._write_lock,
            Session(self._write_engine, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self._engine, expire_on_commit=False) as session, session.begin():
            yield session

    def _insert_ignore(
        self, s: Session, model: type[Base], values: dict[str, Any], keys: list[str]
    ) -> bool:
        """INSERT … ON CONFLICT DO NOTHING; True if the row was inserted."""
        primary_key = model.__mapper__.primary_key
        if self.backend == "postgresql":
            pg_stmt = pg_insert(model).values(**values).on_conflict_do_nothing(index_elements=keys)
            result = s.execute(pg_stmt.returning(*primary_key))
        else:
            lite_stmt = (
                sqlite_insert(model).values(**values).on_conflict_do_nothing(index_elements=keys)
            )
            result = s.execute(lite_stmt.returning(*primary_key))
        return result.first() is not None

    def _audit(self, s: Session, draft_id: str, actor: str, action: str, **detail: Any) -> None:
        s.execute(
            insert(AuditRow).values(
                draft_id=draft_id,
                actor=actor,
                action=action,
                detail=_jsonable(detail),
                at=self._now(),
            )
        )

    def _update_draft(
        self,
        s: Session,
        action: str,
        conditions: Sequence[ColumnElement[bool]],
        *,
        draft_id: str | None = None,
        **values: Any,
    ) -> DraftRow | None:
        """The one conditional UPDATE behind every draft transition (see the module table)."""
        sources, target = DRAFT_TRANSITIONS[action]
        where = [DraftRow.state.in_(sorted(sources)), *conditions]
        if draft_id is not None:
            where.append(DraftRow.id == draft_id)
        values.setdefault("state", target)
        stmt = (
            update(DraftRow)
            .where(*where)
            .values(version=DraftRow.version + 1, updated_at=self._now(), **values)
            .returning(DraftRow)
        )
        return s.execute(
            stmt, execution_options={"synchronize_session": False, "populate_existing": True}
        ).scalar_one_or_none()

    def _lost(self, s: Session, draft_id: str, action: str, actor: str) -> Outcome:
        row = s.get(DraftRow, draft_id, populate_existing=True)
        log.info(
            "draft.transition_refused",
            draft_id=draft_id,
            action=action,
            actor=actor,
            state=row.state if row is not None else None,
        )
        return Outcome(won=False, draft=_draft(row) if row is not None else None)

    @staticmethod
    def _due_or_expired(model: type[DraftRow], now: datetime) -> ColumnElement[bool]:
        """Queued and due (no time, or its time has come), or working with an expired lease."""
        return or_(
            and_(
                model.state == "queued",
                or_(model.next_attempt_at.is_(None), model.next_attempt_at <= now),
            ),
            and_(model.state == "working", model.lease_expires_at < now),
        )

    def _claimable_draft(self, model: type[DraftRow], now: datetime) -> ColumnElement[bool]:
        return and_(model.attempts < self.max_attempts, self._due_or_expired(model, now))

    def _exhaust_drafts(self, s: Session, now: datetime) -> list[Draft]:
        pick = aliased(DraftRow)
        exhausted = (
            select(pick.id)
            .where(pick.attempts >= self.max_attempts, self._due_or_expired(pick, now))
            .with_for_update(skip_locked=True)
        )
        rows = s.execute(
            update(DraftRow)
            .where(
                DraftRow.id.in_(exhausted),
                DraftRow.state.in_(sorted(DRAFT_TRANSITIONS["exhaust"][0])),
                DraftRow.attempts >= self.max_attempts,
            )
            .values(
                state=DRAFT_TRANSITIONS["exhaust"][1],
                last_error_code=ATTEMPTS_EXHAUSTED,
                last_error_retryable=True,
                lease_owner=None,
                lease_expires_at=None,
                version=DraftRow.version + 1,
                updated_at=now,
            )
            .returning(DraftRow),
            execution_options={"synchronize_session": False, "populate_existing": True},
        ).scalars()
        drafts = [_draft(row) for row in rows]
        for draft in drafts:
            self._audit(
                s,
                draft.id,
                SYSTEM_ACTOR,
                "draft.failed",
                error_code=ATTEMPTS_EXHAUSTED,
                retryable=True,
                attempts=draft.attempts,
            )
            log.warning("draft.attempts_exhausted", draft_id=draft.id, attempts=draft.attempts)
        return drafts

    def _add_revision(self, s: Session, draft_id: str, number: int, new: NewRevision) -> Revision:
        row = RevisionRow(
            draft_id=draft_id,
            number=number,
            kind=new.kind,
            bullets=list(new.bullets),
            heading=new.heading,
            language=new.language,
            author=new.author,
            model=new.model,
            prompt_version=new.prompt_version,
            engine=new.engine,
            instruction=new.instruction,
            checks=_jsonable(new.checks),
            evidence=_jsonable(new.evidence),
            usage=_jsonable(new.usage),
            created_at=self._now(),
        )
        s.add(row)
        s.flush()
        return _revision(row)

    def _add_delivery(
        self,
        s: Session,
        *,
        draft_id: str,
        revision: int,
        event_type: EventType,
        payload: Payload,
        now: datetime,
    ) -> Delivery:
        row = DeliveryRow(
            id=new_id(),
            draft_id=draft_id,
            revision=revision,
            event_type=event_type,
            webhook_id=new_webhook_id(),
            body=encode_body(payload),
            state="pending",
            attempts=0,
            total_attempts=0,
            next_attempt_at=now,
            round_started_at=now,
            created_at=now,
            updated_at=now,
        )
        s.add(row)
        s.flush()
        return _delivery(row)

    def _claimable_delivery(self, model: type[DeliveryRow], now: datetime) -> ColumnElement[bool]:
        return and_(
            model.attempts < self.max_delivery_attempts,
            or_(
                and_(model.state == "pending", model.next_attempt_at <= now),
                and_(model.state == "delivering", model.lease_expires_at < now),
            ),
        )

    def _exhaust_deliveries(self, s: Session, now: datetime) -> list[Outcome]:
        pick = aliased(DeliveryRow)
        exhausted = (
            select(pick.id)
            .where(
                pick.attempts >= self.max_delivery_attempts,
                or_(
                    and_(pick.state == "pending", pick.next_attempt_at <= now),
                    and_(pick.state == "delivering", pick.lease_expires_at < now),
                ),
            )
            .with_for_update(skip_locked=True)
        )
        rows = s.scalars(
            update(DeliveryRow)
            .where(
                DeliveryRow.id.in_(exhausted),
                DeliveryRow.state.in_(("pending", "delivering")),
                DeliveryRow.attempts >= self.max_delivery_attempts,
            )
            .values(
                state="failed",
                lease_owner=None,
                lease_expires_at=None,
                last_error=ATTEMPTS_EXHAUSTED,
                updated_at=now,
            )
            .returning(DeliveryRow),
            execution_options={"synchronize_session": False, "populate_existing": True},
        ).all()
        outcomes = []
        for row in rows:
            outcomes.append(self._after_delivery_failed(s, row, SYSTEM_ACTOR, row.last_status))
            log.warning("delivery.attempts_exhausted", delivery_id=row.id, attempts=row.attempts)
        return outcomes

    def _after_delivery_failed(
        self, s: Session, row: DeliveryRow, actor: str, status: int | None
    ) -> Outcome:
        detail = {
            "delivery_id": row.id,
            "webhook_id": row.webhook_id,
            "status": status,
            "error": row.last_error,
        }
        draft_row: DraftRow | None = None
        if row.event_type in _PUBLISHING_EVENTS:
            draft_row = self._update_draft(s, "publish_fail", [], draft_id=row.draft_id)
        if draft_row is not None:
            self._audit(s, row.draft_id, actor, "draft.publish_failed", **detail)
        else:
            self._audit(s, row.draft_id, actor, "delivery.failed", **detail)
        return Outcome(
            won=True,
            draft=_draft(draft_row or s.get_one(DraftRow, row.draft_id)),
            delivery=_delivery(row),
        )

    def _update_delivery(
        self, s: Session, delivery_id: str, worker_id: str, **values: Any
    ) -> DeliveryRow | None:
        """delivering → ``values["state"]``, only for the worker holding the lease."""
        return s.execute(
            update(DeliveryRow)
            .where(
                DeliveryRow.id == delivery_id,
                DeliveryRow.state == "delivering",
                DeliveryRow.lease_owner == worker_id,
            )
            .values(lease_owner=None, lease_expires_at=None, updated_at=self._now(), **values)
            .returning(DeliveryRow),
            execution_options={"synchronize_session": False, "populate_existing": True},
        ).scalar_one_or_none()

    def _lost_delivery(self, s: Session, delivery_id: str, action: str, actor: str) -> Outcome:
        row = s.get(DeliveryRow, delivery_id, populate_existing=True)
        log.info(
            "delivery.transition_refused",
            delivery_id=delivery_id,
            action=action,
            actor=actor,
            state=row.state if row is not None else None,
        )
        if row is None:
            return Outcome(won=False, draft=None)
        return Outcome(
            won=False,
            draft=_draft(s.get_one(DraftRow, row.draft_id)),
            delivery=_delivery(row),
        )

    def _histories(self, s: Session, draft_ids: Sequence[str]) -> list[DraftHistory]:
        if not draft_ids:
            return []
        drafts = {r.id: r for r in s.scalars(select(DraftRow).where(DraftRow.id.in_(draft_ids)))}
        revisions = s.scalars(
            select(RevisionRow)
            .where(RevisionRow.draft_id.in_(draft_ids))
            .order_by(RevisionRow.draft_id, RevisionRow.number)
        ).all()
        audit = s.scalars(
            select(AuditRow).where(AuditRow.draft_id.in_(draft_ids)).order_by(AuditRow.id)
        ).all()
        deliveries = s.scalars(
            select(DeliveryRow)
            .where(DeliveryRow.draft_id.in_(draft_ids))
            .order_by(DeliveryRow.created_at, DeliveryRow.id)
        ).all()
        delivery_draft = {d.id: d.draft_id for d in deliveries}
        attempts = (
            s.scalars(
                select(DeliveryAttemptRow)
                .where(DeliveryAttemptRow.delivery_id.in_(list(delivery_draft)))
                .order_by(DeliveryAttemptRow.delivery_id, DeliveryAttemptRow.attempt)
            ).all()
            if delivery_draft
            else []
        )
        result = []
        for draft_id in draft_ids:
            row = drafts.get(draft_id)
            if row is None:
                continue
            result.append(
                DraftHistory(
                    draft=_draft(row),
                    revisions=tuple(_revision(r) for r in revisions if r.draft_id == draft_id),
                    audit=tuple(_audit_event(a) for a in audit if a.draft_id == draft_id),
                    deliveries=tuple(_delivery(d) for d in deliveries if d.draft_id == draft_id),
                    attempts=tuple(
                        _attempt(a)
                        for a in attempts
                        if delivery_draft.get(a.delivery_id) == draft_id
                    ),
                )
            )
        return result


# --- conversions: ORM rows → frozen records --------------------------------------------------


def _jsonable(value: Any) -> Any:
    """Datetimes inside JSON details become ISO strings; everything else must be JSON already."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def _article_values(article: Article) -> dict[str, Any]:
    meta = {k: v for k, v in article.to_json().items() if k != "text"}
    return {
        "article_title": article.title,
        "article_language": article.language,
        "article_meta": _jsonable(meta),
        "article_text": article.text,
        "article_purged_at": None,
    }


def _draft(row: DraftRow) -> Draft:
    return Draft(
        id=row.id,
        team_id=row.team_id,
        channel=row.channel,
        message_ts=row.message_ts,
        thread_ts=row.thread_ts,
        reporter_id=row.reporter_id,
        url=row.url,
        source=cast(DraftSource, row.source),
        response_url=row.response_url,
        state=cast(DraftState, row.state),
        attempts=row.attempts,
        last_error_code=row.last_error_code,
        last_error_retryable=row.last_error_retryable,
        lease_owner=row.lease_owner,
        lease_expires_at=row.lease_expires_at,
        bot_message_ts=row.bot_message_ts,
        instruction=row.instruction,
        instruction_by=row.instruction_by,
        article_title=row.article_title,
        article_language=row.article_language,
        article_meta=row.article_meta,
        article_text=row.article_text,
        article_purged_at=row.article_purged_at,
        current_revision=row.current_revision,
        approved_by=row.approved_by,
        approved_by_name=row.approved_by_name,
        approved_at=row.approved_at,
        approved_revision=row.approved_revision,
        rejected_by=row.rejected_by,
        rejected_reason=row.rejected_reason,
        rejected_at=row.rejected_at,
        retracted_by=row.retracted_by,
        retracted_at=row.retracted_at,
        next_attempt_at=row.next_attempt_at,
        auto_retries=row.auto_retries,
        post_reserved_at=row.post_reserved_at,
        version=row.version,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _revision(row: RevisionRow) -> Revision:
    return Revision(
        draft_id=row.draft_id,
        number=row.number,
        kind=cast(RevisionKind, row.kind),
        bullets=tuple(row.bullets),
        heading=row.heading,
        language=row.language,
        author=row.author,
        model=row.model,
        prompt_version=row.prompt_version,
        engine=row.engine,
        instruction=row.instruction,
        checks=row.checks,
        evidence=row.evidence,
        usage=row.usage,
        created_at=row.created_at,
    )


def _audit_event(row: AuditRow) -> AuditEvent:
    return AuditEvent(
        id=row.id,
        draft_id=row.draft_id,
        actor=row.actor,
        action=row.action,
        detail=row.detail,
        at=row.at,
    )


def _delivery(row: DeliveryRow) -> Delivery:
    return Delivery(
        id=row.id,
        draft_id=row.draft_id,
        revision=row.revision,
        event_type=cast(EventType, row.event_type),
        webhook_id=row.webhook_id,
        body=row.body.encode("utf-8"),
        state=cast(DeliveryState, row.state),
        attempts=row.attempts,
        total_attempts=row.total_attempts,
        next_attempt_at=row.next_attempt_at,
        round_started_at=row.round_started_at,
        lease_owner=row.lease_owner,
        lease_expires_at=row.lease_expires_at,
        last_status=row.last_status,
        last_error=row.last_error,
        delivered_at=row.delivered_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _attempt(row: DeliveryAttemptRow) -> DeliveryAttempt:
    return DeliveryAttempt(
        delivery_id=row.delivery_id,
        attempt=row.attempt,
        started_at=row.started_at,
        status_code=row.status_code,
        error_kind=row.error_kind,
        duration_ms=row.duration_ms,
        response_snippet=row.response_snippet,
    )


def open_flags(checks: Any) -> list[dict[str, Any]]:
    """The checks stored with a revision (a list of ``Check.to_json()`` objects), as a list."""
    if not isinstance(checks, list):
        return []
    return [dict(check) for check in checks if isinstance(check, Mapping) and check.get("kind")]
