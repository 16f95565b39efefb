"""Cross-process wake-ups on PostgreSQL: one thread per process LISTENs on the store's
channels and wakes this process's workers when another process queued work.

The store sends ``NOTIFY`` in the transaction that made a draft claimable or a delivery due
(:mod:`bot.store.tally`); PostgreSQL delivers it to every listening session after the commit
(https://www.postgresql.org/docs/current/sql-notify.html). The listener holds ONE extra
connection, outside the pool, in autocommit mode (LISTEN takes effect at once), and waits with
psycopg's ``Connection.notifies(timeout=…)``
(https://www.psycopg.org/psycopg3/docs/advanced/async.html#asynchronous-notifications).

Notifications are a hint, never the only way work is found: the workers still poll
(WORK_POLL_S, PUBLISH_POLL_S). When the connection drops, the listener reconnects with
exponential backoff and jitter, and wakes every worker once it is back, because anything
sent meanwhile was lost. LISTEN needs a session: behind a PgBouncer in transaction mode
point DATABASE_LISTEN_URL at the server itself
(https://www.pgbouncer.org/features.html, "LISTEN: never" in transaction pooling).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Mapping
from typing import Final, Self

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

from bot.logs import get_logger
from bot.store.engine import safe_url

log = get_logger(__name__)

_WAIT_S: Final = 0.5  # how often the thread looks at its stop flag
_CHECK_S: Final = 30.0  # a round trip on a quiet connection, to notice a dead one
_BACKOFF_BASE_S: Final = 0.5
_BACKOFF_MAX_S: Final = 30.0


def libpq_dsn(url: str | URL) -> str:
    """A SQLAlchemy URL as a libpq URI (psycopg's own ``connect`` does not take a driver)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class WakeListener:
    """Calls ``callbacks[channel]()`` for each NOTIFY on ``channel``, from its own thread."""

    def __init__(
        self,
        url: str | URL,
        callbacks: Mapping[str, Callable[[], None]],
        *,
        name: str = "db-listener",
        backoff_max_s: float = _BACKOFF_MAX_S,
    ) -> None:
        if not callbacks:
            raise ValueError("a listener needs at least one channel")
        self._dsn = libpq_dsn(url)
        self._safe_url = safe_url(url)
        self._callbacks = dict(callbacks)
        self._backoff_max_s = backoff_max_s
        self._stop = threading.Event()
        self._listening = threading.Event()
        self.backend_pid: int | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._rng = random.Random()  # noqa: S311 -- reconnect jitter, not a secret

    @property
    def listening(self) -> bool:
        """True while connected and listening."""
        return self._listening.is_set()

    def wait_listening(self, timeout: float) -> bool:
        """Wait until the listener is connected (tests, start-up logs)."""
        return self._listening.wait(timeout)

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self._listen()
                failures = 0
            except (psycopg.Error, OSError) as exc:
                self._listening.clear()
                failures += 1
                delay = min(self._backoff_max_s, _BACKOFF_BASE_S * 2 ** min(failures - 1, 10))
                delay *= self._rng.uniform(0.5, 1.0)
                log.warning(
                    "store.listen_failed",
                    url=self._safe_url,
                    error_type=type(exc).__name__,
                    failures=failures,
                    retry_in_s=round(delay, 2),
                )
                self._stop.wait(delay)
            except Exception:
                # A callback bug must not end wake-ups for good: log it and carry on.
                self._listening.clear()
                log.exception("store.listen_crashed", url=self._safe_url)
                self._stop.wait(_BACKOFF_BASE_S)
        self._listening.clear()

    def _listen(self) -> None:
        with psycopg.connect(
            self._dsn,
            autocommit=True,
            connect_timeout=10,
            application_name="newsbot-listener",
            # The kernel notices a peer that vanished without closing the connection.
            keepalives=1,
            keepalives_idle=30,
            keepalives_interval=10,
            keepalives_count=3,
        ) as conn:
            for channel in sorted(self._callbacks):
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(channel)))
            self.backend_pid = conn.info.backend_pid
            log.info("store.listening", url=self._safe_url, channels=sorted(self._callbacks))
            # Anything sent before LISTEN took effect (start, or an outage) was missed.
            self._wake_all()
            self._listening.set()
            checked = time.monotonic()
            while not self._stop.is_set():
                for notify in conn.notifies(timeout=_WAIT_S):
                    callback = self._callbacks.get(notify.channel)
                    if callback is not None:
                        callback()
                if time.monotonic() - checked >= _CHECK_S:
                    conn.execute("SELECT 1")
                    checked = time.monotonic()

    def _wake_all(self) -> None:
        for callback in self._callbacks.values():
            callback()
