"""Store and summarizer values → the plain views the Block Kit builders render."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.i18n.labels import SummaryLabels
from bot.slack.views import (
    ArticleRef,
    CheckWarning,
    DraftState,
    DraftView,
    ErrorView,
    Evidence,
    HomeItem,
    HomeView,
    StatusView,
)
from bot.store import ATTEMPTS_EXHAUSTED, Delivery, Draft, Revision

_METADATA_SEPARATOR = ":"


def article_ref(draft: Draft) -> ArticleRef:
    meta: Mapping[str, Any] = draft.article_meta or {}
    return ArticleRef(
        url=draft.url,
        title=draft.article_title or meta.get("title"),
        site=meta.get("site_name"),
        published=meta.get("published"),
    )


def _warnings(checks: Any) -> tuple[CheckWarning, ...]:
    if not isinstance(checks, Sequence):
        return ()
    found = []
    for item in checks:
        if not isinstance(item, Mapping):
            continue
        bullet = item.get("bullet")
        field_name = item.get("field")
        found.append(
            CheckWarning(
                kind=str(item.get("kind", "")),
                message_key=str(item.get("message_key", "")),
                bullet_index=bullet if isinstance(bullet, int) else None,
                text=str(item.get("text") or ""),
                params=dict(item.get("params") or {}),
                field_name=str(field_name) if field_name else None,
            )
        )
    return tuple(found)


def _evidence(evidence: Any, bullets: int) -> tuple[Evidence | None, ...]:
    if not isinstance(evidence, Sequence) or not evidence:
        return ()
    per_bullet: list[Evidence | None] = [None] * bullets
    for item in evidence:
        if not isinstance(item, Mapping):
            continue
        index = item.get("bullet")
        sentence = item.get("sentence")
        if isinstance(index, int) and 0 <= index < bullets and sentence:
            per_bullet[index] = Evidence(sentence=str(sentence), score=float(item["score"]))
    return tuple(per_bullet)


def _state(draft: Draft) -> DraftState:
    if draft.state in ("queued", "working") and draft.current_revision is not None:
        return "regenerating"
    return draft.state


def draft_view(
    draft: Draft,
    revision: Revision | None,
    *,
    labels: SummaryLabels | None = None,
    publish_status: StatusView | str | None = None,
) -> DraftView:
    """What the draft message shows for ``draft`` at ``revision`` (its current text); the
    disclaimer follows the revision's language (``labels``)."""
    state = _state(draft)
    error = None
    if draft.state == "failed":
        error = ErrorView(
            code=draft.last_error_code or "internal",
            retryable=bool(draft.last_error_retryable),
        )
    if revision is None:
        return DraftView(
            draft_id=draft.id,
            state=state,
            article=article_ref(draft),
            requested_by=draft.reporter_id,
            regenerate_requested_by=draft.instruction_by,
            rejected_by=draft.rejected_by,
            reject_reason=draft.rejected_reason,
            approved_by=draft.approved_by,
            approved_at=draft.approved_at,
            retracted_by=draft.retracted_by,
            publish_status=publish_status,
            error=error,
        )
    extractive = revision.engine == "extractive"
    return DraftView(
        draft_id=draft.id,
        state=state,
        article=article_ref(draft),
        heading=revision.heading or "",
        bullets=tuple(revision.bullets),
        fields=tuple(revision.fields.items()),
        disclaimer=(labels or SummaryLabels()).disclaimer_for(
            revision.language, extractive=extractive
        ),
        language=revision.language,
        model=revision.model or "",
        prompt_version=revision.prompt_version or "",
        engine="extractive" if extractive else "claude",
        ai_generated=not extractive,
        revision=revision.number,
        approved_revision=draft.approved_revision,
        warnings=_warnings(revision.checks),
        evidence=_evidence(revision.evidence, len(revision.bullets)),
        requested_by=draft.reporter_id,
        edited_by=revision.author if revision.kind == "edit" else None,
        approved_by=draft.approved_by,
        approved_at=draft.approved_at,
        rejected_by=draft.rejected_by,
        reject_reason=draft.rejected_reason,
        regenerate_requested_by=draft.instruction_by,
        retracted_by=draft.retracted_by,
        correction=draft.state == "ready" and draft.approved_revision is not None,
        publish_status=publish_status,
        error=error,
    )


_DONE_KEYS = {
    "summary.approved": "publish.published",
    "summary.updated": "publish.updated",
    "summary.retracted": "publish.retracted",
}
_SENDING_KEYS = {
    "summary.approved": "publish.publishing",
    "summary.updated": "slack.status.updating",
    "summary.retracted": "slack.status.retracting",
}


