"""App Home: the editor's queue, filtered, and recent approvals; how to use the bot for all.

The filter is a ``static_select`` (:data:`~bot.slack.ids.ACTION_HOME_FILTER`); choosing a
queue re-publishes the tab at once. The choice is kept in the Home view's
``private_metadata``: Slack sends the view it last published with every ``app_home_opened``
event ("If they opened a Home tab and that tab has had a view published at least once before,
a view field will also be included", https://docs.slack.dev/reference/events/app_home_opened)
and with every ``block_actions`` from it, so reopening Home keeps the queue without a table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, App

from bot.slack import ids

if TYPE_CHECKING:
    from bot.slack.services import Services


def remembered_queue(view: Any) -> str:
    """The queue a published Home view was showing ("waiting" when none is known)."""
    if isinstance(view, Mapping) and view.get("type", "home") == "home":
        return str(view.get("private_metadata") or "") or "waiting"
    return "waiting"


def register(app: App, services: Services) -> None:
    def publish(user: str, team_id: str | None, enterprise_id: str | None, queue: str) -> None:
        data = services.workflow.home(
            user, team_id, queue=queue, desk_channels=services.desk_channels(user)
        )
        services.notifier.show_home(user, data, team_id=team_id, enterprise_id=enterprise_id)

    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        publish(
            str(event["user"]),
            body.get("team_id"),
            body.get("enterprise_id"),
            remembered_queue(event.get("view")),
        )

    @app.action(ids.ACTION_HOME_FILTER)
    def on_home_filter(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        user = (body.get("user") or {}).get("id")
        action = (body.get("actions") or [{}])[0]
        queue = str((action.get("selected_option") or {}).get("value") or "waiting")
        team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id")
        enterprise = (body.get("enterprise") or {}).get("id") or body.get("enterprise_id")
        if user:
            publish(str(user), team, enterprise, queue)
