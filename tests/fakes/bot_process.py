"""The real command line (``python -m bot …``) as a subprocess, its JSON log lines collected.

Shared by the tests that need a whole process (a crash (SIGKILL) and restart of ``serve``, and
``socket`` against the Socket Mode fake) and by the benchmarks that run ``serve``
(``benchmarks/harness.py::Serve``). The environment comes from the test, which runs with
the developer's own configuration already removed (``tests/conftest.py::_clean_env``).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).parents[2]


class BotProcess:
    """``python -m bot ARGS``; ``lines`` holds its stderr log events as they arrive."""

    name = "newsbot"

    def __init__(self, args: Sequence[str], env: dict[str, str], cwd: Path = ROOT) -> None:
        self.lines: list[dict[str, Any]] = []
        self.process = subprocess.Popen(  # noqa: S603  # our own interpreter and module
            [sys.executable, "-m", "bot", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert self.process.stderr is not None
        self._reader = threading.Thread(
            target=self._read, args=(self.process.stderr,), name=f"{self.name}-log", daemon=True
        )
        self._reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            try:
                self.lines.append(json.loads(line))
            except ValueError:
                self.lines.append({"event": "raw", "text": line})

    def alive(self) -> None:
        if self.process.poll() is not None:
            raise AssertionError(f"{self.name} exited early: {self.lines[-5:]}")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(10)
        self._reader.join(10)

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(30)
        self._reader.join(10)
        return code


class ServeProcess(BotProcess):
    """``python -m bot serve`` on a free loopback port; ``url`` once it listens."""

    name = "serve"

    def __init__(self, env: dict[str, str]) -> None:
        from tests.slack.conftest import wait_for  # not at import: the benchmarks use this module

        super().__init__(["serve", "--host", "127.0.0.1", "--port", "0"], env)
        listening = wait_for(self._listening, 30.0, "the server to listen")
        self.url = f"http://127.0.0.1:{listening['port']}"

    def _listening(self) -> dict[str, Any] | None:
        self.alive()
        return next((e for e in self.lines if e.get("event") == "server.listening"), None)
