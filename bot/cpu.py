"""A process-wide gate for CPU-bound steps run by many worker threads.

Summary workers are sized for the model's latency (16 by default), so a burst can put all of
them into extraction or the checks at once. Under the GIL that gains nothing (one runs at a
time) but makes every other thread of the process, the ack path above all, queue behind
sixteen runnable ones: in ``benchmarks/scale.py`` a burst of 160 events was acked in p99 1.9 s
with 16 ungated workers against 0.6 s with 4. :func:`cpu_bound` lets as many threads in as the
process may use CPUs; the others wait (idle, not competing for the GIL) for a slot.

Acks go first: while a Slack request is being answered (:func:`foreground`, around the HTTP
events path), a worker about to enter a CPU-bound step waits until no request is in flight,
for at most :data:`FOREGROUND_WAIT_S`, so the request threads have the GIL nearly to
themselves and Slack gets its answer well within 3 s even under a burst of events; the bound
keeps a steady stream of requests from starving the workers. ``benchmarks/scale.py``, 160
events at once to one process with 16 workers: acks p50 1.0 s / p99 2.3 s before, 0.56 s /
0.82 s after, the same throughput (14 links/s).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_slots: threading.BoundedSemaphore | None = None
_creating = threading.Lock()

FOREGROUND_WAIT_S = 0.25  # the longest a CPU-bound step waits for requests in flight
_in_flight = 0
_quiet = threading.Condition()  # notified when the last request in flight is answered


def cpu_count() -> int:
    """CPUs this process may run on (its affinity mask where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def _gate() -> threading.BoundedSemaphore:
    global _slots  # noqa: PLW0603  # one gate per process, made on first use
    if _slots is None:
        with _creating:
            if _slots is None:
                _slots = threading.BoundedSemaphore(cpu_count())
    return _slots


@contextmanager
def foreground() -> Iterator[None]:
    """Mark the block as a request someone waits for (Slack's 3 s ack): CPU-bound steps of
    other threads hold back meanwhile (see the module)."""
    global _in_flight  # noqa: PLW0603  # the process's count of requests in flight
    with _quiet:
        _in_flight += 1
    try:
        yield
    finally:
        with _quiet:
            _in_flight -= 1
            if _in_flight == 0:
                _quiet.notify_all()


def requests_in_flight() -> int:
    with _quiet:
        return _in_flight


def yield_to_requests(max_wait_s: float = FOREGROUND_WAIT_S) -> None:
    """Wait (idle) until no request is in flight, or ``max_wait_s`` at most."""
    with _quiet:
        if _in_flight:
            _quiet.wait_for(lambda: _in_flight == 0, timeout=max_wait_s)


@contextmanager
def cpu_bound() -> Iterator[None]:
    """Run the block holding one of the process's CPU slots, after any request in flight
    (:func:`yield_to_requests`)."""
    yield_to_requests()
    with _gate():
        yield
