"""The OAuth side of the fake Slack Web API: workspaces that install the app, the bot tokens
they get, and ``oauth.v2.access`` (a mixin of :class:`tests.fakes.slack_api.FakeSlackAPI`).

Wire facts it follows (https://docs.slack.dev/reference/methods/oauth.v2.access,
https://docs.slack.dev/authentication/using-token-rotation):

- ``oauth.v2.access`` takes no token; the client id and secret come as HTTP Basic auth (what
  slack_sdk sends: ``auth={"client_id": …, "client_secret": …}``) or as form fields. A wrong
  pair answers ``invalid_client_id`` / ``bad_client_secret``; an unknown or used code
  ``invalid_code``; an unknown refresh token ``invalid_refresh_token``.
- ``grant_type=authorization_code`` (the default) answers ``access_token`` (the bot token),
  ``token_type: "bot"``, ``scope``, ``bot_user_id``, ``app_id``, ``team`` ({id, name}; null
  for an org-wide install), ``enterprise`` ({id, name} or null), ``is_enterprise_install``
  and ``authed_user`` ({id}); with token rotation also ``refresh_token`` and ``expires_in``
  (seconds; 43,200 = 12 h at Slack), the access token then starts ``xoxe.xoxb-``.
- ``grant_type=refresh_token`` answers a new access token (the old one stops working) with the
  same fields; the refresh token stays valid.
- A revoked token answers ``token_revoked``, an expired one ``token_expired``.

Tests: :meth:`OAuthFake.grant` is the person clicking "Allow" on Slack's consent screen (it
returns the ``code`` Slack puts in the redirect); :meth:`OAuthFake.uninstall` is an admin
removing the app (tokens revoked; the test then sends ``app_uninstalled``).
"""

from __future__ import annotations

import base64
import itertools
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

JSONDict = dict[str, Any]
DEFAULT_EXPIRES_IN = 43_200


@dataclass
class Workspace:
    """A workspace (or, org-wide, an Enterprise Grid organization) the app is installed in."""

    team_id: str | None
    team: str | None = None
    enterprise_id: str | None = None
    enterprise: str | None = None
    org_wide: bool = False
    bot_user_id: str = "U0NEWSBOT"
    bot_id: str = "B0NEWSBOT"
    installer: str = "U0ADMIN"
    rotating: bool = False
    expires_in: int = DEFAULT_EXPIRES_IN  # of the install's token
    refresh_expires_in: int = DEFAULT_EXPIRES_IN  # of each refreshed token
    tokens: list[str] = field(default_factory=list)  # every bot token issued, newest last
    refresh_token: str | None = None


@dataclass
class _Token:
    workspace: Workspace
    expires_at: float | None  # by the fake's clock; None: never


