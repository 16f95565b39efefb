"""Two processes on one PostgreSQL: a link recorded by one wakes the idle summary worker of
the other through LISTEN/NOTIFY, long before that worker's 60 s poll."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from bot.store import Draft, Store
from bot.store.tally import DRAFTS_CHANNEL
from bot.summarizer import HouseStyle
from bot.workflow.drafts import DraftWorkflow, IncomingMessage, SummaryWorkers, WorkflowConfig
from tests.workflow.test_drafts import EDITOR, REPORTER, Articles, Notes, Summaries

pytestmark = pytest.mark.postgres

TIMEOUT_S = 20.0  # far below the 60 s poll, far above a working wake-up


class IdleSignal(Store):
    """A store whose claims report when they came back empty (the worker goes idle next)."""

    idle: threading.Event

    def claim_draft(
        self, worker_id: str, lease_s: float, *, exhausted: list[Draft] | None = None
    ) -> Draft | None:
        draft = super().claim_draft(worker_id, lease_s, exhausted=exhausted)
        if draft is None:
            self.idle.set()
        return draft


class Finished(Notes):
    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.done = threading.Event()

    def finished(self, draft: Draft) -> None:
        super().finished(draft)
        self.done.set()


def workflow(store: Store, notes: Notes) -> DraftWorkflow:
    return DraftWorkflow(
        store,
        articles=Articles(),
        summarizer=Summaries(),
        style=HouseStyle(bullets=2),
        notifier=notes,
        is_editor=lambda user, _team: user == EDITOR,
        config=WorkflowConfig(lease_s=60, duplicate_window_s=3600),
    )


@pytest.fixture
def stores(pg_schema_url: str) -> Iterator[tuple[Store, IdleSignal]]:
    with Store(pg_schema_url) as first, IdleSignal(pg_schema_url) as second:
        first.upgrade()
        second.idle = threading.Event()
        yield first, second


def test_a_link_recorded_in_one_process_wakes_the_idle_worker_of_another(
    stores: tuple[Store, IdleSignal],
) -> None:
    first, second = stores
    notes = Finished(second)
    recording, working = workflow(first, Notes(first)), workflow(second, notes)
    workers = SummaryWorkers(working, threads=1, poll_s=60.0)
    listener = second.wake_listener({DRAFTS_CHANNEL: working.wakeup.wake})
    assert listener is not None
    listener.start()
    try:
        assert listener.wait_listening(TIMEOUT_S)
        workers.start()
        assert second.idle.wait(TIMEOUT_S)  # claimed nothing: now waits up to 60 s
        [draft] = recording.record_message(
            IncomingMessage(
                team_id="T1", channel="C1", ts="1.1", user_id=REPORTER, urls=("https://e.x/a",)
            )
        )
        assert notes.done.wait(TIMEOUT_S)  # woken: claimed and processed it
        done = first.get_draft(draft.id)
        assert done is not None and done.state == "ready"
    finally:
        listener.stop()
        workers.stop()
