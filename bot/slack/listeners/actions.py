"""Buttons: Approve, Edit, Regenerate, Reject, Retry, Retry publishing, Retract, Post for review,
Dismiss.

Every button carries ids only: the draft id, and for the review buttons the revision the card
showed (:func:`bot.slack.ids.action_value`), so an editor approves exactly the text they saw.
Each listener acks first; the modal buttons then
check permission and state (two quick database reads) and open their modal at once, because
a ``trigger_id`` expires about 3 s after the click and can be used only once
(https://docs.slack.dev/interactivity/handling-user-interaction). Refusals are one private
sentence; nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App, Respond
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.i18n import t
from bot.logs import get_logger
from bot.slack import blocks, ids, mapping
from bot.workflow.drafts import Actor, Review

if TYPE_CHECKING:
    from bot.slack.services import Services

log = get_logger(__name__)

_TRIGGER_ERRORS = frozenset({"expired_trigger_id", "exchanged_trigger_id", "invalid_trigger_id"})


def actor_from(body: dict[str, Any]) -> Actor:
    """Who clicked, and where a private answer goes (the interaction's response_url)."""
    user = body.get("user") or {}
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = (body.get("channel") or {}).get("id") or container.get("channel_id")
    return Actor(
        user_id=str(user.get("id") or ""),
        name=user.get("name") or user.get("username"),
        channel=channel,
        thread_ts=container.get("thread_ts") or message.get("thread_ts"),
        response_url=body.get("response_url"),
        team_id=_team(body),
        enterprise_id=enterprise_of(body),
    )


def _team(body: dict[str, Any]) -> str | None:
    """The workspace of an interaction payload (``team.id``), or None when it names none."""
    team = body.get("team")
    value = team.get("id") if isinstance(team, dict) else None
    return str(value) if value else None


def enterprise_of(body: dict[str, Any]) -> str | None:
    """The Enterprise Grid organization of a payload (``enterprise.id`` of interactions,
    ``enterprise_id`` of events and commands), or None outside a grid."""
    enterprise = body.get("enterprise")
    value = enterprise.get("id") if isinstance(enterprise, dict) else body.get("enterprise_id")
    return str(value) if value else None


def _value(body: dict[str, Any]) -> ids.ActionValue:
    """The clicked button's draft id and revision (None for buttons of older cards)."""
    actions = body.get("actions") or [{}]
    return ids.parse_action_value(str(actions[0].get("value") or ""))


def _draft_id(body: dict[str, Any]) -> str:
    return _value(body).draft_id


def register(app: App, services: Services) -> None:
    workflow = services.workflow
    notifier = services.notifier
    lang = services.lang

    def named_actor(body: dict[str, Any]) -> Actor:
        """The clicker, with the display name the approval record and the thread show."""
        actor = actor_from(body)
        name = services.names.name(
            actor.user_id,
            fallback=actor.name,
            team_id=actor.team_id,
            enterprise_id=actor.enterprise_id,
        )
        return replace(actor, name=name)

    def open_modal(body: dict[str, Any], actor: Actor, build: Callable[[Review], Any]) -> None:
        value = _value(body)
        review = workflow.open_review(
            value.draft_id, actor, action=_ACTION_NAMES[_action(body)], revision=value.revision
        )
        if review is None:
            return
        view = build(review)
        # The submission is checked against this revision and this channel (a view_submission
        # names no channel of its own).
        view["private_metadata"] = mapping.modal_metadata(
            review.draft.id, value.revision, channel=actor.channel, thread_ts=actor.thread_ts
        )
        try:
            # The click's workspace's client (its bot token in OAuth mode).
            client = services.clients.for_team(actor.team_id, actor.enterprise_id)
            client.views_open(trigger_id=body["trigger_id"], view=view)
        except SlackApiError as exc:
            error = exc.response.get("error")
            log.warning("modal.open_failed", error=error, draft_id=review.draft.id)
            key = "review.too_slow" if error in _TRIGGER_ERRORS else "error.internal"
            notifier.tell(actor, t(key, lang), draft=review.draft)
        except SlackClientError:
            log.exception("modal.open_failed", draft_id=review.draft.id)
            notifier.tell(actor, t("error.internal", lang), draft=review.draft)

    def view_of(review: Review) -> Any:
        return mapping.draft_view(
            review.draft,
            review.revision,
            labels=notifier.labels,
        )

    @app.action(ids.ACTION_EDIT)
    def on_edit(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        open_modal(
            body,
            actor_from(body),
            lambda r: blocks.edit_modal(view_of(r), lang, fields=r.field_limits),
        )

    @app.action(ids.ACTION_REGENERATE)
    def on_regenerate(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        open_modal(
            body,
            actor_from(body),
            lambda r: blocks.regenerate_modal(r.draft.id, lang, mapping.article_ref(r.draft)),
        )

    @app.action(ids.ACTION_REJECT)
    def on_reject(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        open_modal(
            body,
            actor_from(body),
            lambda r: blocks.reject_modal(r.draft.id, lang, mapping.article_ref(r.draft)),
        )

    @app.action(ids.ACTION_APPROVE)
    def on_approve(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        value = _value(body)
        workflow.approve(value.draft_id, named_actor(body), revision=value.revision)

    @app.action(ids.ACTION_RETRY)
    def on_retry(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        workflow.retry(_draft_id(body), actor_from(body))

    @app.action(ids.ACTION_RETRY_PUBLISH)
    def on_retry_publish(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        workflow.retry_publish(_draft_id(body), actor_from(body))

    @app.action(ids.ACTION_RETRACT)
    def on_retract(ack: Ack, body: dict[str, Any]) -> None:
        # The button's confirmation dialog already asked; the click arrives only after "yes".
        ack()
        value = _value(body)
        workflow.retract(value.draft_id, named_actor(body), revision=value.revision)

    @app.action(ids.ACTION_POST_FOR_REVIEW)
    def on_post_for_review(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        workflow.post_for_review(_draft_id(body), actor_from(body))

    @app.action(ids.ACTION_DISMISS)
    def on_dismiss(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        workflow.dismiss(_draft_id(body), actor_from(body))
        try:
            respond(delete_original=True)
        except (SlackClientError, OSError):
            log.exception("slack.respond_failed")


_ACTION_NAMES = {
    ids.ACTION_EDIT: "edit",
    ids.ACTION_REGENERATE: "regenerate",
    ids.ACTION_REJECT: "reject",
}


def _action(body: dict[str, Any]) -> str:
    actions = body.get("actions") or [{}]
    return str(actions[0].get("action_id") or "")
