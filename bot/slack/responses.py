"""Answers through an interaction's ``response_url`` (slash commands, buttons, shortcuts): an
ephemeral message for the person who acted, posted with slack_sdk's ``WebhookClient`` and the
one retry layer; failures are logged, never raised
(https://docs.slack.dev/interactivity/handling-user-interaction#message_responses).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.webhook import WebhookClient

from bot.logs import get_logger
from bot.slack.calls import TRANSPORT_ERRORS

log = get_logger(__name__)


class ResponseUrls:
    """Sends ephemeral answers to ``response_url`` s (thread-safe: a client per answer)."""

    def __init__(self, *, timeout_s: int = 10, retry_handler: RetryHandler | None = None) -> None:
        self.timeout_s = timeout_s
        self.retry_handler = retry_handler

    def send(
        self,
        response_url: str | None,
        message: Mapping[str, Any],
        *,
        draft_id: str | None = None,
        replace_original: bool = True,
    ) -> bool:
        """Post ``message`` (its ``text`` and ``blocks``); False when it did not arrive."""
        if not response_url:
            log.warning("slack.no_response_url", draft_id=draft_id)
            return False
        webhook = WebhookClient(
            response_url,
            timeout=self.timeout_s,
            retry_handlers=[self.retry_handler] if self.retry_handler is not None else [],
        )
        try:
            answer = webhook.send(
                text=message.get("text"),
                blocks=message.get("blocks"),
                response_type="ephemeral",
                replace_original=replace_original,
            )
        except TRANSPORT_ERRORS:
            log.exception("slack.respond_failed", draft_id=draft_id)
            return False
        if answer.status_code >= 300:
            log.warning("slack.respond_failed", draft_id=draft_id, status=answer.status_code)
            return False
        return True
