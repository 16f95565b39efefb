"""A process-wide gate for CPU-bound steps run by many worker threads.

Summary workers are sized for the model's latency (16 by default), so a burst can put all of
them into extraction or the checks at once. Under the GIL that gains nothing (one runs at a
time) but makes every other thread of the process, the ack path above all, queue behind
sixteen runnable ones: in ``benchmarks/scale.py`` a burst of 160 events was acked in p99 1.9 s
with 16 ungated workers against 0.6 s with 4. :func:`cpu_bound` lets as many threads in as the
process may use CPUs; the others wait (idle, not competing for the GIL) for a slot.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_slots: threading.BoundedSemaphore | None = None
_creating = threading.Lock()


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
def cpu_bound() -> Iterator[None]:
    """Run the block holding one of the process's CPU slots."""
    with _gate():
        yield
