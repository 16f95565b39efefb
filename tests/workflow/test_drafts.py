"""The draft workflow without Slack: a recording notifier, a real SQLite store, fake services."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.articles.errors import Paywalled
from bot.domain import Article
from bot.store import Draft, Revision, Store
from bot.summarizer import Check, Evidence, HouseStyle
from bot.summarizer import Draft as Summary
from bot.workflow.drafts import (
    Actor,
    DraftWorkflow,
    Failure,
    IncomingMessage,
    Refusal,
    SummaryWorkers,
    Wakeup,
    WorkflowConfig,
)
from tests.store.conftest import FakeClock

EDITOR = "U0EDITOR"
REPORTER = "U0REPORTER"


def actor(user_id: str, name: str | None = None) -> Actor:
    """Someone clicking in the workspace (T1) and channel (C1) of the drafts below."""
    return Actor(user_id, name=name, channel="C1", team_id="T1")


TEXT = (
    "The city council of Millbrook on Tuesday approved a plan to build a new public library. "
    "The vote was 14 to 5. Mayor Helen Okafor said the library would open in 2028. "
) * 3


@dataclass
class Notes:
    """A Notifier that records every call (and the draft's stored state at that moment)."""

    store: Store | None = None
    calls: list[tuple[str, Any]] = field(default_factory=list)
    states_when_ready: list[str] = field(default_factory=list)

    def received(self, drafts: Sequence[Draft]) -> None:
        self.calls.append(("received", [d.id for d in drafts]))

    def working(self, draft: Draft) -> Draft:
        self.calls.append(("working", draft.id))
        return draft

    def ready(self, draft: Draft, revision: Revision) -> None:
        assert self.store is not None
        stored = self.store.get_draft(draft.id)
        self.states_when_ready.append(stored.state if stored else "?")
        self.calls.append(("ready", (draft.id, revision.number, draft.state)))

    def failed(self, draft: Draft, failure: Failure) -> None:
        self.calls.append(("failed", (draft.id, failure.code, failure.retryable)))

    def duplicate(self, draft: Draft, existing: Draft) -> None:
        self.calls.append(("duplicate", (draft.id, existing.id)))

    def finished(self, draft: Draft) -> None:
        self.calls.append(("finished", draft.id))

    def changed(self, draft: Draft) -> None:
        self.calls.append(("changed", (draft.id, draft.state)))

    def refuse(self, actor: Actor, draft: Draft | None, refusal: Refusal) -> None:
        self.calls.append(("refuse", (actor.user_id, refusal.key, refusal.user_id)))

    def post_for_review(self, draft: Draft, revision: Revision, actor: Actor) -> str | None:
        return "1700000000.000900"

    def permalink(self, draft: Draft) -> str | None:
        return None

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]

    def of(self, name: str) -> list[Any]:
        return [value for n, value in self.calls if n == name]


class Articles:
    def __init__(self) -> None:
        self.fetched: list[str] = []
        self.error: Exception | None = None

    def fetch_article(self, url: str) -> Article:
        self.fetched.append(url)
        if self.error is not None:
            raise self.error
        return Article(url=url, final_url=url, title="Library", text=TEXT, language="en")


class Summaries:
    def __init__(self) -> None:
        self.instructions: list[str | None] = []
        self.error: Exception | None = None

    def summarize(self, article: Article, *, instruction: str | None = None) -> Summary:
        self.instructions.append(instruction)
        if self.error is not None:
            raise self.error
        return Summary(
            heading="Summary",
            bullets=("The council voted 14 to 5.", "It opens in 2029."),
            headline=None,
            language="en",
            disclaimer="",
            model="claude-test",
            prompt_version="abc123",
            engine="claude",
            ai_generated=True,
            checks=(Check("number", 1, "2029", "check.number"),),
            evidence=(Evidence(0, "The vote was 14 to 5.", 0.9),),
        )


