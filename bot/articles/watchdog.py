"""The total time cap of a fetch: a :class:`Watchdog` that shuts the connection's sockets down
at the deadline, and the urllib3 connections that hand it their sockets.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

from urllib3.connection import HTTPConnection, HTTPSConnection


class Watchdog:
    """Shuts down every watched socket when the deadline passes, waking any blocked read.

    It keeps a duplicate of each socket's descriptor: ``shutdown`` on a duplicate ends the
    connection for all descriptors, and the duplicate stays valid while TLS wraps the original.
    """

    def __init__(self, deadline: float) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self.fired = False
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        duplicate = sock.dup()
        with self._lock:
            self._sockets.append(duplicate)
            if self.fired:
                shutdown(duplicate)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                shutdown(sock)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()


def shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the peer or by us
        sock.shutdown(socket.SHUT_RDWR)


class WatchedHTTPConnection(HTTPConnection):
    watchdog: Watchdog | None = None

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        if self.watchdog is not None:
            self.watchdog.watch(sock)
        return sock


class WatchedHTTPSConnection(HTTPSConnection):
    watchdog: Watchdog | None = None

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        if self.watchdog is not None:
            self.watchdog.watch(sock)
        return sock
