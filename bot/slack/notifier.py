"""The workflow's :class:`~bot.workflow.drafts.Notifier` on Slack: thread replies, updates,
reactions, ephemeral sentences and ``response_url`` answers.

Every message goes in the reporter's thread without unfurls (``NO_UNFURL``); the draft's one
bot message (``bot_message_ts``) is updated in place. Slack errors are logged, never raised:
the workflow's state is in the database. Every call goes through the client's one retry layer
(:mod:`bot.slack.retry`: a few quick attempts on 5xx, 429, connection errors and timeouts);
a draft's card that still could not be shown for such a passing reason is marked stale in the
database (:meth:`Store.mark_card_stale`) and redrawn from the store later by
:mod:`bot.slack.repair` (:meth:`SlackNotifier.repair`), so its buttons are never lost. Slack's
final answers (``channel_not_found``, ``message_not_found``…) are only logged: a redraw would
get the same answer.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.webhook import WebhookClient

from bot.i18n import t
from bot.i18n.labels import SummaryLabels
from bot.logs import get_logger
from bot.slack import blocks, ids, mapping
from bot.slack.escape import user_mention
from bot.slack.views import DraftView, ErrorView, StatusView
from bot.store import Draft, Revision, Store
from bot.workflow.drafts import AUTO_RETRY_CODES, Actor, Failure, HomeData, Refusal
from bot.workflow.publishing import PublishUpdate

log = get_logger(__name__)

T = TypeVar("T")

_PERMALINK_CACHE = 2048
# What a call raises when Slack gave no usable answer even after the retry layer: slack_sdk
# re-raises the transport's own exception (URLError, TimeoutError, RemoteDisconnected…).
_TRANSPORT_ERRORS = (SlackClientError, OSError, http.client.HTTPException)


@dataclass(frozen=True, slots=True)
class _Answer(Generic[T]):
    """A call's result (None when it failed) and whether the failure may pass by itself
    (HTTP 5xx or 429, no answer at all) rather than being Slack's final word."""

    value: T | None
    passing: bool = False


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
    ) -> None:
        """``retry_handler`` is the one retry layer for ``response_url`` posts (the Web API
        client carries its own, the same kind: ``bot.slack.app.build_retry_handler``)."""
        self.client = client
        self.store = store
        self.lang = lang
        self.labels = labels or SummaryLabels(fallback_language=lang)
        self.publishing = publishing
        self.retry_handler = retry_handler
        self.timeout_s = timeout_s
        self._permalinks: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    # --- Notifier ---------------------------------------------------------------------------

    def received(self, drafts: Sequence[Draft]) -> None:
        messages = sorted({(d.channel, d.message_ts) for d in drafts if d.message_ts is not None})
        for channel, ts in messages:
            self._react(channel, ts)

    def working(self, draft: Draft) -> Draft:
        if draft.source != "message" or draft.bot_message_ts is not None:
            return draft
        message = blocks.progress_message(mapping.article_ref(draft), self.lang)
        ts = self._post(draft, message)
        if ts is None:
            return draft
        self.store.set_bot_message(draft.id, ts)
        return replace(draft, bot_message_ts=ts)

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
        permalink = self._permalink(existing.channel, target_ts) if target_ts else None
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
        try:
            response = self.client.chat_postMessage(
                channel=draft.channel, **message, **blocks.NO_UNFURL
            )
        except SlackApiError as exc:
            error = exc.response.get("error")
            log.warning("slack.post_failed", draft_id=draft.id, error=error)
            key = (
                "review.not_in_channel"
                if error in ("not_in_channel", "channel_not_found", "is_archived")
                else "error.internal"
            )
            self.tell(actor, t(key, self.lang), draft=draft)
            return None
        except SlackClientError:
            log.exception("slack.post_failed", draft_id=draft.id)
            self.tell(actor, t("error.internal", self.lang), draft=draft)
            return None
        ts = str(response["ts"])
        text = t("review.posted", self.lang)
        self._respond(
            actor.response_url,
            {"text": text, "blocks": [{"type": "section", "text": blocks.mrkdwn(text)}]},
            draft=draft,
        )
        return ts

    def permalink(self, draft: Draft) -> str | None:
        ts = draft.bot_message_ts or draft.message_ts
        return self._permalink(draft.channel, ts) if ts else None

    def repair(self, draft: Draft) -> bool:
        """Redraw the draft's card from the store (after Slack did not take an update); True
        when Slack took it (or there is nothing to draw in the thread), False to try later.

        The card shows what the store holds now: the draft with its current (or approved)
        text and buttons, its failure, the automatic retry's time, or the delivery status.
        A card whose placeholder never reached Slack is posted (once: the ts is kept only if
        no other message was recorded meanwhile)."""
        if draft.bot_message_ts is None and draft.source != "message":
            return True  # a private /summarize preview: nothing in the thread to repair
        if draft.post_reserved_at is not None:
            return False  # "Post for review" is posting it right now
        message = self._render(draft)
        if draft.bot_message_ts is None:
            posted = self._post_answer(draft, message)
            if posted.value is None:
                return False
            if not self.store.set_bot_message(draft.id, posted.value, only_if_unset=True):
                log.warning("slack.card_posted_twice", draft_id=draft.id, ts=posted.value)
            return True
        ts = draft.bot_message_ts
        answer = self._attempt(
            "chat.update",
            lambda: self.client.chat_update(channel=draft.channel, ts=ts, **message),
            draft_id=draft.id,
        )
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
        body: blocks.Message = {
            "text": text,
            "blocks": [{"type": "section", "text": blocks.mrkdwn(text)}],
        }
        if actor.response_url:
            self._respond(actor.response_url, body, draft=draft, replace_original=False)
            return
        channel = actor.channel or (draft.channel if draft else None)
        if channel is None:
            log.warning("slack.nowhere_to_tell", user=actor.user_id)
            return
        thread_ts = actor.thread_ts or (
            (draft.thread_ts or draft.bot_message_ts) if draft else None
        )
        self._call(
            "chat.postEphemeral",
            lambda: self.client.chat_postEphemeral(
                channel=channel,
                user=actor.user_id,
                thread_ts=thread_ts,
                text=body["text"],
                blocks=body["blocks"],
            ),
            channel=channel,
        )

    def show_home(self, user_id: str, home: HomeData) -> None:
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
            lambda: self.client.views_publish(user_id=user_id, view=view),
            user=user_id,
        )

    def tell_in_thread(self, channel: str, thread_ts: str | None, user_id: str, text: str) -> str:
        """A private sentence in a thread: ``"ok"``, Slack's error (``not_in_channel``: see
        docs.slack.dev/reference/methods/chat.postEphemeral) or ``"failed"``."""
        try:
            self.client.chat_postEphemeral(
                channel=channel,
                user=user_id,
                thread_ts=thread_ts,
                text=text,
                blocks=[{"type": "section", "text": blocks.mrkdwn(text)}],
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error") or "failed")
            log.warning("slack.call_failed", method="chat.postEphemeral", error=error)
            return error
        except _TRANSPORT_ERRORS:
            log.exception("slack.call_failed", method="chat.postEphemeral")
            return "failed"
        return "ok"

    def respond(self, response_url: str | None, message: Mapping[str, Any], **options: Any) -> None:
        self._respond(response_url, message, **options)

    # --- internals --------------------------------------------------------------------------

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
        status = mapping.publish_status(draft, delivery, publishing=self.publishing)
        return mapping.draft_view(
            draft,
            revision,
            labels=self.labels,
            publish_status=status,
        )

    def _post(self, draft: Draft, message: Mapping[str, Any]) -> str | None:
        return self._post_answer(draft, message).value

    def _post_answer(self, draft: Draft, message: Mapping[str, Any]) -> _Answer[str]:
        thread_ts = draft.thread_ts or draft.message_ts
        answer = self._attempt(
            "chat.postMessage",
            lambda: self.client.chat_postMessage(
                channel=draft.channel, thread_ts=thread_ts, **message, **blocks.NO_UNFURL
            ),
            draft_id=draft.id,
        )
        ts = str(answer.value["ts"]) if answer.value is not None else None
        return _Answer(ts, answer.passing)

    def _show(self, draft: Draft, message: Mapping[str, Any]) -> None:
        """Update the draft's bot message, or post it (and remember it) if there is none.

        If Slack does not take it for a passing reason (after the retry layer's attempts),
        the card is marked stale, to be redrawn from the store (:meth:`repair`)."""
        if draft.bot_message_ts is None:
            posted = self._post_answer(draft, message)
            if posted.value is not None:
                self.store.set_bot_message(draft.id, posted.value)
            elif posted.passing:
                self._mark_stale(draft)
            return
        ts = draft.bot_message_ts
        answer = self._attempt(
            "chat.update",
            lambda: self.client.chat_update(channel=draft.channel, ts=ts, **message),
            draft_id=draft.id,
        )
        if answer.value is None and answer.passing:
            self._mark_stale(draft)

    def _mark_stale(self, draft: Draft) -> None:
        try:
            self.store.mark_card_stale(draft.id)
        except Exception:  # the notifier never raises; the log keeps the traceback
            log.exception("slack.card_mark_failed", draft_id=draft.id)

    def _react(self, channel: str, ts: str) -> None:
        self._call(
            "reactions.add",
            lambda: self.client.reactions_add(
                channel=channel, timestamp=ts, name=ids.PROGRESS_REACTION
            ),
            ignore=("already_reacted",),
            channel=channel,
        )

    def _unreact(self, draft: Draft) -> None:
        if draft.message_ts is None:
            return
        if any(
            d.state in ("queued", "working")
            for d in self.store.drafts_for_message(draft.team_id, draft.channel, draft.message_ts)
        ):
            return  # another link of the same message is still being summarized
        ts = draft.message_ts
        self._call(
            "reactions.remove",
            lambda: self.client.reactions_remove(
                channel=draft.channel, timestamp=ts, name=ids.PROGRESS_REACTION
            ),
            ignore=("no_reaction", "message_not_found"),
            draft_id=draft.id,
        )

    def _permalink(self, channel: str, ts: str) -> str | None:
        key = (channel, ts)
        with self._lock:
            if key in self._permalinks:
                return self._permalinks[key]
        response = self._call(
            "chat.getPermalink",
            lambda: self.client.chat_getPermalink(channel=channel, message_ts=ts),
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
        if not response_url:
            log.warning("slack.no_response_url", draft_id=draft.id if draft else None)
            return
        webhook = WebhookClient(
            response_url,
            timeout=self.timeout_s,
            retry_handlers=[self.retry_handler] if self.retry_handler is not None else [],
        )
        try:
            answer = webhook.send(
                text=message.get("text"),
                blocks=message.get("blocks"),
                response_type="ephemeral",
                replace_original=replace_original,
            )
        except _TRANSPORT_ERRORS:
            log.exception("slack.respond_failed", draft_id=draft.id if draft else None)
            return
        if answer.status_code >= 300:
            log.warning(
                "slack.respond_failed",
                draft_id=draft.id if draft else None,
                status=answer.status_code,
            )

    def _call(
        self,
        method: str,
        call: Callable[[], T],
        *,
        ignore: tuple[str, ...] = (),
        **context: Any,
    ) -> T | None:
        return self._attempt(method, call, ignore=ignore, **context).value

    def _attempt(
        self,
        method: str,
        call: Callable[[], T],
        *,
        ignore: tuple[str, ...] = (),
        **context: Any,
    ) -> _Answer[T]:
        """One call through the client's retry layer; never raises."""
        try:
            return _Answer(call())
        except SlackApiError as exc:
            error = exc.response.get("error")
            if error in ignore:
                return _Answer(None)
            status = exc.response.status_code
            log.warning("slack.call_failed", method=method, error=error, status=status, **context)
            return _Answer(None, passing=status == 429 or status >= 500)
        except _TRANSPORT_ERRORS as exc:
            log.warning(
                "slack.call_failed",
                method=method,
                error=type(exc).__name__,
                exc_info=True,
                **context,
            )
            return _Answer(None, passing=True)
