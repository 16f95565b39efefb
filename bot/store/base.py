"""The engine, sessions and transactions every part of the store shares, and the row
helpers more than one part writes with (audit events, conditional draft updates,
revisions, outbox rows, leases).
"""

from __future__ import annotations

import hashlib
import json
import secrets
import string
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import ColumnElement, insert, null, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.logs import get_logger
from bot.store import migrate, tally
from bot.store.convert import jsonable, to_delivery, to_draft, to_revision
from bot.store.engine import WRITE_OPTION, PoolConfig, build_engine, normalize_url, safe_url
from bot.store.models import AuditRow, Base, DeliveryRow, DraftRow, RevisionRow
from bot.store.records import (
    Delivery,
    DraftState,
    EventType,
    NewRevision,
    Outcome,
    Payload,
    Revision,
)

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from bot.settings import Settings
    from bot.store.listen import WakeListener

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
    # The workspace uninstalled the app (or revoked its bot token): its work ends.
    "stop": (frozenset({"queued", "working"}), "failed"),
}
# Deliveries whose outcome moves the draft (publish, publish_fail, republish).
PUBLISHING_EVENTS = ("summary.approved", "summary.updated")

# Error code of a draft whose work crashed or timed out ``max_attempts`` times
# (its sentence is ``error.attempts_exhausted`` in the i18n catalogue).
ATTEMPTS_EXHAUSTED = "attempts_exhausted"
# Error code of drafts and deliveries stopped because their workspace removed the app.
WORKSPACE_REMOVED = "workspace_removed"
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
        jsonable(dict(payload)), ensure_ascii=False, separators=(",", ":"), allow_nan=False
    )


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


def truncate_text(value: str | None, limit: int = _SNIPPET_CHARS) -> str | None:
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


# ORM ``UPDATE … RETURNING`` rows: no session objects to sync, returned rows fresh.
RETURNING_ROWS: Mapping[str, Any] = {"synchronize_session": False, "populate_existing": True}


def transition_values(action: str, now: Any) -> dict[str, Any]:
    """What every draft transition's UPDATE sets besides its own columns: the target state of
    ``action`` (:data:`DRAFT_TRANSITIONS`), the state it left (for the state counts), the
    version and the time (``now``: a datetime or a bound parameter)."""
    return {
        "state": DRAFT_TRANSITIONS[action][1],
        "state_before": DraftRow.state,
        "version": DraftRow.version + 1,
        "updated_at": now,
    }