@dataclass
class World:
    store: Store
    clock: FakeClock
    notes: Notes
    articles: Articles
    summaries: Summaries
    workflow: DraftWorkflow

    def message(self, ts: str, *urls: str, channel: str = "C1") -> list[Draft]:
        return self.workflow.record_message(
            IncomingMessage(team_id="T1", channel=channel, ts=ts, user_id=REPORTER, urls=urls)
        )

    def work(self, worker: str = "w1") -> Draft | None:
        draft = self.store.claim_draft(worker, 60)
        if draft is not None:
            self.workflow.process(draft, worker)
        return draft


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    clock = FakeClock()
    with Store(f"sqlite:///{tmp_path / 'wf.db'}", clock=clock) as store:
        store.upgrade()
        notes = Notes(store)
        articles, summaries = Articles(), Summaries()
        workflow = DraftWorkflow(
            store,
            articles=articles,
            summarizer=summaries,
            style=HouseStyle(bullets=2),
            notifier=notes,
            is_editor=lambda user, _team: user == EDITOR,
            config=WorkflowConfig(lease_s=60, duplicate_window_s=3600),
        )
        yield World(store, clock, notes, articles, summaries, workflow)


def test_a_draft_is_shown_before_it_is_committed_then_committed_once(world: World) -> None:
    [draft] = world.message("1.1", "https://news.example/a")
    assert world.work() is not None
    assert world.notes.names() == ["working", "ready", "finished"]
    assert world.notes.states_when_ready == ["working"]  # shown first …
    done = world.store.get_draft(draft.id)
    assert done is not None and done.state == "ready"  # … then committed
    revision = world.store.get_revision(draft.id)
    assert revision is not None and revision.kind == "ai" and revision.model == "claude-test"
    assert revision.checks == [
        {"kind": "number", "bullet": 1, "text": "2029", "message_key": "check.number", "params": {}}
    ]
    assert revision.evidence == [{"bullet": 0, "sentence": "The vote was 14 to 5.", "score": 0.9}]
    assert world.work() is None  # nothing left


def test_recording_is_idempotent_and_respects_the_allowlist(world: World) -> None:
    first = world.message("1.1", "https://news.example/a", "https://news.example/b")
    again = world.message("1.1", "https://news.example/a", "https://news.example/b")
    assert len(first) == 2 and again == []
    world.workflow.config = WorkflowConfig(channel_allowlist=frozenset({"C9"}))
    assert world.message("1.2", "https://news.example/c") == []
    assert world.store.drafts_for_message("T1", "C1", "1.2") == []


def test_user_facing_failures_keep_their_code_and_retryability(world: World) -> None:
    world.message("1.1", "https://news.example/a")
    world.articles.error = Paywalled("teaser only")
    world.work()
    [(draft_id, code, retryable)] = world.notes.of("failed")
    assert (code, retryable) == ("paywalled", Paywalled.retryable)
    stored = world.store.get_draft(draft_id)
    assert stored is not None and stored.state == "failed" and stored.last_error_code == code
    assert world.notes.names()[-1] == "finished"


def test_unexpected_errors_are_told_as_internal_and_retryable(world: World) -> None:
    world.message("1.1", "https://news.example/a")
    world.summaries.error = RuntimeError("boom")
    world.work()
    [(_, code, retryable)] = world.notes.of("failed")
    assert (code, retryable) == ("internal", True)


def test_the_older_of_two_drafts_of_a_link_is_summarized_the_newer_points_to_it(
    world: World,
) -> None:
    [older] = world.message("1.1", "https://news.example/a")
    world.clock.advance(1)
    [newer] = world.message("1.2", "https://news.example/a")
    world.work()
    world.work()
    assert world.notes.of("duplicate") == [(newer.id, older.id)]
    stored = world.store.get_draft(newer.id)
    assert stored is not None and stored.state == "rejected"
    assert stored.rejected_reason == "duplicate"
    assert world.summaries.instructions == [None]  # one model call
    # Another channel is not a duplicate: its own draft (with the summary reused, see
    # tests/workflow/test_reuse.py).
    [other] = world.message("1.3", "https://news.example/a", channel="C2")
    world.work()
    stored = world.store.get_draft(other.id)
    assert stored is not None and stored.state == "ready"


def test_regenerate_reuses_the_stored_article_and_passes_the_instruction(world: World) -> None:
    [draft] = world.message("1.1", "https://news.example/a")
    world.work()
    assert world.workflow.regenerate(
        draft.id, actor(REPORTER), instruction="shorter", base_revision=1
    )
    world.work()
    assert world.articles.fetched == ["https://news.example/a"]
    assert world.summaries.instructions == [None, "shorter"]
    revision = world.store.get_revision(draft.id)
    assert revision is not None and revision.number == 2 and revision.kind == "regenerate"
    assert revision.instruction == "shorter"


