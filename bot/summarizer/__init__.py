"""Summaries: Claude (or an offline extractive engine) turns an article into a checked draft.

The workflow calls :func:`build_summarizer` once and then ``summarize(article)`` per draft;
:func:`run_checks` also checks text an editor wrote. This package never imports the other
services (articles, store, publisher); it receives an :class:`~bot.domain.Article`.
"""

from bot.summarizer.checks import run_checks
from bot.summarizer.claude import ClaudeSummarizer, Prices
from bot.summarizer.client import RetryPolicy
from bot.summarizer.errors import (
    ArticleTooShort,
    ModelOutputInvalid,
    ModelRefused,
    ModelUnavailable,
    SpendLimitReached,
    SummarizerMisconfigured,
    SummaryError,
)
from bot.summarizer.extractive import ExtractiveSummarizer
from bot.summarizer.factory import FallbackSummarizer, build_summarizer
from bot.summarizer.prompts import PromptSet
from bot.summarizer.types import Check, Draft, Evidence, HouseStyle, Summarizer, Timings, Usage

__all__ = [
    "ArticleTooShort",
    "Check",
    "ClaudeSummarizer",
    "Draft",
    "Evidence",
    "ExtractiveSummarizer",
    "FallbackSummarizer",
    "HouseStyle",
    "ModelOutputInvalid",
    "ModelRefused",
    "ModelUnavailable",
    "Prices",
    "PromptSet",
    "RetryPolicy",
    "SpendLimitReached",
    "Summarizer",
    "SummarizerMisconfigured",
    "SummaryError",
    "Timings",
    "Usage",
    "build_summarizer",
    "run_checks",
]
