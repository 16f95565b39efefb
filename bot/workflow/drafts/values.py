"""The values and protocols the draft workflow speaks in: who acts (:class:`Actor`), what a
refusal or failure says, what comes in from Slack, what the :class:`Notifier` must show, the
workers' :class:`Wakeup` and the :class:`WorkflowConfig`.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol

from bot.domain import Article
from bot.store import Draft, Revision

SYSTEM_ACTOR = "system"


DUPLICATE_REASON = "duplicate"


DISMISSED_REASON = "dismissed"


APPROVED_STATES = frozenset({"approved", "published", "publish_failed"})


REJECTABLE_STATES = frozenset({"queued", "working", "ready", "failed"})


RETRACTABLE_STATES = frozenset({"approved", "published", "publish_failed"})


# Failures that pass by themselves (the model overloaded or unreachable; the site down, slow or
# rate-limiting) and crashes inside a worker ("internal": a bug hit under load, such as a race
# in a shared tool, must not leave the draft waiting for an editor's Retry): re-queued
# automatically with a growing delay, up to ``WORK_AUTO_RETRIES`` times. Refusals (paywall,
# 404, the model declining, bad output…) never are: trying again would give the same answer.
AUTO_RETRY_CODES = frozenset(
    {
        "summary_unavailable",
        "unreachable",
        "too_slow",
        "http_rate_limited",
        "http_server_error",
        "internal",
    }
)


_MIN_IDLE_WAIT_S = 0.02


# A "Post for review" reservation older than this belongs to a process that died while
# posting; another click may take it over. Well above one Slack call with its retries
# (30 s timeout, bot/slack/app.py).
POST_RESERVATION_STALE = timedelta(minutes=5)


def is_correction(draft: Draft) -> bool:
    """A published draft an editor edited again: approving it sends ``summary.updated``."""
    return draft.state in ("queued", "working", "ready") and draft.approved_revision is not None


class ArticleSource(Protocol):
    """What the workers fetch articles with (``bot.articles.pipeline.ArticlePipeline``)."""

    def fetch_article(self, url: str) -> Article: ...


@dataclass(frozen=True, slots=True)
class Actor:
    """Who clicked or typed, and where to answer them privately."""

    user_id: str
    name: str | None = None
    channel: str | None = None
    thread_ts: str | None = None
    response_url: str | None = None
    # The workspace the click came from; with ``channel``, a draft elsewhere is "not found".
    team_id: str | None = None
    enterprise_id: str | None = None  # its Enterprise Grid organization, if any


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why an action changed nothing: a sentence key, and the user it names (if any)."""

    key: str
    user_id: str | None = None


@dataclass(frozen=True, slots=True)
class Failure:
    """A draft's failure as the thread shows it: ``error.<code>`` and whether Retry helps."""

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    retryable: bool = False
    # Set when the draft was re-queued automatically: the thread says when the next try is.
    retry_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class IncomingMessage:
    """A person's Slack message with links, as the event listener parsed it."""

    team_id: str
    channel: str
    ts: str
    user_id: str
    urls: Sequence[str]
    thread_ts: str | None = None
    event_id: str | None = None
    enterprise_id: str | None = None  # the Enterprise Grid organization, if any


@dataclass(frozen=True, slots=True)
class Review:
    """A draft and its current text, for the Edit modal and previews."""

    draft: Draft
    revision: Revision | None
    # The output fields the Edit modal offers, (name, character limit), in order.
    field_limits: tuple[tuple[str, int], ...] = ()


# The editor's queue in App Home, filtered: what each shows is documented in the README.
HomeQueue = Literal["waiting", "mine", "desk", "failed", "published_today"]
HOME_QUEUES: tuple[HomeQueue, ...] = ("waiting", "mine", "desk", "failed", "published_today")
HOME_QUEUE_LIMIT = 50


@dataclass(frozen=True, slots=True)
class HomeData:
    is_editor: bool
    pending: tuple[Draft, ...] = ()  # the chosen queue (``queue``), at most 50
    approvals: tuple[Draft, ...] = ()
    queue: HomeQueue = "waiting"
    desk_available: bool = False  # the user edits a desk: "My desk" is offered


class Notifier(Protocol):
    """How the workflow shows things to people (implemented by ``bot.slack.notifier``).

    Implementations handle their own delivery errors (log them); they never raise.
    """

    def received(self, drafts: Sequence[Draft]) -> None:
        """The immediate progress signal for newly recorded drafts (e.g. a reaction)."""

    def working(self, draft: Draft) -> Draft:
        """A worker started; return the draft (with its ``bot_message_ts`` if a notifier
        posted a placeholder; the Slack one does not: its card is posted once, when ready)."""

    def ready(self, draft: Draft, revision: Revision) -> None:
        """Show the finished draft (state ``ready``) in the thread or privately."""

    def failed(self, draft: Draft, failure: Failure) -> None:
        """Tell in one sentence why the draft could not be made (or, with
        ``failure.retry_at``, why not yet and when the next try comes)."""

    def duplicate(self, draft: Draft, existing: Draft) -> None:
        """Point to the thread of the earlier summary of the same link."""

    def finished(self, draft: Draft) -> None:
        """The worker committed the draft's outcome (end the progress signal)."""

    def changed(self, draft: Draft) -> None:
        """Show the draft as it is now (after approve, reject, edit, regenerate, retry)."""

    def refuse(self, actor: Actor, draft: Draft | None, refusal: Refusal) -> None:
        """Tell ``actor`` privately why nothing changed."""

    def post_for_review(self, draft: Draft, revision: Revision, actor: Actor) -> str | None:
        """Post a private summary in the channel for review; the message ts, or None."""

    def permalink(self, draft: Draft) -> str | None:
        """A link to the draft's thread message, if it can be had."""


class Wakeup:
    """Wakes idle workers at once when work is queued; no wakeup is lost between checks."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._generation = 0
        self._stopped = False

    def generation(self) -> int:
        with self._cond:
            return self._generation

    def wake(self) -> None:
        with self._cond:
            self._generation += 1
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._generation != seen or self._stopped, timeout)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    @property
    def stopped(self) -> bool:
        with self._cond:
            return self._stopped


@dataclass(frozen=True, slots=True)
class WorkflowConfig:
    lease_s: float = 300.0
    duplicate_window_s: float = 86400.0
    channel_allowlist: frozenset[str] = frozenset()
    # Automatic retries of a passing failure (:data:`AUTO_RETRY_CODES`) before the draft is
    # failed for good; 0 turns them off. Delays: see :func:`auto_retry_delay`.
    auto_retries: int = 3
    auto_retry_base_s: float = 30.0
    # Seconds a draft waits for an older draft of the same article (another channel, same
    # house style) that is being summarized right now, to reuse its text; 0: never waits.
    reuse_wait_s: float = 60.0


def auto_retry_delay(retry: int, base_s: float, rng: random.Random) -> float:
    """Seconds before automatic retry number ``retry`` (1-based): ``base_s`` × 4^(retry-1)
    (30 s, 2 min, 8 min by default), ±25 % jitter so drafts failed together spread out."""
    if retry < 1:
        raise ValueError("automatic retries are numbered from 1")
    return float(base_s * 4 ** min(retry - 1, 10) * rng.uniform(0.75, 1.25))
