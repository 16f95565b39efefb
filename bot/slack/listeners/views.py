"""Modal submissions: Edit (validated inline), Regenerate (optional instruction), Reject.

Edit errors go back in the ``ack`` as ``response_action: errors`` keyed by block id, which
Slack shows under the input (https://docs.slack.dev/surfaces/modals#displaying_errors); the
modal stays open. ``private_metadata`` holds ``<draft id>:<revision the user saw>``, so an
edit or regeneration based on an outdated text is refused instead of overwriting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App

from bot.slack import blocks, ids, mapping
from bot.workflow.drafts import Actor

if TYPE_CHECKING:
    from bot.slack.app import Services


def _actor(body: dict[str, Any]) -> Actor:
    user = body.get("user") or {}
    team = body.get("team")
    team_id = team.get("id") if isinstance(team, dict) else None
    return Actor(
        user_id=str(user.get("id") or ""),
        name=user.get("name") or user.get("username"),
        team_id=str(team_id) if team_id else None,
    )


def _values(view: dict[str, Any]) -> dict[str, Any]:
    return dict((view.get("state") or {}).get("values") or {})


def register(app: App, services: Services) -> None:
    workflow = services.workflow
    lang = services.lang

    @app.view(ids.CALLBACK_EDIT)
    def on_edit_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        submission = blocks.validate_edit_submission(
            _values(view), lang, min_bullets=1, max_bullets=blocks.MAX_BULLETS
        )
        if not submission.ok:
            ack(response_action="errors", errors=dict(submission.errors))
            return
        ack()
        draft_id, revision = mapping.parse_modal_metadata(str(view.get("private_metadata") or ""))
        if revision is None:
            current = services.store.get_draft(draft_id)
            revision = current.current_revision if current else None
        workflow.save_edit(
            draft_id, _actor(body), base_revision=revision or 0, bullets=submission.bullets
        )

    @app.view(ids.CALLBACK_REGENERATE)
    def on_regenerate_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        ack()
        draft_id, revision = mapping.parse_modal_metadata(str(view.get("private_metadata") or ""))
        workflow.regenerate(
            draft_id,
            _actor(body),
            instruction=blocks.read_regenerate_instruction(_values(view)),
            base_revision=revision,
        )

    @app.view(ids.CALLBACK_REJECT)
    def on_reject_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        ack()
        draft_id, _revision = mapping.parse_modal_metadata(str(view.get("private_metadata") or ""))
        workflow.reject(draft_id, _actor(body), reason=blocks.read_reject_reason(_values(view)))
