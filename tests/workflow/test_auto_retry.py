"""Automatic retries of passing failures (model overloaded, site down) in the draft workflow.

A fake clock shared by the store and the workflow stands in for waiting; the one test of the
workers' idle wait uses the real clock, with a poll interval far longer than its timeout.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from bot.articles.errors import HttpNotFound, HttpServerError, Paywalled, TooSlow, Unreachable
from bot.domain import UserFacingError
from bot.store import Draft, Store
from bot.summarizer import HouseStyle
from bot.summarizer.errors import ModelOutputInvalid, ModelRefused, ModelUnavailable
from bot.workflow.drafts import (
    AUTO_RETRY_CODES,
    DraftWorkflow,
    Failure,
    SummaryWorkers,
    WorkflowConfig,
    auto_retry_delay,
)
from tests.slack.conftest import wait_for
from tests.store.conftest import FakeClock
from tests.workflow.test_drafts import REPORTER, Articles, Notes, Summaries, World, actor


class FailureNotes(Notes):
    """Also keeps each :class:`Failure` and the draft as shown with it."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.failures: list[tuple[Draft, Failure]] = []

    def failed(self, draft: Draft, failure: Failure) -> None:
        super().failed(draft, failure)
        self.failures.append((draft, failure))


def _world(store: Store, clock: FakeClock, *, auto_retries: int = 3) -> World:
    notes = FailureNotes(store)
    articles, summaries = Articles(), Summaries()
    workflow = DraftWorkflow(
        store,
        articles=articles,
        summarizer=summaries,
        style=HouseStyle(bullets=2),
        notifier=notes,
        is_editor=lambda _user, _team: False,
        config=WorkflowConfig(lease_s=60, duplicate_window_s=0, auto_retries=auto_retries),
        clock=clock,
        rng=random.Random(11),
    )
    return World(store, clock, notes, articles, summaries, workflow)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    clock = FakeClock()
    with Store(f"sqlite:///{tmp_path / 'retry.db'}", clock=clock) as store:
        store.upgrade()
        yield _world(store, clock)


def _failures(world: World) -> list[tuple[Draft, Failure]]:
    assert isinstance(world.notes, FailureNotes)
    return world.notes.failures


def test_delays_grow_30_s_2_min_8_min_with_jitter() -> None:
    rng = random.Random(1)
    for number, middle in ((1, 30), (2, 120), (3, 480)):
        delays = [auto_retry_delay(number, 30.0, rng) for _ in range(200)]
        assert all(0.75 * middle <= d <= 1.25 * middle for d in delays)
        assert len(set(delays)) > 100  # jittered, not one fixed value
    with pytest.raises(ValueError, match="from 1"):
        auto_retry_delay(0, 30.0, rng)


def test_a_model_storm_is_retried_by_itself_until_the_cap_then_failed(world: World) -> None:
    [draft] = world.message("1.1", "https://news.example/a")
    world.summaries.error = ModelUnavailable("529 overloaded")
    expected = ((22.5, 37.5), (90, 150), (360, 600))
    for number, (low, high) in enumerate(expected, start=1):
        assert world.work() is not None
        shown, failure = _failures(world)[-1]
        assert failure.code == "summary_unavailable" and failure.retryable
        assert failure.retry_at is not None
        assert low <= (failure.retry_at - world.clock()).total_seconds() <= high
        stored = world.store.get_draft(draft.id)
        assert stored is not None and stored.state == "queued"
        assert stored.next_attempt_at == failure.retry_at == shown.next_attempt_at
        assert stored.auto_retries == number and shown.state == "queued"
        assert world.notes.names()[-1] == "finished"
        assert world.work() is None  # not due yet
        world.clock.advance((failure.retry_at - world.clock()).total_seconds())
    assert world.work() is not None  # the fourth failure: retries used up
    _, last = _failures(world)[-1]
    assert (last.code, last.retryable, last.retry_at) == ("summary_unavailable", True, None)
    stored = world.store.get_draft(draft.id)
    assert stored is not None and stored.state == "failed"
    assert len(world.summaries.instructions) == 4  # the model was asked four times
    # Retry by hand still works, with a fresh budget.
    world.summaries.error = None
    assert world.workflow.retry(draft.id, actor(REPORTER))
    assert world.work() is not None
    done = world.store.get_draft(draft.id)
    assert done is not None and done.state == "ready" and done.auto_retries == 0


def test_the_storm_passes_and_the_draft_is_ready_without_anyone_pressing_retry(
    world: World,
) -> None:
    [draft] = world.message("1.1", "https://news.example/a")
    world.articles.error = HttpServerError(503)
    with capture_logs() as logs:
        world.work()
        world.articles.error = None
        world.clock.advance(40)
        world.work()
    finished = [e for e in logs if e["event"] == "draft.finished"]
    assert [(e["outcome"], e.get("code")) for e in finished] == [
        ("retrying", "http_server_error"),
        ("ready", None),
    ]
    stored = world.store.get_draft(draft.id)
    assert stored is not None and stored.state == "ready" and stored.last_error_code is None
    assert world.articles.fetched == [draft.url, draft.url]


