"""The group recorder: concurrent messages share one write; one bad message fails alone."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import Any

import pytest

from bot.workflow.drafts import IncomingMessage
from bot.workflow.recorder import GroupRecorder


def message(ts: str, *urls: str) -> IncomingMessage:
    return IncomingMessage(
        team_id="T1",
        channel="C1",
        ts=ts,
        user_id="U1",
        urls=urls or (f"https://news.example/{ts}",),
        thread_ts=None,
        event_id=f"Ev{ts}",
    )


class FakeWorkflow:
    """Records batch sizes; the first call blocks until released, so others pile up."""

    def __init__(self, poison: str | None = None) -> None:
        self.batches: list[list[str]] = []
        self.release = threading.Event()
        self.entered = threading.Event()
        self.poison = poison

    def record_messages(self, messages: list[IncomingMessage]) -> list[list[Any]]:
        if not self.batches:
            self.entered.set()
            self.release.wait(5)
        self.batches.append([m.ts for m in messages])
        if any(m.ts == self.poison for m in messages):
            raise RuntimeError("constraint violated")
        return [[f"draft-{m.ts}"] for m in messages]


def _result(future: Future[Any]) -> list[Any]:
    # The fake returns strings where the real workflow returns drafts.
    value: list[Any] = future.result(5)
    return value


def test_waiting_messages_are_recorded_in_one_batch() -> None:
    workflow = FakeWorkflow()
    recorder = GroupRecorder(workflow)
    first = recorder.submit(message("1"))
    assert workflow.entered.wait(5)  # the writer is busy with the first message…
    rest = [recorder.submit(message(str(i))) for i in range(2, 12)]  # …while ten more arrive
    workflow.release.set()
    assert _result(first) == ["draft-1"]
    assert [_result(f) for f in rest] == [[f"draft-{i}"] for i in range(2, 12)]
    assert workflow.batches[0] == ["1"]
    assert workflow.batches[1] == [str(i) for i in range(2, 12)]  # one write for ten events
    recorder.close()


def test_a_failing_batch_is_retried_one_by_one_so_only_the_bad_message_fails() -> None:
    workflow = FakeWorkflow(poison="3")
    recorder = GroupRecorder(workflow)
    first = recorder.submit(message("1"))
    assert workflow.entered.wait(5)
    others = {ts: recorder.submit(message(ts)) for ts in ("2", "3", "4")}
    workflow.release.set()
    assert _result(first) == ["draft-1"]
    assert _result(others["2"]) == ["draft-2"]
    assert _result(others["4"]) == ["draft-4"]
    assert workflow.batches[1] == ["2", "3", "4"]  # tried together first, then one by one
    with pytest.raises(RuntimeError):
        others["3"].result(5)
    recorder.close()
