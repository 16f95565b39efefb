"""The same article pasted in several channels costs one model call: later channels get
their own draft with a copy of the summary, as long as the house style is the same."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.store import Draft
from bot.summarizer import HouseStyle
from bot.workflow.drafts import DraftWorkflow
from tests.workflow.test_drafts import EDITOR, World, world

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

        def style_for(self, draft: Draft) -> HouseStyle:
            return HouseStyle(bullets=4) if draft.channel == "C2" else HouseStyle(bullets=2)

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


def test_a_source_still_being_summarized_is_not_waited_for(world: World) -> None:
    [first] = world.message("1.1", URL, channel="C1")
    [second] = world.message("1.2", URL, channel="C2")
    assert world.store.claim_draft("busy-worker", 60) is not None  # C1's draft, in progress
    assert world.work() is not None  # C2's draft: summarized itself
    assert world.summaries.instructions == [None]
    stored = world.store.get_draft(second.id)
    assert stored is not None and stored.state == "ready"
    assert first.id != second.id
