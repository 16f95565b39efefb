"""Typed refusals of the summarizer; each maps to one sentence in ``bot.i18n.summarizer``."""

from __future__ import annotations

from bot.domain import UserFacingError


class SummaryError(UserFacingError):
    """Base class: no draft could be made."""

    code = "summary"


class ArticleTooShort(SummaryError):
    """Too little text to summarize (``words`` and ``minimum`` are in ``params``)."""

    code = "summary_article_too_short"


class ModelRefused(SummaryError):
    """The model declined (``stop_reason: refusal``) twice."""

    code = "summary_refused"


class ModelOutputInvalid(SummaryError):
    """The answer was cut off or did not match the schema, also after the corrective attempt."""

    code = "summary_invalid"
    retryable = True


class ModelUnavailable(SummaryError):
    """Overloaded, rate-limited, timed out or unreachable after our retries."""

    code = "summary_unavailable"
    retryable = True


class SpendLimitReached(SummaryError):
    """The organisation's API spend limit or credit is exhausted; an administrator must act."""

    code = "summary_spend_limit"


class SummarizerMisconfigured(SummaryError):
    """Key rejected, model unknown, request refused as malformed, prompts broken: admin's job.

    The sentence tells the reporter that an administrator must fix it, without details; the
    details go to the log.
    """

    code = "summary_misconfigured"


class NotMessagesApi(SummarizerMisconfigured):
    """``ANTHROPIC_BASE_URL`` answers, but not as the Messages API (an HTML page, ``{}``, a
    proxy's 404): a configuration error, never retried."""

    code = "summary_not_messages_api"
