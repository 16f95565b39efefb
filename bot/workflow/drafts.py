"""The review loop: record requests at once, summarize in leased workers, review, approve.

Acks only call the cheap recording methods (:meth:`DraftWorkflow.record_message`,
:meth:`DraftWorkflow.request_summary`, the review actions), which write to the store and
wake the workers. :class:`SummaryWorkers` claim queued drafts with a lease (renewed while
working), fetch, summarize, show the result through the :class:`Notifier` and then commit.
Showing before committing means a crash at any point leaves a draft that another worker
reclaims when the lease runs out and finishes in the same thread message: nothing is stuck
and nothing is posted twice. This package never imports Slack; ``bot.slack.notifier``
implements :class:`Notifier`.
"""

from __future__ import annotations

import os
import random
import socket
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from bot.domain import Article, UserFacingError
from bot.logs import get_logger
from bot.publisher import APPROVED, UPDATED, EventType
from bot.store import (
    ATTEMPTS_EXHAUSTED,
    Draft,
    DraftRequest,
    NewRevision,
    Outcome,
    Revision,
    Store,
    utcnow,
)
from bot.summarizer import HouseStyle, Summarizer, run_checks
from bot.workflow.publishing import ApprovalPayloads
from bot.workflow.trace import DraftTrace

if TYPE_CHECKING:
    from bot.metrics import Metrics

log = get_logger(__name__)

T = TypeVar("T")

SYSTEM_ACTOR = "system"
DUPLICATE_REASON = "duplicate"
DISMISSED_REASON = "dismissed"
APPROVED_STATES = frozenset({"approved", "published", "publish_failed"})
REJECTABLE_STATES = frozenset({"queued", "working", "ready", "failed"})
RETRACTABLE_STATES = frozenset({"approved", "published", "publish_failed"})
# Failures that pass by themselves (the model overloaded or unreachable; the site down, slow or
# rate-limiting) and crashes inside a worker ("internal": a bug hit under load, such as a race
# in a shared tool, must not leave the draft waiting for an editor's Retry): re-queued
# automatically with a growing delay, up to ``WORK_AUTO_RETRIES`` times. Refusals (paywall,
# 404, the model declining, bad output…) never are: trying again would give the same answer.
AUTO_RETRY_CODES = frozenset(
    {
        "summary_unavailable",
        "unreachable",
        "too_slow",
        "http_rate_limited",
        "http_server_error",
        "internal",
    }
)
_MIN_IDLE_WAIT_S = 0.02
# A "Post for review" reservation older than this belongs to a process that died while
# posting; another click may take it over. Well above one Slack call with its retries
# (30 s timeout, bot/slack/app.py).
POST_RESERVATION_STALE = timedelta(minutes=5)


def is_correction(draft: Draft) -> bool:
    """A published draft an editor edited again: approving it sends ``summary.updated``."""
    return draft.state in ("queued", "working", "ready") and draft.approved_revision is not None


class ArticleSource(Protocol):
    """What the workers fetch articles with (``bot.articles.pipeline.ArticlePipeline``)."""

    def fetch_article(self, url: str) -> Article: ...


@dataclass(frozen=True, slots=True)
class Actor:
    """Who clicked or typed, and where to answer them privately."""

    user_id: str
    name: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    response_url: str | None = None
    # The workspace the click came from; with ``channel``, a draft elsewhere is "not found".
    team_id: str | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an action changed nothing: a sentence key, and the user it names (if any)."""

    key: str
    user_id: str | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """A draft's failure as the thread shows it: ``error.<code>`` and whether Retry helps."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    retryable: bool = False
    # Set when the draft was re-queued automatically: the thread says when the next try is.
    retry_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A person's Slack message with links, as the event listener parsed it."""

    team_id: str
    channel: str
    ts: str
    user_id: str
    urls: Sequence[str]
    thread_ts: str | None = None
    event_id: str | None = None


@dataclass(frozen=True, slots=True)
class Review:
    """A draft and its current text, for the Edit modal and previews."""

    draft: Draft
    revision: Revision | None


@dataclass(frozen=True, slots=True)
class HomeData:
    is_editor: bool
    pending: tuple[Draft, ...] = ()
    approvals: tuple[Draft, ...] = ()