class OAuthFake:
    """Installs, bot tokens and ``oauth.v2.access``; needs ``_lock``, ``_clock``, ``app_id``,
    ``scopes``, ``token``, ``team_id``, ``team``, ``bot_user_id`` and ``bot_id`` of the fake."""

    client_id = "1111111111.2222222222"
    client_secret = "fake-client-secret-0123456789"

    _lock: threading.RLock
    _clock: Callable[[], float]
    app_id: str
    scopes: list[str]
    token: str
    team_id: str
    team: str
    bot_user_id: str
    bot_id: str

    def _init_oauth(self) -> None:
        self._codes: dict[str, Workspace] = {}
        self._bot_tokens: dict[str, _Token] = {}
        self._dead_tokens: dict[str, str] = {}  # token → token_revoked / token_expired
        self._refresh_tokens: dict[str, Workspace] = {}
        self._workspaces: list[Workspace] = []
        self._serial = itertools.count(1)
        self.refreshes = 0  # refresh_token grants answered

    # --- setup ---------------------------------------------------------------------------------

    def grant(
        self,
        team_id: str | None,
        *,
        team: str | None = None,
        enterprise_id: str | None = None,
        enterprise: str | None = None,
        org_wide: bool = False,
        rotating: bool = False,
        expires_in: int = DEFAULT_EXPIRES_IN,
        refresh_expires_in: int = DEFAULT_EXPIRES_IN,
        bot_user_id: str | None = None,
        installer: str = "U0ADMIN",
    ) -> str:
        """Someone allowed the install (Slack's consent screen): the ``code`` for the redirect."""
        with self._lock:
            n = next(self._serial)
            workspace = Workspace(
                team_id=None if org_wide else team_id,
                team=None if org_wide else (team or f"Workspace {team_id}"),
                enterprise_id=enterprise_id,
                enterprise=enterprise or (f"Org {enterprise_id}" if enterprise_id else None),
                org_wide=org_wide,
                bot_user_id=bot_user_id or f"U0BOT{n:03d}",
                bot_id=f"B0BOT{n:03d}",
                installer=installer,
                rotating=rotating,
                expires_in=expires_in,
                refresh_expires_in=refresh_expires_in,
            )
            code = f"{n}.{secrets.token_hex(8)}"
            self._codes[code] = workspace
            return code

    def uninstall(self, team_id: str | None = None, *, enterprise_id: str | None = None) -> None:
        """The app was removed: every token of the workspace (or org install) is revoked."""
        with self._lock:
            for token, issued in list(self._bot_tokens.items()):
                ws = issued.workspace
                if (team_id is not None and ws.team_id == team_id) or (
                    team_id is None and ws.org_wide and ws.enterprise_id == enterprise_id
                ):
                    del self._bot_tokens[token]
                    self._dead_tokens[token] = "token_revoked"
                    if ws.refresh_token is not None:
                        self._refresh_tokens.pop(ws.refresh_token, None)

    # --- inspection ----------------------------------------------------------------------------

    def bot_token(self, team_id: str | None, *, enterprise_id: str | None = None) -> str:
        """The workspace's newest bot token (of the org install for ``team_id`` None)."""
        with self._lock:
            for ws in reversed(self._workspaces):
                if ws.team_id == team_id and (
                    enterprise_id is None or ws.enterprise_id == enterprise_id
                ):
                    return ws.tokens[-1]
        raise KeyError(team_id)

    def workspace_of(self, token: str | None) -> Workspace | None:
        with self._lock:
            issued = self._bot_tokens.get(token or "")
            return issued.workspace if issued is not None else None

    # --- request handling ----------------------------------------------------------------------

    def _bot_token_problem(self, token: str) -> str | None:
        """None if ``token`` is a live bot token issued by an install, else Slack's error."""
        issued = self._bot_tokens.get(token)
        if issued is None:
            return self._dead_tokens.get(token, "invalid_auth")
        if issued.expires_at is not None and self._clock() >= issued.expires_at:
            return "token_expired"
        return None

    def _oauth_v2_access(self, args: JSONDict, authorization: str) -> JSONDict:
        client_id, client_secret = _basic(authorization)
        client_id = client_id or args.get("client_id")
        client_secret = client_secret or args.get("client_secret")
        if client_id != self.client_id:
            return {"ok": False, "error": "invalid_client_id"}
        if client_secret != self.client_secret:
            return {"ok": False, "error": "bad_client_secret"}
        if args.get("grant_type") == "refresh_token":
            workspace = self._refresh_tokens.get(str(args.get("refresh_token")))
            if workspace is None:
                return {"ok": False, "error": "invalid_refresh_token"}
            for old in workspace.tokens:  # the old access token stops working
                if self._bot_tokens.pop(old, None) is not None:
                    self._dead_tokens[old] = "token_expired"
            # "The refresh token is then revoked, and a new refresh token is used"
            # (https://docs.slack.dev/authentication/using-token-rotation).
            del self._refresh_tokens[str(args.get("refresh_token"))]
            workspace.refresh_token = f"xoxe-1-{secrets.token_hex(12)}"
            self._refresh_tokens[workspace.refresh_token] = workspace
            self.refreshes += 1
            return self._access(workspace, workspace.refresh_expires_in)
        workspace = self._codes.pop(str(args.get("code")), None)
        if workspace is None:
            return {"ok": False, "error": "invalid_code"}
        self._workspaces.append(workspace)
        if workspace.rotating:
            workspace.refresh_token = f"xoxe-1-{secrets.token_hex(12)}"
            self._refresh_tokens[workspace.refresh_token] = workspace
        answer = self._access(workspace, workspace.expires_in)
        answer["authed_user"] = {"id": workspace.installer}
        return answer

    def _access(self, workspace: Workspace, expires_in: int) -> JSONDict:
        n = next(self._serial)
        prefix = "xoxe.xoxb-1-" if workspace.rotating else "xoxb-"
        token = f"{prefix}{workspace.team_id or workspace.enterprise_id}-{n}-{secrets.token_hex(6)}"
        workspace.tokens.append(token)
        expires_at = self._clock() + expires_in if workspace.rotating else None
        self._bot_tokens[token] = _Token(workspace, expires_at)
        answer: JSONDict = {
            "ok": True,
            "access_token": token,
            "token_type": "bot",
            "scope": ",".join(self.scopes),
            "bot_user_id": workspace.bot_user_id,
            "app_id": self.app_id,
            "team": (
                {"id": workspace.team_id, "name": workspace.team} if workspace.team_id else None
            ),
            "enterprise": (
                {"id": workspace.enterprise_id, "name": workspace.enterprise}
                if workspace.enterprise_id
                else None
            ),
            "is_enterprise_install": workspace.org_wide,
        }
        if workspace.rotating:
            answer["refresh_token"] = workspace.refresh_token
            answer["expires_in"] = expires_in
        return answer

    def _auth_test_for(self, token: str | None) -> JSONDict | None:
        """auth.test's answer for a token an install issued (None: the fake's own token)."""
        workspace = self.workspace_of(token)
        if workspace is None:
            return None
        return {
            "url": f"https://{(workspace.team_id or workspace.enterprise_id or 'x').lower()}"
            ".slack.com/",
            "team": workspace.team or workspace.enterprise,
            "user": "newsbot",
            "team_id": workspace.team_id or "",
            "user_id": workspace.bot_user_id,
            "bot_id": workspace.bot_id,
            "enterprise_id": workspace.enterprise_id,
            "is_enterprise_install": workspace.org_wide,
        }


def _basic(authorization: str) -> tuple[str | None, str | None]:
    if not authorization.startswith("Basic "):
        return None, None
    try:
        decoded = base64.b64decode(authorization.removeprefix("Basic ").strip()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None, None
    user, _, password = decoded.partition(":")
    return unquote(user), unquote(password)
