"""manifest.yml and the Procfile match what the app registers, calls and runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.cli import build_parser
from bot.cli.doctor import REQUIRED_SCOPES
from bot.server import EVENTS_PATH
from bot.slack import listeners

ROOT = Path(__file__).parents[1]

# Bot scope each Web API method needs (docs.slack.dev/reference/methods/<method>, "Scopes");
# chat.getPermalink and views.* need none.
METHOD_SCOPES = {
    "chat_postMessage": "chat:write",
    "chat_update": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_getPermalink": None,
    "reactions_add": "reactions:write",
    "reactions_remove": "reactions:write",
    "usergroups_users_list": "usergroups:read",
    "users_info": "users:read",
    "views_open": None,
    "views_publish": None,
}
# Event subscriptions → the event type Bolt dispatches (docs.slack.dev/reference/events).
EVENT_TYPES = {
    "message.channels": "message",
    "message.groups": "message",
    "app_home_opened": "app_home_opened",
    "app_uninstalled": "app_uninstalled",
    "tokens_revoked": "tokens_revoked",
}


def _manifest() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _methods_called() -> set[str]:
    pattern = re.compile(r"\b_?client\.([a-z]+_[A-Za-z_]+)\(")
    found: set[str] = set()
    for path in (ROOT / "bot" / "slack").rglob("*.py"):
        found |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def test_events_match_the_listeners() -> None:
    events = _manifest()["settings"]["event_subscriptions"]["bot_events"]
    assert {EVENT_TYPES[name] for name in events} == set(listeners.EVENTS)


def test_slash_commands_match_and_every_url_is_the_events_endpoint() -> None:
    manifest = _manifest()
    commands = manifest["features"]["slash_commands"]
    assert tuple(c["command"] for c in commands) == listeners.COMMANDS
    urls = [c["url"] for c in commands]
    urls.append(manifest["settings"]["event_subscriptions"]["request_url"])
    urls.append(manifest["settings"]["interactivity"]["request_url"])
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert all(url.startswith("https://") and url.endswith(EVENTS_PATH) for url in urls)
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True


def test_scopes_cover_every_method_the_app_calls() -> None:
    called = _methods_called()
    assert called, "no Web API calls found"
    unknown = called - set(METHOD_SCOPES)
    assert not unknown, f"add the scopes of {unknown} to METHOD_SCOPES"
    scopes = set(_manifest()["oauth_config"]["scopes"]["bot"])
    needed = {METHOD_SCOPES[m] for m in called} - {None}
    needed |= {"commands", "channels:history", "groups:history"}  # slash command, events
    assert needed <= scopes
    # chat:write.public lets "Post for review" reach public channels the bot is not in.
    assert scopes - needed <= {"chat:write.public"}


def test_socket_mode_variant_is_documented_and_http_is_the_default() -> None:
    text = (ROOT / "manifest.yml").read_text(encoding="utf-8")
    assert _manifest()["settings"]["socket_mode_enabled"] is False
    assert "socket_mode_enabled: true" in text and "SLACK_APP_TOKEN" in text


def test_procfile_runs_commands_the_cli_has() -> None:
    lines = dict(
        line.split(":", 1)
        for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    assert lines["web"].split() == ["newsbot", "serve"]
    assert lines["release"].split() == ["newsbot", "db", "upgrade"]
    parser = build_parser()
    for command in (lines["web"], lines["release"]):
        args = parser.parse_args(command.split()[1:])
        assert callable(args.handler)


def test_doctor_checks_exactly_the_scopes_the_manifest_asks_for() -> None:
    scopes = _manifest()["oauth_config"]["scopes"]["bot"]
    assert sorted(REQUIRED_SCOPES) == sorted(scopes)
