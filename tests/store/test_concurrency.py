"""Races that the store must win deterministically: threads, and several processes."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

import pytest

from bot.store import Store
from tests.store.conftest import FakeClock
from tests.store.helpers import ai_revision, draft_in, new_draft

T = TypeVar("T")
THREADS = 8
CLAIMER = Path(__file__).with_name("claimer.py")


def race(n: int, fn: Callable[[int], T]) -> list[T]:
    """Run ``fn(i)`` in ``n`` threads released together; re-raise the first error."""
    barrier = threading.Barrier(n)
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            result = fn(i)
            with lock:
                results.append(result)
        except BaseException as exc:  # noqa: BLE001 -- re-raised in the test thread below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


def test_threads_never_claim_the_same_draft_twice(store: Store) -> None:
    created = {new_draft(store).id for _ in range(40)}

    def work(i: int) -> list[str]:
        mine = []
        while (draft := store.claim_draft(f"w{i}", lease_s=60)) is not None:
            mine.append(draft.id)
            assert store.complete(draft.id, f"w{i}", ai_revision()).won
        return mine

    claimed = [d for batch in race(THREADS, work) for d in batch]
    assert Counter(claimed) == Counter(created)  # every draft exactly once
    assert len(store.awaiting_review(limit=100)) == 40


def test_threads_never_claim_the_same_delivery_twice(store: Store) -> None:
    deliveries = set()
    for _ in range(20):
        outcome = store.approve(
            draft_in(store, "ready").id, editor_id="U", editor_name="E", revision=1, payload={}
        )
        assert outcome.delivery is not None
        deliveries.add(outcome.delivery.id)

    def work(i: int) -> list[str]:
        mine = []
        while (delivery := store.claim_delivery(f"p{i}", lease_s=30)) is not None:
            mine.append(delivery.id)
            assert store.mark_delivered(delivery.id, f"p{i}", status=200).won
        return mine

    claimed = [d for batch in race(THREADS, work) for d in batch]
    assert Counter(claimed) == Counter(deliveries)


def test_simultaneous_approvals_exactly_one_wins(store: Store) -> None:
    for _ in range(5):
        ready = draft_in(store, "ready")
        outcomes = race(
            THREADS,
            lambda i, d=ready.id: store.approve(  # type: ignore[misc]  # default-arg binding in a lambda
                d, editor_id=f"U{i}", editor_name=f"Editor {i}", revision=1, payload={"i": i}
            ),
        )
        winners = [o for o in outcomes if o.won]
        assert len(winners) == 1
        assert all(o.draft is not None for o in outcomes)
        winner = winners[0].draft
        assert winner is not None
        losers = [o.draft for o in outcomes if not o.won]
        assert all(d is not None and d.approved_by == winner.approved_by for d in losers)
        history = store.history(ready.id)
        assert history is not None and len(history.deliveries) == 1
        assert [a.action for a in history.audit].count("draft.approved") == 1


def test_edit_racing_approve_one_wins(store: Store) -> None:
    for _ in range(5):
        ready = draft_in(store, "ready")

        def act(i: int, d: str = ready.id) -> bool:
            if i == 0:
                return store.edit(d, editor_id="U_A", base_revision=1, bullets=["E."]).won
            return store.approve(d, editor_id="U_B", editor_name="B", revision=1).won

        assert sorted(race(2, act)) == [False, True]
        after = store.get_draft(ready.id)
        assert after is not None
        # Either the edit won (still ready, revision 2) or the approval (revision 1).
        assert (after.state, after.current_revision) in (("ready", 2), ("approved", 1))


def test_redeliveries_racing_create_one_draft(store: Store) -> None:
    for n in range(5):
        created = race(
            THREADS,
            lambda i, n=n: store.create_draft(  # type: ignore[misc]  # default-arg binding in a lambda
                team_id="T1",
                channel="C1",
                message_ts=f"1700000000.{n:06d}",
                url="https://news.example/race",
                reporter_id="U1",
            ),
        )
        assert sum(c.created for c in created) == 1
        assert len({c.draft.id for c in created}) == 1


def test_event_dedupe_under_a_race(store: Store) -> None:
    for n in range(10):
        firsts = race(THREADS, lambda i, n=n: store.record_event(f"Ev{n:04d}"))  # type: ignore[misc]  # default-arg binding in a lambda
        assert sorted(firsts) == [False] * (THREADS - 1) + [True]


def test_racing_post_for_review_reservations_exactly_one_wins(store: Store) -> None:
    for n in range(5):
        ready = draft_in(store, "ready")

        def reserve(i: int, d: str = ready.id) -> str | None:
            return store.reserve_post(d, stale_after=timedelta(minutes=5))

        tokens = [t for t in race(THREADS, reserve) if t is not None]
        assert len(tokens) == 1
        # Every loser's finish is refused; the winner's ts is the one stored.
        assert not store.finish_post(ready.id, "not-the-token", f"1700000000.{n:06d}")
        assert store.finish_post(ready.id, tokens[0], f"1700000001.{n:06d}")
        posted = store.get_draft(ready.id)
        assert posted is not None and posted.bot_message_ts == f"1700000001.{n:06d}"


# --- several processes ----------------------------------------------------------------------


def spawn(db_url: str, worker: str, go_file: Path, mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 -- our own interpreter and script, fixed arguments
        [sys.executable, str(CLAIMER), db_url, worker, str(go_file), mode],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_processes(db_url: str, tmp_path: Path, mode: str, n: int = 3) -> list[str]:
    go = tmp_path / f"go-{mode}"
    procs = [spawn(db_url, f"proc{i}", go, mode) for i in range(n)]
    go.touch()
    ids: list[str] = []
    for proc in procs:
        out, err = proc.communicate(timeout=90)
        assert proc.returncode == 0, err
        ids.extend(line for line in out.splitlines() if line)
    return ids


@pytest.mark.slow
def test_processes_never_claim_the_same_draft_twice(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    created = {new_draft(store).id for _ in range(60)}
    claimed = run_processes(db_url, tmp_path, "drafts")
    assert Counter(claimed) == Counter(created)
    assert {d.id for d in store.awaiting_review(limit=100)} == created


@pytest.mark.slow
def test_processes_never_claim_the_same_delivery_twice(
    store: Store, db_url: str, tmp_path: Path
) -> None:
    deliveries = set()
    for _ in range(30):
        outcome = store.approve(
            draft_in(store, "ready").id, editor_id="U", editor_name="E", revision=1, payload={}
        )
        assert outcome.delivery is not None
        deliveries.add(outcome.delivery.id)
    claimed = run_processes(db_url, tmp_path, "deliveries")
    assert Counter(claimed) == Counter(deliveries)
    assert len(store.recent_approvals(limit=100)) == 30
    assert {d.state for d in store.recent_approvals(limit=100)} == {"published"}


@pytest.mark.slow
def test_a_crashed_workers_draft_is_picked_up_again(
    store: Store, db_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    draft = new_draft(store)
    go = tmp_path / "go-crash"
    proc = spawn(db_url, "doomed", go, "crash")
    go.touch()
    out, err = proc.communicate(timeout=90)
    assert proc.returncode == 1, err
    assert out.strip() == draft.id
    assert store.claim_draft("survivor", lease_s=60) is None  # the dead worker's lease holds
    clock.advance(120)
    reclaimed = store.claim_draft("survivor", lease_s=60)
    assert reclaimed is not None and reclaimed.id == draft.id and reclaimed.attempts == 2
    assert store.complete(draft.id, "survivor", ai_revision()).won
