"""Build drafts in any state through the store's public API only."""

from __future__ import annotations

from bot.domain import Article
from bot.store import Draft, DraftState, NewRevision, RevisionKind, Store

SETUP_WORKER = "setup-worker"


def ai_revision(*bullets: str, kind: RevisionKind = "ai") -> NewRevision:
    return NewRevision(
        kind=kind,
        bullets=list(bullets or ("Erster Punkt.", "Zweiter Punkt.", "Dritter Punkt.")),
        author="claude-test",
        heading="Zusammenfassung",
        language="de",
        model="claude-test",
        prompt_version="p1",
        engine="claude",
        checks={"flags": []},
        evidence=[{"bullet": 0, "sentence": "Ein Satz."}],
        usage={"input_tokens": 1000, "output_tokens": 80},
    )


def article(url: str = "https://news.example/a", text: str = "Der Text des Artikels.") -> Article:
    return Article(
        url=url,
        final_url=url,
        title="Ein Titel",
        text=text,
        language="de",
        published="2026-11-26",
        site_name="Example News",
    )


_counter = 0


def new_draft(
    store: Store,
    *,
    team_id: str = "T1",
    channel: str = "C1",
    message_ts: str | None = None,
    url: str | None = None,
) -> Draft:
    global _counter  # noqa: PLW0603 -- unique message ts across one test session
    _counter += 1
    created = store.create_draft(
        team_id=team_id,
        channel=channel,
        message_ts=message_ts or f"1700000000.{_counter:06d}",
        url=url or f"https://news.example/article-{_counter}",
        reporter_id="U_REPORTER",
    )
    assert created.created
    return created.draft


def claim_this(store: Store, draft: Draft, worker: str = SETUP_WORKER) -> Draft:
    claimed = store.claim_draft(worker, lease_s=60)
    assert claimed is not None and claimed.id == draft.id, "another draft was claimable"
    return claimed


def draft_in(store: Store, state: DraftState) -> Draft:
    """A new draft driven into ``state``; no other draft may be queued or deliverable."""
    draft = new_draft(store)
    if state == "queued":
        return draft
    draft = claim_this(store, draft)
    if state == "working":
        return draft
    if state == "failed":
        outcome = store.fail(draft.id, SETUP_WORKER, "unreachable", retryable=True)
    else:
        outcome = store.complete(draft.id, SETUP_WORKER, ai_revision(), article=article())
        if state == "rejected":
            outcome = store.reject(draft.id, "U_EDITOR", "not newsworthy")
        elif state in ("approved", "published", "publish_failed"):
            outcome = store.approve(
                draft.id,
                editor_id="U_EDITOR",
                editor_name="Eva Editor",
                revision=1,
                payload=None if state == "approved" else {"type": "summary.approved"},
            )
            if state != "approved":
                delivery = store.claim_delivery("setup-publisher", lease_s=30)
                assert delivery is not None and delivery.draft_id == draft.id
                if state == "published":
                    outcome = store.mark_delivered(delivery.id, "setup-publisher", status=200)
                else:
                    outcome = store.mark_delivery_failed(
                        delivery.id, "setup-publisher", status=400, error="bad request"
                    )
    assert outcome.won and outcome.draft is not None
    assert outcome.draft.state == state
    return outcome.draft
