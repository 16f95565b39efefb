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

log = get_logger(__name__)


class EditorDirectory:
    """``is_editor(user_id)``; the user group is fetched at most once per ``cache_s``."""

    def __init__(
        self,
        client: WebClient,
        user_ids: Iterable[str] = (),
        usergroup_id: str | None = None,
        *,
        cache_s: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._ids = frozenset(user_ids)
        self._usergroup = usergroup_id
        self._cache_s = cache_s
        self._clock = clock
        self._lock = threading.Lock()
        self._members: frozenset[str] = frozenset()
        self._fetched_at: float | None = None
        self._unsupported = False

    def is_editor(self, user_id: str) -> bool:
        if user_id in self._ids:
            return True
        return user_id in self._group_members()

    def _group_members(self) -> frozenset[str]:
        if not self._usergroup or self._unsupported:
            return frozenset()
        with self._lock:
            now = self._clock()
            if self._fetched_at is not None and now - self._fetched_at < self._cache_s:
                return self._members
            self._fetched_at = now
            try:
                response = self._client.usergroups_users_list(usergroup=self._usergroup)
                self._members = frozenset(response.get("users") or [])
                log.info("editors.loaded", usergroup=self._usergroup, members=len(self._members))
            except SlackApiError as exc:
                error = exc.response.get("error")
                if error == "plan_upgrade_required":
                    self._unsupported = True
                    log.warning("editors.usergroup_unavailable", error=error)
                else:
                    log.warning("editors.load_failed", usergroup=self._usergroup, error=error)
            except SlackClientError:
                log.exception("editors.load_failed", usergroup=self._usergroup)
            return self._members


class UserNames:
    """Display names for the audit trail (``users.info``), cached for the process's life."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._names: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def name(self, user_id: str, fallback: str | None = None) -> str | None:
        with self._lock:
            if user_id in self._names:
                return self._names[user_id] or fallback
        name: str | None = None
        try:
            user = self._client.users_info(user=user_id).get("user") or {}
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
            self._names[user_id] = name
        return name or fallback