class Notifier(Protocol):
    """How the workflow shows things to people (implemented by ``bot.slack.notifier``).

    Implementations handle their own delivery errors (log them); they never raise.
    """

    def received(self, drafts: Sequence[Draft]) -> None:
        """The immediate progress signal for newly recorded drafts (e.g. a reaction)."""

    def working(self, draft: Draft) -> Draft:
        """A worker started: make sure a placeholder exists; return the draft (with its
        ``bot_message_ts`` if one was posted)."""

    def ready(self, draft: Draft, revision: Revision) -> None:
        """Show the finished draft (state ``ready``) in the thread or privately."""

    def failed(self, draft: Draft, failure: Failure) -> None:
        """Tell in one sentence why the draft could not be made (or, with
        ``failure.retry_at``, why not yet and when the next try comes)."""

    def duplicate(self, draft: Draft, existing: Draft) -> None:
        """Point to the thread of the earlier summary of the same link."""

    def finished(self, draft: Draft) -> None:
        """The worker committed the draft's outcome (end the progress signal)."""

    def changed(self, draft: Draft) -> None:
        """Show the draft as it is now (after approve, reject, edit, regenerate, retry)."""

    def refuse(self, actor: Actor, draft: Draft | None, refusal: Refusal) -> None:
        """Tell ``actor`` privately why nothing changed."""

    def post_for_review(self, draft: Draft, revision: Revision, actor: Actor) -> str | None:
        """Post a private summary in the channel for review; the message ts, or None."""

    def permalink(self, draft: Draft) -> str | None:
        """A link to the draft's thread message, if it can be had."""


