"""Structured logging: events named ``noun.verb``, JSON in production, readable on a terminal.

Stdlib loggers (slack_bolt, slack_sdk, trafilatura, sqlalchemy, alembic, waitress…) are routed
through the same structlog renderer, so one process writes one format.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

_NOISY = {
    # trafilatura warns per hard page; our own events say more
    "trafilatura": logging.ERROR,
    "htmldate": logging.ERROR,
    "courlan": logging.ERROR,
    "charset_normalizer": logging.WARNING,
    "urllib3": logging.WARNING,
    "httpx2": logging.WARNING,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "anthropic": logging.WARNING,
    "alembic.runtime.plugins": logging.WARNING,  # one line per autogenerate plugin at startup
}


def configure_logging(level: str = "info", fmt: str | None = None, stream: Any = None) -> None:
    """Configure structlog and the stdlib root logger once, in the composition root."""
    stream = stream if stream is not None else sys.stderr
    if fmt is None:
        fmt = "console" if getattr(stream, "isatty", lambda: False)() else "json"
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO

    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: structlog.types.Processor
    if fmt == "json":
        shared.append(structlog.processors.format_exc_info)
        renderer = structlog.processors.JSONRenderer()
    else:
        renderer = structlog.dev.ConsoleRenderer(colors=getattr(stream, "isatty", lambda: False)())

    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric)
    for name, noisy_level in _NOISY.items():
        logging.getLogger(name).setLevel(max(noisy_level, numeric))


def get_logger(name: str | None = None) -> Any:
    """A structlog logger; use event names like ``article.fetched``."""
    return structlog.stdlib.get_logger(name)
