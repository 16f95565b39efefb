"""Review actions, each at the revision the editor saw: open a modal, approve, edit,
regenerate, reject, retract, retry, retry publishing; and App Home's queue.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC
from typing import Any

from bot.publisher import APPROVED, UPDATED, EventType
from bot.store import Outcome
from bot.summarizer import run_checks
from bot.workflow.drafts.base import WorkflowBase, state_refusal
from bot.workflow.drafts.values import (
    HOME_QUEUE_LIMIT,
    HOME_QUEUES,
    REJECTABLE_STATES,
    RETRACTABLE_STATES,
    Actor,
    HomeData,
    HomeQueue,
    Refusal,
    Review,
    is_correction,
)


class ReviewActions(WorkflowBase):
    """What editors (and reporters, for their own drafts) do with a draft."""

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
            if not self.may_review(actor.user_id, draft):
                refusal = Refusal("review.not_editor")
            elif is_correction(draft):
                refusal = Refusal("review.published")
            elif draft.state not in REJECTABLE_STATES:
                refusal = state_refusal(draft)
        elif action == "edit" and draft.state == "published":
            # A correction of published text is the editors' call.
            if not self.may_review(actor.user_id, draft):
                refusal = Refusal("review.not_editor_correct")
        elif not self.may_change(draft, actor.user_id):
            refusal = Refusal("review.not_allowed")
        elif draft.state != "ready":
            refusal = state_refusal(draft)
        if refusal is not None:
            self._refuse(actor, draft, refusal)
            return None
        if revision is None or revision != draft.current_revision:
            self._stale(actor, draft, revision)
            return None
        current = self.store.get_revision(draft.id, revision)
        return Review(draft=draft, revision=current, field_limits=self.field_limits(draft))

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
            self._refuse(actor, draft, state_refusal(draft))
            return None
        if revision is None or revision != draft.current_revision:
            self._stale(actor, draft, revision)
            return None
        event_type: EventType = UPDATED if is_correction(draft) else APPROVED
        payload = None
        if self.payloads is not None and self.publishes(draft):
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
        fields: Mapping[str, str | None] | None = None,
    ) -> bool:
        """A human edit of ``base_revision`` (the text the Edit modal was opened on) becomes
        the current revision; the checks run again on the new text. ``fields`` are the output
        fields the modal offered: a text replaces the field, None or "" removes it; fields not
        named keep the base revision's text (None: all of them)."""
        outcome = self._recording(
            actor,
            "edit",
            lambda: self._save_edit(draft_id, actor, base_revision, bullets, fields or {}),
        )
        return self._show_won(outcome)

    def _save_edit(
        self,
        draft_id: str,
        actor: Actor,
        base_revision: int | None,
        bullets: Sequence[str],
        edited: Mapping[str, str | None],
    ) -> Outcome | None:
        draft = self._draft_for(draft_id, actor)
        if draft is None:
            return None
        correcting = draft.state == "published"
        if correcting and not self.may_review(actor.user_id, draft):
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
        fields = dict(current.fields) if current else {}
        for name, text in edited.items():
            cleaned = " ".join((text or "").split())
            if cleaned:
                fields[name] = cleaned
            else:
                fields.pop(name, None)
        article = draft.article()
        checks: list[dict[str, Any]] | None = None
        evidence: list[dict[str, Any]] | None = None
        if article is not None:
            found, supporting = run_checks(
                article, bullets, self.style_for(draft), language, fields=tuple(fields.items())
            )
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
            fields=fields,
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
            self._refuse(actor, draft, state_refusal(draft))
            return None
        if revision is None or revision != draft.approved_revision:
            self._stale(actor, draft, revision)
            return None
        payload = None
        if self.payloads is not None and self.publishes(draft):
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

    # --- App Home ---------------------------------------------------------------------------

    def home(
        self,
        user_id: str,
        team_id: str | None = None,
        *,
        queue: str = "waiting",
        desk_channels: frozenset[str] | None = None,
    ) -> HomeData:
        """The App Home of ``user_id``: for editors the chosen queue (at most 50 drafts, each
        an indexed query) and recent approvals. ``desk_channels`` are the channels of the
        desks the user edits (None: no desks, and "desk" falls back to "waiting"); an unknown
        ``queue`` is "waiting". "published_today" counts from midnight UTC."""
        desk_editor = self.desks is not None and bool(self.desks.for_editor(user_id))
        if not (self.is_editor(user_id, team_id) or desk_editor):
            return HomeData(is_editor=False)
        chosen: HomeQueue = "waiting"
        for known in HOME_QUEUES:
            if queue == known and (known != "desk" or desk_channels is not None):
                chosen = known
        store, limit = self.store, HOME_QUEUE_LIMIT
        if chosen == "mine":
            drafts = store.drafts_of_user(user_id, team_id=team_id, limit=limit)
        elif chosen == "desk":
            drafts = store.awaiting_review(
                team_id=team_id, limit=limit, channels=desk_channels, shown_only=True
            )
        elif chosen == "failed":
            drafts = store.failed_drafts(team_id=team_id, limit=limit)
        elif chosen == "published_today":
            midnight = (
                self.clock().astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
            )
            drafts = store.published_since(midnight, team_id=team_id, limit=limit)
        else:
            # A /summarize preview nobody posted for review is nobody else's business.
            drafts = store.awaiting_review(team_id=team_id, limit=limit, shown_only=True)
        approvals = store.recent_approvals(team_id=team_id, limit=10)
        return HomeData(
            is_editor=True,
            pending=tuple(drafts),
            approvals=tuple(approvals),
            queue=chosen,
            desk_available=desk_channels is not None,
        )