def test_approval_needs_an_editor_and_happens_once(world: World) -> None:
    [draft] = world.message("1.1", "https://news.example/a")
    world.work()
    assert not world.workflow.approve(draft.id, actor(REPORTER), revision=1)
    assert world.notes.of("refuse") == [(REPORTER, "review.not_editor", None)]
    assert world.workflow.approve(draft.id, actor(EDITOR, name="Eddie"), revision=1)
    assert not world.workflow.approve(draft.id, actor("U0OTHER"), revision=1)
    assert not world.workflow.approve(draft.id, actor(EDITOR), revision=1)
    assert world.notes.of("refuse")[-1] == (EDITOR, "review.already_approved", EDITOR)
    stored = world.store.get_draft(draft.id)
    assert stored is not None and stored.approved_by_name == "Eddie"


def test_an_edit_based_on_an_old_revision_is_refused(world: World) -> None:
    [draft] = world.message("1.1", "https://news.example/a")
    world.work()
    editor = actor(EDITOR)
    assert world.workflow.save_edit(draft.id, editor, base_revision=1, bullets=["Edited."])
    assert not world.workflow.save_edit(draft.id, editor, base_revision=1, bullets=["Old."])
    assert world.notes.of("refuse")[-1] == (EDITOR, "review.stale", None)
    revision = world.store.get_revision(draft.id)
    assert revision is not None and revision.bullets == ("Edited.",)
    assert any(c["kind"] == "count" for c in revision.checks)  # 1 bullet, house style 2


def test_others_may_not_change_the_draft(world: World) -> None:
    [draft] = world.message("1.1", "https://news.example/a")
    world.work()
    outsider = actor("U0OUTSIDER")
    assert world.workflow.open_review(draft.id, outsider, action="edit", revision=1) is None
    reporter = actor(REPORTER)
    assert world.workflow.open_review(draft.id, reporter, action="reject", revision=1) is None
    assert world.workflow.open_review(draft.id, reporter, action="edit", revision=1) is not None
    assert [key for _, key, _ in world.notes.of("refuse")] == [
        "review.not_allowed",
        "review.not_editor",
    ]


def test_a_wakeup_between_a_look_and_the_wait_is_not_lost() -> None:
    wakeup = Wakeup()
    seen = wakeup.generation()
    wakeup.wake()  # work arrives after the worker looked, before it waits
    waited = threading.Event()

    def wait() -> None:
        wakeup.wait(seen, timeout=30)
        waited.set()

    thread = threading.Thread(target=wait)
    thread.start()
    thread.join(10)
    assert waited.is_set()


def test_workers_resume_a_draft_whose_worker_died(world: World) -> None:
    [draft] = world.message("1.1", "https://news.example/a")
    assert world.store.claim_draft("dead-worker", 60) is not None  # then it crashed
    world.clock.advance(61)  # its lease runs out
    workers = SummaryWorkers(world.workflow, threads=2, poll_s=0.05).start()
    try:
        deadline = threading.Event()
        for _ in range(500):
            stored = world.store.get_draft(draft.id)
            if stored is not None and stored.state == "ready":
                break
            deadline.wait(0.02)
    finally:
        workers.stop()
    stored = world.store.get_draft(draft.id)
    assert stored is not None and stored.state == "ready" and stored.attempts == 2


def test_post_for_review_double_click_posts_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    reporter = Actor(user_id=REPORTER, channel="C1", team_id="T1")
    draft = world.workflow.request_summary(
        team_id="T1", channel="C1", actor=reporter, url="https://news.example/p", response_url="r"
    )
    assert world.work() is not None
    posts: list[str] = []
    inner: list[bool] = []

    seen: list[Draft | None] = []
    dismissed: list[bool] = []

    def post(d: Draft, revision: Revision, actor: Actor) -> str | None:
        posts.append(d.id)
        # The second click arrives while the first is still posting.
        inner.append(world.workflow.post_for_review(d.id, actor))
        # Meanwhile the ts field holds no marker (readers take it for a Slack ts), and the
        # preview cannot be dismissed under the post.
        seen.append(world.store.get_draft(d.id))
        dismissed.append(world.workflow.dismiss(d.id, actor))
        return "1700000000.000901"

    monkeypatch.setattr(world.notes, "post_for_review", post)
    assert world.workflow.post_for_review(draft.id, reporter)
    assert posts == [draft.id]
    assert inner == [False]
    [during] = seen
    assert during is not None and during.bot_message_ts is None
    assert during.post_reserved_at is not None and during.state == "ready"
    assert dismissed == [False]
    assert ("refuse", (REPORTER, "review.changed", None)) in world.notes.calls
    stored = world.store.get_draft(draft.id)
    assert stored is not None and stored.bot_message_ts == "1700000000.000901"
    assert not world.workflow.post_for_review(draft.id, reporter)  # a later click: already posted


