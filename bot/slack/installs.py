"""Workspaces: the Slack client of each workspace (:class:`SlackClients`) and, in OAuth mode,
the installations and OAuth states in the project's own database.

Single-workspace mode (``SLACK_BOT_TOKEN``, the default): every workspace gets the one client.
OAuth mode (``SLACK_CLIENT_ID`` and ``SLACK_CLIENT_SECRET``): Bolt's OAuth flow
(``GET /slack/install``, ``GET /slack/oauth_redirect``) stores each install with slack_sdk's
SQLAlchemy stores on our engine (tables from migration ``0007_oauth``), and
:meth:`SlackClients.for_team` finds the bot token of a draft's workspace there, kept in memory
for ``SLACK_INSTALLATION_CACHE_S``. The same lookup authorizes Bolt's requests
(:class:`WorkspaceAuthorize`), so listeners and workers share one path and one cache, and no
request costs an ``auth.test``.

Token rotation: when the app has it on, ``oauth.v2.access`` answers with ``refresh_token`` and
``expires_in`` (12 h); a bot token due within ``SLACK_TOKEN_ROTATION_MINUTES`` is refreshed
with slack_sdk's ``TokenRotator`` (``grant_type=refresh_token``,
https://docs.slack.dev/authentication/using-token-rotation) and saved before it is used.
Slack revokes the refresh token a refresh used ("The refresh token is then revoked, and a new
refresh token is used", same page), so two processes must never refresh one install at once:
the refresh runs under a lock across processes (``rotation_lock``: PostgreSQL's advisory lock,
:meth:`Store.cross_process_lock`) and first re-reads the install, which another process may
have refreshed meanwhile.

Enterprise Grid: an org-wide install is stored with ``is_enterprise_install`` and no team
(slack_sdk keeps it under the organization's ``enterprise_id``); a workspace of that
organization without its own install gets the organization's token.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_bolt.context import BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError, SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot, InstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator

from bot.logs import get_logger
from bot.store import Store

log = get_logger(__name__)

ClientFactory = Callable[[str | None], WebClient]
RotationLock = Callable[[str], AbstractContextManager[object]]

_ORGS_REMEMBERED = 100_000
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


class NoInstallation(SlackClientError):
    """The workspace has no installation (never installed, or uninstalled): no call is made."""

    def __init__(self, team_id: str | None, enterprise_id: str | None) -> None:
        super().__init__(f"no installation for team {team_id} (enterprise {enterprise_id})")
        self.team_id = team_id
        self.enterprise_id = enterprise_id


@dataclass(frozen=True, slots=True)
class _Entry:
    bot: Bot | None
    client: WebClient | None
    until: float


class SlackClients:
    """The Web API client for a workspace: :meth:`for_team` (thread-safe, cached briefly).

    Build with :meth:`single` (one token) or :meth:`oauth` (installations in the database).
    Every client comes from ``factory`` (``bot.slack.app.build_web_client``: SLACK_API_URL,
    the timeout and the one retry layer)."""

    def __init__(
        self,
        factory: ClientFactory,
        *,
        client: WebClient | None = None,
        installations: InstallationStore | None = None,
        rotator: TokenRotator | None = None,
        rotation_minutes: int = 120,
        cache_s: float = 60.0,
        clock: Callable[[], float] = time.time,
        rotation_lock: RotationLock | None = None,
    ) -> None:
        if (client is None) == (installations is None):
            raise ValueError("give either the single client or the installation store")
        self._factory = factory
        self._client = client
        self.installations = installations
        self._rotator = rotator
        self._rotation_minutes = rotation_minutes
        self._rotation_lock: RotationLock = rotation_lock or (lambda _name: nullcontext())
        self._cache_s = cache_s
        self._clock = clock
        self._cache: dict[tuple[str | None, str | None], _Entry] = {}
        # Each workspace's Enterprise Grid organization, as requests showed it: callers that
        # know only the team (reactions, editors' user groups) still find an org-wide install.
        self._orgs: dict[str, str] = {}
        self._lock = threading.Lock()  # guards the cache
        self._lookup_lock = threading.Lock()  # one database lookup (and rotation) at a time
        self.lookups = 0  # database lookups made (for tests and logs)

    @classmethod
    def single(cls, client: WebClient) -> SlackClients:
        return cls(lambda _token: client, client=client)

    @classmethod
    def oauth(
        cls,
        factory: ClientFactory,
        installations: InstallationStore,
        *,
        client_id: str,
        client_secret: str,
        rotation_minutes: int = 120,
        cache_s: float = 60.0,
        rotation_lock: RotationLock | None = None,
    ) -> SlackClients:
        """``rotation_lock``: a lock by name across processes (:meth:`Store.cross_process_lock`)
        around each token refresh."""
        rotator = TokenRotator(
            client_id=client_id, client_secret=client_secret, client=factory(None)
        )
        clients = cls(
            factory,
            installations=installations,
            rotator=rotator,
            rotation_minutes=rotation_minutes,
            cache_s=cache_s,
            rotation_lock=rotation_lock,
        )
        if hasattr(installations, "on_saved"):  # DatabaseInstallationStore
            installations.on_saved = clients.forget  # a (re)install replaces what was cached
        return clients

    @property
    def is_oauth(self) -> bool:
        return self.installations is not None

    def base(self) -> WebClient:
        """The single client, or a client without a token (OAuth: for ``oauth.v2.access``)."""
        return self._client if self._client is not None else self._factory(None)

    def for_team(self, team_id: str | None, enterprise_id: str | None = None) -> WebClient:
        """The client with the bot token of the workspace; :class:`NoInstallation` if none."""
        if self._client is not None:
            return self._client
        if enterprise_id is None and team_id is not None:
            with self._lock:
                enterprise_id = self._orgs.get(team_id)
        entry = self._entry(team_id, enterprise_id, org_wide=False)
        if entry.client is None:
            raise NoInstallation(team_id, enterprise_id)
        return entry.client

    def bot(
        self, team_id: str | None, enterprise_id: str | None, *, org_wide: bool = False
    ) -> Bot | None:
        """The installed bot of the workspace (OAuth mode), or None."""
        if self._client is not None:
            return None
        return self._entry(team_id, enterprise_id, org_wide=org_wide).bot

    def forget(self, team_id: str | None, enterprise_id: str | None = None) -> None:
        """Drop cached tokens of the workspace (or of the whole organization)."""
        with self._lock:
            for key in list(self._cache):
                if (team_id is not None and key[1] == team_id) or (
                    team_id is None and key[0] == enterprise_id
                ):
                    del self._cache[key]

    # --- internals --------------------------------------------------------------------------

    def _entry(self, team_id: str | None, enterprise_id: str | None, *, org_wide: bool) -> _Entry:
        key = (enterprise_id, None if org_wide else team_id)
        with self._lock:
            if team_id and enterprise_id and len(self._orgs) < _ORGS_REMEMBERED:
                self._orgs[team_id] = enterprise_id
            entry = self._cache.get(key)
        if entry is not None and entry.until > self._clock():
            return entry
        with self._lookup_lock:
            with self._lock:  # another thread may have looked it up meanwhile
                entry = self._cache.get(key)
            if entry is not None and entry.until > self._clock():
                return entry
            entry = self._look_up(team_id, enterprise_id, org_wide=org_wide)
            with self._lock:
                self._cache[key] = entry
            return entry

    def _look_up(self, team_id: str | None, enterprise_id: str | None, *, org_wide: bool) -> _Entry:
        self.lookups += 1
        bot = self._find_bot(team_id, enterprise_id, org_wide=org_wide)
        now = self._clock()
        if bot is None or not bot.bot_token:
            log.info("slack.no_installation", team=team_id, enterprise=enterprise_id)
            return _Entry(None, None, now + min(self._cache_s, 5.0))
        bot = self._rotated(bot)
        until = now + self._cache_s
        expires_at = bot.bot_token_expires_at
        if expires_at is not None:  # refresh before it is due, not on the next cache expiry
            until = min(until, float(expires_at) - self._rotation_minutes * 60)
        return _Entry(bot, self._factory(bot.bot_token), until)

    def _find_bot(
        self, team_id: str | None, enterprise_id: str | None, *, org_wide: bool
    ) -> Bot | None:
        assert self.installations is not None
        store = self.installations
        bot = None
        if not org_wide:
            bot = store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None and enterprise_id:
            bot = store.find_bot(
                enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True
            )
        return bot

    def _saved(self, bot: Bot) -> Bot | None:
        """The install of ``bot``'s workspace as now saved (re-read from the database)."""
        return self._find_bot(
            bot.team_id, bot.enterprise_id, org_wide=bool(bot.is_enterprise_install)
        )

    @staticmethod
    def _rotated_elsewhere(bot: Bot) -> Bot:
        log.info("slack.token_rotated_elsewhere", team=bot.team_id, enterprise=bot.enterprise_id)
        return bot

    def _due(self, bot: Bot) -> bool:
        expires_at = bot.bot_token_expires_at
        return expires_at is not None and (
            float(expires_at) <= self._clock() + self._rotation_minutes * 60
        )

    def _rotated(self, bot: Bot) -> Bot:
        if bot.bot_refresh_token is None or self._rotator is None or not self._due(bot):
            return bot
        name = f"slack-token-rotation:{bot.enterprise_id or ''}:{bot.team_id or ''}"
        with self._rotation_lock(name):
            # Another process may have refreshed it while this one waited: its refresh token
            # is then revoked, and the saved install carries the new tokens.
            current = self._saved(bot) or bot
            if not self._due(current):
                return self._rotated_elsewhere(current)
            if current.bot_refresh_token is None:
                return current
            try:
                refreshed = self._rotator.perform_bot_token_rotation(
                    bot=current, minutes_before_expiration=self._rotation_minutes
                )
            except SlackTokenRotationError:
                # Without a lock across processes (SQLite), another process's refresh may
                # have revoked this refresh token: its saved tokens are the ones to use.
                after = self._saved(bot)
                if after is None or after.bot_refresh_token == current.bot_refresh_token:
                    raise
                return self._rotated_elsewhere(after)
            if refreshed is None:
                return current
            assert self.installations is not None
            self.installations.save_bot(refreshed)
        log.info("slack.token_rotated", team=bot.team_id, enterprise=bot.enterprise_id)
        return refreshed


