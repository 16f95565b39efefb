"""A loopback HTTP server that gives one fixed answer to every request: a web server that is
not the API a base URL should point at (a CMS page, a proxy's 404, an empty JSON object)."""

from __future__ import annotations

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes.loopback import LOOPBACK, LoopbackServer


class StaticHTTP(LoopbackServer[ThreadingHTTPServer]):
    """``with StaticHTTP(200, b"<html>…</html>", "text/html") as server: server.url``."""

    def __init__(self, status: int, body: bytes, content_type: str = "text/html") -> None:
        super().__init__()
        self.status = status
        self.body = body
        self.content_type = content_type
        self.paths: list[str] = []

    def make_server(self) -> ThreadingHTTPServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                if length:
                    self.rfile.read(length)
                fake.paths.append(self.path)
                self.send_response(fake.status)
                self.send_header("content-type", fake.content_type)
                self.send_header("content-length", str(len(fake.body)))
                self.end_headers()
                self.wfile.write(fake.body)

            do_GET = do_POST = _answer  # the names http.server dispatches to

        server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        server.daemon_threads = True
        return server

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
