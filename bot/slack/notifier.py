"""The workflow's :class:`~bot.workflow.drafts.Notifier` on Slack: thread replies, updates,
reactions, ephemeral sentences and ``response_url`` answers.

Every message goes in the reporter's thread without unfurls (``NO_UNFURL``); the draft's one
bot message (``bot_message_ts``) is updated in place. Slack errors are logged, never raised:
the workflow's state is in the database. Every call goes through the client's one retry layer
(:mod:`bot.slack.retry`: a few quick attempts on 5xx, connection errors and timeouts);
a draft's card that still could not be shown for such a passing reason is marked stale in the
database (:meth:`Store.mark_card_stale`) and redrawn from the store later by
:mod:`bot.slack.repair` (:meth:`SlackNotifier.repair`), so its buttons are never lost. Slack's
final answers (``channel_not_found``, ``message_not_found``…) are only logged: a redraw would
get the same answer.

Slack calls per draft on the happy path, up to the card with its buttons (counted per method
at the fake Slack in ``tests/slack/test_flow_rate_limits.py``): ``reactions.add`` and
``reactions.remove`` once per *message* (its links share them), ``chat.postMessage`` once per
draft, the card posted when it is ready, with title, site, date and buttons (no placeholder,
no "working" update): at most 3 for a message with one link. Approving adds one
``chat.update`` (approved) and, with a webhook, ``chat.getPermalink`` (the approval record)
and one more ``chat.update`` (delivery status).

Rate limits (:mod:`bot.slack.budget`): every call first takes from its ``(team, method)``
budget. A card update (or a repair) that finds the budget empty, or gets HTTP 429, is not
waited for: the card is marked stale with ``not_before`` = when the budget refills (or
``Retry-After``) and the repairer redraws it then. A new card's post waits at most
``post_wait_cap_s`` for the channel's budget, else it is left to the repairer the same way.
The progress reaction is added only when the budget can also take it back within a Slack
minute (reactions.remove is Tier 2, slower than reactions.add; :mod:`bot.slack.reactions`);
otherwise the message gets none and the card is the signal. A card rescheduled for want of
budget has its call reserved in the budget at the time it is due, so a backlog is spread over
the refill. A removal Slack refused with 429 is retried in this process after ``Retry-After``
(:meth:`SlackCalls.run_deferred <bot.slack.calls.SlackCalls.run_deferred>`, driven by the
repairer's thread).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.http_retry.handler import RetryHandler

from bot.i18n import t
from bot.i18n.labels import SummaryLabels
from bot.logs import get_logger
from bot.slack import blocks, mapping
from bot.slack.budget import SlackBudget
from bot.slack.calls import Answer, SlackCalls
from bot.slack.escape import user_mention
from bot.slack.installs import NoInstallation, SlackClients
from bot.slack.reactions import ProgressReactions
from bot.slack.responses import ResponseUrls
from bot.slack.views import DraftView, ErrorView, StatusView
from bot.store import Draft, Revision, Store, utcnow
from bot.workflow.drafts import AUTO_RETRY_CODES, Actor, Failure, HomeData, Refusal
from bot.workflow.publishing import PublishUpdate

log = get_logger(__name__)

T = TypeVar("T")

_PERMALINK_CACHE = 2048
_SLOTS_KEPT = 10_000
_DUE_MARGIN_S = 0.1  # wake the repairer just after the card's ``not_before``, not before it


class SlackNotifier:
    """Shows drafts in Slack for the workflow (and renders App Home for the listeners)."""

    def __init__(
        self,
        client: WebClient,
        store: Store,
        *,
        lang: str = "en",
        labels: SummaryLabels | None = None,
        publishing: bool = False,
        retry_handler: RetryHandler | None = None,
        timeout_s: int = 10,
        budget: SlackBudget | None = None,
        post_wait_cap_s: float = 2.0,
        answer_wait_cap_s: float = 5.0,
        sleep: Callable[[float], None] = time.sleep,
        clients: SlackClients | None = None,
        desk_of: Callable[[Draft], tuple[SummaryLabels, bool]] | None = None,
    ) -> None:
        """``desk_of``: a draft's desk labels and whether its approval publishes (DESKS_FILE),
        instead of ``labels`` and ``publishing``.
        ``retry_handler`` is the one retry layer for ``response_url`` posts (the Web API
        client carries its own, the same kind: ``bot.slack.app.build_retry_handler``).
        ``budget``: the per-workspace, per-method call budget (None: unbudgeted);
        ``post_wait_cap_s``: how long a worker may wait for the channel's budget to post a
        new card; ``answer_wait_cap_s``: how long a listener answering a person may wait
        (budget or a 429's Retry-After). ``clients`` gives each workspace's client (OAuth
        mode, :mod:`bot.slack.installs`); without it ``client`` serves every workspace."""
        self.client = client
        self.clients = clients or SlackClients.single(client)
        self.store = store
        self.lang = lang
        self.labels = labels or SummaryLabels(fallback_language=lang)
        self.publishing = publishing
        self._desk_of = desk_of
        self.responses = ResponseUrls(timeout_s=timeout_s, retry_handler=retry_handler)
        self.post_wait_cap_s = post_wait_cap_s
        self.answer_wait_cap_s = answer_wait_cap_s
        self.calls = SlackCalls(budget, sleep=sleep)
        self.reactions = ProgressReactions(self.calls, self.clients.for_team)
        self._permalinks: dict[tuple[str, str], str] = {}
        # Cards rescheduled with a call reserved in the budget: draft id → the method.
        self._slots: dict[str, str] = {}
        self._lock = threading.Lock()

    # --- Notifier ---------------------------------------------------------------------------

    def received(self, drafts: Sequence[Draft]) -> None:
        messages = sorted(
            {(d.team_id, d.channel, d.message_ts) for d in drafts if d.message_ts is not None}
        )
        for team_id, channel, ts in messages:
            self.reactions.add(team_id, channel, ts)

    def working(self, draft: Draft) -> Draft:
        """Nothing to show: the message's progress reaction says the bot is on it, and the
        card is posted once, when ready, with its title, site, date and buttons."""
        return draft

    def ready(self, draft: Draft, revision: Revision) -> None:
        view = self._view(draft, revision)
        if draft.source == "slash_command":
            self._respond(draft.response_url, blocks.summary_preview(view, self.lang), draft=draft)
            return
        self._show(draft, blocks.draft_message(view, self.lang))

    def failed(self, draft: Draft, failure: Failure) -> None:
        error = ErrorView(
            code=failure.code,
            params=dict(failure.params),
            retryable=failure.retryable,
            retry_at=failure.retry_at,
        )
        message = blocks.failure_message(error, self.lang, draft_id=draft.id)
        if draft.source == "slash_command":
            self._respond(draft.response_url, message, draft=draft)
            return
        self._show(draft, message)

    def duplicate(self, draft: Draft, existing: Draft) -> None:
        target_ts = existing.bot_message_ts or existing.message_ts
        permalink = self._permalink(existing, existing.channel, target_ts) if target_ts else None
        message = blocks.already_summarized(permalink, self.lang)
        self._post(draft, message)

    def finished(self, draft: Draft) -> None:
        if draft.source == "message":
            self._unreact(draft)

    def changed(self, draft: Draft) -> None:
        if draft.source == "slash_command" and draft.bot_message_ts is None:
            if draft.state == "queued":
                message = blocks.progress_message(mapping.article_ref(draft), self.lang)
                self._respond(draft.response_url, message, draft=draft)
            return
        revision = self._shown_revision(draft) if draft.current_revision else None
        self._show(draft, blocks.draft_message(self._view(draft, revision), self.lang))

    def refuse(self, actor: Actor, draft: Draft | None, refusal: Refusal) -> None:
        params: dict[str, Any] = {}
        if refusal.user_id is not None:
            params["user"] = user_mention(refusal.user_id, t("slack.user.unknown", self.lang))
        text = t(refusal.key, self.lang, **params)
        self.tell(actor, text, draft=draft)

    def post_for_review(self, draft: Draft, revision: Revision, actor: Actor) -> str | None:
        message = blocks.draft_message(self._view(draft, revision), self.lang)
        answer = self._attempt(
            "chat.postMessage",
            lambda client: client.chat_postMessage(
                channel=draft.channel, **message, **blocks.NO_UNFURL
            ),
            team_id=draft.team_id,
            enterprise_id=draft.enterprise_id,
            channel=draft.channel,
            wait_cap=self.answer_wait_cap_s,  # a listener answering the reporter's click
            draft_id=draft.id,
        )
        if answer.value is None:
            key = (
                "review.not_in_channel"
                if answer.error in ("not_in_channel", "channel_not_found", "is_archived")
                else "error.internal"
            )
            self.tell(actor, t(key, self.lang), draft=draft)
            return None
        ts = str(answer.value["ts"])
        text = t("review.posted", self.lang)
        self._respond(
            actor.response_url,
            {"text": text, "blocks": [{"type": "section", "text": blocks.mrkdwn(text)}]},
            draft=draft,
        )
        return ts

    def permalink(self, draft: Draft) -> str | None:
        ts = draft.bot_message_ts or draft.message_ts
        return self._permalink(draft, draft.channel, ts) if ts else None

    def repair(self, draft: Draft) -> bool:
        """Redraw the draft's card from the store (after Slack did not take an update); True
        when Slack took it (or there is nothing to draw in the thread), False to try later.

        The card shows what the store holds now: the draft with its current (or approved)
        text and buttons, its failure, the automatic retry's time, or the delivery status.
        A card that never reached Slack is posted (once: the ts is kept only if
        no other message was recorded meanwhile)."""
        if draft.bot_message_ts is None and draft.source != "message":
            return True  # a private /summarize preview: nothing in the thread to repair
        if draft.post_reserved_at is not None:
            return False  # "Post for review" is posting it right now
        message = self._render(draft)
        with self._lock:  # a call the budget reserved for this card when it was rescheduled
            slot = self._slots.pop(draft.id, None)
        if draft.bot_message_ts is None:
            prepaid = slot == "chat.postMessage"
            posted = self._post_answer(draft, message, wait_cap=0, prepaid=prepaid)
            if posted.value is None:
                if posted.retry_in is not None:  # rate-limited: due again when the window ends
                    self._reschedule(draft, posted)
                return False
            if not self.store.set_bot_message(draft.id, posted.value, only_if_unset=True):
                log.warning("slack.card_posted_twice", draft_id=draft.id, ts=posted.value)
            return True
        prepaid = slot == "chat.update"
        answer = self._update(draft, draft.bot_message_ts, message, prepaid=prepaid)
        if answer.value is None and answer.retry_in is not None:
            self._reschedule(draft, answer)
        return answer.value is not None or not answer.passing

    # --- PublishNotifier (bot.workflow.publishing) ------------------------------------------

    def delivery_status(self, update: PublishUpdate) -> None:
        """Show the outcome of a publishing attempt under the approved (or retracted) draft.

        The editor becomes a mention and the time a Slack date token (each reader's zone);
        the builders escape the CMS's reason. An update about an older delivery than the
        draft's newest (an approval still retried after a retraction) redraws from the store.
        """
        draft = update.draft
        if draft is None or draft.bot_message_ts is None:
            return
        draft = self.store.get_draft(draft.id) or draft
        latest = self.store.latest_delivery(draft.id)
        if latest is not None and latest.id != update.delivery.id:
            self.changed(draft)
            return
        retracted = update.delivery.event_type == "summary.retracted"
        moment = update.next_attempt_at or update.delivery.delivered_at
        status = StatusView(
            key=update.line.key,
            params=dict(update.line.params),
            editor=draft.retracted_by if retracted else draft.approved_by,
            at=moment,
            retry=update.line.retry_button,
        )
        view = replace(self._view(draft, self._shown_revision(draft)), publish_status=status)
        self._show(draft, blocks.draft_message(view, self.lang))

    # --- helpers for the listeners ----------------------------------------------------------

    def tell(self, actor: Actor, text: str, *, draft: Draft | None = None) -> None:
        """One private sentence for ``actor``: via the interaction's response_url if any,
        else as an ephemeral message in the draft's thread."""
        if actor.response_url:
            self._respond(actor.response_url, _sentence(text), draft=draft, replace_original=False)
            return
        channel = actor.channel or (draft.channel if draft else None)
        if channel is None:
            log.warning("slack.nowhere_to_tell", user=actor.user_id)
            return
        thread_ts = actor.thread_ts or (
            (draft.thread_ts or draft.bot_message_ts) if draft else None
        )
        self._ephemeral(
            channel,
            thread_ts,
            actor.user_id,
            text,
            team_id=actor.team_id or (draft.team_id if draft else None),
            enterprise_id=actor.enterprise_id or (draft.enterprise_id if draft else None),
            wait_cap=self.answer_wait_cap_s,
        )

    def show_home(
        self,
        user_id: str,
        home: HomeData,
        *,
        team_id: str | None = None,
        enterprise_id: str | None = None,
    ) -> None:
        pending = [(d, self.permalink(d)) for d in home.pending]
        approvals = [(d, self.permalink(d)) for d in home.approvals]
        data = mapping.home_view(
            home.is_editor,
            pending,
            approvals,
            queue=home.queue,
            desk_available=home.desk_available,
        )
        view = blocks.home_view(data, self.lang)
        self._call(
            "views.publish",
            lambda client: client.views_publish(user_id=user_id, view=view),
            team_id=team_id,
            enterprise_id=enterprise_id,
            user=user_id,
        )

    def tell_in_thread(
        self,
        channel: str,
        thread_ts: str | None,
        user_id: str,
        text: str,
        *,
        team_id: str | None = None,
        enterprise_id: str | None = None,
    ) -> str:
        """A private sentence in a thread, with the workspace's client: ``"ok"``, Slack's error
        (``not_in_channel``: see docs.slack.dev/reference/methods/chat.postEphemeral) or
        ``"failed"`` (also for a workspace without installation)."""
        answer = self._ephemeral(
            channel, thread_ts, user_id, text, team_id=team_id, enterprise_id=enterprise_id
        )
        if answer.value is not None:
            return "ok"
        return answer.error or "failed"

    def respond(self, response_url: str | None, message: Mapping[str, Any], **options: Any) -> None:
        self._respond(response_url, message, **options)

    # --- internals --------------------------------------------------------------------------

    def _ephemeral(
        self,
        channel: str,
        thread_ts: str | None,
        user_id: str,
        text: str,
        **options: Any,
    ) -> Answer[Any]:
        """``chat.postEphemeral`` of one sentence to ``user_id`` (``options``: the workspace,
        and ``wait_cap`` for the budget)."""
        body = _sentence(text)
        return self._attempt(
            "chat.postEphemeral",
            lambda client: client.chat_postEphemeral(
                channel=channel,
                user=user_id,
                thread_ts=thread_ts,
                text=body["text"],
                blocks=body["blocks"],
            ),
            channel=channel,
            **options,
        )

    def _shown_revision(self, draft: Draft) -> Revision | None:
        """The approved text under an approved or retracted draft, else the current one."""
        approved = draft.state in ("approved", "published", "publish_failed", "retracted")
        number = draft.approved_revision if approved and draft.approved_revision else None
        return self.store.get_revision(draft.id, number)

    def _render(self, draft: Draft) -> blocks.Message:
        """The card for the draft as the store has it (what :meth:`repair` draws)."""
        waiting = (
            draft.state == "queued"
            and draft.next_attempt_at is not None
            and draft.last_error_code in AUTO_RETRY_CODES
        )
        if waiting:
            assert draft.last_error_code is not None and draft.next_attempt_at is not None
            error = ErrorView(
                code=draft.last_error_code, retryable=True, retry_at=draft.next_attempt_at
            )
            return blocks.failure_message(error, self.lang, draft_id=draft.id)
        revision = self._shown_revision(draft) if draft.current_revision else None
        return blocks.draft_message(self._view(draft, revision), self.lang)

    def _view(self, draft: Draft, revision: Revision | None) -> DraftView:
        delivery = self.store.latest_delivery(draft.id) if draft.approved_at else None
        labels, publishing = (
            self._desk_of(draft) if self._desk_of else (self.labels, self.publishing)
        )
        status = mapping.publish_status(draft, delivery, publishing=publishing)
        return mapping.draft_view(
            draft,
            revision,
            labels=labels,
            publish_status=status,
        )

    def _post(self, draft: Draft, message: Mapping[str, Any]) -> str | None:
        return self._post_answer(draft, message).value

    def _post_answer(
        self,
        draft: Draft,
        message: Mapping[str, Any],
        *,
        wait_cap: float | None = None,
        prepaid: bool = False,
    ) -> Answer[str]:
        thread_ts = draft.thread_ts or draft.message_ts
        answer = self._attempt(
            "chat.postMessage",
            lambda client: client.chat_postMessage(
                channel=draft.channel, thread_ts=thread_ts, **message, **blocks.NO_UNFURL
            ),
            team_id=draft.team_id,
            enterprise_id=draft.enterprise_id,
            channel=draft.channel,
            wait_cap=self.post_wait_cap_s if wait_cap is None else wait_cap,
            prepaid=prepaid,
            reserve=True,
            draft_id=draft.id,
        )
        ts = str(answer.value["ts"]) if answer.value is not None else None
        return Answer(ts, answer.passing, answer.error, answer.retry_in, answer.reserved)

    def _update(
        self, draft: Draft, ts: str, message: Mapping[str, Any], *, prepaid: bool = False
    ) -> Answer[Any]:
        """``chat.update`` of the card: never waited for (budget or 429: rescheduled)."""
        return self._attempt(
            "chat.update",
            lambda client: client.chat_update(channel=draft.channel, ts=ts, **message),
            team_id=draft.team_id,
            enterprise_id=draft.enterprise_id,
            channel=draft.channel,
            prepaid=prepaid,
            reserve=True,
            draft_id=draft.id,
        )

    def _show(self, draft: Draft, message: Mapping[str, Any]) -> None:
        """Update the draft's bot message, or post it (and remember it) if there is none.

        If Slack does not take it for a passing reason (after the retry layer's attempts,
        a 429, or no budget left), the card is marked stale, to be redrawn from the store
        (:meth:`repair`) once it is worth trying again."""
        if draft.bot_message_ts is None:
            posted = self._post_answer(draft, message)
            if posted.value is not None:
                self.store.set_bot_message(draft.id, posted.value)
            elif posted.passing:
                self._reschedule(draft, posted)
            return
        answer = self._update(draft, draft.bot_message_ts, message)
        if answer.value is None and answer.passing:
            self._reschedule(draft, answer)

    def _reschedule(self, draft: Draft, answer: Answer[Any]) -> None:
        """Mark the card stale, due when the answer says it is worth trying again (a 429's
        Retry-After, the budget's refill; else at the repairer's next sweep)."""
        not_before = None
        if answer.retry_in is not None:
            not_before = utcnow() + timedelta(seconds=answer.retry_in)
        with self._lock:
            if answer.reserved:
                if len(self._slots) >= _SLOTS_KEPT:  # cards another process repaired
                    self._slots.clear()
                method = "chat.postMessage" if draft.bot_message_ts is None else "chat.update"
                self._slots[draft.id] = method
            else:
                self._slots.pop(draft.id, None)
        try:
            self.store.mark_card_stale(draft.id, not_before=not_before)
        except Exception:  # the notifier never raises; the log keeps the traceback
            log.exception("slack.card_mark_failed", draft_id=draft.id)
        if answer.retry_in is not None:
            self.calls.due_in(answer.retry_in + _DUE_MARGIN_S)

    def _unreact(self, draft: Draft) -> None:
        if draft.message_ts is None:
            return
        if any(
            d.state in ("queued", "working")
            for d in self.store.drafts_for_message(draft.team_id, draft.channel, draft.message_ts)
        ):
            return  # another link of the same message is still being summarized
        self.reactions.remove(draft.team_id, draft.channel, draft.message_ts, draft_id=draft.id)

    def _permalink(self, draft: Draft, channel: str, ts: str) -> str | None:
        key = (channel, ts)
        with self._lock:
            if key in self._permalinks:
                return self._permalinks[key]
        response = self._call(
            "chat.getPermalink",
            lambda client: client.chat_getPermalink(channel=channel, message_ts=ts),
            team_id=draft.team_id,
            enterprise_id=draft.enterprise_id,
            channel=channel,
        )
        if response is None:
            return None
        permalink = str(response.get("permalink") or "") or None
        if permalink:
            with self._lock:
                if len(self._permalinks) >= _PERMALINK_CACHE:
                    self._permalinks.clear()
                self._permalinks[key] = permalink
        return permalink

    def _respond(
        self,
        response_url: str | None,
        message: Mapping[str, Any],
        *,
        draft: Draft | None = None,
        replace_original: bool = True,
    ) -> None:
        self.responses.send(
            response_url,
            message,
            draft_id=draft.id if draft else None,
            replace_original=replace_original,
        )

    def _call(
        self,
        method: str,
        call: Callable[[WebClient], T],
        *,
        ignore: tuple[str, ...] = (),
        **context: Any,
    ) -> T | None:
        return self._attempt(method, call, ignore=ignore, **context).value

    def _attempt(self, method: str, call: Callable[[WebClient], T], **options: Any) -> Answer[T]:
        """One call with the client of the workspace (``team_id``, ``enterprise_id``), through
        its budget and the client's retry layer; never raises (:meth:`SlackCalls.attempt`). A
        workspace without installation (uninstalled) is not called at all."""
        enterprise_id = options.pop("enterprise_id", None)
        try:
            client = self.clients.for_team(options.get("team_id"), enterprise_id)
        except NoInstallation:
            log.info("slack.call_skipped", method=method, reason="no_installation")
            return Answer(None)
        return self.calls.attempt(method, lambda: call(client), **options)


def _sentence(text: str) -> blocks.Message:
    """One sentence as a message: the text, and one section block showing it."""
    return {"text": text, "blocks": [{"type": "section", "text": blocks.mrkdwn(text)}]}
