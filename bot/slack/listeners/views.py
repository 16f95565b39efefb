"""Modal submissions: Edit (validated inline), Regenerate (optional instruction), Reject.

Edit errors go back in the ``ack`` as ``response_action: errors`` keyed by block id, which
Slack shows under the input (https://docs.slack.dev/surfaces/modals#displaying_errors); the
modal stays open. ``private_metadata`` holds the draft id, the revision the modal was opened on
and the channel it was opened from (:func:`bot.slack.mapping.modal_metadata`), so an edit,
regeneration or rejection based on an outdated text is refused instead of overwriting, and a
submission is matched against the draft's workspace and channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App

from bot.slack import blocks, ids, mapping
from bot.slack.listeners.actions import enterprise_of
from bot.workflow.drafts import Actor

if TYPE_CHECKING:
    from bot.slack.services import Services


def _actor(body: dict[str, Any], modal: mapping.ModalContext) -> Actor:
    user = body.get("user") or {}
    team = body.get("team")
    team_id = team.get("id") if isinstance(team, dict) else None
    return Actor(
        user_id=str(user.get("id") or ""),
        name=user.get("name") or user.get("username"),
        channel=modal.channel,
        thread_ts=modal.thread_ts,
        team_id=str(team_id) if team_id else None,
        enterprise_id=enterprise_of(body),
    )


def _modal(view: dict[str, Any]) -> mapping.ModalContext:
    return mapping.parse_modal_metadata(str(view.get("private_metadata") or ""))


def _values(view: dict[str, Any]) -> dict[str, Any]:
    return dict((view.get("state") or {}).get("values") or {})


def register(app: App, services: Services) -> None:
    workflow = services.workflow
    lang = services.lang

    @app.view(ids.CALLBACK_EDIT)
    def on_edit_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        modal = _modal(view)
        submission = blocks.validate_edit_submission(
            _values(view),
            lang,
            min_bullets=1,
            max_bullets=blocks.MAX_BULLETS,
            fields=workflow.field_limits_of(modal.draft_id),  # the draft's desk's fields
        )
        if not submission.ok:
            ack(response_action="errors", errors=dict(submission.errors))
            return
        ack()
        workflow.save_edit(
            modal.draft_id,
            _actor(body, modal),
            base_revision=modal.revision,
            bullets=submission.bullets,
            fields=submission.fields,
        )

    @app.view(ids.CALLBACK_REGENERATE)
    def on_regenerate_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        ack()
        modal = _modal(view)
        workflow.regenerate(
            modal.draft_id,
            _actor(body, modal),
            instruction=blocks.read_regenerate_instruction(_values(view)),
            base_revision=modal.revision,
        )

    @app.view(ids.CALLBACK_REJECT)
    def on_reject_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        ack()
        modal = _modal(view)
        workflow.reject(
            modal.draft_id,
            _actor(body, modal),
            reason=blocks.read_reject_reason(_values(view)),
            base_revision=modal.revision,
        )
