"""Build the Bolt app and everything behind it from settings; nothing happens at import time.

:func:`build_services` makes the store, the Slack client, the article pipeline, the
summarizer, the notifier, the editor directory, the workflow and its workers (not started);
:func:`build_app` makes the Bolt :class:`~slack_bolt.App` with the listeners registered.

Every Slack client uses ``SLACK_API_URL`` and one retry layer, :class:`~bot.slack.retry.
SlackRetryHandler` (5xx, connection errors, timeouts; a few quick attempts; a short
``Retry-After`` only for calls that answer a person), and the notifier's calls a
per-workspace, per-method budget (:mod:`bot.slack.budget`). Bolt runs listeners on its own pool
(``process_before_response=False``): they ack and write to the database only, the slow work
runs in :class:`~bot.workflow.drafts.SummaryWorkers`, so acks are not starved by summaries.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from bot.desks import Desks
from bot.i18n.labels import SummaryLabels
from bot.logs import get_logger
from bot.metrics import Metrics
from bot.settings import Settings
from bot.slack import listeners
from bot.slack.budget import SlackBudget
from bot.slack.editors import EditorDirectory, UserNames
from bot.slack.installs import INSTALL_PATH, REDIRECT_PATH, SlackClients, WorkspaceAuthorize
from bot.slack.notifier import SlackNotifier
from bot.slack.retry import SlackRetryHandler
from bot.slack.services import Services
from bot.store import Store
from bot.summarizer import HouseStyle, Summarizer, build_summarizer
from bot.workflow.drafts import ArticleSource, DraftWorkflow, SummaryWorkers, WorkflowConfig
from bot.workflow.publishing import ApprovalPayloads

__all__ = [
    "ContextExecutor",
    "Services",
    "build_app",
    "build_clients",
    "build_retry_handler",
    "build_services",
    "build_web_client",
]

log = get_logger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


class ContextExecutor(ThreadPoolExecutor):
    """A thread pool that runs each task in a copy of the submitter's ``contextvars``, so the
    request context bound by the middleware (team, channel, user…) reaches the logs."""

    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        context = contextvars.copy_context()
        return super().submit(_run_in, context, fn, *args, **kwargs)


def _run_in(
    context: contextvars.Context, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs
) -> R:
    return context.run(fn, *args, **kwargs)


def build_retry_handler(settings: Settings) -> SlackRetryHandler:
    """The one retry layer of every Slack call (Web API and ``response_url``)."""
    return SlackRetryHandler(
        settings.slack_max_retries,
        backoff_s=settings.slack_retry_backoff_s,
        max_backoff_s=4 * settings.slack_retry_backoff_s,
        retry_after_cap_s=settings.slack_retry_after_cap_s,
    )


def build_web_client(
    settings: Settings, *, token: str | None = None, tokenless: bool = False
) -> WebClient:
    """The Web API client: ``SLACK_API_URL``, ``SLACK_TIMEOUT_S``, one retry layer.

    ``token`` None: SLACK_BOT_TOKEN, or no token at all with ``tokenless`` (OAuth mode's base
    client: ``oauth.v2.access`` takes the client id and secret instead)."""
    if token is None and not tokenless:
        settings.require("slack_bot_token")
        assert settings.slack_bot_token is not None
        token = settings.slack_bot_token.get_secret_value()
    return WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=settings.slack_timeout_s,
        retry_handlers=[build_retry_handler(settings)],
    )


def build_clients(
    settings: Settings, store: Store, client: WebClient | None = None
) -> SlackClients:
    """One client for every workspace (SLACK_BOT_TOKEN), or, in OAuth mode, each workspace's
    client from the installations in the database (:mod:`bot.slack.installs`)."""
    if not settings.oauth:
        return SlackClients.single(client or build_web_client(settings))
    from bot.slack.oauth_stores import DatabaseInstallationStore  # noqa: PLC0415  # OAuth only

    assert settings.slack_client_id is not None and settings.slack_client_secret is not None

    def factory(token: str | None) -> WebClient:
        return build_web_client(settings, token=token, tokenless=token is None)

    return SlackClients.oauth(
        factory,
        DatabaseInstallationStore(settings.slack_client_id, store),
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        rotation_minutes=settings.slack_token_rotation_minutes,
        cache_s=settings.slack_installation_cache_s,
        rotation_lock=store.cross_process_lock,
    )


def build_services(
    settings: Settings,
    *,
    store: Store | None = None,
    client: WebClient | None = None,
    articles: ArticleSource | None = None,
    summarizer: Summarizer | None = None,
    on_approved: Callable[[], None] | None = None,
    metrics: Metrics | None = None,
) -> Services:
    """Wire the services from ``settings``; pass any of them to replace the default."""
    from bot.articles.pipeline import ArticlePipeline  # noqa: PLC0415  # trafilatura is heavy

    store = store or Store.from_settings(settings)
    clients = build_clients(settings, store, client)
    client = clients.base()
    metrics = metrics or Metrics()
    metrics.watch_states(store.state_counts)
    desks = Desks.from_settings(settings)  # validated again at start: DesksError there
    payloads = ApprovalPayloads.from_settings(
        settings,
        store,
        desk_webhooks=any(desk.webhook_url for desk in desks.desks),
        labels_for=lambda draft: desks.by_name(draft.desk).labels,
    )
    notifier = SlackNotifier(
        client,
        store,
        lang=settings.bot_language,
        labels=SummaryLabels.from_settings(settings),
        publishing=payloads is not None,
        retry_handler=build_retry_handler(settings),
        timeout_s=settings.slack_timeout_s,
        budget=SlackBudget(scale=settings.slack_rate_scale),
        post_wait_cap_s=settings.slack_post_wait_cap_s,
        answer_wait_cap_s=settings.slack_retry_after_cap_s,
        clients=clients,
        desk_of=(
            (lambda d: (desks.by_name(d.desk).labels, bool(desks.by_name(d.desk).webhook_url)))
            if desks.configured
            else None
        ),
    )
    editors = EditorDirectory(
        clients,
        settings.editor_user_ids,
        settings.editor_usergroup_id,
        cache_s=settings.editor_cache_s,
    )
    desk_editors = {
        desk.name: EditorDirectory(
            clients, desk.editors, desk.editor_usergroup, cache_s=settings.editor_cache_s
        )
        for desk in desks.desks
        if desk.name
    }
    desk_summarizers = {
        desk.name: build_summarizer(settings, style=desk.house_style())
        for desk in desks.desks
        if desk.name and summarizer is None
    }
    workflow = DraftWorkflow(
        store,
        articles=articles or ArticlePipeline.from_settings(settings, credentials=desks.credentials),
        summarizer=summarizer or build_summarizer(settings),
        style=HouseStyle.from_settings(settings),
        notifier=notifier,
        is_editor=editors.is_editor,
        config=WorkflowConfig(
            lease_s=settings.work_lease_s,
            duplicate_window_s=settings.duplicate_window_s,
            channel_allowlist=frozenset(settings.slack_channel_allowlist),
            auto_retries=settings.work_auto_retries,
            auto_retry_base_s=settings.work_auto_retry_base_s,
        ),
        payloads=payloads,
        on_approved=on_approved,
        metrics=metrics,
        desks=desks if desks.configured else None,
        desk_summarizers=desk_summarizers,
        desk_editor=lambda desk, user, team: desk_editors[desk].is_editor(user, team),
    )
    workers = SummaryWorkers(workflow, threads=settings.worker_threads, poll_s=settings.work_poll_s)
    return Services(
        settings=settings,
        store=store,
        client=client,
        clients=clients,
        notifier=notifier,
        editors=editors,
        names=UserNames(clients),
        workflow=workflow,
        desk_channels=desks.channels_for_editor,
        workers=workers,
        metrics=metrics,
    )


def build_oauth_settings(settings: Settings, clients: SlackClients, store: Store) -> OAuthSettings:
    """Bolt's OAuth flow on ``GET /slack/install`` and ``GET /slack/oauth_redirect``: the
    install page sets the state cookie and links to Slack's consent screen with
    ``SLACK_SCOPES``; the redirect checks the state (cookie and database, once), exchanges the
    code with ``oauth.v2.access`` at SLACK_API_URL and saves the installation in the database.
    Bot scopes only: the app never acts as a person."""
    from bot.slack.oauth_stores import DatabaseStateStore  # noqa: PLC0415  # OAuth only

    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    assert clients.installations is not None
    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=list(settings.slack_scopes),
        redirect_uri=settings.slack_redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=clients.installations,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=settings.slack_token_rotation_minutes,
        state_store=DatabaseStateStore(settings.slack_state_expiration_s, store),
        state_expiration_seconds=settings.slack_state_expiration_s,
    )


class _DropTokenUnusedWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and, as we hand it a configured
    ``client`` (SLACK_API_URL, retries), warns on every start that the token "will be unused"
    (slack_bolt/app/app.py: ``token = token or os.environ.get("SLACK_BOT_TOKEN")``). The client
    carries that same token, so the warning says nothing: drop exactly that record."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def _quiet_bolt_token_warning() -> None:
    bolt_app_logger = logging.getLogger("slack_bolt.App")  # Bolt's get_bolt_logger(App)
    if not any(isinstance(f, _DropTokenUnusedWarning) for f in bolt_app_logger.filters):
        bolt_app_logger.addFilter(_DropTokenUnusedWarning())


def build_app(
    services: Services,
    *,
    token_verification_enabled: bool = True,
    request_verification_enabled: bool = True,
) -> App:
    """The Bolt app with every listener registered (:func:`bot.slack.listeners.register`)."""
    settings = services.settings
    _quiet_bolt_token_warning()
    signing_secret = (
        settings.slack_signing_secret.get_secret_value()
        if settings.slack_signing_secret is not None
        else None
    )
    oauth: dict[str, Any] = {}
    if services.clients.is_oauth:
        oauth = {
            "oauth_settings": build_oauth_settings(settings, services.clients, services.store),
            "authorize": WorkspaceAuthorize(services.clients),
        }
    app = App(
        client=services.client,
        signing_secret=signing_secret,
        process_before_response=False,
        request_verification_enabled=request_verification_enabled and signing_secret is not None,
        token_verification_enabled=token_verification_enabled and not oauth,
        listener_executor=ContextExecutor(
            max_workers=settings.slack_listener_threads, thread_name_prefix="bolt-listener"
        ),
        **oauth,
    )
    listeners.register(app, services)
    return app
