"""Drafts: one per (team, channel, message, url); duplicate lookup; Slack event dedupe."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, timedelta

import pytest

from bot.store import Created, DraftRequest, DraftState, Store, new_id, url_key
from tests.store.conftest import FakeClock
from tests.store.helpers import ai_revision, article, claim_this, draft_in, new_draft


def test_create_draft_records_a_queued_request_with_audit(store: Store, clock: FakeClock) -> None:
    created = store.create_draft(
        team_id="T1",
        channel="C1",
        message_ts="1700000000.000100",
        url="https://news.example/a",
        reporter_id="U1",
        source="message",
    )
    draft = created.draft
    assert created.created
    assert draft.state == "queued"
    assert draft.thread_ts == "1700000000.000100"  # replies go into the message's thread
    assert draft.attempts == 0 and draft.version == 1
    assert draft.current_revision is None
    assert draft.created_at == clock() and draft.created_at.tzinfo == UTC
    assert 10 <= len(draft.id) <= 32 and draft.id.replace("-", "").replace("_", "").isalnum()
    history = store.history(draft.id)
    assert history is not None
    assert [(a.action, a.actor) for a in history.audit] == [("draft.created", "U1")]


def test_redelivery_returns_the_existing_draft(store: Store) -> None:
    def deliver() -> Created:
        return store.create_draft(
            team_id="T1",
            channel="C1",
            message_ts="1700000000.000100",
            url="https://news.example/a",
            reporter_id="U1",
        )

    first = deliver()
    again = deliver()
    assert first.created and not again.created
    assert again.draft.id == first.draft.id
    history = store.history(first.draft.id)
    assert history is not None and len(history.audit) == 1


def test_one_draft_per_link_of_a_message(store: Store, clock: FakeClock) -> None:
    a = new_draft(store, message_ts="1.000001", url="https://news.example/a")
    clock.advance(0.001)
    b = new_draft(store, message_ts="1.000001", url="https://news.example/b")
    new_draft(store, message_ts="1.000002", url="https://news.example/a")
    assert a.id != b.id
    assert [d.id for d in store.drafts_for_message("T1", "C1", "1.000001")] == [a.id, b.id]


def test_same_message_ts_in_another_team_or_channel_is_another_draft(store: Store) -> None:
    a = new_draft(store, team_id="T1", channel="C1", message_ts="1.5", url="https://n.example/x")
    b = new_draft(store, team_id="T2", channel="C1", message_ts="1.5", url="https://n.example/x")
    c = new_draft(store, team_id="T1", channel="C2", message_ts="1.5", url="https://n.example/x")
    assert len({a.id, b.id, c.id}) == 3


def test_slash_commands_without_message_ts_each_get_a_draft(store: Store) -> None:
    drafts = [
        store.create_draft(
            team_id="T1",
            channel="C1",
            message_ts=None,
            url="https://news.example/a",
            reporter_id="U1",
            source="slash_command",
            response_url="https://hooks.slack.test/commands/1",
        )
        for _ in range(2)
    ]
    assert all(c.created for c in drafts) and drafts[0].draft.id != drafts[1].draft.id
    assert drafts[0].draft.source == "slash_command"
    assert drafts[0].draft.response_url == "https://hooks.slack.test/commands/1"


def test_very_long_urls_are_stored_and_deduplicated(store: Store) -> None:
    url = "https://news.example/a?" + "x" * 5000  # beyond a PostgreSQL btree entry
    first = new_draft(store, message_ts="9.1", url=url)
    again = store.create_draft(
        team_id="T1", channel="C1", message_ts="9.1", url=url, reporter_id="U1"
    )
    assert not again.created and again.draft.id == first.id and again.draft.url == url
    assert len(url_key(url)) == 64


def test_recent_duplicate_in_the_same_channel_within_the_window(
    store: Store, clock: FakeClock
) -> None:
    url = "https://news.example/dup"
    older = new_draft(store, url=url)
    clock.advance(60)
    newer = new_draft(store, url=url)
    clock.advance(60)
    found = store.find_recent_duplicate(
        team_id="T1", channel="C1", url=url, within=timedelta(hours=1)
    )
    assert found is not None and found.id == newer.id  # the newest one
    excluded = store.find_recent_duplicate(
        team_id="T1", channel="C1", url=url, within=timedelta(hours=1), exclude_draft_id=newer.id
    )
    assert excluded is not None and excluded.id == older.id
    for team_id, channel, other_url in (
        ("T1", "C2", url),
        ("T2", "C1", url),
        ("T1", "C1", url + "/other"),
    ):
        assert (
            store.find_recent_duplicate(
                team_id=team_id, channel=channel, url=other_url, within=timedelta(hours=1)
            )
            is None
        )
    clock.advance(3600)
    assert (
        store.find_recent_duplicate(team_id="T1", channel="C1", url=url, within=timedelta(hours=1))
        is None
    )


def test_rejected_drafts_are_not_duplicates(store: Store) -> None:
    rejected = draft_in(store, "rejected")
    assert (
        store.find_recent_duplicate(
            team_id="T1", channel="C1", url=rejected.url, within=timedelta(hours=1)
        )
        is None
    )


def test_set_bot_message(store: Store) -> None:
    draft = new_draft(store)
    assert store.set_bot_message(draft.id, "1700000001.000200")
    stored = store.get_draft(draft.id)
    assert stored is not None and stored.bot_message_ts == "1700000001.000200"
    assert not store.set_bot_message("no-such-draft", "1.2")
    assert store.get_draft("no-such-draft") is None


def test_reserve_post_is_won_once_and_keeps_the_ts_field_a_slack_ts(store: Store) -> None:
    draft = draft_in(store, "ready")
    token = store.reserve_post(draft.id, stale_after=timedelta(minutes=5))
    assert token is not None
    assert store.reserve_post(draft.id, stale_after=timedelta(minutes=5)) is None  # 2nd click
    reserved = store.get_draft(draft.id)
    assert reserved is not None
    assert reserved.bot_message_ts is None and reserved.post_reserved_at is not None
    assert store.finish_post(draft.id, token, "1700000001.000300")
    posted = store.get_draft(draft.id)
    assert posted is not None
    assert posted.bot_message_ts == "1700000001.000300" and posted.post_reserved_at is None
    assert store.reserve_post(draft.id, stale_after=timedelta(minutes=5)) is None  # posted
    assert not store.finish_post(draft.id, token, "1700000001.000999")  # token used up
    again = store.get_draft(draft.id)
    assert again is not None and again.bot_message_ts == "1700000001.000300"


def test_a_released_post_reservation_can_be_taken_again(store: Store) -> None:
    draft = draft_in(store, "ready")
    token = store.reserve_post(draft.id, stale_after=timedelta(minutes=5))
    assert token is not None
    assert store.finish_post(draft.id, token, None)  # Slack refused: released
    released = store.get_draft(draft.id)
    assert released is not None
    assert released.bot_message_ts is None and released.post_reserved_at is None
    assert store.reserve_post(draft.id, stale_after=timedelta(minutes=5)) is not None


def test_a_stale_post_reservation_is_taken_over_and_the_old_owner_loses(
    store: Store, clock: FakeClock
) -> None:
    draft = draft_in(store, "ready")
    dead = store.reserve_post(draft.id, stale_after=timedelta(minutes=5))
    assert dead is not None
    clock.advance(299)
    assert store.reserve_post(draft.id, stale_after=timedelta(minutes=5)) is None
    clock.advance(2)
    alive = store.reserve_post(draft.id, stale_after=timedelta(minutes=5))
    assert alive is not None and alive != dead
    assert not store.finish_post(draft.id, dead, "1700000001.000400")
    assert store.finish_post(draft.id, alive, "1700000001.000500")
    stored = store.get_draft(draft.id)
    assert stored is not None and stored.bot_message_ts == "1700000001.000500"


@pytest.mark.parametrize("state", ["queued", "working", "failed", "rejected", "approved"])
def test_only_ready_drafts_can_be_reserved_for_posting(store: Store, state: DraftState) -> None:
    draft = draft_in(store, state)
    assert store.reserve_post(draft.id, stale_after=timedelta(minutes=5)) is None
    assert store.reserve_post("no-such-draft", stale_after=timedelta(minutes=5)) is None


def test_record_event_is_true_only_the_first_time(store: Store, clock: FakeClock) -> None:
    assert store.record_event("Ev01ABC")
    assert not store.record_event("Ev01ABC")
    assert store.record_event("Ev01ABD")
    clock.advance(7200)
    assert store.record_event("Ev02NEW")
    assert store.purge_processed_events(clock() - timedelta(hours=1)) == 2
    assert store.record_event("Ev01ABC")  # forgotten after the purge
    assert not store.record_event("Ev02NEW")


def test_create_drafts_records_a_batch_and_its_events_in_one_go(store: Store) -> None:
    requests = [
        DraftRequest(
            team_id="T1",
            channel="C1",
            message_ts="1.1",
            url="https://n.example/a",
            reporter_id="U1",
        ),
        DraftRequest(
            team_id="T1",
            channel="C1",
            message_ts="1.1",
            url="https://n.example/b",
            reporter_id="U1",
        ),
        DraftRequest(
            team_id="T1",
            channel="C2",
            message_ts="2.2",
            url="https://n.example/a",
            reporter_id="U2",
        ),
    ]
    first = store.create_drafts(requests, event_ids=["EvA", "EvB"])
    assert [c.created for c in first] == [True, True, True]
    assert [c.draft.url for c in first] == [r.url for r in requests]
    assert all(c.draft.state == "queued" for c in first)
    assert first[0].draft.thread_ts == "1.1"
    # A redelivery of the same batch adds nothing and sees the same drafts.
    again = store.create_drafts(requests, event_ids=["EvA", "EvB"])
    assert [c.created for c in again] == [False, False, False]
    assert [c.draft.id for c in again] == [c.draft.id for c in first]
    assert not store.record_event("EvA")
    assert not store.record_event("EvB")


def test_ids_are_letters_and_digits_only() -> None:
    # A leading "-" would be an option to argparse and a formula to a spreadsheet.
    ids = {new_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(re.fullmatch(r"[A-Za-z0-9]{16}", i) for i in ids)


def summarized(
    store: Store, *, channel: str, team_id: str = "T1", style: str = "S1", instruction: bool = False
) -> str:
    """A ready draft of one wire story in ``channel``, its AI text written in style ``style``."""
    draft = claim_this(
        store, new_draft(store, team_id=team_id, channel=channel, url="https://wire.example/x")
    )
    store.save_article(draft.id, "setup-worker", article("https://wire.example/x"))
    revision = replace(
        ai_revision(), style_key=style, instruction="shorter" if instruction else None
    )
    assert store.complete(draft.id, "setup-worker", revision).won
    return draft.id


def test_a_summary_of_the_same_article_is_found_across_channels(
    store: Store, clock: FakeClock
) -> None:
    def find(style: str = "S1", team_id: str = "T1") -> str | None:
        found = store.find_reusable_summary(
            team_id=team_id,
            url="https://wire.example/x",
            style_key=style,
            within=timedelta(hours=1),
            exclude_draft_id="none",
        )
        return found[0].id if found is not None else None

    assert find() is None
    summarized(store, channel="C0", instruction=True)  # an editor's wish: never reused
    summarized(store, channel="C0", team_id="T2")  # another workspace
    assert find() is None
    first = summarized(store, channel="C1")
    found = store.find_reusable_summary(
        team_id="T1",
        url="https://wire.example/x",
        style_key="S1",
        within=timedelta(hours=1),
        exclude_draft_id="none",
    )
    assert found is not None and found[1].draft_id == first and found[1].style_key == "S1"
    assert find(style="S2") is None  # another house style
    clock.advance(3601)
    assert find() is None  # out of the window
