"""The summary worker threads (:class:`SummaryWorkers`): claim queued drafts, and drafts whose
lease expired, and hand each to the workflow.
"""

from __future__ import annotations

import os
import socket
import threading

from bot.logs import get_logger
from bot.store import Draft
from bot.workflow.drafts.values import _MIN_IDLE_WAIT_S
from bot.workflow.drafts.workflow import DraftWorkflow

log = get_logger(__name__)

# How often an idle worker that is not the poller looks for work by itself anyway.
_BACKSTOP_S = 30.0


class SummaryWorkers:
    """Worker threads that claim queued drafts (and expired leases, e.g. after a crash)."""

    def __init__(
        self,
        workflow: DraftWorkflow,
        *,
        threads: int = 4,
        poll_s: float = 2.0,
        name: str = "summary-worker",
    ) -> None:
        self.workflow = workflow
        self.threads = threads
        self.poll_s = poll_s
        self.name = name
        self._threads: list[threading.Thread] = []
        self._prefix = f"{socket.gethostname()}:{os.getpid()}"
        self._polling = threading.Lock()  # held by the one idle worker that polls

    def start(self) -> SummaryWorkers:
        for index in range(self.threads):
            thread = threading.Thread(
                target=self._loop,
                args=(f"{self._prefix}:{index}",),
                name=f"{self.name}-{index}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        log.info("workers.started", threads=self.threads, kind="summary")
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the drafts in hand, then stop (a lease makes a hard kill safe too)."""
        self.workflow.wakeup.stop()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()
        log.info("workers.stopped", kind="summary")

    def _idle_wait(self, worker_id: str) -> float:
        """Seconds to wait for work: the poll interval, or less if a retry falls due sooner."""
        try:
            due = self.workflow.store.next_draft_due()
        except Exception:
            log.exception("worker.due_failed", worker=worker_id)
            return self.poll_s
        if due is None:
            return self.poll_s
        until = (due - self.workflow.clock()).total_seconds()
        return min(self.poll_s, max(until, _MIN_IDLE_WAIT_S))

    def _loop(self, worker_id: str) -> None:
        """Claim and process drafts; when idle, one worker per process polls the database.

        Work queued by this process wakes every idle worker at once (``wakeup``); work queued
        by another process is found by polling. Only one idle worker (the holder of
        ``_polling``) polls every ``poll_s``: sixteen workers polling each would cost sixteen
        claims and due-time queries every interval, per process, for nothing. When the poller
        claims a draft it hands the role on and wakes the others, since more may be waiting;
        they also look by themselves every ``_BACKSTOP_S``.
        """
        wakeup = self.workflow.wakeup
        store = self.workflow.store
        lease_s = self.workflow.config.lease_s
        polling = False
        while not wakeup.stopped:
            seen = wakeup.generation()
            exhausted: list[Draft] = []
            try:
                draft = store.claim_draft(worker_id, lease_s, exhausted=exhausted)
            except Exception:
                log.exception("worker.claim_failed", worker=worker_id)
                draft = None
            if exhausted:
                self.workflow.report_exhausted(exhausted)
            if draft is None:
                polling = polling or self._polling.acquire(blocking=False)
                wait = self._idle_wait(worker_id) if polling else max(self.poll_s, _BACKSTOP_S)
                wakeup.wait(seen, wait)
                continue
            if polling:
                self._polling.release()
                polling = False
                wakeup.wake()
            self.workflow.process(draft, worker_id)
