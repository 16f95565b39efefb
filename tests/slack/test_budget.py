"""Per-workspace, per-method budgets (token buckets) with Slack's tiers."""

from __future__ import annotations

import threading

import pytest

from bot.slack.budget import METHOD_RATES, TIER_2, TIER_3, SlackBudget


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_tiers_as_slack_documents_them() -> None:
    assert METHOD_RATES["chat.update"] == TIER_3
    assert METHOD_RATES["reactions.add"] == TIER_3
    assert METHOD_RATES["reactions.remove"] == TIER_2
    for rate in METHOD_RATES.values():  # a burst plus a window's refill never exceeds the limit
        assert rate.burst + rate.refill_per_s(1.0) * rate.window_s == pytest.approx(rate.limit)


def test_a_burst_then_the_refill_rate_and_never_more_than_the_limit_per_window() -> None:
    clock = Clock()
    budget = SlackBudget(clock=clock)
    granted = 0
    for _ in range(600):  # one minute in steps of 0.1 s, asking all the time
        while budget.acquire("T1", "chat.update") == 0:
            granted += 1
        clock.now += 0.1
    assert 49 <= granted <= 50  # Tier 3: 50 per minute
    assert budget.available_in("T1", "chat.update") > 0


def test_keys_workspaces_methods_and_channels_apart() -> None:
    clock = Clock()
    budget = SlackBudget(clock=clock)
    for _ in range(10):
        assert budget.acquire("T1", "chat.update") == 0
    assert budget.acquire("T1", "chat.update") is None
    assert budget.acquire("T2", "chat.update") == 0  # another workspace
    assert budget.acquire("T1", "reactions.add") == 0  # another method
    for _ in range(2):
        assert budget.acquire("T1", "chat.postMessage", channel="C1") == 0
    assert budget.acquire("T1", "chat.postMessage", channel="C1") is None
    assert budget.acquire("T1", "chat.postMessage", channel="C2") == 0  # per channel
    assert budget.acquire("T1", "auth.test") == 0  # not budgeted


def test_a_short_wait_is_reserved_a_long_one_is_refused() -> None:
    clock = Clock()
    budget = SlackBudget(clock=clock)
    for _ in range(2):
        budget.acquire("T1", "chat.postMessage", channel="C1")
    wait = budget.acquire("T1", "chat.postMessage", channel="C1", max_wait=2.0)
    assert wait == pytest.approx(1 / 0.6)  # 3 per 5 s refill
    # The next one would wait twice that: over the cap, nothing taken.
    assert budget.acquire("T1", "chat.postMessage", channel="C1", max_wait=2.0) is None
    assert budget.available_in("T1", "chat.postMessage", channel="C1") == pytest.approx(2 / 0.6)


def test_a_429_pauses_the_method_until_retry_after() -> None:
    clock = Clock()
    budget = SlackBudget(clock=clock)
    budget.pause("T1", "chat.update", 30)
    assert budget.acquire("T1", "chat.update") is None
    assert budget.available_in("T1", "chat.update") == pytest.approx(30)
    assert budget.acquire("T2", "chat.update") == 0  # only that workspace
    clock.now += 30
    assert budget.acquire("T1", "chat.update") == 0  # one call when the window is over …
    assert budget.available_in("T1", "chat.update") == pytest.approx(1 / (40 / 60))  # … then
    # the refill rate


def test_acquire_all_takes_every_method_or_none() -> None:
    budget = SlackBudget(clock=Clock())
    both = ("reactions.add", "reactions.remove")
    for _ in range(4):  # reactions.remove (Tier 2) holds a burst of 4
        assert budget.acquire_all("T1", both) == 0
    assert budget.acquire_all("T1", both) is None
    assert budget.available_in("T1", "reactions.add") == 0  # the refused one took nothing


def test_scale_multiplies_the_rates() -> None:
    clock = Clock()
    budget = SlackBudget(clock=clock, scale=10)
    for _ in range(10):
        budget.acquire("T1", "chat.update")
    assert budget.available_in("T1", "chat.update") == pytest.approx(1 / (400 / 60))


def test_many_threads_never_get_more_than_the_budget() -> None:
    clock = Clock()
    budget = SlackBudget(clock=clock)
    granted: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(32)

    def ask() -> None:
        start.wait()
        mine = sum(1 for _ in range(200) if budget.acquire("T1", "chat.update") == 0)
        reserved = sum(
            1 for _ in range(50) if budget.acquire("T1", "reactions.add", max_wait=60) is not None
        )
        with lock:
            granted.append(mine * 1000 + reserved)

    threads = [threading.Thread(target=ask) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(g // 1000 for g in granted) == 10  # the burst, exactly, with the clock stopped
    # Reservations within a minute: the burst plus a minute's refill (40), exactly.
    assert sum(g % 1000 for g in granted) == 50