@pytest.mark.parametrize(
    "error",
    [
        ModelUnavailable("overloaded"),
        Unreachable("connection refused"),
        TooSlow("deadline"),
        HttpServerError(502),
    ],
    ids=lambda e: type(e).__name__,
)
def test_every_passing_failure_is_retried(world: World, error: UserFacingError) -> None:
    assert error.code in AUTO_RETRY_CODES
    world.message("1.1", "https://news.example/a")
    world.articles.error = error
    world.work()
    [(shown, failure)] = _failures(world)
    assert failure.retry_at is not None and shown.state == "queued"


@pytest.mark.parametrize(
    "error",
    [
        Paywalled("teaser"),
        HttpNotFound(404),
        ModelRefused("refusal"),
        ModelOutputInvalid("schema"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_refusals_are_never_retried_by_themselves(world: World, error: Exception) -> None:
    [draft] = world.message("1.1", "https://news.example/a")
    world.summaries.error = error
    world.work()
    [(_, failure)] = _failures(world)
    assert failure.retry_at is None
    stored = world.store.get_draft(draft.id)
    assert stored is not None and stored.state == "failed" and stored.next_attempt_at is None


def test_a_crash_inside_a_worker_is_retried_by_itself_then_failed_with_retry(
    world: World,
) -> None:
    """An unexpected exception (as the Snowball stemmer's IndexError under load) leaves the
    draft queued for an automatic retry, with the traceback logged; once the automatic retries
    are used up it is failed as before, with the Retry button."""
    [draft] = world.message("1.1", "https://news.example/a")
    world.summaries.error = IndexError("string index out of range")
    for number in (1, 2, 3):
        with capture_logs() as logs:
            assert world.work() is not None
        crashed = [e for e in logs if e["event"] == "draft.crashed"]
        assert crashed and crashed[0]["log_level"] == "error" and crashed[0].get("exc_info")
        shown, failure = _failures(world)[-1]
        assert (failure.code, failure.retryable) == ("internal", True)
        assert failure.retry_at is not None and shown.state == "queued"
        stored = world.store.get_draft(draft.id)
        assert stored is not None and stored.state == "queued"
        assert stored.auto_retries == number and stored.next_attempt_at == failure.retry_at
        world.clock.advance((failure.retry_at - world.clock()).total_seconds())
    assert world.work() is not None  # the fourth crash: automatic retries used up
    _, last = _failures(world)[-1]
    assert (last.code, last.retryable, last.retry_at) == ("internal", True, None)
    stored = world.store.get_draft(draft.id)
    assert stored is not None and stored.state == "failed"
    assert (stored.last_error_code, stored.last_error_retryable) == ("internal", True)


def test_a_crash_that_passes_gives_a_ready_draft_without_anyone_pressing_retry(
    world: World,
) -> None:
    [draft] = world.message("1.1", "https://news.example/a")
    world.summaries.error = IndexError("string index out of range")
    world.work()
    world.summaries.error = None
    world.clock.advance(60)
    assert world.work() is not None
    stored = world.store.get_draft(draft.id)
    assert stored is not None and stored.state == "ready" and stored.last_error_code is None


def test_no_automatic_retries_when_turned_off(tmp_path: Path) -> None:
    clock = FakeClock()
    with Store(f"sqlite:///{tmp_path / 'off.db'}", clock=clock) as store:
        store.upgrade()
        world = _world(store, clock, auto_retries=0)
        [draft] = world.message("1.1", "https://news.example/a")
        world.summaries.error = ModelUnavailable("overloaded")
        world.work()
        stored = store.get_draft(draft.id)
        assert stored is not None and stored.state == "failed"


def test_retry_while_waiting_tries_at_once(world: World) -> None:
    [draft] = world.message("1.1", "https://news.example/a")
    world.summaries.error = ModelUnavailable("overloaded")
    world.work()
    world.summaries.error = None
    assert world.workflow.retry(draft.id, actor(REPORTER))
    assert ("changed", (draft.id, "queued")) in world.notes.calls
    assert world.work() is not None  # due now, no clock advance
    stored = world.store.get_draft(draft.id)
    assert stored is not None and stored.state == "ready"


def test_idle_workers_wake_when_a_retry_falls_due(tmp_path: Path) -> None:
    """Workers polling every 10 minutes still pick a retry up when it is due."""
    with Store(f"sqlite:///{tmp_path / 'wake.db'}") as store:
        store.upgrade()
        world = _world(store, FakeClock())
        world.workflow.clock = store._clock  # the real clock, as in production
        [draft] = world.message("1.1", "https://news.example/a")
        claimed = store.claim_draft("gone-worker", 60)
        assert claimed is not None
        # Scheduled behind the workflow's back: no wakeup, only the due time can end the wait.
        due = store._clock() + timedelta(seconds=1)
        assert store.retry_later(draft.id, "gone-worker", "unreachable", due).won
        workers = SummaryWorkers(world.workflow, threads=1, poll_s=600).start()
        try:
            wait_for(
                lambda: (d := store.get_draft(draft.id)) is not None and d.state == "ready",
                timeout=20,
                message="the retried draft to be ready",
            )
        finally:
            workers.stop()
