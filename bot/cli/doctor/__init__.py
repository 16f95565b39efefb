"""``newsbot doctor`` — check configuration and reachability, print a checklist with fixes.

Read-only by design: it posts nothing, writes nothing and migrates nothing. It asks Slack
``auth.test`` (who the token is, and the scopes Slack grants it in the ``x-oauth-scopes``
response header, https://github.com/slack-ruby/slack-ruby-client/issues/378), counts the tokens
of a one-line prompt with the model API (``messages.count_tokens``: proves the key, base URL and
model id without paying for a completion,
https://platform.claude.com/docs/en/build-with-claude/token-counting), renders every prompt
template the way a summary request does, reads the database's schema revision, and resolves
the webhook host and connects to it (a TCP connection, and a TLS handshake for https; no HTTP
request, so the CMS sees nothing). Exit 0 when nothing failed (warnings allowed), else 1.
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.cli.doctor.checklist import Check, report
from bot.cli.doctor.checks import REQUIRED_SCOPES, Doctor
from bot.settings import Settings

__all__ = ["REQUIRED_SCOPES", "Check", "Doctor", "register", "report", "run_doctor"]


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser(
        "doctor",
        help="check configuration, Slack, the model API, the database and the webhook",
        description="Check the configuration and that Slack, the model API, the database and "
        "the publishing webhook are reachable, without posting, writing or changing anything. "
        "Prints a checklist with the fix for each problem; exit 1 if anything failed.",
    )
    parser.set_defaults(handler=run_doctor)


def run_doctor(args: argparse.Namespace, settings: Settings) -> int:
    return report(Doctor(settings).run())
