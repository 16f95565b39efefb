"""The CPU gate: at most as many threads in CPU-bound steps as the process has CPUs."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from bot.cpu import cpu_bound, cpu_count, foreground, requests_in_flight


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


def test_cpu_bound_steps_wait_for_a_request_in_flight_to_be_answered() -> None:
    order: list[str] = []
    answering = threading.Event()
    answer = threading.Event()

    def request() -> None:
        with foreground():
            answering.set()
            answer.wait(5)
            order.append("request answered")

    def worker() -> None:
        answering.wait(5)
        with cpu_bound():
            order.append("worker step")

    threads = [threading.Thread(target=request), threading.Thread(target=worker)]
    for thread in threads:
        thread.start()
    answering.wait(5)
    assert requests_in_flight() == 1
    answer.set()
    for thread in threads:
        thread.join(5)
    assert order == ["request answered", "worker step"]
    assert requests_in_flight() == 0


def test_a_stream_of_requests_does_not_starve_the_workers() -> None:
    """The wait is bounded: a worker step runs while a request is still in flight."""
    order: list[str] = []
    answering = threading.Event()
    answer = threading.Event()

    def request() -> None:
        with foreground():
            answering.set()
            answer.wait(30)
            order.append("request answered")

    thread = threading.Thread(target=request)
    thread.start()
    answering.wait(5)
    with cpu_bound():
        order.append("worker step")
    answer.set()
    thread.join(5)
    assert order == ["worker step", "request answered"]
