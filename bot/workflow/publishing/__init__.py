"""Publishing approved summaries to the webhook, exactly once.

- :mod:`.worker`: one :class:`PublishWorker` claims a due delivery, sends one signed attempt,
  records it and tells the :class:`PublishNotifier`.
- :mod:`.threads`: starting, waking and stopping the worker threads.
- :mod:`.payloads`: the body frozen in the outbox at approval (:class:`ApprovalPayloads`).
"""

from bot.workflow.publishing.payloads import ApprovalPayloads
from bot.workflow.publishing.threads import (
    PublishWorkers,
    start_from_settings,
    start_publish_workers,
    worker_id,
)
from bot.workflow.publishing.worker import (
    DEFAULT_LEASE_S,
    DEFAULT_POLL_S,
    NullNotifier,
    PublishNotifier,
    PublishUpdate,
    PublishWorker,
    WebhookSender,
    describe,
)

__all__ = [
    "DEFAULT_LEASE_S",
    "DEFAULT_POLL_S",
    "ApprovalPayloads",
    "NullNotifier",
    "PublishNotifier",
    "PublishUpdate",
    "PublishWorker",
    "PublishWorkers",
    "WebhookSender",
    "describe",
    "start_from_settings",
    "start_publish_workers",
    "worker_id",
]
