"""``newsbot serve`` (HTTP on ``$PORT``, waitress; ``/metrics`` for Prometheus) and ``newsbot
socket`` (Socket Mode).

Single-workspace mode (``SLACK_BOT_TOKEN``) proves the token with ``auth.test`` before serving;
OAuth mode (``SLACK_CLIENT_ID``) has no token at start, so it checks the installation tables
instead and serves the install pages (``bot.slack.installs``).

Both check the database schema first: SQLite is migrated automatically (a single-file
database has no separate release step); PostgreSQL must already be at the newest revision
(``newsbot db upgrade``, the Procfile's ``release:``), so several processes never race to
migrate. Then the summary workers start (they resume drafts left unfinished by a crashed
process once its leases expire), the publish workers start when a webhook is configured,
and the server runs until SIGTERM or Ctrl-C, when the workers finish their current draft. The
retention purge (``RETENTION_DAYS``) runs a minute after start and then daily; cards Slack did
not take are redrawn from the database at start and every ``SLACK_REPAIR_INTERVAL_S``. On
PostgreSQL one thread LISTENs for work other processes queued (``DATABASE_LISTEN``).
"""

from __future__ import annotations

import argparse
import gc
import re
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

from bot.logs import get_logger
from bot.settings import ConfigError, Settings

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.slack.services import Services
    from bot.store import Store
    from bot.store.listen import WakeListener

log = get_logger(__name__)


def register(sub: Any) -> None:
    serve: argparse.ArgumentParser = sub.add_parser(
        "serve",
        help="run the Slack app over HTTP (POST /slack/events, GET /healthz) on $PORT",
        description="Run the Slack app on a production WSGI server (waitress) bound to $PORT, "
        "with the summary and publishing workers beside it.",
    )
    serve.add_argument("--host", default="0.0.0.0", help="interface to bind (default: all)")  # noqa: S104  # containers bind every interface
    serve.add_argument("--port", type=int, default=None, help="port (default: $PORT)")
    serve.set_defaults(handler=run_serve)
    socket_mode: argparse.ArgumentParser = sub.add_parser(
        "socket",
        help="run the Slack app in Socket Mode (development, no public URL)",
        description="Connect to Slack over Socket Mode with SLACK_APP_TOKEN; no HTTP server.",
    )
    socket_mode.set_defaults(handler=run_socket)


def prepare_store(settings: Settings) -> Store:
    """The store, at the newest schema (SQLite upgraded here; PostgreSQL must be already)."""
    from bot.cli.database import open_store

    store = open_store(settings, create=True)
    if not store.is_current():
        if store.backend == "sqlite":
            store.upgrade()
        else:
            raise ConfigError(
                "the database schema is not up to date: run `newsbot db upgrade` first"
            )
    return store


# auth.test's answers that mean the token itself is wrong: invalid_auth ("Invalid authentication
# token"), not_authed ("No authentication token provided"), account_inactive ("token is for a
# deleted user or team") (slackhq/slack-api-docs, methods/auth.test.json), and token_revoked
# ("...or the app has been removed", methods/auth.revoke.json).
_TOKEN_ERRORS = frozenset({"invalid_auth", "not_authed", "account_inactive", "token_revoked"})
# Slack's error codes are snake_case words; anything else (slack_sdk's "Received a response in a
# non-JSON format: …", or no code at all) means the server at SLACK_API_URL is not Slack.
_SLACK_ERROR_CODE = re.compile(r"[a-z][a-z0-9_]*")


def connect_slack(settings: Settings) -> WebClient:
    """The Web API client, after one ``auth.test`` proving SLACK_API_URL and SLACK_BOT_TOKEN.

    Before anything is served, so a wrong URL or token ends the start with one sentence naming
    the setting instead of a traceback (and Bolt's own ``auth.test`` then finds a good token).
    """
    from slack_sdk.errors import SlackApiError, SlackClientError

    from bot.cli.errors import SlackStartFailed, SlackTokenRefused, SlackUnreachable
    from bot.slack.app import build_web_client

    client = build_web_client(settings)
    url = settings.slack_api_url
    try:
        client.auth_test()
    except SlackApiError as exc:
        error = exc.response.get("error")
        detail = f"auth.test: HTTP {exc.response.status_code}, error {error!r}"
        if not isinstance(error, str) or not _SLACK_ERROR_CODE.fullmatch(error):
            raise SlackUnreachable(detail, url=url) from None
        if error in _TOKEN_ERRORS:
            raise SlackTokenRefused(detail, error=error) from None
        raise SlackStartFailed(detail, error=error) from None
    except (SlackClientError, OSError) as exc:  # refused, timed out, no such host, TLS
        raise SlackUnreachable(f"auth.test: {type(exc).__name__}: {exc}", url=url) from None
    return client


def start_listener(
    settings: Settings, services: Services, wake_publishers: Callable[[], None]
) -> WakeListener | None:
    """PostgreSQL: wake this process's workers when another process queues work."""
    from bot.store.tally import DRAFTS_CHANNEL, OUTBOX_CHANNEL

    if not settings.database_listen:
        return None
    listener = services.store.wake_listener(
        {DRAFTS_CHANNEL: services.workflow.wakeup.wake, OUTBOX_CHANNEL: wake_publishers},
        url=settings.database_listen_url,
    )
    return listener.start() if listener is not None else None


