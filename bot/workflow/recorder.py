"""Group commit for the ack path: concurrent Slack events share one database transaction.

Every message event must be recorded before its ack (so a failed write makes Slack retry
instead of losing the event), but SQLite has a single writer and the summary workers write
too: one transaction per event made acks queue behind each other under load. The recorder
thread takes whatever messages are waiting, records them all with one
:meth:`~bot.workflow.drafts.DraftWorkflow.record_messages` call, and resolves each caller's
future. A batch that fails is retried message by message, so one bad message fails alone.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import Protocol

from bot.logs import get_logger
from bot.store import Draft
from bot.workflow.drafts import IncomingMessage

log = get_logger(__name__)


class _Records(Protocol):
    def record_messages(self, messages: list[IncomingMessage]) -> list[list[Draft]]: ...


_Item = tuple[IncomingMessage, "Future[list[Draft]]"]


class GroupRecorder:
    """``submit(message)`` → a future of the drafts it created; one writer thread."""

    def __init__(self, workflow: _Records, *, max_batch: int = 100) -> None:
        self._workflow = workflow
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, message: IncomingMessage) -> Future[list[Draft]]:
        future: Future[list[Draft]] = Future()
        self._ensure_thread()
        self._queue.put((message, future))
        return future

    def close(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None:
            self._queue.put(None)
            thread.join(timeout=5)

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="event-recorder", daemon=True
                )
                self._thread.start()

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._record(batch)
                    return
                batch.append(item)
            self._record(batch)

    def _record(self, batch: list[_Item]) -> None:
        try:
            results = self._workflow.record_messages([message for message, _ in batch])
        except Exception:
            if len(batch) == 1:
                log.exception("event.record_failed", event_id=batch[0][0].event_id)
                batch[0][1].set_exception(RuntimeError("recording the message failed"))
                return
            log.warning("event.batch_failed", size=len(batch))
            for item in batch:
                self._record([item])
            return
        for (_, future), drafts in zip(batch, results, strict=True):
            future.set_result(drafts)
