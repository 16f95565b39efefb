"""Suite-wide fixtures and the loopback guard.

pytest-socket (``--allow-hosts`` in pyproject.toml) makes any connection to an address other
than 127.0.0.1 / ::1 fail inside the test process; :func:`test_guard_blocks_non_loopback` in
``tests/test_guard.py`` proves the guard is active. Subprocesses started by tests inherit
``NEWSBOT_TEST_LOOPBACK_ONLY=1`` and point every base URL at loopback fakes.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from bot.logs import configure_logging

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Tests never see the developer's own configuration or .env file."""
    for name in list(os.environ):
        if name.startswith(
            ("SLACK_", "ANTHROPIC_", "PUBLISH_", "FETCH_", "SUMMARY_", "EDITOR_")
        ) or name in {
            "DATABASE_URL",
            "BOT_LANGUAGE",
            "LOG_FORMAT",
            "LOG_LEVEL",
            "PORT",
        }:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env, and a scratch dir for sqlite files
    yield


class _CurrentStderr:
    """Writes to whatever ``sys.stderr`` is at the moment (pytest swaps it per test)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()

    def isatty(self) -> bool:
        return False


@pytest.fixture(autouse=True, scope="session")
def _baseline_logging() -> None:
    """Logs go to stderr as in production (structlog's own default prints to stdout, which
    would mix log lines into the output that CLI tests assert on)."""
    configure_logging("info", "json", stream=_CurrentStderr())


@pytest.fixture(autouse=True)
def _restore_logging(_baseline_logging: None) -> Iterator[None]:
    """Commands under test configure logging onto pytest's captured (later closed) streams;
    put the root logger and structlog back so other tests' threads never write to those."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    config = structlog.get_config()
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.configure(**config)


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES
