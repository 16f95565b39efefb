"""Logging: one renderer for our events and for stdlib loggers (slack_bolt, trafilatura…)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.logs import configure_logging, get_logger


@pytest.fixture(autouse=True)
def _restore_root() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_format_renders_structlog_and_stdlib_events() -> None:
    stream = io.StringIO()
    configure_logging("info", "json", stream=stream)
    get_logger("bot.test").info("draft.approved", draft_id="d1", editor="U1")
    logging.getLogger("slack_bolt.App").warning("listener failed")
    logging.getLogger("slack_bolt.App").debug("hidden at info")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines[0]["event"] == "draft.approved"
    assert lines[0]["draft_id"] == "d1"
    assert lines[0]["level"] == "info"
    assert "timestamp" in lines[0]
    assert lines[1]["event"] == "listener failed"
    assert lines[1]["logger"] == "slack_bolt.App"
    assert len(lines) == 2


def test_json_format_keeps_tracebacks_in_logs() -> None:
    stream = io.StringIO()
    configure_logging("info", "json", stream=stream)
    try:
        raise ValueError("boom")
    except ValueError:
        get_logger("bot.test").exception("command.crashed")
    record = json.loads(stream.getvalue().splitlines()[0])
    assert "ValueError: boom" in record["exception"]


def test_console_is_default_on_a_tty_json_otherwise() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    configure_logging("info", None, stream=tty)
    get_logger("bot.test").info("article.fetched", url="https://news.example/")
    assert "article.fetched" in tty.getvalue()
    with pytest.raises(json.JSONDecodeError):
        json.loads(tty.getvalue().splitlines()[0])

    plain = io.StringIO()
    configure_logging("info", None, stream=plain)
    get_logger("bot.test").info("article.fetched", url="https://news.example/")
    assert json.loads(plain.getvalue())["event"] == "article.fetched"
