"""Bookkeeping that rides along with a write transaction and is applied just before it
commits: the state counts (``state_counts``) and the wake-up notifications (``NOTIFY``).

Every transition reports what it moved with :func:`moved` (from the ``state_before`` /
``state`` pair its ``UPDATE … RETURNING`` gave back, or ``None`` for a new row); the deltas are
summed per (kind, state) and written by :func:`apply` in ONE statement at the end of the
transaction:

* **exact**: the counts change in the same transaction as the rows, so they commit or roll
  back together; a concurrent transition that loses its conditional UPDATE reports nothing.
* **no deadlocks**: the counter rows are the last locks a transaction takes, always in the
  same (kind, state, slot) order, so two transactions never wait for each other in a cycle.
* **little waiting**: on PostgreSQL each transaction adds into one of :data:`SLOTS` rows per
  (kind, state), picked at random, and holds those row locks only from the upsert to its
  commit. SQLite has one writer anyway (slot 0).

On PostgreSQL, a transaction that made a draft claimable (``queued``) or an outbox row due
(``pending``, or sooner) also sends ``NOTIFY`` on :data:`DRAFTS_CHANNEL` / :data:`OUTBOX_CHANNEL`;
PostgreSQL delivers it to listeners when (and only if) the transaction commits
(https://www.postgresql.org/docs/current/sql-notify.html), so a woken worker always finds the
row. See :mod:`bot.store.listen` for the listening side.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Final, Literal

from sqlalchemy import text
from sqlalchemy.orm import Session

Kind = Literal["drafts", "deliveries"]

SLOTS: Final = 8
DRAFTS_CHANNEL: Final = "newsbot_drafts"
OUTBOX_CHANNEL: Final = "newsbot_outbox"
# Entering these states makes a row work for some worker (a draft to claim, a delivery due).
_WAKE: Final[dict[str, tuple[str, str]]] = {
    "drafts": ("queued", DRAFTS_CHANNEL),
    "deliveries": ("pending", OUTBOX_CHANNEL),
}
_DELTAS: Final = "newsbot_state_deltas"
_NOTIFY: Final = "newsbot_notify"
# Plain SQL that both databases take (ON CONFLICT … DO UPDATE: PostgreSQL 9.5+, SQLite 3.24+):
# one cached statement, executed once per (kind, state) that changed.
_UPSERT = text(
    "INSERT INTO state_counts (kind, state, slot, n) VALUES (:kind, :state, :slot, :n) "
    "ON CONFLICT (kind, state, slot) DO UPDATE SET n = state_counts.n + excluded.n"
)
# PostgreSQL: the counts (rows sorted: the lock order that rules out deadlocks) and the
# NOTIFYs in one statement; a data-modifying CTE runs in full even though nothing reads it
# (https://www.postgresql.org/docs/current/queries-with.html#QUERIES-WITH-MODIFYING).
_PG_APPLY = text(
    "WITH counted AS ("
    " INSERT INTO state_counts (kind, state, slot, n)"
    " SELECT d.kind, d.state, :slot, d.n FROM unnest("
    "  CAST(:kinds AS text[]), CAST(:states AS text[]), CAST(:ns AS bigint[])"
    " ) AS d(kind, state, n) ORDER BY d.kind, d.state"
    " ON CONFLICT (kind, state, slot) DO UPDATE SET n = state_counts.n + excluded.n)"
    " SELECT pg_notify(c.channel, '') FROM unnest(CAST(:channels AS text[])) AS c(channel)"
)
_rng = random.Random()  # noqa: S311 -- spreads writers over counter rows, not a secret


def moved(s: Session, kind: Kind, before: str | None, after: str | None) -> None:
    """Record that one row of ``kind`` went from ``before`` to ``after`` (None: no row)."""
    if before != after:
        deltas: Counter[tuple[str, str]] = s.info.setdefault(_DELTAS, Counter())
        if before is not None:
            deltas[(kind, before)] -= 1
        if after is not None:
            deltas[(kind, after)] += 1
    state, channel = _WAKE[kind]
    if after == state:
        wake(s, channel)


def wake(s: Session, channel: str) -> None:
    """Notify ``channel`` when this transaction commits (PostgreSQL; nothing on SQLite)."""
    s.info.setdefault(_NOTIFY, set()).add(channel)


def apply(s: Session, backend: str) -> None:
    """Write the transaction's count deltas and notifications (call last, before commit)."""
    deltas: Counter[tuple[str, str]] = s.info.pop(_DELTAS, Counter())
    rows = [
        {"kind": kind, "state": state, "slot": 0, "n": n}
        for (kind, state), n in sorted(deltas.items())
        if n != 0
    ]
    channels: set[str] = s.info.pop(_NOTIFY, set())
    if backend == "postgresql":
        if rows or channels:
            # One round trip for the counts and the notifications.
            s.execute(
                _PG_APPLY,
                {
                    "slot": _rng.randrange(SLOTS),
                    "kinds": [row["kind"] for row in rows],
                    "states": [row["state"] for row in rows],
                    "ns": [row["n"] for row in rows],
                    "channels": sorted(channels),
                },
            )
    elif rows:
        s.execute(_UPSERT, rows)  # SQLite: one writer at a time, slot 0
