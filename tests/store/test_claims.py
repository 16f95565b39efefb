"""Durable, leased work on drafts: claim, renew, complete, fail, retry, regenerate, attempt cap."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.store import ATTEMPTS_EXHAUSTED, Store
from tests.store.conftest import FakeClock
from tests.store.helpers import ai_revision, article, claim_this, draft_in, new_draft


def test_claim_takes_the_oldest_queued_draft_and_leases_it(store: Store, clock: FakeClock) -> None:
    first = new_draft(store)
    clock.advance(1)
    second = new_draft(store)
    claimed = store.claim_draft("w1", lease_s=90)
    assert claimed is not None and claimed.id == first.id
    assert claimed.state == "working"
    assert claimed.lease_owner == "w1"
    assert claimed.lease_expires_at == clock() + timedelta(seconds=90)
    assert claimed.attempts == 1
    assert claimed.version == first.version + 1
    nxt = store.claim_draft("w2", lease_s=90)
    assert nxt is not None and nxt.id == second.id
    assert store.claim_draft("w3", lease_s=90) is None  # both leased, nothing queued
    history = store.history(first.id)
    assert history is not None
    assert [(a.action, a.actor, a.detail) for a in history.audit][-1] == (
        "draft.claimed",
        "w1",
        {"attempt": 1},
    )


def test_nothing_to_claim(store: Store) -> None:
    assert store.claim_draft("w1", lease_s=60) is None


def test_an_expired_lease_is_reclaimed_and_the_old_worker_cannot_complete(
    store: Store, clock: FakeClock
) -> None:
    draft = new_draft(store)
    claim_this(store, draft, "crashed-worker")
    clock.advance(59)
    assert store.claim_draft("w2", lease_s=60) is None  # lease still valid
    clock.advance(2)
    reclaimed = store.claim_draft("w2", lease_s=60)
    assert reclaimed is not None and reclaimed.id == draft.id
    assert reclaimed.lease_owner == "w2" and reclaimed.attempts == 2

    late = store.complete(draft.id, "crashed-worker", ai_revision("Zu spät."))
    assert not late.won
    assert late.draft is not None and late.draft.state == "working"
    assert late.draft.lease_owner == "w2"
    assert not store.fail(draft.id, "crashed-worker", "unreachable", retryable=True).won
    assert not store.renew_lease(draft.id, "crashed-worker", 60)
    assert not store.save_article(draft.id, "crashed-worker", article())

    done = store.complete(draft.id, "w2", ai_revision("Rechtzeitig."))
    assert done.won and done.draft is not None and done.draft.state == "ready"
    assert done.revision is not None and done.revision.bullets == ("Rechtzeitig.",)
    history = store.history(draft.id)
    assert history is not None and len(history.revisions) == 1


def test_a_worker_may_finish_after_expiry_if_nobody_reclaimed(
    store: Store, clock: FakeClock
) -> None:
    draft = claim_this(store, new_draft(store), "slow-worker")
    clock.advance(600)
    assert store.complete(draft.id, "slow-worker", ai_revision()).won


def test_renew_lease_extends_only_for_the_holder(store: Store, clock: FakeClock) -> None:
    draft = claim_this(store, new_draft(store), "w1")
    clock.advance(50)
    assert store.renew_lease(draft.id, "w1", 60)
    assert not store.renew_lease(draft.id, "w2", 60)
    clock.advance(50)  # 100 s after the claim: expired without the renewal
    assert store.claim_draft("w2", lease_s=60) is None
    renewed = store.get_draft(draft.id)
    assert renewed is not None and renewed.lease_expires_at == clock() + timedelta(seconds=10)


def test_complete_stores_the_revision_and_article(store: Store) -> None:
    draft = claim_this(store, new_draft(store), "w1")
    outcome = store.complete(draft.id, "w1", ai_revision(), article=article(text="Volltext."))
    assert outcome.won and outcome.draft is not None and outcome.revision is not None
    done = outcome.draft
    assert done.state == "ready" and done.current_revision == 1
    assert done.lease_owner is None and done.lease_expires_at is None
    assert done.article_title == "Ein Titel" and done.article_language == "de"
    restored = done.article()
    assert restored is not None and restored.text == "Volltext."
    assert restored.site_name == "Example News" and restored.published == "2026-11-26"
    rev = outcome.revision
    assert (rev.number, rev.kind, rev.model, rev.prompt_version, rev.engine) == (
        1,
        "ai",
        "claude-test",
        "p1",
        "claude",
    )
    assert rev.usage == {"input_tokens": 1000, "output_tokens": 80}
    assert rev.evidence == [{"bullet": 0, "sentence": "Ein Satz."}]
    assert store.get_revision(draft.id) == rev
    assert store.get_revision(draft.id, 1) == rev
    assert store.get_revision(draft.id, 2) is None


def test_the_preview_of_a_new_revision_is_the_revision_the_store_records(store: Store) -> None:
    """The workflow shows ``NewRevision.as_revision`` before the commit: it must be the row."""
    draft = claim_this(store, new_draft(store), "w1")
    new = ai_revision("Erster Punkt.", "Zweiter Punkt.")
    preview = new.as_revision(draft.id, 1, datetime(2026, 1, 1, tzinfo=UTC))
    recorded = store.complete(draft.id, "w1", new).revision
    assert recorded is not None
    assert replace(preview, created_at=recorded.created_at) == recorded


def test_complete_refuses_human_edits(store: Store) -> None:
    draft = claim_this(store, new_draft(store), "w1")
    with pytest.raises(ValueError, match="edit"):
        store.complete(draft.id, "w1", ai_revision(kind="edit"))


def test_save_article_needs_the_lease(store: Store) -> None:
    draft = claim_this(store, new_draft(store), "w1")
    assert store.save_article(draft.id, "w1", article(text="Gespeichert."))
    saved = store.get_draft(draft.id)
    assert saved is not None and saved.article_text == "Gespeichert."
    assert not store.save_article(draft.id, "w2", article())


def test_fail_then_retry_requeues_with_a_fresh_budget(store: Store) -> None:
    draft = claim_this(store, new_draft(store), "w1")
    failed = store.fail(draft.id, "w1", "too_slow", retryable=True)
    assert failed.won and failed.draft is not None
    assert failed.draft.state == "failed"
    assert failed.draft.last_error_code == "too_slow" and failed.draft.last_error_retryable
    assert failed.draft.lease_owner is None
    assert store.claim_draft("w1", lease_s=60) is None  # failed drafts wait for a human

    retried = store.retry(draft.id, "U_REPORTER")
    assert retried.won and retried.draft is not None
    assert retried.draft.state == "queued" and retried.draft.attempts == 0
    assert retried.draft.last_error_code is None
    assert not store.retry(draft.id, "U_REPORTER").won  # already queued
    again = store.claim_draft("w2", lease_s=60)
    assert again is not None and again.id == draft.id and again.attempts == 1
    history = store.history(draft.id)
    assert history is not None
    assert [a.action for a in history.audit] == [
        "draft.created",
        "draft.claimed",
        "draft.failed",
        "draft.retried",
        "draft.claimed",
    ]


def test_a_draft_that_keeps_crashing_workers_is_failed_not_looped(
    store: Store, clock: FakeClock
) -> None:
    draft = new_draft(store)
    for attempt in (1, 2, 3):  # the store fixture allows 3 attempts
        claimed = store.claim_draft(f"w{attempt}", lease_s=60)
        assert claimed is not None and claimed.attempts == attempt
        clock.advance(61)  # the worker died without completing
    assert store.claim_draft("w4", lease_s=60) is None
    failed = store.get_draft(draft.id)
    assert failed is not None and failed.state == "failed"
    assert failed.last_error_code == ATTEMPTS_EXHAUSTED and failed.last_error_retryable
    assert failed.lease_owner is None
    history = store.history(draft.id)
    assert history is not None
    last = history.audit[-1]
    assert (last.action, last.actor, last.detail["error_code"]) == (
        "draft.failed",
        "system",
        ATTEMPTS_EXHAUSTED,
    )
    assert store.retry(draft.id, "U_REPORTER").won
    assert store.claim_draft("w5", lease_s=60) is not None


def test_exhausted_drafts_do_not_block_others(store: Store, clock: FakeClock) -> None:
    stuck = new_draft(store)
    for _ in range(3):
        assert store.claim_draft("w", lease_s=60) is not None
        clock.advance(61)
    fresh = new_draft(store)
    claimed = store.claim_draft("w", lease_s=60)
    assert claimed is not None and claimed.id == fresh.id
    stuck_now = store.get_draft(stuck.id)
    assert stuck_now is not None and stuck_now.state == "failed"


def test_regenerate_requeues_with_the_instruction(store: Store) -> None:
    ready = draft_in(store, "ready")
    assert not store.regenerate(ready.id, "U_EDITOR", base_revision=7).won  # stale view
    outcome = store.regenerate(ready.id, "U_EDITOR", instruction="kürzer", base_revision=1)
    assert outcome.won and outcome.draft is not None
    assert outcome.draft.state == "queued"
    assert outcome.draft.instruction == "kürzer" and outcome.draft.instruction_by == "U_EDITOR"
    assert outcome.draft.current_revision == 1  # the old text stays until the new one is ready

    claimed = store.claim_draft("w1", lease_s=60)
    assert claimed is not None and claimed.instruction == "kürzer"
    done = store.complete(claimed.id, "w1", ai_revision("Kürzer.", kind="regenerate"))
    assert done.won and done.draft is not None and done.revision is not None
    assert done.draft.current_revision == 2 and done.draft.instruction is None
    assert done.revision.kind == "regenerate"
    history = store.history(ready.id)
    assert history is not None and [r.number for r in history.revisions] == [1, 2]
