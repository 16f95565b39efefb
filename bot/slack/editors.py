"""Who may approve: ``EDITOR_USER_IDS`` plus the members of ``EDITOR_USERGROUP_ID`` (cached).

User groups need a paid plan; on a free workspace the usergroups methods answer
``plan_upgrade_required`` ("only available on Standard and above plans": slackhq/slack-api-docs,
methods/usergroups.*.json "errors"), and then only the listed ids are editors. Any other
failure keeps the last good member list (or the ids alone) and is retried after the cache time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.logs import get_logger
from bot.slack.installs import SlackClients

log = get_logger(__name__)


def per_workspace(entries: Iterable[str]) -> dict[str | None, frozenset[str]]:
    """``T123:U456`` entries by workspace; plain ``U456`` entries under None (every workspace)."""
    found: dict[str | None, set[str]] = {}
    for entry in entries:
        team, sep, value = entry.strip().rpartition(":")
        if value:
            found.setdefault(team if sep else None, set()).add(value)
    return {team: frozenset(values) for team, values in found.items()}


class EditorDirectory:
    """``is_editor(user_id, team_id)``; each workspace's user group is fetched at most once per
    ``cache_s`` with that workspace's token.

    ``EDITOR_USER_IDS`` and ``EDITOR_USERGROUP_ID`` entries may name their workspace
    (``T123:U456``, ``T123:S789``): such an entry counts only there; a plain entry counts in
    every workspace (single-workspace mode has just one)."""

    def __init__(
        self,
        clients: SlackClients | WebClient,
        user_ids: Iterable[str] = (),
        usergroup_id: str | None = None,
        *,
        cache_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._clients = (
            clients if isinstance(clients, SlackClients) else SlackClients.single(clients)
        )
        self._ids = per_workspace(user_ids)
        self._groups = per_workspace((usergroup_id or "").split(","))
        self._cache_s = cache_s
        self._clock = clock
        self._lock = threading.Lock()
        self._members: dict[tuple[str | None, str], frozenset[str]] = {}
        self._fetched_at: dict[tuple[str | None, str], float] = {}
        self._unsupported: set[str | None] = set()

    def is_editor(
        self, user_id: str, team_id: str | None = None, enterprise_id: str | None = None
    ) -> bool:
        if user_id in self._ids.get(None, ()) or user_id in self._ids.get(team_id, ()):
            return True
        groups = self._groups.get(None, frozenset()) | self._groups.get(team_id, frozenset())
        return any(
            user_id in self._group_members(team_id, enterprise_id, group) for group in groups
        )

    def _group_members(
        self, team_id: str | None, enterprise_id: str | None, usergroup: str
    ) -> frozenset[str]:
        if team_id in self._unsupported:
            return frozenset()
        key = (team_id, usergroup)
        with self._lock:
            now = self._clock()
            fetched = self._fetched_at.get(key)
            if fetched is not None and now - fetched < self._cache_s:
                return self._members.get(key, frozenset())
            self._fetched_at[key] = now
            try:
                client = self._clients.for_team(team_id, enterprise_id)
                response = client.usergroups_users_list(usergroup=usergroup)
                self._members[key] = frozenset(response.get("users") or [])
                log.info(
                    "editors.loaded",
                    usergroup=usergroup,
                    team=team_id,
                    members=len(self._members[key]),
                )
            except SlackApiError as exc:
                error = exc.response.get("error")
                if error == "plan_upgrade_required":
                    self._unsupported.add(team_id)
                    log.warning("editors.usergroup_unavailable", error=error, team=team_id)
                else:
                    log.warning("editors.load_failed", usergroup=usergroup, error=error)
            except SlackClientError:
                log.exception("editors.load_failed", usergroup=usergroup)
            return self._members.get(key, frozenset())


class UserNames:
    """Display names for the audit trail (``users.info``), cached for the process's life."""

    def __init__(self, clients: SlackClients | WebClient) -> None:
        self._clients = (
            clients if isinstance(clients, SlackClients) else SlackClients.single(clients)
        )
        self._names: dict[tuple[str | None, str], str | None] = {}
        self._lock = threading.Lock()

    def name(
        self,
        user_id: str,
        fallback: str | None = None,
        *,
        team_id: str | None = None,
        enterprise_id: str | None = None,
    ) -> str | None:
        key = (team_id, user_id)
        with self._lock:
            if key in self._names:
                return self._names[key] or fallback
        name: str | None = None
        try:
            client = self._clients.for_team(team_id, enterprise_id)
            user = client.users_info(user=user_id).get("user") or {}
            profile = user.get("profile") or {}
            name = (
                profile.get("display_name")
                or profile.get("real_name")
                or user.get("real_name")
                or user.get("name")
            )
        except SlackApiError as exc:
            log.warning("user.lookup_failed", user=user_id, error=exc.response.get("error"))
            return fallback
        except SlackClientError:
            log.exception("user.lookup_failed", user=user_id)
            return fallback
        with self._lock:
            self._names[key] = name
        return name or fallback