class StoreBase:
    """The database behind the bot; build one per process from a URL (no I/O until used).

    The parts of :class:`~bot.store.store.Store` subclass it.
    """

    def __init__(
        self,
        url: str,
        *,
        max_attempts: int = 3,
        max_delivery_attempts: int = 8,
        clock: Callable[[], datetime] = utcnow,
        echo: bool = False,
        pool: PoolConfig | None = None,
    ) -> None:
        if max_attempts < 1 or max_delivery_attempts < 1:
            raise ValueError("attempt caps must be at least 1")
        self.url = normalize_url(url)
        self.backend = self.url.get_backend_name()
        self.max_attempts = max_attempts
        self.max_delivery_attempts = max_delivery_attempts
        self._clock = clock
        self.pool = pool or PoolConfig()
        self._engine = build_engine(self.url, echo=echo, pool=self.pool)
        self._write_engine = self._engine.execution_options(**{WRITE_OPTION: True})
        # SQLite has one writer. Threads of this process queue on a lock (woken at once) rather
        # than in SQLite's busy handler, which sleeps in steps of up to 100 ms and made acks
        # wait ~200 ms under load. Other processes still meet the busy timeout.
        self._write_lock: AbstractContextManager[object] = (
            threading.Lock() if self.backend == "sqlite" else nullcontext()
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> Self:
        return cls(
            settings.database_url,
            max_attempts=settings.work_max_attempts,
            max_delivery_attempts=settings.publish_max_attempts,
            pool=PoolConfig(
                size=settings.db_pool_size,
                max_overflow=settings.db_max_overflow,
                timeout_s=settings.db_pool_timeout_s,
                recycle_s=settings.db_pool_recycle_s,
                prepared_statements=settings.db_prepared_statements,
            ),
        )

    def __repr__(self) -> str:
        return f"Store({safe_url(self.url)!r})"

    def close(self) -> None:
        """Close pooled connections (call at shutdown, and in each child after a fork)."""
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def wake_listener(
        self, callbacks: Mapping[str, Callable[[], None]], *, url: str | None = None
    ) -> WakeListener | None:
        """A (not yet started) listener calling ``callbacks[channel]()`` when another process
        queues work (channels :data:`~bot.store.tally.DRAFTS_CHANNEL`,
        :data:`~bot.store.tally.OUTBOX_CHANNEL`); ``url`` defaults to the store's own.
        None on SQLite, which has no notifications (polling covers it)."""
        if self.backend != "postgresql":
            return None
        from bot.store.listen import WakeListener  # noqa: PLC0415  # psycopg, only when used

        return WakeListener(normalize_url(url) if url else self.url, callbacks)

    @contextmanager
    def cross_process_lock(self, name: str) -> Iterator[None]:
        """Hold the lock ``name`` against every process on this database for the block.

        PostgreSQL: a transaction-level advisory lock (``pg_advisory_xact_lock``) in a
        transaction of its own, released when the block ends, also by an exception or a lost
        connection; transaction-level so that it also holds behind PgBouncer in transaction
        mode, where session locks do not. SQLite: nothing; one process's threads are for the
        caller to serialize, and several processes on one SQLite file are not a scale-out
        setup (they need PostgreSQL)."""
        if self.backend != "postgresql":
            yield
            return
        digest = hashlib.blake2b(name.encode(), digest_size=8).digest()
        key = int.from_bytes(digest, "big", signed=True)  # advisory locks take a bigint
        with self._engine.connect() as conn, conn.begin():
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})
            yield

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

    @property
    def engine(self) -> Engine:
        """The engine for reads (slack_sdk's installation stores run on it, bot.slack.installs)."""
        return self._engine

    @property
    def write_engine(self) -> Engine:
        """The same pool for write transactions (SQLite: ``BEGIN IMMEDIATE``)."""
        return self._write_engine

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
            tally.apply(session, self.backend)

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
                detail=jsonable(detail),
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
        sources, _target = DRAFT_TRANSITIONS[action]
        where = [DraftRow.state.in_(sorted(sources)), *conditions]
        if draft_id is not None:
            where.append(DraftRow.id == draft_id)
        stmt = (
            update(DraftRow)
            .where(*where)
            .values({**transition_values(action, self._now()), **values})
            .returning(DraftRow)
        )
        row = s.execute(stmt, execution_options=RETURNING_ROWS).scalar_one_or_none()
        if row is not None:
            tally.moved(s, "drafts", row.state_before, row.state)
        return row

    def _lost(self, s: Session, draft_id: str, action: str, actor: str) -> Outcome:
        row = s.get(DraftRow, draft_id, populate_existing=True)
        log.info(
            "draft.transition_refused",
            draft_id=draft_id,
            action=action,
            actor=actor,
            state=row.state if row is not None else None,
        )
        return Outcome(won=False, draft=to_draft(row) if row is not None else None)

    def _add_revision(self, s: Session, draft_id: str, number: int, new: NewRevision) -> Revision:
        revision = new.as_revision(draft_id, number, self._now())
        values = {f.name: getattr(revision, f.name) for f in fields(revision)}
        row = RevisionRow(
            **{
                **values,
                "bullets": list(revision.bullets),
                "checks": jsonable(revision.checks),
                "evidence": jsonable(revision.evidence),
                "usage": jsonable(revision.usage),
                # SQL NULL, not JSON null, for none: as in revisions from before 0006.
                "fields": dict(revision.fields) or null(),
            }
        )
        s.add(row)
        s.flush()
        return to_revision(row)

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
        tally.moved(s, "deliveries", None, row.state)
        return to_delivery(row)