class WorkspaceAuthorize(Authorize):
    """Bolt's authorize in OAuth mode: the request's workspace token from
    :class:`SlackClients` (cached; no ``auth.test`` per request, unlike Bolt's
    ``InstallationStoreAuthorize``). A workspace without installation is not authorized, and
    Bolt answers Slack without running a listener."""

    def __init__(self, clients: SlackClients) -> None:
        self.clients = clients

    def __call__(
        self,
        *,
        context: BoltContext,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None,
        actor_enterprise_id: str | None = None,
        actor_team_id: str | None = None,
        actor_user_id: str | None = None,
    ) -> AuthorizeResult | None:
        org_wide = bool(context.is_enterprise_install)
        bot = self.clients.bot(team_id, enterprise_id, org_wide=org_wide)
        if bot is None:
            return None
        return AuthorizeResult(
            enterprise_id=enterprise_id,
            team_id=team_id,
            bot_user_id=bot.bot_user_id,
            bot_id=bot.bot_id,
            bot_token=bot.bot_token,
            bot_scopes=bot.bot_scopes,
        )


def remove_workspace(
    clients: SlackClients,
    store: Store,
    *,
    team_id: str | None,
    enterprise_id: str | None,
    org_wide: bool = False,
    reason: str,
) -> None:
    """The app was uninstalled from a workspace (or organization) or its bot token revoked:
    forget the installation and its cached token, and stop the workspace's work
    (:meth:`Store.stop_workspace`). Slack sends ``app_uninstalled`` once per workspace, and
    for an org-wide install once for the organization (``is_enterprise_install``)."""
    team = None if org_wide else team_id
    if clients.installations is not None:
        clients.installations.delete_all(enterprise_id=enterprise_id, team_id=team)
    clients.forget(team, enterprise_id)
    log.info("workspace.removed", team=team, enterprise=enterprise_id, reason=reason)
    store.stop_workspace(team, enterprise_id)
