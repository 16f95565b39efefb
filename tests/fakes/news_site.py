"""A fake news website: a threaded HTTP/1.1 server on 127.0.0.1 with scripted routes.

Usage::

    with NewsSite() as site:
        site.add("/story", "<html>…</html>")
        site.redirect("/old", "/story")
        site.trickle("/slow", b"x" * 100, bytes_per_chunk=1, delay_s=0.1)
        site.handle("/gone", lambda request: request.send_body(410, b"<p>Gone</p>"))
        fetch(site.url("/story"))
        assert site.requests[0].headers["user-agent"].startswith("newsbot")

Pass ``ssl_context`` (a server-side context, e.g. from ``trustme``) to serve HTTPS; the TLS
handshake runs in the connection's own thread and the SNI names clients sent are recorded in
``tls_server_names``. Unknown paths answer 404. Routes match the path with its query first,
then the path alone.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import ssl
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes.loopback import LOOPBACK, LoopbackServer

Handler = Callable[["NewsSiteRequestHandler"], object]  # the return value is ignored

_CLIENT_GONE = (ConnectionError, ssl.SSLError, TimeoutError, OSError)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the site saw it; header names are lower-case."""

    method: str
    path: str
    headers: Mapping[str, str] = field(default_factory=dict)


class NewsSiteRequestHandler(BaseHTTPRequestHandler):
    """Dispatches to the route's handler; custom handlers get this object (use ``wfile``)."""

    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    @property
    def site(self) -> NewsSite:
        return self.server.site

    def _dispatch(self) -> None:
        headers = {name.lower(): value for name, value in self.headers.items()}
        self.site.requests.append(RecordedRequest(self.command, self.path, headers))
        length = int(headers.get("content-length", "0") or 0)
        if length:
            self.rfile.read(length)
        handler = self.site.route(self.path)
        if handler is None:
            self.send_body(404, b"not found", content_type="text/plain")
            return
        handler(self)

    def send_body(
        self,
        status: int,
        body: bytes,
        *,
        content_type: str | None = "text/html; charset=utf-8",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Send a complete response with Content-Length (no body for HEAD)."""
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        extra = dict(headers or {})
        if not any(name.lower() == "content-length" for name in extra):
            self.send_header("Content-Length", str(len(body)))
        for name, value in extra.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: tests read ``site.requests`` instead of stderr."""


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins handler threads, so tests end clean
    block_on_close = True

    def __init__(self, site: NewsSite, ssl_context: ssl.SSLContext | None) -> None:
        self.site = site
        self.ssl_context = ssl_context
        self.open_sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        super().__init__((LOOPBACK, 0), NewsSiteRequestHandler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        conn: socket.socket = request
        with self.lock:
            self.open_sockets.add(conn)
        try:
            if self.ssl_context is not None:
                try:
                    conn = self.ssl_context.wrap_socket(request, server_side=True)
                except _CLIENT_GONE:
                    return  # a client that rejects our certificate is part of some tests
                with self.lock:
                    self.open_sockets.add(conn)
            with contextlib.suppress(*_CLIENT_GONE):
                super().finish_request(conn, client_address)
        finally:
            with self.lock:
                self.open_sockets.discard(conn)
                self.open_sockets.discard(request)
            if conn is not request:
                conn.close()

    def server_bind(self) -> None:
        # HTTPServer.server_bind would look up the host's FQDN (a DNS query); skip it.
        socketserver.TCPServer.server_bind(self)
        self.server_name = "127.0.0.1"
        self.server_port = int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A handler crashed (clients hanging up are filtered earlier): keep it for the test."""
        self.site.errors.append(sys.exc_info()[1] or RuntimeError("unknown handler error"))

    def kill_connections(self) -> None:
        with self.lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class NewsSite(LoopbackServer[_Server]):
    """A scripted website on 127.0.0.1 (context manager)."""

    poll_interval_s = 0.01

    def __init__(self, *, ssl_context: ssl.SSLContext | None = None) -> None:
        super().__init__()
        self.requests: list[RecordedRequest] = []
        self.errors: list[BaseException] = []  # exceptions raised by route handlers
        self.tls_server_names: list[str | None] = []
        self._routes: dict[str, Handler] = {}
        self._ssl_context = ssl_context
        if ssl_context is not None and ssl_context.sni_callback is None:
            ssl_context.sni_callback = self._record_sni

    # --- lifecycle (custom handlers wait on ``stopping`` instead of sleeping) -----------------

    def make_server(self) -> _Server:
        return _Server(self, self._ssl_context)

    def close_connections(self) -> None:
        self.server.kill_connections()

    # --- addresses ---------------------------------------------------------------------------

    @property
    def scheme(self) -> str:
        return "https" if self._ssl_context is not None else "http"

    def url(self, path: str = "/", *, host: str = "127.0.0.1") -> str:
        """Absolute URL of ``path``; ``host`` lets tests use a name their resolver maps here."""
        return f"{self.scheme}://{host}:{self.port}{path}"

    # --- routes ------------------------------------------------------------------------------

    def add(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str | None = "text/html; charset=utf-8",
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Serve ``body`` at ``path`` (str bodies are UTF-8; ``content_type=None`` omits it)."""
        data = body.encode("utf-8") if isinstance(body, str) else body

        def respond(request: NewsSiteRequestHandler) -> None:
            request.send_body(status, data, content_type=content_type, headers=headers)

        self.handle(path, respond)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        """Answer ``path`` with a redirect to ``location`` (relative or absolute)."""
        self.add(path, b"", status=status, content_type=None, headers={"Location": location})

    def trickle(
        self,
        path: str,
        body: bytes | str,
        bytes_per_chunk: int,
        delay_s: float,
        *,
        content_type: str = "text/html; charset=utf-8",
    ) -> None:
        """Send the headers at once, then ``body`` a few bytes at a time with a delay between."""
        data = body.encode("utf-8") if isinstance(body, str) else body

        def respond(request: NewsSiteRequestHandler) -> None:
            request.send_response(200)
            request.send_header("Content-Type", content_type)
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.flush()
            for start in range(0, len(data), bytes_per_chunk):
                if self.stopping.wait(delay_s):
                    return
                request.wfile.write(data[start : start + bytes_per_chunk])
                request.wfile.flush()

        self.handle(path, respond)

    def handle(self, path: str, handler: Handler) -> None:
        """Answer ``path`` with a custom callable that writes the whole response itself."""
        self._routes[path] = handler

    def route(self, request_path: str) -> Handler | None:
        return self._routes.get(request_path) or self._routes.get(request_path.split("?", 1)[0])

    def requests_for(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    def _record_sni(self, sock: Any, server_name: str | None, context: Any) -> None:
        self.tls_server_names.append(server_name)


@contextlib.contextmanager
def news_site(*, ssl_context: ssl.SSLContext | None = None) -> Iterator[NewsSite]:
    """``with news_site() as site:`` — the same as ``with NewsSite() as site:``."""
    with NewsSite(ssl_context=ssl_context) as site:
        yield site
