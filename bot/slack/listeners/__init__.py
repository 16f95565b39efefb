"""The one place where Bolt listeners are registered: :func:`register`.

Listeners are thin: parse the payload once, call one workflow method, render with the pure
builders. A global middleware binds the request's context (team, channel, user, event id,
draft id) to ``structlog.contextvars`` for every log line of the request; Bolt's error
handler logs tracebacks, and people only ever see catalogue sentences.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

import structlog
from slack_bolt import App, BoltResponse

from bot.logs import get_logger
from bot.slack import ids, mapping
from bot.slack.listeners import actions, commands, events, home, views, workspaces

if TYPE_CHECKING:
    from bot.slack.services import Services

log = get_logger(__name__)

# What the app handles; tests/test_manifest.py checks manifest.yml against these.
EVENTS: Final = ("message", "app_home_opened", "app_uninstalled", "tokens_revoked")
COMMANDS: Final = (commands.SUMMARIZE,)
ACTIONS: Final = (*ids.DRAFT_ACTIONS, *ids.PREVIEW_ACTIONS)
VIEWS: Final = (ids.CALLBACK_EDIT, ids.CALLBACK_REGENERATE, ids.CALLBACK_REJECT)


def register(app: App, services: Services) -> None:
    """Register the context middleware, the error handler and every listener on ``app``."""
    app.use(bind_request_context)
    app.use(_counter(services))
    app.error(_log_error)
    events.register(app, services)
    home.register(app, services)
    commands.register(app, services)
    actions.register(app, services)
    views.register(app, services)
    workspaces.register(app, services)


def bind_request_context(
    body: dict[str, Any], next: Callable[[], BoltResponse]
) -> BoltResponse:  # Bolt passes the continuation by this name
    """Bind team, channel, user, event id and draft id for the logs of this request."""
    structlog.contextvars.clear_contextvars()
    event = body.get("event") or {}
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    user = event.get("user") or body.get("user_id") or (body.get("user") or {}).get("id")
    channel = (
        event.get("channel") or body.get("channel_id") or (body.get("channel") or {}).get("id")
    )
    draft_id = None
    actions_ = body.get("actions") or []
    if actions_:
        draft_id = ids.parse_action_value(str(actions_[0].get("value") or "")).draft_id or None
    elif body.get("view"):
        metadata = str(body["view"].get("private_metadata") or "")
        draft_id = mapping.parse_modal_metadata(metadata).draft_id or None
    context = {
        "team": team,
        "channel": channel,
        "user": user if isinstance(user, str) else None,
        "event_id": body.get("event_id"),
        "draft_id": draft_id,
    }
    structlog.contextvars.bind_contextvars(**{k: v for k, v in context.items() if v})
    return next()


_KNOWN_KINDS: Final = frozenset(
    {
        *(f"event:{name}" for name in EVENTS),
        "block_actions",
        "view_submission",
        "view_closed",
        "command",
    }
)


def request_kind(body: dict[str, Any]) -> str:
    """``event:message``, ``block_actions``, ``view_submission``, ``command`` or ``other``
    (a bounded label set: payload values never become metric labels)."""
    if body.get("command"):
        return "command"
    kind = str(body.get("type") or "")
    event = body.get("event")
    if kind == "event_callback" and isinstance(event, dict):
        kind = f"event:{event.get('type')}"
    return kind if kind in _KNOWN_KINDS else "other"


def _counter(services: Services) -> Callable[..., BoltResponse]:
    metrics = services.metrics

    def count_request(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse:
        metrics.slack_request(request_kind(body))
        return next()

    return count_request


_OBJECT_FIELDS: Final = ("event", "view", "team", "user", "channel", "container", "message")


def malformed(body: Any) -> str | None:
    """What makes a (signed) body impossible for Slack to have sent, or None.

    Bolt and the middleware index these fields as objects; a body where they are not is a
    client bug or an attack, answered 400 (retrying cannot help) instead of Bolt's 500.
    """
    if not isinstance(body, dict):
        return "body"
    for name in _OBJECT_FIELDS:
        if name in body and not isinstance(body[name], dict):
            return name
    actions = body.get("actions")
    if actions is not None and not (
        isinstance(actions, list) and all(isinstance(a, dict) for a in actions)
    ):
        return "actions"
    return None


def _log_error(
    error: Exception, body: dict[str, Any], response: BoltResponse | None
) -> BoltResponse | None:
    problem = malformed(body)
    if problem is not None:
        log.warning("slack.request_malformed", field=problem, error_type=type(error).__name__)
        return BoltResponse(status=400, body="") if response is not None else None
    log.error(
        "slack.listener_failed",
        kind=body.get("type"),
        exc_info=(type(error), error, error.__traceback__),
    )
    return None
