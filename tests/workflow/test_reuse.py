"""The same article pasted in several channels costs one model call: later channels get
their own draft with a copy of the summary, as long as the house style is the same."""

from __future__ import annotations

import threading
from dataclasses import dataclass, replace

import pytest

from bot.domain import Article
from bot.store import Draft
from bot.summarizer import Draft as Summary
from bot.summarizer import HouseStyle
from bot.workflow.drafts import DraftWorkflow, SummaryWorkers
from tests.workflow.test_drafts import EDITOR, Summaries, World, world

__all__ = ["world"]

URL = "https://news.example/wire-story"


def summarized(world: World, channel: str, ts: str) -> Draft:
    [draft] = world.message(ts, URL, channel=channel)
    assert world.work() is not None
    stored = world.store.get_draft(draft.id)
    assert stored is not None
    return stored


def test_the_same_link_in_another_channel_reuses_the_summary(world: World) -> None:
    first = summarized(world, "C1", "1.1")
    world.clock.advance(60)
    second = summarized(world, "C2", "1.2")
    assert world.summaries.instructions == [None]  # one model call
    assert world.articles.fetched == [URL]  # and one fetch
    assert second.state == "ready" and second.current_revision == 1
    assert second.article_title == first.article_title
    assert second.id != first.id and second.channel == "C2"
    original, copy = world.store.get_revision(first.id), world.store.get_revision(second.id)
    assert original is not None and copy is not None
    assert copy.bullets == original.bullets and copy.kind == "ai"
    assert copy.checks == original.checks and copy.evidence == original.evidence
    assert copy.fields == original.fields
    assert copy.model == original.model and copy.usage is None  # nothing billed
    assert copy.style_key == original.style_key is not None
    # Its own card, and the audit trail names the source.
    assert [draft_id for draft_id, _, _ in world.notes.of("ready")] == [first.id, second.id]
    history = world.store.history(second.id)
    assert history is not None
    [completed] = [e for e in history.audit if e.action == "draft.completed"]
    assert completed.detail["reused_from"] == {"draft_id": first.id, "revision": 1}
    # Reviewed on its own: approving the copy leaves the first draft as it was.
    assert world.store.approve(second.id, editor_id=EDITOR, editor_name="Ed", revision=1).won
    again = world.store.get_draft(first.id)
    assert again is not None and again.state == "ready"


def test_another_house_style_is_summarized_again(world: World) -> None:
    summarized(world, "C1", "1.1")

    @dataclass
    class Desks:
        workflow: DraftWorkflow

        def style_for(self, draft: Draft | None) -> HouseStyle:
            channel = draft.channel if draft is not None else None
            return HouseStyle(bullets=4) if channel == "C2" else HouseStyle(bullets=2)

    world.workflow.style_for = Desks(world.workflow).style_for  # type: ignore[method-assign]
    summarized(world, "C2", "1.2")
    assert world.summaries.instructions == [None, None]
    summarized(world, "C3", "1.3")  # the same style as C1 again
    assert world.summaries.instructions == [None, None]


@pytest.mark.parametrize("case", ["outside_window", "rejected"])
def test_no_reuse_of_old_or_rejected_summaries(world: World, case: str) -> None:
    first = summarized(world, "C1", "1.1")
    if case == "outside_window":
        world.clock.advance(3601)  # the fixture's window is one hour
    else:
        assert world.store.reject(first.id, EDITOR, base_revision=1).won
    summarized(world, "C2", "1.2")
    assert world.summaries.instructions == [None, None]


def test_a_source_that_does_not_finish_in_time_leaves_the_draft_to_the_model(
    world: World,
) -> None:
    world.workflow.config = replace(world.workflow.config, reuse_wait_s=0.3)
    [first] = world.message("1.1", URL, channel="C1")
    world.clock.advance(1)
    [second] = world.message("1.2", URL, channel="C2")
    assert world.store.claim_draft("busy-worker", 60) is not None  # C1's, never finishing
    assert world.work() is not None  # C2's: waited 0.3 s, then summarized itself
    assert world.summaries.instructions == [None]
    stored = world.store.get_draft(second.id)
    assert stored is not None and stored.state == "ready" and first.id != second.id


class Gated(Summaries):
    """A model call that starts, then waits until the test lets it answer."""

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()

    def summarize(self, article: Article, *, instruction: str | None = None) -> Summary:
        self.started.set()
        assert self.release.wait(30)
        return super().summarize(article, instruction=instruction)


def test_two_channels_getting_a_link_at_once_cost_one_model_call(world: World) -> None:
    gated = Gated()
    world.workflow.summarizer = gated
    [first] = world.message("1.1", URL, channel="C1")
    world.clock.advance(1)
    [second] = world.message("1.2", URL, channel="C2")
    workers = SummaryWorkers(world.workflow, threads=2, poll_s=0.05).start()
    try:
        assert gated.started.wait(30)  # C1's draft is with the model …
        waiting = threading.Event()
        for _ in range(600):  # … and C2's was claimed by the other worker, which waits
            stored = world.store.get_draft(second.id)
            if stored is not None and stored.state == "working":
                break
            waiting.wait(0.05)
        gated.release.set()
        for _ in range(600):
            done = [world.store.get_draft(d.id) for d in (first, second)]
            if all(d is not None and d.state == "ready" for d in done):
                break
            waiting.wait(0.05)
    finally:
        gated.release.set()
        workers.stop()
    assert gated.instructions == [None]  # one model call for both channels
    for draft in (first, second):
        stored = world.store.get_draft(draft.id)
        assert stored is not None and stored.state == "ready"
