"""Corrections, retractions and the give-ups the store makes at claim time, without Slack.

The workflow runs on a real SQLite store with the recording notifier of ``test_drafts``; the
outbox rows it writes are claimed and settled through the store like a publish worker would.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from bot.publisher import RetryPolicy, WebhookClient
from bot.store import Delivery, DraftHistory, Store
from bot.workflow.audit import timeline
from bot.workflow.drafts import SummaryWorkers
from bot.workflow.publishing import ApprovalPayloads, PublishWorker
from tests.slack.conftest import wait_for
from tests.store.conftest import FakeClock
from tests.workflow.publish_support import (
    SECRET,
    RecordingNotifier,
    approved_delivery,
    closed_port_url,
)
from tests.workflow.test_drafts import EDITOR, REPORTER, World, actor, world

__all__ = ["world"]  # the fixture, shared with test_drafts


def _publish(world: World) -> str:
    """A draft summarized, approved by the editor and delivered: state ``published``."""
    world.workflow.payloads = ApprovalPayloads(world.store, heading="Summary", disclaimer="AI")
    [draft] = world.message("1.1", "https://news.example/a")
    world.work()
    assert world.workflow.approve(draft.id, actor(EDITOR, name="Eva"), revision=1)
    _deliver(world.store)
    published = world.store.get_draft(draft.id)
    assert published is not None and published.state == "published"
    return draft.id


def _deliver(store: Store) -> Delivery:
    claimed = store.claim_delivery("publisher", 30)
    assert claimed is not None
    outcome = store.mark_delivered(claimed.id, "publisher", status=201)
    assert outcome.won
    return claimed


def _history(world: World, draft_id: str) -> DraftHistory:
    history = world.store.history(draft_id)
    assert history is not None
    return history


def _refusals(world: World) -> list[str]:
    return [key for _user, key, _named in world.notes.of("refuse")]


def test_an_edit_after_publishing_is_a_correction_sent_as_summary_updated(world: World) -> None:
    draft_id = _publish(world)
    [approved] = _history(world, draft_id).deliveries

    # The reporter may edit a draft under review, but not correct published text.
    assert not world.workflow.save_edit(
        draft_id, actor(REPORTER), base_revision=1, bullets=["Wrong."]
    )
    assert _refusals(world) == ["review.not_editor_correct"]
    assert world.workflow.open_review(draft_id, actor(REPORTER), action="edit", revision=1) is None
    editing = world.workflow.open_review(draft_id, actor(EDITOR), action="edit", revision=1)
    assert editing is not None

    assert world.workflow.save_edit(
        draft_id, actor(EDITOR), base_revision=1, bullets=["The vote was 14 to 5."]
    )
    ready = world.store.get_draft(draft_id)
    assert ready is not None and ready.state == "ready"
    assert (ready.current_revision, ready.approved_revision) == (2, 1)
    # Rejecting a correction would orphan the CMS's copy.
    assert not world.workflow.reject(draft_id, actor(EDITOR), base_revision=2)
    assert _refusals(world)[-1] == "review.published"

    assert world.workflow.approve(draft_id, actor(EDITOR, name="Eva"), revision=2)
    updated = _deliver(world.store)
    assert updated.event_type == "summary.updated" and updated.revision == 2
    assert updated.webhook_id != approved.webhook_id
    body = json.loads(updated.body)
    assert body["type"] == "summary.updated" and body["data"]["revision"] == 2
    assert body["data"]["summary"]["bullets"] == ["The vote was 14 to 5."]
    assert body["data"]["provenance"]["human_edited"] is True
    assert body["data"]["provenance"]["model"] == "claude-test"  # from the AI text it edits
    final = world.store.get_draft(draft_id)
    assert final is not None and final.state == "published" and final.approved_revision == 2
    audit = [a.action for a in _history(world, draft_id).audit]
    assert audit.count("draft.correction_started") == 1 and audit.count("draft.published") == 2
    shown = "\n".join(timeline(_history(world, draft_id), "en"))
    assert "corrected the published text (revision 2)" in shown


def test_retract_is_for_editors_sends_summary_retracted_once_and_ends_the_draft(
    world: World,
) -> None:
    draft_id = _publish(world)
    assert not world.workflow.retract(draft_id, actor(REPORTER), revision=1)
    assert _refusals(world) == ["review.not_editor_retract"]

    assert world.workflow.retract(draft_id, actor(EDITOR, name="Eva"), revision=1)
    assert not world.workflow.retract(draft_id, actor(EDITOR), revision=1)  # a double click
    assert world.notes.of("refuse")[-1] == (EDITOR, "review.already_retracted", EDITOR)
    retracted = world.store.get_draft(draft_id)
    assert retracted is not None and retracted.state == "retracted"
    assert retracted.retracted_by == EDITOR and retracted.retracted_at is not None

    delivery = _deliver(world.store)
    body = json.loads(delivery.body)
    assert body["type"] == "summary.retracted" and body["data"]["revision"] == 1
    assert body["data"]["retraction"]["editor_id"] == EDITOR
    assert body["data"]["retraction"]["editor_name"] == "Eva"
    assert world.store.claim_delivery("publisher", 30) is None  # exactly one retraction
    shown = "\n".join(timeline(_history(world, draft_id), "de"))
    assert "hat die Zusammenfassung zurückgezogen (Fassung 1)" in shown
    # The retraction's delivery leaves the draft retracted; nothing can reopen it.
    after = world.store.get_draft(draft_id)
    assert after is not None and after.state == "retracted"
    for action in ("edit", "regenerate", "reject"):
        assert (
            world.workflow.open_review(draft_id, actor(EDITOR), action=action, revision=1) is None
        )
    assert not world.workflow.approve(draft_id, actor(EDITOR), revision=1)


def test_a_draft_under_first_review_cannot_be_retracted(world: World) -> None:
    [draft] = world.message("1.1", "https://news.example/a")
    world.work()
    assert not world.workflow.retract(draft.id, actor(EDITOR), revision=1)
    assert world.store.retract(draft.id, EDITOR).won is False  # the store refuses too
    stored = world.store.get_draft(draft.id)
    assert stored is not None and stored.state == "ready"


def test_a_draft_whose_workers_kept_dying_is_reported_in_its_thread_once(world: World) -> None:
    [draft] = world.message("1.1", "https://news.example/a")
    for _ in range(world.store.max_attempts):  # each claim's worker dies without a word
        assert world.store.claim_draft("dead-worker", 60) is not None
        world.clock.advance(61)
    workers = SummaryWorkers(world.workflow, threads=1, poll_s=0.05).start()
    try:
        wait_for(lambda: world.notes.of("finished"), message="the give-up to be reported")
    finally:
        workers.stop()
    assert world.notes.of("failed") == [(draft.id, "attempts_exhausted", True)]
    assert world.notes.of("finished") == [draft.id]
    stored = world.store.get_draft(draft.id)
    assert stored is not None and stored.state == "failed"
    assert stored.last_error_code == "attempts_exhausted"
    exhausted: list[Any] = []
    assert world.store.claim_draft("w2", 60, exhausted=exhausted) is None
    assert exhausted == []  # given up once, reported once


def test_a_delivery_given_up_at_claim_time_is_reported_with_retry(tmp_path: Any) -> None:
    clock = FakeClock()
    with Store(f"sqlite:///{tmp_path / 'gone.db'}", clock=clock, max_delivery_attempts=2) as store:
        store.upgrade()
        draft, delivery = approved_delivery(store)
        for _ in range(2):  # the publisher dies mid-attempt, twice
            assert store.claim_delivery("dead-publisher", 30) is not None
            clock.advance(31)
        notifier = RecordingNotifier()
        worker = PublishWorker(
            store,
            WebhookClient(closed_port_url(), SECRET),
            RetryPolicy(),
            notifier,
            worker_id="w1",
            clock=clock,
        )
        assert worker.run_once() is False  # nothing left to send …
        [update] = notifier.updates  # … but the thread is told
        assert update.line.key == "publish.failed_gave_up" and update.line.retry_button
        assert update.line.params == {"attempts": 2}
        assert update.delivery.id == delivery.id and update.delivery.state == "failed"
        assert update.draft is not None and update.draft.state == "publish_failed"
        assert worker.run_once() is False
        assert len(notifier.updates) == 1  # reported once
        stored = store.get_draft(draft.id)
        assert stored is not None and stored.state == "publish_failed"


def test_a_correction_carries_its_fields_to_summary_updated(world: World) -> None:
    draft_id = _publish(world)
    world.workflow.style = replace(world.workflow.style, fields=(("headline", 70),))
    assert world.workflow.save_edit(
        draft_id,
        actor(EDITOR),
        base_revision=1,
        bullets=["The vote was 14 to 5."],
        fields={"headline": "  Library   approved 14 to 5 "},
    )
    corrected = world.store.get_revision(draft_id)
    assert corrected is not None and dict(corrected.fields) == {
        "headline": "Library approved 14 to 5"
    }
    # An edit that does not name the fields keeps them; checks run on the field too.
    assert world.workflow.save_edit(
        draft_id, actor(EDITOR), base_revision=2, bullets=["The vote was 14 to 5."]
    )
    again = world.store.get_revision(draft_id)
    assert again is not None and dict(again.fields) == dict(corrected.fields)
    assert world.workflow.approve(draft_id, actor(EDITOR, name="Eva"), revision=3)
    body = json.loads(_deliver(world.store).body)
    assert body["type"] == "summary.updated"
    assert body["data"]["summary"]["headline"] == "Library approved 14 to 5"
    assert "teaser" not in body["data"]["summary"]
