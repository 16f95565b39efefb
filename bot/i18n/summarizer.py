"""Sentences for summarizer failures (keys: ``error.<SummaryError.code>``)."""

MESSAGES: dict[str, dict[str, str]] = {}
