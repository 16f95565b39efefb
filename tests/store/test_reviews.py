"""Review: edits, approval with its outbox row in one transaction, rejection, illegal moves."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from bot.store import DRAFT_TRANSITIONS, Draft, DraftState, Outcome, Revision, Store
from tests.store.conftest import FakeClock
from tests.store.helpers import SETUP_WORKER, ai_revision, draft_in

ALL_STATES: tuple[DraftState, ...] = (
    "working",
    "ready",
    "approved",
    "published",
    "rejected",
    "failed",
    "publish_failed",
    "queued",  # last: helpers claim the only queued draft
)


def test_edit_adds_a_human_revision(store: Store) -> None:
    ready = draft_in(store, "ready")
    outcome = store.edit(
        ready.id,
        editor_id="U_EDITOR",
        base_revision=1,
        bullets=["Redigiert eins.", "Redigiert zwei."],
        heading="Kurz gesagt",
        language="de",
    )
    assert outcome.won and outcome.draft is not None and outcome.revision is not None
    assert outcome.draft.state == "ready" and outcome.draft.current_revision == 2
    rev = outcome.revision
    assert (rev.number, rev.kind, rev.author, rev.model) == (2, "edit", "U_EDITOR", None)
    assert rev.bullets == ("Redigiert eins.", "Redigiert zwei.") and rev.heading == "Kurz gesagt"


def test_an_edit_based_on_a_stale_revision_is_refused(store: Store) -> None:
    ready = draft_in(store, "ready")
    assert store.edit(ready.id, editor_id="U_A", base_revision=1, bullets=["A."]).won
    lost = store.edit(ready.id, editor_id="U_B", base_revision=1, bullets=["B."])
    assert not lost.won and lost.draft is not None and lost.draft.current_revision == 2
    current = store.get_revision(ready.id)
    assert current is not None and current.bullets == ("A.",)


def test_approve_writes_state_audit_and_outbox_together(store: Store, clock: FakeClock) -> None:
    ready = draft_in(store, "ready")
    store.edit(ready.id, editor_id="U_EDITOR", base_revision=1, bullets=["Final."])
    seen: list[tuple[Draft, Revision]] = []

    def build(draft: Draft, revision: Revision) -> dict[str, Any]:
        seen.append((draft, revision))
        return {
            "type": "summary.approved",
            "data": {
                "id": draft.id,
                "revision": revision.number,
                "bullets": list(revision.bullets),
                "approved_at": draft.approved_at,
                "title": "Ümlaute “und” Anführungszeichen",
            },
        }

    outcome = store.approve(
        ready.id, editor_id="U_EDITOR", editor_name="Eva Editor", revision=2, payload=build
    )
    assert outcome.won and outcome.draft is not None and outcome.delivery is not None
    draft, delivery = outcome.draft, outcome.delivery
    assert draft.state == "approved"
    assert (draft.approved_by, draft.approved_by_name, draft.approved_revision) == (
        "U_EDITOR",
        "Eva Editor",
        2,
    )
    assert draft.approved_at == clock()
    assert seen[0][0].approved_at == clock() and seen[0][1].bullets == ("Final.",)
    assert delivery.state == "pending" and delivery.event_type == "summary.approved"
    assert delivery.revision == 2 and delivery.attempts == 0
    assert delivery.next_attempt_at == clock()
    assert delivery.webhook_id.startswith("msg_")
    assert delivery.payload["data"]["approved_at"] == clock().isoformat()
    assert delivery.body.decode().startswith('{"type":"summary.approved","data":')
    assert "Ümlaute “und”" in delivery.body.decode()  # UTF-8, not \\u escapes
    assert store.get_delivery(delivery.id) == delivery
    history = store.history(ready.id)
    assert history is not None
    approved = history.audit[-1]
    assert (approved.action, approved.actor) == ("draft.approved", "U_EDITOR")
    assert approved.detail["delivery_id"] == delivery.id and approved.detail["revision"] == 2


def test_approve_keeps_encoded_bytes_exactly(store: Store) -> None:
    ready = draft_in(store, "ready")
    body = b'{"z":1,  "a":{"y":2,"b":3}}'
    outcome = store.approve(
        ready.id, editor_id="U_EDITOR", editor_name=None, revision=1, payload=body
    )
    assert outcome.delivery is not None
    stored = store.get_delivery(outcome.delivery.id)
    assert stored is not None and stored.body == body


def test_a_failing_payload_builder_records_nothing(store: Store) -> None:
    ready = draft_in(store, "ready")

    def broken(draft: Draft, revision: Revision) -> dict[str, Any]:
        raise RuntimeError("builder bug")

    with pytest.raises(RuntimeError, match="builder bug"):
        store.approve(ready.id, editor_id="U_E", editor_name="E", revision=1, payload=broken)
    with pytest.raises(ValueError, match="JSON object"):
        store.approve(ready.id, editor_id="U_E", editor_name="E", revision=1, payload=b"[1]")
    with pytest.raises(ValueError):
        store.approve(
            ready.id, editor_id="U_E", editor_name="E", revision=1, payload={"x": float("nan")}
        )
    after = store.history(ready.id)
    assert after is not None
    assert after.draft.state == "ready" and after.draft.approved_by is None
    assert after.deliveries == ()
    assert "draft.approved" not in [a.action for a in after.audit]


def test_approve_without_webhook_records_only_the_approval(store: Store) -> None:
    ready = draft_in(store, "ready")
    outcome = store.approve(ready.id, editor_id="U_E", editor_name="E", revision=1, payload=None)
    assert outcome.won and outcome.delivery is None
    assert store.claim_delivery("p", lease_s=30) is None


def test_approving_a_revision_the_editor_did_not_see_is_refused(store: Store) -> None:
    ready = draft_in(store, "ready")
    store.edit(ready.id, editor_id="U_OTHER", base_revision=1, bullets=["Geändert."])
    lost = store.approve(ready.id, editor_id="U_E", editor_name="E", revision=1, payload={})
    assert not lost.won and lost.draft is not None and lost.draft.state == "ready"
    assert lost.delivery is None


def test_second_approval_loses_and_sees_the_winner(store: Store) -> None:
    ready = draft_in(store, "ready")
    first = store.approve(ready.id, editor_id="U_A", editor_name="A", revision=1, payload={})
    second = store.approve(ready.id, editor_id="U_B", editor_name="B", revision=1, payload={})
    assert first.won and not second.won
    assert second.draft is not None and second.draft.approved_by == "U_A"
    history = store.history(ready.id)
    assert history is not None and len(history.deliveries) == 1


def test_reject_from_working_stops_the_worker(store: Store) -> None:
    working = draft_in(store, "working")
    outcome = store.reject(working.id, "U_REPORTER", "falscher Link")
    assert outcome.won and outcome.draft is not None
    assert outcome.draft.state == "rejected" and outcome.draft.lease_owner is None
    assert outcome.draft.rejected_by == "U_REPORTER"
    assert outcome.draft.rejected_reason == "falscher Link"
    assert outcome.draft.rejected_at is not None
    assert not store.complete(working.id, SETUP_WORKER, ai_revision()).won


def test_transition_on_a_missing_draft(store: Store) -> None:
    outcome = store.approve("missing", editor_id="U", editor_name=None, revision=1, payload={})
    assert outcome == Outcome(won=False, draft=None)


ACTIONS: dict[str, Callable[[Store, Draft], Outcome]] = {
    "retry": lambda s, d: s.retry(d.id, "U_X"),
    "regenerate": lambda s, d: s.regenerate(d.id, "U_X"),
    "edit": lambda s, d: s.edit(
        d.id, editor_id="U_X", base_revision=d.current_revision or 0, bullets=["x"]
    ),
    "approve": lambda s, d: s.approve(
        d.id, editor_id="U_X", editor_name="X", revision=d.current_revision or 0, payload=None
    ),
    "reject": lambda s, d: s.reject(d.id, "U_X"),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_every_human_action_is_refused_outside_its_source_states(store: Store, action: str) -> None:
    sources, target = DRAFT_TRANSITIONS[action]
    for state in ALL_STATES:
        draft = draft_in(store, state)
        outcome = ACTIONS[action](store, draft)
        assert outcome.won == (state in sources), (action, state)
        assert outcome.draft is not None
        if outcome.won:
            assert outcome.draft.state == target
            assert outcome.draft.version > draft.version
        else:
            assert outcome.draft.state == state  # nothing changed
            assert outcome.draft.version == draft.version
        if outcome.draft.state == "queued":
            # out of the way, so the next draft_in claims its own draft
            assert store.reject(draft.id, "cleanup").won


def test_reject_and_retract_name_the_revision_the_editor_saw(store: Store) -> None:
    ready = draft_in(store, "ready")
    assert store.edit(ready.id, editor_id="U_REP", base_revision=1, bullets=["Neu."]).won
    refused = store.reject(ready.id, "U_EDITOR", "alt", base_revision=1)
    assert not refused.won and refused.draft is not None and refused.draft.state == "ready"
    assert store.approve(ready.id, editor_id="U_EDITOR", editor_name=None, revision=2).won
    stale = store.retract(ready.id, "U_EDITOR", revision=1)
    assert not stale.won and stale.draft is not None and stale.draft.state == "approved"
    assert store.retract(ready.id, "U_EDITOR", revision=2).won
    history = store.history(ready.id)
    assert history is not None
    assert [a.action for a in history.audit].count("draft.rejected") == 0


def test_an_edit_and_an_approval_of_the_old_revision_racing_from_threads(store: Store) -> None:
    """The compare-and-set is in the UPDATE: whoever commits second sees the other's change,
    so an approval of revision 1 never approves (or sends) the edit it did not see."""
    for _ in range(12):
        _race_edit_and_approval(store)


def _race_edit_and_approval(store: Store) -> None:
    ready = draft_in(store, "ready")
    barrier = threading.Barrier(2)
    results: dict[str, Outcome] = {}

    def edit() -> None:
        barrier.wait()
        results["edit"] = store.edit(
            ready.id, editor_id="U_REP", base_revision=1, bullets=["Unseen text."]
        )

    def approve() -> None:
        barrier.wait()
        results["approve"] = store.approve(
            ready.id, editor_id="U_EDITOR", editor_name=None, revision=1, payload={"r": 1}
        )

    threads = [threading.Thread(target=edit), threading.Thread(target=approve)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (results["edit"].won, results["approve"].won) in ((True, False), (False, True))
    stored = store.get_draft(ready.id)
    history = store.history(ready.id)
    assert stored is not None and history is not None
    if results["approve"].won:
        assert (stored.state, stored.approved_revision, stored.current_revision) == (
            "approved",
            1,
            1,
        )
        [delivery] = history.deliveries
        assert delivery.revision == 1
    else:
        assert (stored.state, stored.current_revision, stored.approved_revision) == (
            "ready",
            2,
            None,
        )
        assert history.deliveries == ()
    store.reject(ready.id, "U_EDITOR")  # out of the way of the next round's helper
