"""The composition root: parse the command line, read settings once, configure logging, run.

Each command lives in its own module with ``register(subparsers)``; the command function
receives the parsed arguments and the settings and returns an exit code. Errors meant for
people are printed as one sentence on stderr; tracebacks go to the log only.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import audit, db, doctor, extract, purge, serve, summarize
from bot.domain import UserFacingError
from bot.i18n import sentence_for
from bot.logs import configure_logging, get_logger
from bot.settings import ConfigError, load_settings

COMMANDS = (extract, summarize, db, serve, audit, purge, doctor)

# One-shot commands keep stderr for their one sentence: their logs default to warnings only
# (an explicit LOG_LEVEL still wins).
_QUIET_COMMANDS = frozenset({"extract", "summarize", "db", "audit", "purge", "doctor"})

EXIT_REFUSED = 1
EXIT_CONFIG = 2
EXIT_INTERNAL = 3


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Slack bot for newsrooms: AI summaries with human review.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS:
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    level = settings.log_level
    if args.command in _QUIET_COMMANDS and "log_level" not in settings.model_fields_set:
        level = "warning"
    configure_logging(level, settings.log_format)
    log = get_logger("bot.cli")
    try:
        code: int = args.handler(args, settings)
    except ConfigError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except UserFacingError as exc:
        log.info("command.refused", command=args.command, code=exc.code, detail=exc.detail)
        print(sentence_for(exc, settings.bot_language), file=sys.stderr)
        return EXIT_REFUSED
    except KeyboardInterrupt:
        return 130
    except Exception:
        log.exception("command.crashed", command=args.command)
        print(sentence_for(RuntimeError(), settings.bot_language), file=sys.stderr)
        return EXIT_INTERNAL
    return code