@contextmanager
def running(settings: Settings, services: Services) -> Iterator[None]:
    """Summary workers (and publish workers, with a webhook) around the server's life."""
    from bot.slack.repair import CardRepairer
    from bot.workflow.publishing import start_from_settings
    from bot.workflow.retention import RetentionTask
    from bot.workflow.trace import CountingPublishNotifier

    notifier = CountingPublishNotifier(services.notifier, services.metrics)
    publish = start_from_settings(settings, services.store, notifier, services.workflow.desks)
    services.workflow.set_on_approved(publish.wake.set)
    listener = start_listener(settings, services, publish.wake.set)
    retention = None
    if settings.retention_days > 0:
        retention = RetentionTask(
            services.store, settings.retention_days, metrics=services.metrics
        ).start()
    warm_up()
    # Everything loaded so far lives as long as the process: keep it out of the cyclic GC's
    # full collections, which otherwise walk the libraries' objects and stall every thread
    # (https://docs.python.org/3/library/gc.html#gc.freeze).
    gc.freeze()
    services.workers.start()
    repairer = CardRepairer(
        services.store, services.notifier, interval_s=settings.slack_repair_interval_s
    ).start()
    try:
        yield
    finally:
        log.info("server.stopping")
        repairer.stop()
        if listener is not None:
            listener.stop()
        services.workers.stop()
        publish.stop()
        if retention is not None:
            retention.stop()
        services.store.close()


_WARM_UP_PAGE = """<html lang="{lang}"><head><title>{title}</title></head><body><article>
<h1>{title}</h1><p>{text}</p><p>{text}</p></article></body></html>"""
_WARM_UP_TEXTS = {
    "en": (
        "Council approves library",
        "The city council voted 14 to 5 on Tuesday to build "
        "a new library, Mayor Helen Okafor said. It will cost $48.5 million.",
    ),
    "de": (
        "Rat beschließt Bibliothek",
        "Der Stadtrat hat am Dienstag mit 14 zu 5 Stimmen "
        "eine neue Bibliothek beschlossen, sagte Bürgermeisterin Helen Okafor.",
    ),
}


def warm_up() -> None:
    """Extract and check a tiny built-in page per language before the workers start.

    The extractor and the checks load tables lazily on first use, and their caches are not
    locked: workers racing on their first article would each build a copy. (The statistical
    language model is not among them: it loads under a lock, and only for an article whose
    stop words leave its language in doubt; see ``bot/articles/language.py``.)
    """
    from bot.articles.errors import ArticleError
    from bot.articles.extract import extract_article
    from bot.summarizer import HouseStyle, run_checks

    for lang, (title, text) in _WARM_UP_TEXTS.items():
        html = _WARM_UP_PAGE.format(lang=lang, title=title, text=text)
        try:
            article = extract_article(html, url="https://warm-up.invalid/", min_words=1)
        except ArticleError:
            log.warning("server.warm_up_skipped", language=lang)
            continue
        run_checks(article, [text], HouseStyle(), lang)


@contextmanager
def stop_on_sigterm() -> Iterator[threading.Event]:
    """SIGTERM (as platforms send before a restart) ends the server like Ctrl-C."""
    stopped = threading.Event()

    def handler(_signum: int, _frame: FrameType | None) -> None:
        stopped.set()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield stopped
    finally:
        signal.signal(signal.SIGTERM, previous)


def _summary_needs(settings: Settings) -> tuple[str, ...]:
    """The model key is required unless the offline extractive engine is the fallback."""
    return () if settings.summary_fallback_engine == "extractive" else ("anthropic_api_key",)


def _connected_services(settings: Settings) -> Services:
    """What ``serve`` and ``socket`` both run on: the language model loaded, the store ready and
    Slack answering ``auth.test`` (each mistake one sentence naming its setting)."""
    from bot.slack.app import build_services

    store = prepare_store(settings)
    if settings.oauth:
        # No token to prove: each workspace's comes with its install. The installation
        # tables must be there (migration 0006; prepare_store checked the schema is current).
        try:
            installed = store.installed_workspaces()
        except Exception:
            store.close()
            raise
        log.info("slack.oauth_mode", installed_workspaces=installed)
        return build_services(settings, store=store)
    try:
        client = connect_slack(settings)
    except BaseException:
        store.close()
        raise
    return build_services(settings, store=store, client=client)


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.server import HttpServer, Router
    from bot.slack.app import build_app

    settings.require_slack("slack_signing_secret", *_summary_needs(settings))
    port = args.port if args.port is not None else settings.port
    services = _connected_services(settings)
    app = build_app(services)
    server = HttpServer(
        Router(app, services.store.ping, services.metrics.render),
        host=args.host,
        port=port,
        threads=settings.server_threads,
    )
    with running(settings, services), stop_on_sigterm():
        log.info("server.listening", host=args.host, port=server.port)
        try:
            server.run()
        except KeyboardInterrupt:
            pass
        finally:
            server.close()
    return 0


def run_socket(args: argparse.Namespace, settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.slack.app import build_app

    settings.require_slack("slack_app_token", *_summary_needs(settings))
    if settings.oauth:
        raise ConfigError(
            "OAuth mode (SLACK_CLIENT_ID) needs `newsbot serve`: workspaces install the app "
            "through its HTTP pages; unset SLACK_CLIENT_ID to use Socket Mode with one token."
        )
    assert settings.slack_app_token is not None
    services = _connected_services(settings)
    app = build_app(services)
    handler = SocketModeHandler(app, settings.slack_app_token.get_secret_value())
    with running(settings, services), stop_on_sigterm():
        log.info("socket.connecting")
        try:
            handler.start()  # type: ignore[no-untyped-call]  # untyped in slack_bolt; blocks
        except KeyboardInterrupt:
            pass
        finally:
            handler.close()  # type: ignore[no-untyped-call]  # untyped in slack_bolt
    return 0
