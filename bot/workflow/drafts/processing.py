"""The workers' processing of one claimed draft: fetch, summarize, check, show, commit (the
lease renewed meanwhile by a :class:`Heartbeat`), and failures retried or reported.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import datetime, timedelta

from bot.domain import UserFacingError
from bot.logs import get_logger
from bot.store import ATTEMPTS_EXHAUSTED, Draft, NewRevision, Store, utcnow
from bot.summarizer import HouseStyle
from bot.workflow.drafts.base import WorkflowBase
from bot.workflow.drafts.values import (
    AUTO_RETRY_CODES,
    DUPLICATE_REASON,
    SYSTEM_ACTOR,
    Failure,
    auto_retry_delay,
)
from bot.workflow.trace import DraftTrace

log = get_logger(__name__)

_AWAIT_POLL_S = 0.25  # how often a draft waiting for another channel's summary looks


class Processing(WorkflowBase):
    """Summarizing a claimed draft, in a worker thread."""

    # --- summarizing (the workers) ----------------------------------------------------------

    def process(self, draft: Draft, worker_id: str) -> None:
        """Do the slow work of one claimed draft and show the result, then commit it."""
        trace = DraftTrace(draft)
        with Heartbeat(self.store, draft.id, worker_id, self.config.lease_s) as heartbeat:
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
        self, draft: Draft, worker_id: str, heartbeat: Heartbeat, trace: DraftTrace
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
        style_key = style_fingerprint(self.style_for(draft))
        if not regenerating:
            self._await_same_summary(draft, style_key, heartbeat)
            if self._reuse_summary(draft, worker_id, style_key, heartbeat, trace):
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
        summary = self.summarizer_for(draft).summarize(article, instruction=draft.instruction)
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
            fields=dict(summary.fields),
            style_key=style_key,
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

    def _await_same_summary(self, draft: Draft, style_key: str, heartbeat: Heartbeat) -> None:
        """If an older draft of the same article, in the same house style, is being summarized
        right now (another channel got the link at the same time), wait for it (at most
        ``reuse_wait_s``) so its text can be reused: one model call for both. Only older
        drafts are waited for, so two drafts never wait for each other."""
        limit = self.config.reuse_wait_s
        if limit <= 0 or self.config.duplicate_window_s <= 0:
            return
        sources = [
            source
            for source in self.store.summaries_in_progress(
                team_id=draft.team_id, url=draft.url, before=draft
            )
            if style_fingerprint(self.style_for(source)) == style_key
        ]
        if not sources:
            return
        source = sources[0]
        log.info("draft.awaiting_same_summary", draft_id=draft.id, source_draft_id=source.id)
        deadline = time.monotonic() + limit
        pause = threading.Event()
        while heartbeat.holding and not self.wakeup.stopped and time.monotonic() < deadline:
            current = self.store.get_draft(source.id)
            if current is None or current.state != "working" or current.current_revision:
                return
            pause.wait(_AWAIT_POLL_S)
        log.info("draft.await_gave_up", draft_id=draft.id, source_draft_id=source.id)

    def _reuse_summary(
        self,
        draft: Draft,
        worker_id: str,
        style_key: str,
        heartbeat: Heartbeat,
        trace: DraftTrace,
    ) -> bool:
        """Copy a summary of the same article another channel got within the duplicate window,
        in the same house style, instead of asking the model again; True if done.

        The draft stays this channel's own (its card, review and publishing); its revision
        copies the text, checks and evidence, and the audit names the source. A source still
        still being summarized was waited for before (:meth:`_await_same_summary`); one that
        failed or took too long leaves this draft to be summarized as usual."""
        window = self.config.duplicate_window_s
        if window <= 0:
            return False
        found = self.store.find_reusable_summary(
            team_id=draft.team_id,
            url=draft.url,
            style_key=style_key,
            within=timedelta(seconds=window),
            exclude_draft_id=draft.id,
        )
        article = found[0].article() if found is not None else None
        if found is None or article is None:
            return False
        source, revision = found
        new = NewRevision(
            kind="ai",
            bullets=revision.bullets,
            author=revision.author,
            heading=revision.heading,
            language=revision.language,
            model=revision.model,
            prompt_version=revision.prompt_version,
            engine=revision.engine,
            checks=revision.checks,
            evidence=revision.evidence,
            usage=None,  # no model call, no cost
            fields=dict(revision.fields),
            style_key=style_key,
        )
        trace.article(article, fetched=False)
        if not heartbeat.holding:
            log.warning("draft.lease_lost", draft_id=draft.id, worker=worker_id)
            trace.outcome = "lease_lost"
            return True
        shown = replace(
            draft,
            state="ready",
            current_revision=1,
            last_error_code=None,
            article_title=source.article_title,
            article_language=source.article_language,
            article_meta=source.article_meta,
            article_text=source.article_text,
        )
        self.notifier.ready(shown, new.as_revision(draft.id, 1, utcnow()))
        outcome = self.store.complete(
            draft.id, worker_id, new, article=article, reused_from=revision
        )
        if not outcome.won:
            log.warning("draft.complete_refused", draft_id=draft.id, worker=worker_id)
            trace.outcome = "lease_lost"
            return True
        log.info(
            "draft.summary_reused",
            draft_id=draft.id,
            channel=draft.channel,
            source_draft_id=source.id,
            source_channel=source.channel,
            source_revision=revision.number,
        )
        trace.outcome = "ready"
        self.notifier.finished(draft)
        return True

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


class Heartbeat:
    """Renews a draft's lease every third of its length while the worker holds it."""

    def __init__(self, store: Store, draft_id: str, worker_id: str, lease_s: float) -> None:
        self._store = store
        self._draft_id = draft_id
        self._worker_id = worker_id
        self._lease_s = lease_s
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lease-" + draft_id, daemon=True)
        self.holding = True

    def __enter__(self) -> Heartbeat:
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


def style_fingerprint(style: HouseStyle) -> str:
    """A stable hash of everything in ``style`` (bullets, length, language, labels): two
    drafts whose summaries may be copied from one another must have the same."""
    body = json.dumps(asdict(style), sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:32]
