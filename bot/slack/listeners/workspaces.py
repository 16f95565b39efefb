"""``app_uninstalled`` and ``tokens_revoked``: the workspace's installation is removed, its
queued work stops and nothing more is published for it (:func:`bot.slack.installs.
remove_workspace`).

Bolt's built-in ``enable_token_revocation_listeners`` only deletes from the installation store,
and with ``context.team_id`` also for an org-wide install, whose row has no team (slack_sdk
keys it by ``enterprise_id``: slack_bolt/listener/builtins.py), so it is not used. Slack sends
``tokens_revoked`` with the revoked ids under ``tokens.oauth`` (user tokens) and
``tokens.bot`` (https://docs.slack.dev/reference/events/tokens_revoked); the app holds bot
tokens only, so just the ``bot`` list matters. ``app_uninstalled`` has no fields of its own
(https://docs.slack.dev/reference/events/app_uninstalled). In single-workspace mode there is
no installation to remove, but the work stops all the same.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext

from bot.slack.installs import remove_workspace

if TYPE_CHECKING:
    from bot.slack.services import Services


def register(app: App, services: Services) -> None:
    def remove(context: BoltContext, body: dict[str, Any], reason: str) -> None:
        remove_workspace(
            services.clients,
            services.store,
            team_id=context.team_id or body.get("team_id"),
            enterprise_id=context.enterprise_id or body.get("enterprise_id"),
            org_wide=bool(context.is_enterprise_install),
            reason=reason,
        )

    @app.event("app_uninstalled")
    def on_uninstalled(context: BoltContext, body: dict[str, Any]) -> None:
        remove(context, body, "app_uninstalled")

    @app.event("tokens_revoked")
    def on_tokens_revoked(
        event: dict[str, Any], context: BoltContext, body: dict[str, Any]
    ) -> None:
        if (event.get("tokens") or {}).get("bot"):
            remove(context, body, "tokens_revoked")
