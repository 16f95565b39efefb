"""The CPU gate: at most as many threads in CPU-bound steps as the process has CPUs."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from bot.cpu import cpu_bound, cpu_count


def test_no_more_threads_inside_than_cpus() -> None:
    inside = 0
    most = 0
    lock = threading.Lock()
    release = threading.Event()

    def work(_: int) -> None:
        nonlocal inside, most
        with cpu_bound():
            with lock:
                inside += 1
                most = max(most, inside)
            release.wait(0.05)
            with lock:
                inside -= 1

    with ThreadPoolExecutor(max_workers=cpu_count() + 4) as pool:
        list(pool.map(work, range(3 * (cpu_count() + 4))))
    assert 1 <= most <= cpu_count()
    assert inside == 0


def test_a_failing_step_gives_its_slot_back() -> None:
    for _ in range(cpu_count() + 1):
        try:
            with cpu_bound():
                raise ValueError("extraction failed")
        except ValueError:
            pass
    with cpu_bound():  # would block forever had a slot leaked
        pass
