"""App Home: the review queue and recent approvals for editors, how to use the bot for all."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import App

if TYPE_CHECKING:
    from bot.slack.services import Services


def register(app: App, services: Services) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], body: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        user = str(event["user"])
        team = body.get("team_id")
        enterprise = body.get("enterprise_id")
        data = services.workflow.home(user, team)
        services.notifier.show_home(user, data, team_id=team, enterprise_id=enterprise)
