"""Shared pieces of the benchmarks that run ``newsbot serve`` as a subprocess.

:class:`Serve` starts ``python -m bot serve`` on a loopback port and keeps its JSON log lines;
:func:`wait_until` polls; :func:`pct` is a nearest-rank percentile for the printed tables.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.fakes.bot_process import BotProcess

ROOT = Path(__file__).parents[1]


def missing_data(data: Path, *needed: str) -> str | None:
    """One sentence naming the first thing missing under ``data``, or None when all is there.

    The benchmark data is not in the repository (the page contents belong to their
    publishers): the README's "Measured" section says where each set comes from.
    """
    for name in needed:
        path = data / name
        if not path.exists():
            return (
                f"Benchmark data not found: {path} does not exist; see the README's "
                "'Benchmark data' section for where it comes from."
            )
    return None


class Serve(BotProcess):
    """``python -m bot serve`` on a loopback port (a free one unless given); log lines kept."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        port: int | None = None,
        name: str = "serve",
        cwd: Path = ROOT,
    ) -> None:
        """``cwd``: the checkout whose ``bot`` package runs (another branch, for a before/after)."""
        self.name = name
        self.port = port if port is not None else free_port()
        super().__init__(["serve", "--host", "127.0.0.1", "--port", str(self.port)], env, cwd)
        self.started = time.monotonic()
        self.url = f"http://127.0.0.1:{self.port}/slack/events"
        self.last_rss_mb = float("nan")

    def wait_healthy(self, timeout: float = 60.0) -> float:
        """Block until ``GET /healthz`` answers 200; seconds since the process started."""
        deadline = time.monotonic() + timeout
        while not healthy(f"http://127.0.0.1:{self.port}/healthz"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"newsbot serve did not start: {self.lines[-5:]}")
            time.sleep(0.05)
        return time.monotonic() - self.started

    def peak_rss_mb(self) -> float:
        """The process's peak resident set (``VmHWM``), remembered for after it exits."""
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return self.last_rss_mb
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                self.last_rss_mb = int(line.split()[1]) / 1024
        return self.last_rss_mb

    def errors(self) -> list[dict[str, Any]]:
        return [e for e in self.lines if e.get("level") in ("error", "critical")]

    def kill(self) -> None:
        """SIGKILL: no cleanup, leases and half-done work stay behind."""
        self.peak_rss_mb()
        super().kill()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.peak_rss_mb()
            self.process.terminate()
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._reader.join(5)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as answer:  # noqa: S310  # loopback URL
            return bool(answer.status == 200)
    except OSError:
        return False


def wait_until(check: Callable[[], bool], timeout: float, poll: float = 0.002) -> float | None:
    """Milliseconds until ``check()`` held, or None after ``timeout`` seconds."""
    started = time.perf_counter()
    while not check():
        if time.perf_counter() - started > timeout:
            return None
        time.sleep(poll)
    return (time.perf_counter() - started) * 1000


def pct(values: list[float], q: float) -> float:
    """Nearest-rank percentile ``q`` (0–100) of ``values`` (NaN when empty)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def print_table(rows: list[tuple[str, str, str]], head: str = "measure") -> None:
    width = max(len(head), *(len(r[0]) for r in rows))
    print(f"{head:<{width}}  result  (target)")
    for name, result, target in rows:
        print(f"{name:<{width}}  {result}" + (f"  ({target})" if target else ""))
