"""The HTTP side of ``newsbot serve``: a tiny WSGI router served by waitress.

``POST /slack/events`` goes to Bolt (events, interactivity and slash commands share it, as in
``manifest.yml``); in OAuth mode ``GET /slack/install`` (the "Add to Slack" page, which sets
the state cookie) and ``GET /slack/oauth_redirect`` (Slack's redirect after consent) go to
Bolt's OAuth flow; ``GET /healthz`` answers 200 ``ok`` only when the database answers, else
503; ``GET /metrics`` answers the Prometheus text format when the app has metrics; everything
else is 404. waitress is a pure-Python production WSGI server with a thread
pool (https://docs.pylonsproject.org/projects/waitress/): one process, so the summary and
publish workers live beside it and memory stays low.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

import waitress.server
from slack_bolt import App, BoltContext, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.request.internals import build_context

from bot.cpu import foreground
from bot.logs import get_logger

log = get_logger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"

StartResponse = Callable[..., Any]


def form_fields(raw_body: str, content_type: str | None) -> dict[str, str] | None:
    """The fields of a form body that is not an interactivity payload (a slash command, an
    ``ssl_check``), or None for anything Bolt parses right (JSON, ``payload=<JSON>`` forms).

    Bolt 1.30's ``slack_bolt.request.internals.parse_body`` takes any form body that merely
    *contains* the text "payload" for ``payload=<JSON>`` and, finding no such field, gives the
    listeners ``{}``: ``/summarize https://example.com/launch?utm=payload``, or any command
    from a channel or user named "…payload…", was answered 404 "unhandled request". Slack
    sends slash commands as ``application/x-www-form-urlencoded`` fields
    (https://docs.slack.dev/interactivity/implementing-slash-commands), interactivity as a
    form with a single ``payload`` field; this tells them apart by the field, not the text.
    """
    if not raw_body or raw_body.startswith("{") or content_type == "application/json":
        return None
    fields = parse_qsl(raw_body, keep_blank_values=True)
    if any(name == "payload" for name, _ in fields):
        return None
    return dict(fields)


class SlackEdge(SlackRequestHandler):
    """Bolt's WSGI handler with form bodies parsed by field (:func:`form_fields`)."""

    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        bolt_request = BoltRequest(
            body=request.get_body(), query=request.query_string, headers=request.get_headers()
        )
        fields = form_fields(bolt_request.raw_body, bolt_request.content_type)
        if fields is not None and fields != bolt_request.body:
            # The signature is still checked over ``raw_body``; only the parsed view changes.
            bolt_request.body = dict(fields)
            bolt_request.context = build_context(BoltContext({}), bolt_request.body)
        return self.app.dispatch(bolt_request)


class Router:
    """WSGI app: Slack requests to Bolt, health checks to the store, 404 otherwise."""

    def __init__(
        self,
        app: App,
        ping: Callable[[], bool],
        metrics: Callable[[], tuple[bytes, str]] | None = None,
    ) -> None:
        """``metrics`` renders the exposition (``Metrics.render``); None: no ``/metrics``."""
        self._slack = SlackEdge(app, path=EVENTS_PATH)
        flow = app.oauth_flow
        # OAuth mode: Bolt's install page and redirect (SlackRequestHandler serves both GETs).
        self._oauth_paths = (
            frozenset({flow.install_path, flow.redirect_uri_path}) if flow else frozenset()
        )
        self._ping = ping
        self._metrics = metrics

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO") or "/"
        method = environ.get("REQUEST_METHOD", "GET")
        if path == EVENTS_PATH:
            if method != "POST":
                return _text(start_response, "405 Method Not Allowed", "POST only\n", allow="POST")
            try:
                with foreground():  # the ack: workers' CPU-bound steps hold back meanwhile
                    return self._slack(environ, start_response)
            except Exception:
                # Bolt answers listener and middleware errors itself (a failed recording is its
                # deliberate 500, so Slack retries). An exception escaping Bolt comes from its own
                # payload parsing choking on a signed but malformed body (e.g. a view without
                # ``type``, seen by tests/slack/test_hostile_flow.py): retrying cannot help.
                log.exception("slack.request_malformed")
                return _text(start_response, "400 Bad Request", "malformed Slack request\n")
        if path in self._oauth_paths:
            if method != "GET":
                return _text(start_response, "405 Method Not Allowed", "GET only\n", allow="GET")
            return self._slack(environ, start_response)
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            if self._ping():
                return _text(start_response, "200 OK", "ok\n")
            return _text(start_response, "503 Service Unavailable", "database unavailable\n")
        if path == METRICS_PATH and method in ("GET", "HEAD") and self._metrics is not None:
            body, content_type = self._metrics()
            start_response(
                "200 OK",
                [
                    ("Content-Type", content_type),
                    ("Content-Length", str(len(body))),
                    ("Cache-Control", "no-store"),
                ],
            )
            return [body]
        return _text(start_response, "404 Not Found", "not found\n")


def _text(start_response: StartResponse, status: str, body: str, **headers: str) -> Iterable[bytes]:
    data = body.encode("utf-8")
    start_response(
        status,
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
            *((name.title(), value) for name, value in headers.items()),
        ],
    )
    return [data]


class HttpServer:
    """A waitress server bound to ``host:port`` (port 0: any free port, see :attr:`port`)."""

    def __init__(
        self,
        router: Router,
        *,
        host: str = "0.0.0.0",  # noqa: S104  # in a container the server listens on every interface
        port: int = 3000,
        threads: int = 16,
    ) -> None:
        self._closing = threading.Event()
        self._server = waitress.server.create_server(
            router,
            host=host,
            port=port,
            threads=threads,
            ident="newsbot",
            clear_untrusted_proxy_headers=True,
        )

    @property
    def port(self) -> int:
        server = self._server
        if isinstance(server, waitress.server.MultiSocketServer):
            return int(server.effective_listen[0][1])
        assert server.socket is not None  # bound in create_server
        return int(server.socket.getsockname()[1])

    def run(self) -> None:
        """Serve until :meth:`close` or an interrupt."""
        try:
            self._server.run()
        except OSError:
            # close() from another thread closes the sockets under waitress's select();
            # that EBADF is the loop ending as asked, anything else is a real failure.
            if not self._closing.is_set():
                raise

    def close(self) -> None:
        self._closing.set()
        self._server.close()
