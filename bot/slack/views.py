"""Plain values the Block Kit builders render; the workflow's adapters map their records to these.

Nothing here knows the store or the summarizer. Text fields hold raw text (the builders
escape it); user fields hold Slack user ids (rendered as mentions).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

DraftState = Literal[
    "queued",
    "working",
    "ready",
    "regenerating",
    "approved",
    "published",
    "publish_failed",
    "rejected",
    "failed",
    "retracted",
]

REVIEWABLE_STATES: frozenset[str] = frozenset({"ready"})
APPROVED_STATES: frozenset[str] = frozenset({"approved", "published", "publish_failed"})


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """What the draft summarizes: shown as a link with site and date."""

    url: str
    title: str | None = None
    site: str | None = None
    published: str | None = None  # ISO 8601 date or datetime, as extracted


@dataclass(frozen=True, slots=True)
class CheckWarning:
    """A deterministic check that wants a human look.

    ``message_key`` names the sentence in the catalogue (e.g. the summarizer's check keys);
    ``text`` is the offending fragment (a number, a quote, a name) and is passed to the
    sentence as ``{text}``; ``bullet_index`` (0-based) ties it to a bullet, ``None`` to the
    whole draft, ``field_name`` to an output field.
    """

    kind: str
    message_key: str
    bullet_index: int | None = None
    text: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    # The output field (headline, teaser…) it is about; None for bullets and the whole draft.
    field_name: str | None = None


@dataclass(frozen=True, slots=True)
class Evidence:
    """The article sentence that best supports a bullet, with its similarity score (0..1)."""

    sentence: str
    score: float


@dataclass(frozen=True, slots=True)
class ErrorView:
    """A failure told in one sentence: ``error.<code>`` with ``params``; Retry if ``retryable``."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    retryable: bool = False
    # Set when the bot tries again by itself: the sentence names the time instead.
    retry_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StatusView:
    """A publishing status line: a ``publish.*`` sentence (``bot/i18n/publisher.py``) and values.

    The builders render it: ``editor`` (a user id) becomes a mention, ``at`` a time token in
    each reader's zone, and every text in ``params`` (such as the CMS's ``reason``) is escaped.
    ``retry`` asks for a Retry publishing button.
    """

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    editor: str | None = None
    at: datetime | None = None
    retry: bool = False


@dataclass(frozen=True, slots=True)
class DraftView:
    """Everything the draft message shows, in any state."""

    draft_id: str
    state: DraftState
    article: ArticleRef
    heading: str = ""
    bullets: tuple[str, ...] = ()
    # Output fields beside the bullets: (name, text), in order (headline, teaser…).
    fields: tuple[tuple[str, str], ...] = ()
    disclaimer: str = ""
    language: str | None = None
    model: str = ""
    prompt_version: str = ""
    engine: str = "claude"  # "claude" or "extractive"
    ai_generated: bool = True
    revision: int = 1  # the revision shown; the review buttons name it
    # The published revision (a Retract button names it); None before the first approval.
    approved_revision: int | None = None
    warnings: tuple[CheckWarning, ...] = ()
    evidence: tuple[Evidence | None, ...] = ()  # per bullet, same order as ``bullets``
    requested_by: str | None = None
    edited_by: str | None = None
    approved_by: str | None = None
    approved_at: datetime | None = None
    rejected_by: str | None = None
    reject_reason: str | None = None
    regenerate_requested_by: str | None = None
    retracted_by: str | None = None
    # A published summary edited again (state ready): approving sends it as an update.
    correction: bool = False
    # The publishing status line; a plain string is shown as text (escaped).
    publish_status: StatusView | str | None = None
    error: ErrorView | None = None

    @property
    def edited(self) -> bool:
        return self.edited_by is not None


@dataclass(frozen=True, slots=True)
class HomeItem:
    """One draft in the App Home lists."""

    draft_id: str
    article: ArticleRef
    permalink: str | None = None  # the draft's thread message
    created_at: datetime | None = None
    user_id: str | None = None  # who asked (pending) or who approved (approvals)
    at: datetime | None = None  # when it was approved


@dataclass(frozen=True, slots=True)
class HomeView:
    """The App Home tab of one user."""

    is_editor: bool
    pending: tuple[HomeItem, ...] = ()
    recent_approvals: tuple[HomeItem, ...] = ()
    pending_total: int | None = None  # when ``pending`` is a page of a longer queue