class Wakeup:
    """Wakes idle workers at once when work is queued; no wakeup is lost between checks."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._generation = 0
        self._stopped = False

    def generation(self) -> int:
        with self._cond:
            return self._generation

    def wake(self) -> None:
        with self._cond:
            self._generation += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._generation != seen or self._stopped, timeout)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    @property
    def stopped(self) -> bool:
        with self._cond:
            return self._stopped


@dataclass(frozen=True, slots=True)
class WorkflowConfig:
    lease_s: float = 300.0
    duplicate_window_s: float = 86400.0
    channel_allowlist: frozenset[str] = frozenset()
    # Automatic retries of a passing failure (:data:`AUTO_RETRY_CODES`) before the draft is
    # failed for good; 0 turns them off. Delays: see :func:`auto_retry_delay`.
    auto_retries: int = 3
    auto_retry_base_s: float = 30.0


def auto_retry_delay(retry: int, base_s: float, rng: random.Random) -> float:
    """Seconds before automatic retry number ``retry`` (1-based): ``base_s`` × 4^(retry-1)
    (30 s, 2 min, 8 min by default), ±25 % jitter so drafts failed together spread out."""
    if retry < 1:
        raise ValueError("automatic retries are numbered from 1")
    return float(base_s * 4 ** min(retry - 1, 10) * rng.uniform(0.75, 1.25))


class DraftWorkflow:
    """Every step a draft goes through; the Slack listeners call one method per interaction."""

    def __init__(
        self,
        store: Store,
        *,
        articles: ArticleSource,
        summarizer: Summarizer,
        style: HouseStyle,
        notifier: Notifier,
        is_editor: Callable[[str], bool],
        config: WorkflowConfig | None = None,
        payloads: ApprovalPayloads | None = None,
        on_approved: Callable[[], None] | None = None,
        metrics: Metrics | None = None,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
    ) -> None:
        """``payloads`` is None when no webhook is configured (approvals are only recorded);
        ``on_approved`` wakes the publish workers after an outbox row was written; ``metrics``
        counts every processed draft (its canonical ``draft.finished`` line is always logged)."""
        self.store = store
        self.articles = articles
        self.summarizer = summarizer
        self.style = style
        self.notifier = notifier
        self.is_editor = is_editor
        self.config = config or WorkflowConfig()
        self.wakeup = Wakeup()
        self.payloads = payloads
        self._on_approved = on_approved
        self.metrics = metrics
        self.clock = clock
        self._rng = rng or random.Random()  # noqa: S311 -- retry jitter, not a secret

    def set_on_approved(self, callback: Callable[[], None] | None) -> None:
        """Wake the publish workers after an outbox row was written (set once at start)."""
        self._on_approved = callback

    # --- recording requests (the ack path) --------------------------------------------------

    def record_message(self, message: IncomingMessage) -> list[Draft]:
        """One queued draft per link (idempotent); returns the drafts this call created.

        Only database work, so it can run before the ack; the caller shows the progress
        signal (:meth:`Notifier.received`) after acking."""
        return self.record_messages([message])[0]

    def record_messages(self, messages: Sequence[IncomingMessage]) -> list[list[Draft]]:
        """:meth:`record_message` for several messages in one transaction (group commit).

        Drafts are unique per (team, channel, ts, url), so redeliveries and racing processes
        never create anything twice; event ids are recorded in the same transaction."""
        allow = self.config.channel_allowlist
        wanted: list[IncomingMessage] = []
        for message in messages:
            if allow and message.channel not in allow:
                log.info("message.ignored", reason="channel_not_allowed", channel=message.channel)
            else:
                wanted.append(message)
        requests = [
            DraftRequest(
                team_id=m.team_id,
                channel=m.channel,
                message_ts=m.ts,
                url=url,
                reporter_id=m.user_id,
                thread_ts=m.thread_ts or m.ts,
            )
            for m in wanted
            for url in m.urls
        ]
        event_ids = [m.event_id for m in wanted if m.event_id]
        results = iter(self.store.create_drafts(requests, event_ids=event_ids))
        created: dict[int, list[Draft]] = {}
        for m in wanted:
            created[id(m)] = [r.draft for r in (next(results) for _ in m.urls) if r.created]
        if any(created.values()):
            self.wakeup.wake()
        return [created.get(id(m), []) for m in messages]

    def request_summary(
        self, *, team_id: str, channel: str, actor: Actor, url: str, response_url: str
    ) -> Draft:
        """``/summarize URL``: a private draft, answered through ``response_url``."""
        result = self.store.create_draft(
            team_id=team_id,
            channel=channel,
            message_ts=None,
            url=url,
            reporter_id=actor.user_id,
            source="slash_command",
            response_url=response_url,
        )
        self.wakeup.wake()
        return result.draft

    # --- summarizing (the workers) ----------------------------------------------------------

    def process(self, draft: Draft, worker_id: str) -> None:
        """Do the slow work of one claimed draft and show the result, then commit it."""
        trace = DraftTrace(draft)
        with _Heartbeat(self.store, draft.id, worker_id, self.config.lease_s) as heartbeat:
            try:
                self._process(draft, worker_id, heartbeat, trace)
            except UserFacingError as exc:
                trace.outcome, trace.code = "refused", exc.code
                log.info("draft.refused", draft_id=draft.id, code=exc.code, detail=exc.detail)
                if self._fail(draft, worker_id, Failure(exc.code, exc.params, exc.retryable)):
                    trace.outcome = "retrying"
            except Exception:
                trace.outcome, trace.code = "crashed", "internal"
                log.exception("draft.crashed", draft_id=draft.id)
                self._fail(draft, worker_id, Failure("internal", {}, True))
        trace.finish(self.metrics)

    def _process(
        self, draft: Draft, worker_id: str, heartbeat: _Heartbeat, trace: DraftTrace
    ) -> None:
        regenerating = draft.current_revision is not None
        if not regenerating and draft.source == "message":
            existing = self._earlier_duplicate(draft)
            if existing is not None:
                self.notifier.duplicate(draft, existing)
                self.store.reject(draft.id, SYSTEM_ACTOR, DUPLICATE_REASON)
                log.info("draft.duplicate", draft_id=draft.id, existing=existing.id)
                trace.outcome = "duplicate"
                self.notifier.finished(draft)
                return
        draft = self.notifier.working(draft)
        article = draft.article() if regenerating else None
        fetched = article is None
        trace.start_article()
        if article is None:
            article = self.articles.fetch_article(draft.url)
            saved = self.store.save_article(draft.id, worker_id, article)
            if saved is not None:
                # The card shown below renders from ``draft``: give it the article's title,
                # site and date, or the first card would say "Untitled article".
                draft = replace(
                    draft,
                    article_title=saved.article_title,
                    article_language=saved.article_language,
                    article_meta=saved.article_meta,
                    article_text=saved.article_text,
                )
        trace.article(article, fetched=fetched)
        summary = self.summarizer.summarize(article, instruction=draft.instruction)
        trace.summary(summary)
        new = NewRevision(
            kind="regenerate" if regenerating else "ai",
            bullets=summary.bullets,
            author=summary.model or summary.engine,
            heading=summary.heading,
            language=summary.language,
            model=summary.model,
            prompt_version=summary.prompt_version,
            engine=summary.engine,
            instruction=draft.instruction,
            checks=[check.to_json() for check in summary.checks],
            evidence=[item.to_json() for item in summary.evidence],
            usage=summary.usage.to_json() if summary.usage else None,
        )
        if not heartbeat.holding:
            log.warning("draft.lease_lost", draft_id=draft.id, worker=worker_id)
            trace.outcome = "lease_lost"
            return
        number = (draft.current_revision or 0) + 1
        shown = replace(draft, state="ready", current_revision=number, last_error_code=None)
        self.notifier.ready(shown, new.as_revision(draft.id, number, utcnow()))
        outcome = self.store.complete(draft.id, worker_id, new)
        if not outcome.won:
            log.warning("draft.complete_refused", draft_id=draft.id, worker=worker_id)
            trace.outcome = "lease_lost"
            return
        trace.outcome = "ready"
        self.notifier.finished(draft)

    def report_exhausted(self, drafts: Sequence[Draft]) -> None:
        """Tell the threads of drafts the store failed at claim time (workers kept dying)."""
        for draft in drafts:
            failure = Failure(ATTEMPTS_EXHAUSTED, {}, retryable=True)
            try:
                self.notifier.failed(draft, failure)
                self.notifier.finished(draft)
            except Exception:
                log.exception("draft.report_failed", draft_id=draft.id)

    def _fail(self, draft: Draft, worker_id: str, failure: Failure) -> bool:
        """Show and commit a failure; True if the draft was re-queued for an automatic retry."""
        current = self.store.get_draft(draft.id) or draft
        if current.state != "working" or current.lease_owner != worker_id:
            log.warning("draft.lease_lost", draft_id=draft.id, worker=worker_id)
            return False
        retry_at = self._auto_retry_at(current, failure)
        if retry_at is not None:
            shown = replace(
                current,
                state="queued",
                last_error_code=failure.code,
                last_error_retryable=True,
                next_attempt_at=retry_at,
                auto_retries=current.auto_retries + 1,
            )
            self.notifier.failed(shown, replace(failure, retryable=True, retry_at=retry_at))
            if self.store.retry_later(draft.id, worker_id, failure.code, retry_at).won:
                self.notifier.finished(draft)
                self.wakeup.wake()  # idle workers now wait for this due time
                return True
            return False
        shown = replace(
            current,
            state="failed",
            last_error_code=failure.code,
            last_error_retryable=failure.retryable,
        )
        self.notifier.failed(shown, failure)
        if self.store.fail(draft.id, worker_id, failure.code, failure.retryable).won:
            self.notifier.finished(draft)
        return False

    def _auto_retry_at(self, draft: Draft, failure: Failure) -> datetime | None:
        """When to try a passing failure again, or None (not passing, or retries used up)."""
        if failure.code not in AUTO_RETRY_CODES or draft.auto_retries >= self.config.auto_retries:
            return None
        delay = auto_retry_delay(draft.auto_retries + 1, self.config.auto_retry_base_s, self._rng)
        return self.clock() + timedelta(seconds=delay)

    def _earlier_duplicate(self, draft: Draft) -> Draft | None:
        window = self.config.duplicate_window_s
        if window <= 0:
            return None
        existing = self.store.find_recent_duplicate(
            team_id=draft.team_id,
            channel=draft.channel,
            url=draft.url,
            within=timedelta(seconds=window),
            exclude_draft_id=draft.id,
        )
        if existing is None or existing.source != "message":
            return None
        # Of two drafts racing for the same link, the older one is summarized.
        if (existing.created_at, existing.id) > (draft.created_at, draft.id):
            return None
        return existing

    # --- review -----------------------------------------------------------------------------

    def may_review(self, user_id: str) -> bool:
        return self.is_editor(user_id)

    def may_change(self, draft: Draft, user_id: str) -> bool:
        """Editors, and the reporter who posted the link, may edit, regenerate and retry."""
        return user_id == draft.reporter_id or self.is_editor(user_id)

    def open_review(
        self, draft_id: str, actor: Actor, *, action: str, revision: int | None
    ) -> Review | None:
        """Check that ``actor`` may ``action`` (edit, regenerate, reject) this draft now, at
        the ``revision`` their card showed; the draft and its text if so, else the actor was
        told why (and an outdated card redrawn) and this returns None."""
        return self._recording(
            actor, action, lambda: self._open_review(draft_id, actor, action, revision)
        )

    def _open_review(
        self, draft_id: str, actor: Actor, action: str, revision: int | None
    ) -> Review | None:
        draft = self._draft_for(draft_id, actor)
        if draft is None:
            return None
        refusal: Refusal | None = None
        if action == "reject":
            if not self.may_review(actor.user_id):
                refusal = Refusal("review.not_editor")
            elif is_correction(draft):
                refusal = Refusal("review.published")
            elif draft.state not in REJECTABLE_STATES:
                refusal = _state_refusal(draft)
        elif action == "edit" and draft.state == "published":
            # A correction of published text is the editors' call.
            if not self.may_review(actor.user_id):
                refusal = Refusal("review.not_editor_correct")
        elif not self.may_change(draft, actor.user_id):
            refusal = Refusal("review.not_allowed")
        elif draft.state != "ready":
            refusal = _state_refusal(draft)
        if refusal is not None:
            self._refuse(actor, draft, refusal)
            return None
        if revision is None or revision != draft.current_revision:
            self._stale(actor, draft, revision)
            return None
        current = self.store.get_revision(draft.id, revision)
        return Review(draft=draft, revision=current)

    def _editor_draft(
        self, draft_id: str, actor: Actor, *, refusal: str = "review.not_editor"
    ) -> Draft | None:
        """The draft for an editors-only action; others are told why and get None."""
        draft = self._draft_for(draft_id, actor)
        if draft is not None and not self.may_review(actor.user_id):
            self._refuse(actor, draft, Refusal(refusal))
            return None
        return draft

    def approve(self, draft_id: str, actor: Actor, *, revision: int | None) -> bool:
        """ready → approved at ``revision`` (the one the editor's card showed), with the
        outbox row in one transaction. If the draft moved on since, nothing changes: the
        editor is told and the card redrawn with the current text."""
        outcome = self._recording(
            actor, "approve", lambda: self._approve(draft_id, actor, revision)
        )
        return self._show_won(outcome, wake_publisher=True)

    def _approve(self, draft_id: str, actor: Actor, revision: int | None) -> Outcome | None:
        draft = self._editor_draft(draft_id, actor)
        if draft is None:
            return None
        if draft.state != "ready" or draft.current_revision is None:
            self._refuse(actor, draft, _state_refusal(draft))
            return None
        if revision is None or revision != draft.current_revision:
            self._stale(actor, draft, revision)
            return None
        event_type: EventType = UPDATED if is_correction(draft) else APPROVED
        payload = None
        if self.payloads is not None:
            permalink = self.notifier.permalink(draft)
            payload = self.payloads.builder(permalink=permalink, event_type=event_type)
        # The store approves only if the draft is still at ``revision`` (same UPDATE).
        outcome = self.store.approve(
            draft.id,
            editor_id=actor.user_id,
            editor_name=actor.name,
            revision=revision,
            payload=payload,
            event_type=event_type,
        )
        return outcome if self._won(outcome, actor, revision=revision) else None

    def save_edit(
        self,
        draft_id: str,
        actor: Actor,
        *,
        base_revision: int | None,
        bullets: Sequence[str],
    ) -> bool:
        """A human edit of ``base_revision`` (the text the Edit modal was opened on) becomes
        the current revision; the checks run again on the new text."""
        outcome = self._recording(
            actor, "edit", lambda: self._save_edit(draft_id, actor, base_revision, bullets)
        )
        return self._show_won(outcome)

    def _save_edit(
        self, draft_id: str, actor: Actor, base_revision: int | None, bullets: Sequence[str]
    ) -> Outcome | None:
        draft = self._draft_for(draft_id, actor)
        if draft is None:
            return None
        correcting = draft.state == "published"
        if correcting and not self.may_review(actor.user_id):
            self._refuse(actor, draft, Refusal("review.not_editor_correct"))
            return None
        if not self.may_change(draft, actor.user_id):
            self._refuse(actor, draft, Refusal("review.not_allowed"))
            return None
        if base_revision is None:
            self._stale(actor, draft, base_revision)
            return None
        current = self.store.get_revision(draft.id)
        language = (current.language if current else None) or draft.article_language or "en"
        article = draft.article()
        checks: list[dict[str, Any]] | None = None
        evidence: list[dict[str, Any]] | None = None
        if article is not None:
            found, supporting = run_checks(article, bullets, self.style, language)
            checks = [check.to_json() for check in found]
            evidence = [item.to_json() for item in supporting]
        outcome = (self.store.correct if correcting else self.store.edit)(
            draft.id,
            editor_id=actor.user_id,
            base_revision=base_revision,
            bullets=list(bullets),
            heading=current.heading if current else None,
            language=language,
            checks=checks,
            evidence=evidence,
        )
        return outcome if self._won(outcome, actor, revision=base_revision) else None

    def regenerate(
        self,
        draft_id: str,
        actor: Actor,
        *,
        instruction: str | None = None,
        base_revision: int | None,
    ) -> bool:
        """ready → queued for a new version, if the draft is still at ``base_revision``."""
        outcome = self._recording(
            actor,
            "regenerate",
            lambda: self._regenerate(draft_id, actor, instruction, base_revision),
        )
        if not self._show_won(outcome):
            return False
        self.wakeup.wake()
        return True

    def _regenerate(
        self, draft_id: str, actor: Actor, instruction: str | None, base_revision: int | None
    ) -> Outcome | None:
        draft = self._draft_for(draft_id, actor)
        if draft is None:
            return None
        if not self.may_change(draft, actor.user_id):
            self._refuse(actor, draft, Refusal("review.not_allowed"))
            return None
        if base_revision is None:
            self._stale(actor, draft, base_revision)
            return None
        outcome = self.store.regenerate(
            draft.id, actor.user_id, instruction=instruction, base_revision=base_revision
        )
        return outcome if self._won(outcome, actor, revision=base_revision) else None

    def reject(
        self,
        draft_id: str,
        actor: Actor,
        *,
        reason: str | None = None,
        base_revision: int | None,
    ) -> bool:
        """→ rejected (editors only), if the draft is still at ``base_revision``."""
        outcome = self._recording(
            actor, "reject", lambda: self._reject(draft_id, actor, reason, base_revision)
        )
        return self._show_won(outcome)

    def _reject(
        self, draft_id: str, actor: Actor, reason: str | None, base_revision: int | None
    ) -> Outcome | None:
        draft = self._editor_draft(draft_id, actor)
        if draft is None:
            return None
        if is_correction(draft):
            self._refuse(actor, draft, Refusal("review.published"))
            return None
        if base_revision is None:
            self._stale(actor, draft, base_revision)
            return None
        outcome = self.store.reject(draft.id, actor.user_id, reason, base_revision=base_revision)
        return outcome if self._won(outcome, actor, revision=base_revision) else None

    def retract(self, draft_id: str, actor: Actor, *, revision: int | None) -> bool:
        """Take an approved summary back: ``summary.retracted`` to the CMS (editors only;
        the button asks for confirmation first). ``revision`` is the approved revision the
        card showed. A second click is told it is done."""
        outcome = self._recording(
            actor, "retract", lambda: self._retract(draft_id, actor, revision)
        )
        return self._show_won(outcome, wake_publisher=True)

    def _retract(self, draft_id: str, actor: Actor, revision: int | None) -> Outcome | None:
        draft = self._editor_draft(draft_id, actor, refusal="review.not_editor_retract")
        if draft is None:
            return None
        if draft.state not in RETRACTABLE_STATES and not is_correction(draft):
            self._refuse(actor, draft, _state_refusal(draft))
            return None
        if revision is None or revision != draft.approved_revision:
            self._stale(actor, draft, revision)
            return None
        payload = None
        if self.payloads is not None:
            payload = self.payloads.retraction_builder(
                editor_name=actor.name, permalink=self.notifier.permalink(draft)
            )
        outcome = self.store.retract(draft.id, actor.user_id, payload=payload, revision=revision)
        return outcome if self._won(outcome, actor, revision=revision, approved=True) else None

    def retry(self, draft_id: str, actor: Actor) -> bool:
        """failed → queued (the Retry button under a failure)."""
        outcome = self._recording(actor, "retry", lambda: self._retry(draft_id, actor))
        if not self._show_won(outcome):
            return False
        self.wakeup.wake()
        return True

    def _retry(self, draft_id: str, actor: Actor) -> Outcome | None:
        draft = self._draft_for(draft_id, actor)
        if draft is None:
            return None
        if not self.may_change(draft, actor.user_id):
            self._refuse(actor, draft, Refusal("review.not_allowed"))
            return None
        outcome = self.store.retry(draft.id, actor.user_id)
        return outcome if self._won(outcome, actor) else None

    def retry_publish(self, draft_id: str, actor: Actor) -> bool:
        """Deliver the approval again after the webhook refused it (same webhook id)."""
        outcome = self._recording(
            actor, "retry_publish", lambda: self._retry_publish(draft_id, actor)
        )
        return self._show_won(outcome, wake_publisher=True)

    def _retry_publish(self, draft_id: str, actor: Actor) -> Outcome | None:
        draft = self._editor_draft(draft_id, actor)
        if draft is None:
            return None
        history = self.store.history(draft.id)
        failed = [d for d in (history.deliveries if history else ()) if d.state == "failed"]
        if not failed:
            self._refuse(actor, draft, Refusal("review.nothing_to_retry"))
            return None
        outcome = self.store.retry_delivery(failed[-1].id, actor.user_id)
        return outcome if self._won(outcome, actor) else None

    # --- /summarize previews ----------------------------------------------------------------

    def post_for_review(self, draft_id: str, actor: Actor) -> bool:
        """Post a private ``/summarize`` draft in its channel so editors can review it."""
        draft = self._draft_for(draft_id, actor)
        if draft is None:
            return False
        if draft.reporter_id != actor.user_id:
            self._refuse(actor, draft, Refusal("review.not_allowed"))
            return False
        if draft.state != "ready" or draft.bot_message_ts is not None:
            self._refuse(actor, draft, _state_refusal(draft))
            return False
        revision = self.store.get_revision(draft.id)
        if revision is None:
            self._refuse(actor, draft, Refusal("review.not_ready"))
            return False
        # Reserve the post first, so a double click (or two processes) posts only once. The
        # reservation has its own columns: bot_message_ts only ever holds a real Slack ts.
        token = self.store.reserve_post(draft.id, stale_after=POST_RESERVATION_STALE)
        if token is None:
            self._refuse(actor, draft, Refusal("review.changed"))
            return False
        ts = None
        try:
            ts = self.notifier.post_for_review(draft, revision, actor)
        finally:
            if not self.store.finish_post(draft.id, token, ts) and ts is not None:
                log.warning("draft.post_reservation_lost", draft_id=draft.id, ts=ts)
        if ts is None:
            return False
        log.info("draft.posted_for_review", draft_id=draft.id, ts=ts)
        return True

    def dismiss(self, draft_id: str, actor: Actor) -> bool:
        draft = self.store.get_draft(draft_id) if draft_id else None
        if draft is None or draft.reporter_id != actor.user_id or not _same_place(draft, actor):
            return False
        if draft.bot_message_ts is not None:  # already posted for review: editors decide
            return False
        reserved = draft.post_reserved_at
        if reserved is not None and reserved > self.clock() - POST_RESERVATION_STALE:
            return False  # being posted right now: editors will decide
        return self.store.reject(draft.id, actor.user_id, DISMISSED_REASON).won

    # --- App Home ---------------------------------------------------------------------------

    def home(self, user_id: str, team_id: str | None = None) -> HomeData:
        if not self.is_editor(user_id):
            return HomeData(is_editor=False)
        pending = [
            d
            for d in self.store.awaiting_review(team_id=team_id, limit=50)
            # A /summarize preview nobody posted for review is nobody else's business.
            if d.source == "message" or d.bot_message_ts is not None
        ]
        approvals = self.store.recent_approvals(team_id=team_id, limit=10)
        return HomeData(is_editor=True, pending=tuple(pending), approvals=tuple(approvals))

    # --- helpers ----------------------------------------------------------------------------

    def _draft_for(self, draft_id: str, actor: Actor) -> Draft | None:
        draft = self.store.get_draft(draft_id) if draft_id else None
        if draft is not None and not _same_place(draft, actor):
            # A payload naming a draft of another workspace or channel: refused as if it did
            # not exist, so ids cannot be probed; nothing changes.
            log.warning(
                "review.foreign_draft",
                draft_id=draft.id,
                team=actor.team_id,
                channel=actor.channel,
            )
            draft = None
        if draft is None:
            self._refuse(actor, None, Refusal("review.not_found"))
        return draft

    def _refuse(self, actor: Actor, draft: Draft | None, refusal: Refusal) -> None:
        log.info(
            "review.refused",
            draft_id=draft.id if draft else None,
            user=actor.user_id,
            reason=refusal.key,
        )
        self.notifier.refuse(actor, draft, refusal)

    def _won(
        self, outcome: Outcome, actor: Actor, *, revision: int | None = None, approved: bool = False
    ) -> bool:
        """True if the transition won; else the actor is told why. An action on ``revision``
        that lost because the draft moved on to another revision (a race with an edit) is
        told as stale and the card redrawn; ``approved``: ``revision`` names the approved one."""
        if outcome.won:
            return True
        draft = outcome.draft
        if draft is None:
            self._refuse(actor, None, Refusal("review.not_found"))
        elif revision is not None and _moved_on(draft, revision, approved=approved):
            self._stale(actor, draft, revision)
        else:
            self._refuse(actor, draft, _state_refusal(draft))
        return False

    def _stale(self, actor: Actor, draft: Draft, revision: int | None) -> None:
        """The action named a revision that is no longer current (or none: a card rendered
        before actions named revisions): say so, and redraw the card with the current text."""
        log.info(
            "review.stale",
            draft_id=draft.id,
            user=actor.user_id,
            revision=revision,
            current=draft.current_revision,
        )
        self._refuse(actor, draft, Refusal("review.stale"))
        self.notifier.changed(draft)

    def _recording(self, actor: Actor, action: str, attempt: Callable[[], T | None]) -> T | None:
        """Run the part of a review action that reads and writes the store. If it fails (the
        database is down, a lock times out…), its transaction was rolled back: the actor is
        told that nothing was recorded and to try again, and nothing else happens."""
        try:
            return attempt()
        except Exception:
            log.exception("review.not_recorded", action=action, user=actor.user_id)
            self.notifier.refuse(actor, None, Refusal("review.not_recorded"))
            return None

    def _show_won(self, outcome: Outcome | None, *, wake_publisher: bool = False) -> bool:
        """After a committed transition: redraw the card, wake the publisher if an outbox row
        was written. A failure here is logged; the transition stays recorded."""
        if outcome is None or outcome.draft is None:
            return False
        try:
            self.notifier.changed(outcome.draft)
        except Exception:
            log.exception("review.show_failed", draft_id=outcome.draft.id)
        if wake_publisher and outcome.delivery is not None and self._on_approved is not None:
            self._on_approved()
        return True


def _same_place(draft: Draft, actor: Actor) -> bool:
    """The action came from the draft's workspace and channel. A payload that names no
    workspace or no channel is a mismatch, never a wildcard (SECURITY.md)."""
    return (
        actor.team_id is not None
        and actor.team_id == draft.team_id
        and actor.channel is not None
        and actor.channel == draft.channel
    )


def _moved_on(draft: Draft, revision: int, *, approved: bool) -> bool:
    """The draft is in a state the action could apply to, but at another revision."""
    if approved:
        return draft.state in RETRACTABLE_STATES and draft.approved_revision != revision
    return draft.state in ("ready", "published") and draft.current_revision != revision


def _state_refusal(draft: Draft) -> Refusal:
    """The sentence for an action that lost against the draft's current state."""
    if draft.state in APPROVED_STATES:
        return Refusal("review.already_approved", draft.approved_by)
    if draft.state == "rejected":
        return Refusal("review.already_rejected", draft.rejected_by)
    if draft.state == "retracted":
        return Refusal("review.already_retracted", draft.retracted_by)
    if draft.state in ("queued", "working"):
        return Refusal("review.busy")
    if draft.state == "ready":
        return Refusal("review.changed")
    return Refusal("review.not_ready")


class _Heartbeat:
    """Renews a draft's lease every third of its length while the worker holds it."""

    def __init__(self, store: Store, draft_id: str, worker_id: str, lease_s: float) -> None:
        self._store = store
        self._draft_id = draft_id
        self._worker_id = worker_id
        self._lease_s = lease_s
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-" + draft_id, daemon=True)
        self.holding = True

    def __enter__(self) -> _Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._done.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._done.wait(self._lease_s / 3):
            try:
                self.holding = self._store.renew_lease(
                    self._draft_id, self._worker_id, self._lease_s
                )
            except Exception:
                log.exception("draft.lease_renew_failed", draft_id=self._draft_id)
                continue
            if not self.holding:
                return


class SummaryWorkers:
    """Worker threads that claim queued drafts (and expired leases, e.g. after a crash)."""

    def __init__(
        self,
        workflow: DraftWorkflow,
        *,
        threads: int = 4,
        poll_s: float = 2.0,
        name: str = "summary-worker",
    ) -> None:
        self.workflow = workflow
        self.threads = threads
        self.poll_s = poll_s
        self.name = name
        self._threads: list[threading.Thread] = []
        self._prefix = f"{socket.gethostname()}:{os.getpid()}"

    def start(self) -> SummaryWorkers:
        for index in range(self.threads):
            thread = threading.Thread(
                target=self._loop,
                args=(f"{self._prefix}:{index}",),
                name=f"{self.name}-{index}",
                daemon=True,
            )
            thread.start()
            self._threads.append(thread)
        log.info("workers.started", threads=self.threads, kind="summary")
        return self

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the drafts in hand, then stop (a lease makes a hard kill safe too)."""
        self.workflow.wakeup.stop()
        for thread in self._threads:
            thread.join(timeout)
        self._threads.clear()
        log.info("workers.stopped", kind="summary")

    def _idle_wait(self, worker_id: str) -> float:
        """Seconds to wait for work: the poll interval, or less if a retry falls due sooner."""
        try:
            due = self.workflow.store.next_draft_due()
        except Exception:
            log.exception("worker.due_failed", worker=worker_id)
            return self.poll_s
        if due is None:
            return self.poll_s
        until = (due - self.workflow.clock()).total_seconds()
        return min(self.poll_s, max(until, _MIN_IDLE_WAIT_S))

    def _loop(self, worker_id: str) -> None:
        wakeup = self.workflow.wakeup
        store = self.workflow.store
        lease_s = self.workflow.config.lease_s
        while not wakeup.stopped:
            seen = wakeup.generation()
            exhausted: list[Draft] = []
            try:
                draft = store.claim_draft(worker_id, lease_s, exhausted=exhausted)
            except Exception:
                log.exception("worker.claim_failed", worker=worker_id)
                draft = None
            if exhausted:
                self.workflow.report_exhausted(exhausted)
            if draft is None:
                wakeup.wait(seen, self._idle_wait(worker_id))
                continue
            self.workflow.process(draft, worker_id)