def publish_status(
    draft: Draft, delivery: Delivery | None = None, *, publishing: bool
) -> StatusView | None:
    """The delivery line under an approved or retracted draft, from its newest outbox row.

    The worker shows the exact line after each attempt (with the CMS's reason); this is the
    same line rebuilt from what the store kept, for any later redraw of the message.
    """
    if draft.state == "retracted":
        editor = draft.retracted_by
        if not publishing:
            return StatusView("slack.status.retract_not_configured")
    elif draft.state in ("approved", "published", "publish_failed"):
        editor = draft.approved_by
        if not publishing:
            return StatusView("publish.not_configured")
    else:
        return None
    if delivery is None:
        return StatusView("publish.publishing") if draft.state == "approved" else None
    status = delivery.last_status
    if delivery.state == "delivered":
        key = _DONE_KEYS.get(delivery.event_type, "publish.published")
        return StatusView(key, {"status": status}, editor=editor, at=delivery.delivered_at)
    if delivery.state == "failed":
        return _failed_status(delivery)
    if delivery.state == "pending" and delivery.total_attempts > 0:
        attempt = {"attempt": delivery.total_attempts}
        if status is None:
            return StatusView("publish.retrying", attempt, at=delivery.next_attempt_at)
        params = {**attempt, "status": status}
        return StatusView("publish.retrying_http", params, at=delivery.next_attempt_at)
    return StatusView(_SENDING_KEYS.get(delivery.event_type, "publish.publishing"))


def _failed_status(delivery: Delivery) -> StatusView:
    """The failure line, as :func:`bot.publisher.status.status_line` words it."""
    status = delivery.last_status
    refused = status is not None and 300 <= status <= 499 and status not in (408, 429)
    if delivery.last_error == ATTEMPTS_EXHAUSTED or not refused:
        return StatusView(
            "publish.failed_gave_up", {"attempts": delivery.total_attempts}, retry=True
        )
    if status == 410:
        return StatusView("publish.failed_gone", {"status": status}, retry=True)
    if status is not None and status <= 399:
        return StatusView("publish.failed_redirect", {"status": status}, retry=True)
    # last_error is "HTTP 400: <the CMS's reason>" (bot.workflow.publishing.describe).
    prefix = f"HTTP {status}: "
    reason = delivery.last_error[len(prefix) :] if delivery.last_error else ""
    if delivery.last_error and delivery.last_error.startswith(prefix) and reason.strip():
        return StatusView(
            "publish.failed_rejected", {"status": status, "reason": reason}, retry=True
        )
    return StatusView("publish.failed_rejected_no_reason", {"status": status}, retry=True)


def home_view(
    is_editor: bool,
    pending: Sequence[tuple[Draft, str | None]] = (),
    approvals: Sequence[tuple[Draft, str | None]] = (),
) -> HomeView:
    """The App Home of one user; each draft comes with the permalink of its thread message."""
    return HomeView(
        is_editor=is_editor,
        pending=tuple(
            HomeItem(
                draft_id=d.id,
                article=article_ref(d),
                permalink=link,
                created_at=d.created_at,
                user_id=d.reporter_id,
            )
            for d, link in pending
        ),
        recent_approvals=tuple(
            HomeItem(
                draft_id=d.id,
                article=article_ref(d),
                permalink=link,
                created_at=d.created_at,
                user_id=d.approved_by,
                at=d.approved_at,
            )
            for d, link in approvals
        ),
    )


@dataclass(frozen=True, slots=True)
class ModalContext:
    """What a modal's ``private_metadata`` carries: the draft, the revision the modal was
    opened on, and the channel (and thread) of the card it was opened from. A
    ``view_submission`` names no channel of its own; Slack hands back the metadata we set
    when opening the view, so this is where the submission's channel comes from."""

    draft_id: str
    revision: int | None = None
    channel: str | None = None
    thread_ts: str | None = None


def modal_metadata(
    draft_id: str,
    revision: int | None,
    *,
    channel: str | None = None,
    thread_ts: str | None = None,
) -> str:
    """``<draft id>:<revision>:<channel>:<thread ts>`` (ids and a ts: no separators inside)."""
    parts = [draft_id, "" if revision is None else str(revision), channel or "", thread_ts or ""]
    return _METADATA_SEPARATOR.join(parts).rstrip(_METADATA_SEPARATOR)


def parse_modal_metadata(metadata: str) -> ModalContext:
    draft_id, revision, channel, thread_ts = (metadata.split(_METADATA_SEPARATOR, 3) + [""] * 3)[:4]
    # str.isdigit() also accepts "²" and other digits int() refuses: ASCII digits only.
    ok = revision.isascii() and revision.isdigit()
    return ModalContext(
        draft_id=draft_id,
        revision=int(revision) if ok else None,
        channel=channel or None,
        thread_ts=thread_ts or None,
    )
