"""Store and summarizer values → the plain views the Block Kit builders render."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.i18n import t
from bot.slack.views import (
    ArticleRef,
    CheckWarning,
    DraftState,
    DraftView,
    ErrorView,
    Evidence,
    HomeItem,
    HomeView,
)
from bot.store import Draft, Revision

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
        found.append(
            CheckWarning(
                kind=str(item.get("kind", "")),
                message_key=str(item.get("message_key", "")),
                bullet_index=bullet if isinstance(bullet, int) else None,
                text=str(item.get("text") or ""),
                params=dict(item.get("params") or {}),
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
    disclaimer: str = "",
    extractive_disclaimer: str = "",
    publish_status: str | None = None,
) -> DraftView:
    """What the draft message shows for ``draft`` at ``revision`` (its current text)."""
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
            error=error,
        )
    extractive = revision.engine == "extractive"
    return DraftView(
        draft_id=draft.id,
        state=state,
        article=article_ref(draft),
        heading=revision.heading or "",
        bullets=tuple(revision.bullets),
        disclaimer=extractive_disclaimer if extractive else disclaimer,
        language=revision.language,
        model=revision.model or "",
        prompt_version=revision.prompt_version or "",
        engine="extractive" if extractive else "claude",
        ai_generated=not extractive,
        revision=revision.number,
        warnings=_warnings(revision.checks),
        evidence=_evidence(revision.evidence, len(revision.bullets)),
        requested_by=draft.reporter_id,
        edited_by=revision.author if revision.kind == "edit" else None,
        approved_by=draft.approved_by,
        approved_at=draft.approved_at,
        rejected_by=draft.rejected_by,
        reject_reason=draft.rejected_reason,
        regenerate_requested_by=draft.instruction_by,
        publish_status=publish_status,
        error=error,
    )


def publish_status(draft: Draft, *, publishing: bool, lang: str) -> str | None:
    """The delivery line under an approved draft (the publish worker refines it later)."""
    if draft.state not in ("approved", "published", "publish_failed"):
        return None
    if not publishing:
        return t("publish.not_configured", lang)
    if draft.state == "approved":
        return t("publish.publishing", lang)
    return None


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


def modal_metadata(draft_id: str, revision: int | None) -> str:
    """``private_metadata`` of our modals: the draft id and the revision the user saw."""
    return draft_id if revision is None else f"{draft_id}{_METADATA_SEPARATOR}{revision}"


def parse_modal_metadata(metadata: str) -> tuple[str, int | None]:
    draft_id, _, revision = metadata.partition(_METADATA_SEPARATOR)
    return draft_id, int(revision) if revision.isdigit() else None