def test_post_for_review_that_fails_to_post_can_be_tried_again(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    reporter = Actor(user_id=REPORTER, channel="C1", team_id="T1")
    draft = world.workflow.request_summary(
        team_id="T1", channel="C1", actor=reporter, url="https://news.example/q", response_url="r"
    )
    assert world.work() is not None
    monkeypatch.setattr(world.notes, "post_for_review", lambda d, r, a: None)  # Slack said no
    assert not world.workflow.post_for_review(draft.id, reporter)
    stored = world.store.get_draft(draft.id)
    assert stored is not None and stored.bot_message_ts is None  # the reservation is released
    assert stored.post_reserved_at is None
    monkeypatch.setattr(world.notes, "post_for_review", lambda d, r, a: "1700000000.000902")
    assert world.workflow.post_for_review(draft.id, reporter)  # the next click posts
    posted = world.store.get_draft(draft.id)
    assert posted is not None and posted.bot_message_ts == "1700000000.000902"


def test_post_for_review_clicked_from_many_threads_posts_once(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    reporter = Actor(user_id=REPORTER, channel="C1", team_id="T1")
    draft = world.workflow.request_summary(
        team_id="T1", channel="C1", actor=reporter, url="https://news.example/t", response_url="r"
    )
    assert world.work() is not None
    posts: list[str] = []
    lock = threading.Lock()

    def post(d: Draft, revision: Revision, actor: Actor) -> str | None:
        with lock:
            posts.append(d.id)
        return "1700000000.000903"

    monkeypatch.setattr(world.notes, "post_for_review", post)
    barrier = threading.Barrier(8)
    results: list[bool] = []

    def click() -> None:
        barrier.wait()
        won = world.workflow.post_for_review(draft.id, reporter)
        with lock:
            results.append(won)

    threads = [threading.Thread(target=click) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert posts == [draft.id]
    assert sorted(results) == [False] * 7 + [True]
    stored = world.store.get_draft(draft.id)
    assert stored is not None and stored.bot_message_ts == "1700000000.000903"


def test_an_edit_is_checked_again_against_its_supporting_sentences(world: World) -> None:
    [draft] = world.message("1.1", "https://news.example/a")
    world.work()
    edited = ["The council voted 15 to 5.", "It opens in 2028."]
    assert world.workflow.save_edit(draft.id, actor(EDITOR), base_revision=1, bullets=edited)
    revision = world.store.get_revision(draft.id)
    assert revision is not None
    numbers = [c for c in revision.checks if c["kind"] == "number"]
    assert numbers == [
        {
            "kind": "number",
            "bullet": 0,
            "text": "15",
            "message_key": "check.number_differs",
            "params": {"says": "14"},
        }
    ]
    # the card shows each edited bullet's supporting sentence again
    assert [e["bullet"] for e in revision.evidence] == [0, 1]
    assert "14 to 5" in revision.evidence[0]["sentence"]


def test_idle_workers_leave_polling_to_one_of_them(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Eight idle workers: one polls every poll_s, the others wait to be woken (a local event,
    # or the poller finding work that another process queued).
    claims: list[str] = []
    claim = world.store.claim_draft

    def counting(worker_id: str, lease_s: float, **kwargs: Any) -> Draft | None:
        claims.append(worker_id)
        return claim(worker_id, lease_s, **kwargs)

    monkeypatch.setattr(world.store, "claim_draft", counting)
    workers = SummaryWorkers(world.workflow, threads=8, poll_s=0.05).start()
    try:
        threading.Event().wait(1.0)
        polls = len(claims)
        looks = Counter(claims)  # each worker looks once at start; only the poller again
        [draft] = world.message("1.1", "https://news.example/polled")  # wakes them all
        for _ in range(500):
            stored = world.store.get_draft(draft.id)
            if stored is not None and stored.state == "ready":
                break
            threading.Event().wait(0.02)
    finally:
        workers.stop()
    assert sum(1 for count in looks.values() if count > 1) == 1
    assert polls <= 8 + 1.0 / 0.05 + 5  # not 8 × 20
    stored = world.store.get_draft(draft.id)
    assert stored is not None and stored.state == "ready"
