"""Publishing approved summaries to the CMS over a signed Standard Webhooks endpoint.

Pieces the outbox worker calls: :func:`build_payload` / :func:`encode_payload` (frozen once
per event), :class:`WebhookClient` (one attempt), :class:`RetryPolicy` (what next).
This package never imports the store, the article pipeline, the summarizer or Slack.
"""

from bot.publisher.client import AttemptResult, WebhookClient, short_reason
from bot.publisher.payload import (
    APPROVED,
    RETRACTED,
    UPDATED,
    ArticleRef,
    EditorAction,
    EventType,
    Provenance,
    PublishInput,
    RetractInput,
    SummaryText,
    build_payload,
    encode_payload,
)
from bot.publisher.policy import (
    Action,
    Decision,
    ErrorKind,
    Outcome,
    RetryPolicy,
    classify,
    parse_retry_after,
)
from bot.publisher.signing import SignatureError, Signer, new_webhook_id, verify

__all__ = [
    "APPROVED",
    "RETRACTED",
    "UPDATED",
    "Action",
    "ArticleRef",
    "AttemptResult",
    "Decision",
    "EditorAction",
    "ErrorKind",
    "EventType",
    "Outcome",
    "Provenance",
    "PublishInput",
    "RetractInput",
    "RetryPolicy",
    "SignatureError",
    "Signer",
    "SummaryText",
    "WebhookClient",
    "build_payload",
    "classify",
    "encode_payload",
    "new_webhook_id",
    "parse_retry_after",
    "short_reason",
    "verify",
]
