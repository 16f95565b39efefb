"""The command line's own handling: a reader of stdout that goes away is not a crash."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.cli import EXIT_BROKEN_PIPE
from tests.fakes.bot_process import ROOT

ARTICLE = " ".join(
    f"The council met for the {n}th time on Tuesday and agreed on the new budget plan."
    for n in range(1, 40)
)


def _run_into_closed_pipe(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m bot ARGS`` writing to a pipe whose reader has already gone (``| head -0``)."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # every write now fails with EPIPE, whatever the timing
    try:
        return subprocess.run(  # noqa: S603  # our own interpreter and module
            [sys.executable, "-m", "bot", *args],
            cwd=cwd,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.DEVNULL,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)


def test_summarize_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    for extra in ([], ["--json"]):
        done = _run_into_closed_pipe(
            ["summarize", str(article), "--engine", "extractive", *extra], tmp_path
        )
        assert done.returncode == EXIT_BROKEN_PIPE
        assert done.stderr == ""  # no traceback, no crash log, no "Exception ignored"
