"""Which thread status line (``publish.*`` in ``bot.i18n.publisher``) fits a delivery's state.

Pure mapping; the Slack layer adds ``editor`` and ``time``, escapes ``reason``, renders the
sentence, and shows a Retry button when :attr:`StatusLine.retry_button` is set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.publisher.client import AttemptResult
from bot.publisher.payload import RETRACTED, UPDATED, EventType
from bot.publisher.policy import Action, Decision


@dataclass(frozen=True, slots=True)
class StatusLine:
    key: str
    params: dict[str, Any] = field(default_factory=dict)
    retry_button: bool = False


PUBLISHING = StatusLine("publish.publishing")
NOT_CONFIGURED = StatusLine("publish.not_configured")


def status_line(event_type: EventType, result: AttemptResult, decision: Decision) -> StatusLine:
    """The line to show after ``result``, given what the policy decided."""
    status = result.status
    if decision.action is Action.DONE:
        key = {RETRACTED: "publish.retracted", UPDATED: "publish.updated"}.get(
            event_type, "publish.published"
        )
        return StatusLine(key, {"status": status})
    if decision.action is Action.RETRY:
        if status is None:
            return StatusLine("publish.retrying", {"attempt": result.attempt_no})
        return StatusLine("publish.retrying_http", {"attempt": result.attempt_no, "status": status})
    if decision.action is Action.GONE:
        return StatusLine("publish.failed_gone", {"status": status}, retry_button=True)
    if decision.action is Action.GIVE_UP:
        return StatusLine("publish.failed_gave_up", {"attempts": result.attempt_no}, True)
    # Action.STOP: the receiver refused these bytes.
    if status is not None and 300 <= status <= 399:
        return StatusLine("publish.failed_redirect", {"status": status}, retry_button=True)
    if result.response_snippet:
        params = {"status": status, "reason": result.response_snippet}
        return StatusLine("publish.failed_rejected", params, retry_button=True)
    return StatusLine("publish.failed_rejected_no_reason", {"status": status}, retry_button=True)
