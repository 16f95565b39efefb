"""The ``summary.approved`` and ``summary.retracted`` bodies frozen in the outbox at approval
(:class:`ApprovalPayloads`), with the provenance of the AI revision they are based on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.i18n.labels import SummaryLabels
from bot.publisher import (
    APPROVED,
    RETRACTED,
    ArticleRef,
    EditorAction,
    Provenance,
    PublishInput,
    RetractInput,
    SummaryText,
    build_payload,
)
from bot.publisher.payload import EventType
from bot.settings import Settings
from bot.store import Draft, PayloadBuilder, Revision, Store

# --- the payload frozen at approval ---------------------------------------------------------------


class ApprovalPayloads:
    """Builds the ``summary.approved`` body that ``store.approve`` freezes in the outbox.

    Provenance (model, prompt version) comes from the AI revision the approved text is based
    on: the approved revision itself, or for a human edit the newest AI revision before it.
    """

    def __init__(
        self,
        store: Store,
        *,
        heading: str | None = None,
        disclaimer: str | None = None,
        extractive_disclaimer: str | None = None,
        fallback_language: str = "en",
        labels_for: Callable[[Draft], SummaryLabels] | None = None,
    ) -> None:
        """Each label None: the catalogue's, in the approved text's language (SummaryLabels).
        ``labels_for``: a draft's desk labels (DESKS_FILE), instead of these."""
        self._labels_for = labels_for
        self.store = store
        self.labels = SummaryLabels(
            heading=heading,
            disclaimer=disclaimer,
            extractive_disclaimer=extractive_disclaimer,
            fallback_language=fallback_language,
        )

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        store: Store,
        *,
        desk_webhooks: bool = False,
        labels_for: Callable[[Draft], SummaryLabels] | None = None,
    ) -> ApprovalPayloads | None:
        """None when no webhook is configured (``desk_webhooks``: a desk has its own):
        approvals are then recorded only."""
        if not settings.publish_webhook_url and not desk_webhooks:
            return None
        return cls(
            store,
            heading=settings.summary_heading,
            disclaimer=settings.summary_disclaimer,
            extractive_disclaimer=settings.summary_extractive_disclaimer,
            fallback_language=settings.bot_language,
            labels_for=labels_for,
        )

    def builder(
        self, *, permalink: str | None = None, event_type: EventType = APPROVED
    ) -> PayloadBuilder:
        """The ``payload=`` argument for ``store.approve`` (called inside its transaction);
        ``event_type`` is ``summary.updated`` for a correction."""

        def build(draft: Draft, revision: Revision) -> dict[str, Any]:
            return self.payload(draft, revision, permalink=permalink, event_type=event_type)

        return build

    def retraction_builder(
        self, *, editor_name: str | None = None, permalink: str | None = None
    ) -> Callable[[Draft], dict[str, Any]]:
        """The ``payload=`` argument for ``store.retract`` (called inside its transaction)."""

        def build(draft: Draft) -> dict[str, Any]:
            return self.retraction(draft, editor_name=editor_name, permalink=permalink)

        return build

    def retraction(
        self, draft: Draft, *, editor_name: str | None = None, permalink: str | None = None
    ) -> dict[str, Any]:
        """The ``summary.retracted`` body for a draft the store just marked retracted."""
        if draft.retracted_by is None or draft.retracted_at is None:
            raise ValueError("the draft is not retracted")
        thread_ts = draft.thread_ts or draft.bot_message_ts or draft.message_ts
        if not thread_ts:
            raise ValueError("a retracted draft needs a Slack thread")
        item = RetractInput(
            summary_id=draft.id,
            revision=draft.approved_revision or draft.current_revision or 1,
            article=self._article_ref(draft),
            retraction=EditorAction(
                editor_id=draft.retracted_by,
                editor_name=editor_name,
                at=draft.retracted_at,
                channel_id=draft.channel,
                thread_ts=thread_ts,
                permalink=permalink,
            ),
        )
        return build_payload(RETRACTED, item)

    @staticmethod
    def _article_ref(draft: Draft) -> ArticleRef:
        article = draft.article()
        if article is not None:
            return ArticleRef.from_article(article)
        meta = draft.article_meta or {}
        return ArticleRef(
            draft.url,
            draft.article_title,
            draft.article_language,
            meta.get("published"),
            author=meta.get("author"),
            site_name=meta.get("site_name"),
        )

    def payload(
        self,
        draft: Draft,
        revision: Revision,
        *,
        permalink: str | None = None,
        event_type: EventType = APPROVED,
    ) -> dict[str, Any]:
        if draft.approved_by is None or draft.approved_at is None:
            raise ValueError("the draft is not approved")
        basis = self._ai_basis(revision)
        labels = self._labels_for(draft) if self._labels_for is not None else self.labels
        extractive = basis is not None and basis.engine == "extractive"
        ref = self._article_ref(draft)
        language = revision.language or draft.article_language
        thread_ts = draft.thread_ts or draft.bot_message_ts or draft.message_ts
        if not thread_ts:
            raise ValueError("an approved draft needs a Slack thread")
        item = PublishInput(
            summary_id=draft.id,
            revision=revision.number,
            article=ref,
            summary=SummaryText(
                bullets=revision.bullets,
                heading=revision.heading or labels.heading_for(language),
                disclaimer=labels.disclaimer_for(language, extractive=extractive),
                language=language,
                fields=revision.fields,
            ),
            provenance=Provenance(
                model=(basis.model or basis.author) if basis is not None else "unknown",
                prompt_version=(basis.prompt_version or "") if basis is not None else "",
                ai_generated=not extractive,
                human_edited=revision.kind == "edit",
            ),
            approval=EditorAction(
                editor_id=draft.approved_by,
                editor_name=draft.approved_by_name,
                at=draft.approved_at,
                channel_id=draft.channel,
                thread_ts=thread_ts,
                permalink=permalink,
            ),
        )
        if event_type == RETRACTED:
            raise ValueError("use retraction() for summary.retracted")
        return build_payload(event_type, item)

    def _ai_basis(self, revision: Revision) -> Revision | None:
        current: Revision | None = revision
        while current is not None and current.kind == "edit":
            if current.number <= 1:
                return None
            current = self.store.get_revision(revision.draft_id, current.number - 1)
        return current
