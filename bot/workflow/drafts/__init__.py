"""The review loop: record requests at once, summarize in leased workers, review, approve.

Acks only call the cheap recording methods (:meth:`DraftWorkflow.record_message`,
:meth:`DraftWorkflow.request_summary`, the review actions), which write to the store and
wake the workers. :class:`SummaryWorkers` claim queued drafts with a lease (renewed while
working), fetch, summarize, show the result through the :class:`Notifier` and then commit.
Showing before committing means a crash at any point leaves a draft that another worker
reclaims when the lease runs out and finishes in the same thread message: nothing is stuck
and nothing is posted twice. This package never imports Slack; ``bot.slack.notifier``
implements :class:`Notifier`.

- :mod:`.values`: the values and protocols it speaks in.
- :mod:`.intake`: recording requests (the ack path).
- :mod:`.processing`: the workers' processing of a claimed draft.
- :mod:`.review`: review actions and App Home's queue.
- :mod:`.workflow`: :class:`DraftWorkflow`, made of those parts; :mod:`.workers`: the threads.
"""

from bot.workflow.drafts.values import (
    APPROVED_STATES,
    AUTO_RETRY_CODES,
    DISMISSED_REASON,
    DUPLICATE_REASON,
    HOME_QUEUE_LIMIT,
    HOME_QUEUES,
    POST_RESERVATION_STALE,
    REJECTABLE_STATES,
    RETRACTABLE_STATES,
    SYSTEM_ACTOR,
    Actor,
    ArticleSource,
    Failure,
    HomeData,
    HomeQueue,
    IncomingMessage,
    Notifier,
    Refusal,
    Review,
    Wakeup,
    WorkflowConfig,
    auto_retry_delay,
    is_correction,
)
from bot.workflow.drafts.workers import SummaryWorkers
from bot.workflow.drafts.workflow import DraftWorkflow

__all__ = [
    "APPROVED_STATES",
    "AUTO_RETRY_CODES",
    "DISMISSED_REASON",
    "DUPLICATE_REASON",
    "HOME_QUEUES",
    "HOME_QUEUE_LIMIT",
    "POST_RESERVATION_STALE",
    "REJECTABLE_STATES",
    "RETRACTABLE_STATES",
    "SYSTEM_ACTOR",
    "Actor",
    "ArticleSource",
    "DraftWorkflow",
    "Failure",
    "HomeData",
    "HomeQueue",
    "IncomingMessage",
    "Notifier",
    "Refusal",
    "Review",
    "SummaryWorkers",
    "Wakeup",
    "WorkflowConfig",
    "auto_retry_delay",
    "is_correction",
]
