"""What every part of the draft workflow shares: its dependencies, who may review, and how
an action is refused, recorded and shown (:class:`WorkflowBase`).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, TypeVar

from bot.logs import get_logger
from bot.store import Draft, Outcome, Store, utcnow
from bot.summarizer import HouseStyle, Summarizer
from bot.workflow.drafts.values import (
    APPROVED_STATES,
    RETRACTABLE_STATES,
    Actor,
    ArticleSource,
    Notifier,
    Refusal,
    Wakeup,
    WorkflowConfig,
)
from bot.workflow.publishing import ApprovalPayloads

if TYPE_CHECKING:
    from bot.desks import Desks
    from bot.metrics import Metrics

log = get_logger(__name__)

T = TypeVar("T")


class WorkflowBase:
    """The workflow's dependencies and the helpers every part uses."""

    def __init__(
        self,
        store: Store,
        *,
        articles: ArticleSource,
        summarizer: Summarizer,
        style: HouseStyle,
        notifier: Notifier,
        is_editor: Callable[[str, str | None], bool],
        config: WorkflowConfig | None = None,
        payloads: ApprovalPayloads | None = None,
        on_approved: Callable[[], None] | None = None,
        metrics: Metrics | None = None,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        desks: Desks | None = None,
        desk_summarizers: Mapping[str, Summarizer] | None = None,
        desk_editor: Callable[[str, str, str | None], bool] | None = None,
    ) -> None:
        """``payloads`` is None when no webhook is configured (approvals are only recorded);
        ``on_approved`` wakes the publish workers after an outbox row was written; ``metrics``
        counts every processed draft (its canonical ``draft.finished`` line is always logged).

        ``desks`` (DESKS_FILE): each draft's desk is recorded at intake from its channel; its
        summarizer (``desk_summarizers``, by desk name), house style, editors (``desk_editor``:
        desk name, user id) and webhook apply; drafts of no desk use the arguments above."""
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
        self.desks = desks
        self._desk_summarizers = dict(desk_summarizers or {})
        self._desk_editor = desk_editor

    def set_on_approved(self, callback: Callable[[], None] | None) -> None:
        """Wake the publish workers after an outbox row was written (set once at start)."""
        self._on_approved = callback

    def field_limits(self, draft: Draft | None = None) -> tuple[tuple[str, int], ...]:
        """The output fields (name, character limit) an editor may edit on ``draft``: the
        house style of its desk."""
        return tuple(self.style_for(draft).fields)

    def field_limits_of(self, draft_id: str) -> tuple[tuple[str, int], ...]:
        """:meth:`field_limits` of the draft ``draft_id`` (the global ones if it is gone)."""
        if self.desks is None or not draft_id:
            return self.field_limits()
        return self.field_limits(self.store.get_draft(draft_id))

    # --- desks ------------------------------------------------------------------------------

    def desk_of(self, channel: str) -> str | None:
        """The desk that claims ``channel`` (recorded on its drafts at intake), or None."""
        return self.desks.for_channel(channel).name if self.desks is not None else None

    def _own_desk(self, draft: Draft | None) -> str | None:
        # The draft's desk if it is still in the desks file, else None (the global desk).
        if draft is None or draft.desk is None or self.desks is None:
            return None
        return self.desks.by_name(draft.desk).name

    def style_for(self, draft: Draft | None) -> HouseStyle:
        desk = self._own_desk(draft)
        if desk is None or self.desks is None:
            return self.style
        return self.desks.by_name(desk).house_style()

    def summarizer_for(self, draft: Draft) -> Summarizer:
        return self._desk_summarizers.get(self._own_desk(draft) or "", self.summarizer)

    def publishes(self, draft: Draft) -> bool:
        """Approving ``draft`` sends it to a webhook: its desk's, else the global one."""
        if self.payloads is None:
            return False
        if self.desks is None:
            return True
        return bool(self.desks.by_name(self._own_desk(draft)).webhook_url)

    # --- review -----------------------------------------------------------------------------

    def may_review(
        self, user_id: str, draft: Draft | None = None, *, team_id: str | None = None
    ) -> bool:
        """An editor of ``draft``'s desk (its own editors), else an editor of the draft's
        workspace (``team_id`` without a draft; EDITOR_USER_IDS may be per workspace)."""
        desk = self._own_desk(draft)
        if desk is not None and draft is not None and self._desk_editor is not None:
            return self._desk_editor(desk, user_id, draft.team_id)
        return self.is_editor(user_id, draft.team_id if draft is not None else team_id)

    def may_change(self, draft: Draft, user_id: str) -> bool:
        """Editors, and the reporter who posted the link, may edit, regenerate and retry."""
        return user_id == draft.reporter_id or self.may_review(user_id, draft)

    def _editor_draft(
        self, draft_id: str, actor: Actor, *, refusal: str = "review.not_editor"
    ) -> Draft | None:
        """The draft for an editors-only action; others are told why and get None."""
        draft = self._draft_for(draft_id, actor)
        if draft is not None and not self.may_review(actor.user_id, draft):
            self._refuse(actor, draft, Refusal(refusal))
            return None
        return draft

    # --- helpers ----------------------------------------------------------------------------

    def _draft_for(self, draft_id: str, actor: Actor) -> Draft | None:
        draft = self.store.get_draft(draft_id) if draft_id else None
        if draft is not None and not same_place(draft, actor):
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
        elif revision is not None and moved_on(draft, revision, approved=approved):
            self._stale(actor, draft, revision)
        else:
            self._refuse(actor, draft, state_refusal(draft))
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


def same_place(draft: Draft, actor: Actor) -> bool:
    """The action came from the draft's workspace and channel. A payload that names no
    workspace or no channel is a mismatch, never a wildcard (SECURITY.md)."""
    return (
        actor.team_id is not None
        and actor.team_id == draft.team_id
        and actor.channel is not None
        and actor.channel == draft.channel
    )


def moved_on(draft: Draft, revision: int, *, approved: bool) -> bool:
    """The draft is in a state the action could apply to, but at another revision."""
    if approved:
        return draft.state in RETRACTABLE_STATES and draft.approved_revision != revision
    return draft.state in ("ready", "published") and draft.current_revision != revision


def state_refusal(draft: Draft) -> Refusal:
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
