"""The one way the loopback fakes serve: a socket server on 127.0.0.1, on a free port, served
by a daemon thread; :meth:`LoopbackServer.start` and :meth:`~LoopbackServer.stop`, or use it as
a context manager.

A fake subclasses :class:`LoopbackServer` and says how to build its server
(:meth:`~LoopbackServer.make_server`); the server is bound on first use, so its port is known
before it serves. :attr:`~LoopbackServer.stopping` is set first on stop: handlers that hang or
sleep on purpose wait on it, so stopping never waits for them.
"""

from __future__ import annotations

import socketserver
import threading
from types import TracebackType
from typing import Generic, Self, TypeVar

S = TypeVar("S", bound=socketserver.TCPServer)

LOOPBACK = "127.0.0.1"


class LoopbackServer(Generic[S]):
    """A fake's server and the thread that serves it."""

    thread_name: str | None = None
    poll_interval_s: float = 0.05
    join_timeout_s: float = 5.0

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self._server: S | None = None
        self._closed = False
        self._thread: threading.Thread | None = None

    def make_server(self) -> S:
        """A new server bound to ``(LOOPBACK, 0)``."""
        raise NotImplementedError

    def close_connections(self) -> None:
        """Close what the server's handlers still hold open; runs on stop, after shutdown."""

    # --- lifecycle -----------------------------------------------------------------------------

    @property
    def server(self) -> S:
        """The bound server (bound now if it is not yet; after :meth:`stop`, the closed one)."""
        if self._server is None:
            self._server = self.make_server()
        return self._server

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def host(self) -> str:
        return str(self.server.server_address[0])

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> Self:
        if self._closed:
            self._server, self._closed = None, False
        server = self.server
        self.stopping.clear()
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": self.poll_interval_s},
            name=self.thread_name,
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release waiting handlers, stop serving, close the server and its connections.

        The closed server's address stays readable; a later :meth:`start` binds a new one.
        """
        self.stopping.set()
        server, thread = self._server, self._thread
        if server is not None:
            if thread is not None and thread.is_alive():
                server.shutdown()
            self.close_connections()
            server.server_close()
        if thread is not None:
            thread.join(timeout=self.join_timeout_s)
        self._thread = None
        self._closed = server is not None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
