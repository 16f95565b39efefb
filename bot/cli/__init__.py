"""The composition root: parse the command line, read settings once, configure logging, run.

Each command lives in its own module with ``register(subparsers)``; the command function
receives the parsed arguments and the settings and returns an exit code. Errors meant for
people are printed as one sentence on stderr; tracebacks go to the log only.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from bot.cli import audit, db, doctor, extract, purge, serve, summarize
from bot.cli.errors import SetupError
from bot.domain import UserFacingError
from bot.i18n import sentence_for
from bot.logs import configure_logging, get_logger
from bot.settings import ConfigError, load_settings

COMMANDS = (extract, summarize, db, serve, audit, purge, doctor)

# One-shot commands keep stderr for their one sentence: their logs default to warnings only
# (an explicit LOG_LEVEL still wins).
_DESK_COMMANDS = frozenset({"serve", "socket", "doctor", "summarize"})
_QUIET_COMMANDS = frozenset({"extract", "summarize", "db", "audit", "purge", "doctor"})

EXIT_REFUSED = 1
EXIT_CONFIG = 2
EXIT_INTERNAL = 3
# What a shell reports for a process ended by SIGPIPE (128 + 13), as `git log | head -1` gives.
EXIT_BROKEN_PIPE = 141


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
    if args.command in _DESK_COMMANDS and settings.desks_file:
        from bot.desks import Desks, DesksError  # only when a file is named

        try:  # nothing starts on a broken desks file: one sentence per problem, exit 2
            Desks.from_settings(settings)
        except DesksError as exc:
            for problem in exc.problems:
                print(f"newsbot: {problem}", file=sys.stderr)
            return EXIT_CONFIG
    level = settings.log_level
    if args.command in _QUIET_COMMANDS and "log_level" not in settings.model_fields_set:
        level = "warning"
    configure_logging(level, settings.log_format)
    log = get_logger("bot.cli")
    try:
        code: int = args.handler(args, settings)
        # Flush here, not at exit: a reader that went away (`| head -1`) is noticed below.
        sys.stdout.flush()
    except BrokenPipeError:
        return _stdout_closed()
    except ConfigError as exc:
        print(f"newsbot: {exc}", file=sys.stderr)
        return EXIT_CONFIG
    except SetupError as exc:
        log.info("command.refused", command=args.command, code=exc.code, detail=exc.detail)
        print(sentence_for(exc, settings.bot_language), file=sys.stderr)
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


def _stdout_closed() -> int:
    """The reader of stdout went away: not a crash. Python's recipe
    (https://docs.python.org/3/library/signal.html#note-on-sigpipe): point stdout at devnull, so
    the flush at interpreter exit cannot raise BrokenPipeError again, and exit quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a real file (tests capture it)
        pass
    finally:
        os.close(devnull)
    return EXIT_BROKEN_PIPE
