"""Cards Slack did not take: marked stale, claimed for repair by one repairer at a time, and
cleared only when nothing newer happened; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

from bot.store import StaleCard, Store
from tests.store.conftest import FakeClock
from tests.store.helpers import SETUP_WORKER, ai_revision, claim_this, draft_in, new_draft


def test_a_marked_card_is_claimed_once_held_and_cleared_after_repair(
    store: Store, clock: FakeClock
) -> None:
    draft = draft_in(store, "ready")
    fresh = draft_in(store, "failed")
    assert store.claim_stale_cards(30) == []  # nothing marked
    assert store.mark_card_stale(draft.id)
    assert not store.mark_card_stale("no-such-draft")

    [card] = store.claim_stale_cards(30)
    assert isinstance(card, StaleCard)
    assert card.draft.id == draft.id and card.draft.state == "ready" and card.marks == 1
    assert card.stale_since == clock()
    assert store.claim_stale_cards(30) == []  # held by the first repairer
    clock.advance(31)
    [again] = store.claim_stale_cards(30)  # the hold ran out: a failed repair is tried again
    assert again.draft.id == draft.id

    assert store.card_repaired(again)
    clock.advance(60)
    assert store.claim_stale_cards(30) == []
    assert all(c.draft.id != fresh.id for c in store.claim_stale_cards(30))


def test_a_newer_mark_or_a_newer_state_keeps_the_card_stale(store: Store, clock: FakeClock) -> None:
    draft = draft_in(store, "ready")
    store.mark_card_stale(draft.id)
    [card] = store.claim_stale_cards(1)
    store.mark_card_stale(draft.id)  # Slack refused another update meanwhile
    assert not store.card_repaired(card)
    clock.advance(2)
    [card] = store.claim_stale_cards(1)
    assert card.marks == 2 and card.stale_since < clock()  # stale since the first mark
    assert store.reject(draft.id, "U_EDITOR").won  # the draft changed after the redraw read it
    assert not store.card_repaired(card)
    clock.advance(2)
    [card] = store.claim_stale_cards(1)
    assert card.draft.state == "rejected"  # the next redraw shows the newest state
    assert store.card_repaired(card)


def test_a_rate_limited_card_is_not_claimed_before_its_time(store: Store, clock: FakeClock) -> None:
    draft = draft_in(store, "ready")
    assert store.mark_card_stale(draft.id, not_before=clock() + timedelta(seconds=30))
    assert store.claim_stale_cards(1) == []  # Slack said Retry-After: 30
    clock.advance(29)
    assert store.claim_stale_cards(1) == []
    clock.advance(1)
    [card] = store.claim_stale_cards(1)
    assert card.draft.id == draft.id and card.marks == 1


def test_a_draft_a_worker_is_on_is_left_to_the_worker(store: Store, clock: FakeClock) -> None:
    draft = claim_this(store, new_draft(store), SETUP_WORKER)
    store.mark_card_stale(draft.id)  # the worker's own update failed
    assert store.claim_stale_cards(30) == []
    assert store.complete(draft.id, SETUP_WORKER, ai_revision()).won
    [card] = store.claim_stale_cards(30)
    assert card.draft.state == "ready" and card.draft.current_revision == 1


def test_concurrent_repairers_never_claim_the_same_card(store: Store) -> None:
    drafts = [draft_in(store, "ready") for _ in range(12)]
    for draft in drafts:
        store.mark_card_stale(draft.id)
    claimed: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(4)

    def repairer() -> None:
        barrier.wait()
        while cards := store.claim_stale_cards(60, limit=2):
            with lock:
                claimed.extend(c.draft.id for c in cards)

    threads = [threading.Thread(target=repairer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(claimed) == sorted(d.id for d in drafts)  # each exactly once
