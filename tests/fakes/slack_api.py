"""A stateful loopback fake of the Slack Web API, spoken the way ``slack_sdk.WebClient`` calls it.

Start it, point ``SLACK_API_URL`` (or ``WebClient(base_url=...)``) at :attr:`FakeSlackAPI.base_url`
and drive the bot; then assert on what it did (:meth:`calls`, :meth:`messages`, :meth:`views`…).

Wire facts it follows:

- ``WebClient`` POSTs every method to ``<base_url><method>``: JSON bodies for chat.* and views.*,
  form bodies for the rest, the token as ``Authorization: Bearer``
  (slack_sdk/web/base_client.py ``_perform_urllib_http_request``).
- Answers are HTTP 200 with ``{"ok": true, ...}`` or ``{"ok": false, "error": "..."}``; rate
  limits are HTTP 429 with a ``Retry-After`` header in seconds
  (https://docs.slack.dev/apis/web-api/rate-limits), body ``{"ok": false, "error": "ratelimited"}``.
- Response shapes follow the method reference pages (chat.postMessage, chat.update,
  chat.getPermalink, views.open, usergroups.users.list, users.info, conversations.info…).
- ``trigger_id`` lives about 3 s and may be exchanged once: ``expired_trigger_id``,
  ``exchanged_trigger_id`` (already used) and ``invalid_trigger_id`` (unknown), as listed for
  views.open / views.push.
- ``apps.connections.open`` takes the app-level token (``xapp-…``) in the Authorization header
  and answers ``{"ok": true, "url": "wss://…/link/?ticket=…"}``
  (https://docs.slack.dev/reference/methods/apps.connections.open/); the URL comes from
  :attr:`FakeSlackAPI.socket_mode_url` (``tests.fakes.socket_mode.FakeSocketMode.new_url``).
  A bot token there, or the app token on a bot method, gets ``not_allowed_token_type`` (Slack's
  error for a token of the wrong type).
- Rate limits, when :meth:`FakeSlackAPI.enforce_tiers` is on: each method's tier per
  workspace (token) — Tier 2 20, Tier 3 50, Tier 4 100 calls in any 60 s — and
  ``chat.postMessage`` per channel ("1 per second per channel, short bursts allowed": 5 in
  any 5 s) (https://docs.slack.dev/apis/web-api/rate-limits; tiers as on the method pages,
  e.g. chat.update and reactions.add Tier 3, reactions.remove Tier 2, views.publish Tier 4).
  Over it: HTTP 429, ``Retry-After`` (whole seconds until the window has room), body
  ``{"ok": false, "error": "ratelimited"}``, and nothing changes. ``scale`` shortens the
  windows (scale 10: Tier 3 is 50 calls in any 6 s) so a benchmark finishes in minutes.
- Slack's own trouble is HTTP 5xx (:meth:`FakeSlackAPI.fail` with ``status=500`` for the next
  calls, :meth:`FakeSlackAPI.outage` for a stretch of time) or no answer in time
  (:meth:`FakeSlackAPI.hang`: the call is done, as Slack may do it, but answered only late).
- Blocks and views are checked with ``bot.slack.blocks``: a message over the cumulative text
  limit gets ``msg_blocks_too_long``, other violations ``invalid_blocks``; a bad view
  ``invalid_arguments``.

Everything is guarded by one lock; each request is served on its own thread.
"""

from __future__ import annotations

import itertools
import json
import math
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bot.cli.doctor import REQUIRED_SCOPES
from bot.slack.blocks import BlockKitError, MessageTooLong, validate_blocks, validate_view
from tests.fakes.loopback import LOOPBACK, LoopbackServer
from tests.fakes.slack_oauth import OAuthFake

JSONDict = dict[str, Any]
_JSON_ARGS = ("blocks", "attachments", "view", "metadata")
_TRUE = {"1", "true", "True", "yes"}
_APP_TOKEN_METHODS = frozenset({"apps.connections.open"})  # take the app-level token only

# (calls, window in seconds) per method and workspace; chat.postMessage per channel.
TIER_2, TIER_3, TIER_4 = (20, 60.0), (50, 60.0), (100, 60.0)
TIER_LIMITS: dict[str, tuple[int, float]] = {
    "chat.postMessage": (5, 5.0),
    "chat.update": TIER_3,
    "chat.postEphemeral": TIER_4,
    "chat.getPermalink": TIER_4,
    "reactions.add": TIER_3,
    "reactions.remove": TIER_2,
    "views.open": TIER_4,
    "views.update": TIER_4,
    "views.push": TIER_4,
    "views.publish": TIER_4,
    "users.info": TIER_4,
    "usergroups.users.list": TIER_2,
    "conversations.info": TIER_3,
}
_PER_CHANNEL = frozenset({"chat.postMessage"})


@dataclass
class Call:
    """One request the fake received (also the refused and rate-limited ones)."""

    method: str
    args: JSONDict
    token: str | None
    content_type: str
    status: int = 200
    response: JSONDict = field(default_factory=dict)
    at: float = 0.0  # when it was answered, by the fake's clock


@dataclass
class Message:
    """A message in a channel: posted by the bot through the API, or seeded as a person's."""

    channel: str
    ts: str
    text: str
    blocks: list[JSONDict] | None
    user: str
    thread_ts: str | None = None
    bot: bool = True
    unfurl_links: bool | None = None
    unfurl_media: bool | None = None
    history: list[JSONDict] = field(default_factory=list)  # earlier versions, oldest first

    def to_api(self, bot_id: str, team_id: str) -> JSONDict:
        data: JSONDict = {"type": "message", "text": self.text, "user": self.user, "ts": self.ts}
        if self.bot:
            data["bot_id"] = bot_id
        data["team"] = team_id
        if self.blocks is not None:
            data["blocks"] = self.blocks
        if self.thread_ts:
            data["thread_ts"] = self.thread_ts
        return data


@dataclass
class Ephemeral:
    channel: str
    user: str
    text: str
    blocks: list[JSONDict] | None
    thread_ts: str | None
    message_ts: str


@dataclass
class _Fault:
    error: str | None
    status: int
    retry_after: int | None


# The fake token is granted exactly the scopes the manifest asks for (the doctor's list, which
# tests/test_manifest.py compares with manifest.yml).
DEFAULT_SCOPES = REQUIRED_SCOPES


class SlackApiFault(Exception):
    """Raised inside a handler to answer with ``{"ok": false, "error": ...}``."""

    def __init__(self, error: str, **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.extra = extra


class FakeSlackAPI(OAuthFake, LoopbackServer["_Server"]):
    """The fake server and its state; a context manager, or :meth:`start` and :meth:`stop`."""

    def __init__(
        self,
        *,
        token: str = "xoxb-test-token",  # noqa: S107 - the fake's own made-up token
        app_token: str = "xapp-1-A0NEWSBOT-1-test",  # noqa: S107 - the fake's own made-up token
        team_id: str = "T0NEWSROOM",
        team: str = "Newsroom",
        domain: str = "newsroom",
        bot_user_id: str = "U0NEWSBOT",
        bot_id: str = "B0NEWSBOT",
        app_id: str = "A0NEWSBOT",
        trigger_ttl_s: float = 3.0,
        check_blocks: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__()
        self.token = token
        self.app_token = app_token
        # Issues the WebSocket URL apps.connections.open answers with (Socket Mode tests).
        self.socket_mode_url: Callable[[], str] | None = None
        self.team_id = team_id
        self.team = team
        self.domain = domain
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.trigger_ttl_s = trigger_ttl_s
        self.check_blocks = check_blocks
        self._clock = clock
        self._lock = threading.RLock()
        self._calls: list[Call] = []
        self._messages: dict[tuple[str, str], Message] = {}
        self._ephemerals: list[Ephemeral] = []
        self._reactions: dict[tuple[str, str], dict[str, set[str]]] = defaultdict(dict)
        self._ts_counter = itertools.count(1)
        self._ts_base = int(time.time())
        self._triggers: dict[str, float] = {}
        self._used_triggers: set[str] = set()
        self._views: dict[str, JSONDict] = {}
        self._view_stacks: dict[str, list[str]] = {}
        self._home: dict[str, JSONDict] = {}
        self._users: dict[str, JSONDict] = {}
        self._channels: dict[str, JSONDict] = {}
        self._usergroups: dict[str, list[str]] = {}
        self.usergroups_error: str | None = None  # e.g. "plan_upgrade_required"
        # Granted bot scopes, sent as ``x-oauth-scopes`` on every authenticated answer, as Slack
        # does (https://github.com/slack-ruby/slack-ruby-client/issues/378).
        self.scopes: list[str] = list(DEFAULT_SCOPES)
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        self._outages: dict[str, tuple[float, _Fault]] = {}
        self._hangs: dict[str, deque[float]] = defaultdict(deque)
        self._tiers: dict[str, tuple[int, float]] | None = None
        self._tier_log: dict[tuple[str, str, str], deque[float]] = defaultdict(deque)
        self._responses: dict[str, list[JSONDict]] = {}
        self._init_oauth()
        self._handlers: dict[str, Callable[[JSONDict], JSONDict]] = {
            "api.test": lambda args: {"args": args},
            "apps.connections.open": self._apps_connections_open,
            "auth.test": self._auth_test,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "reactions.add": self._reactions_add,
            "reactions.remove": self._reactions_remove,
            "views.open": self._views_open,
            "views.update": self._views_update,
            "views.push": self._views_push,
            "views.publish": self._views_publish,
            "usergroups.users.list": self._usergroups_users_list,
            "users.info": self._users_info,
            "conversations.info": self._conversations_info,
        }

    # --- Lifecycle -----------------------------------------------------------------------------

    thread_name = "fake-slack"

    def make_server(self) -> _Server:
        return _Server((LOOPBACK, 0), _make_handler(self))

    @property
    def root_url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def base_url(self) -> str:
        """What ``SLACK_API_URL`` / ``WebClient(base_url=...)`` should be."""
        return self.root_url + "api/"

    # --- Setup ---------------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = None,
        is_bot: bool = False,
        tz: str = "Europe/Berlin",
    ) -> None:
        with self._lock:
            self._users[user_id] = {
                "id": user_id,
                "team_id": self.team_id,
                "name": name,
                "real_name": real_name or name,
                "tz": tz,
                "is_bot": is_bot,
                "deleted": False,
                "profile": {"display_name": name, "real_name": real_name or name},
            }

    def add_channel(
        self, channel_id: str, name: str, *, is_private: bool = False, is_member: bool = True
    ) -> None:
        """Once any channel is added, posting to unknown channels fails with channel_not_found."""
        with self._lock:
            self._channels[channel_id] = {
                "id": channel_id,
                "name": name,
                "is_channel": not is_private,
                "is_group": False,
                "is_im": False,
                "is_private": is_private,
                "is_archived": False,
                "is_member": is_member,
                "context_team_id": self.team_id,
            }

    def set_usergroup(self, usergroup_id: str, users: list[str]) -> None:
        with self._lock:
            self._usergroups[usergroup_id] = list(users)

    def post_user_message(
        self, channel: str, text: str, user: str, *, thread_ts: str | None = None
    ) -> str:
        """Seed a person's message (what an event would describe); returns its ``ts``."""
        with self._lock:
            ts = self._next_ts()
            self._messages[(channel, ts)] = Message(
                channel=channel,
                ts=ts,
                text=text,
                blocks=None,
                user=user,
                thread_ts=thread_ts,
                bot=False,
            )
            return ts

    def new_trigger_id(self) -> str:
        """A fresh trigger id, as Slack puts in an interaction payload; valid for the TTL, once."""
        with self._lock:
            trigger_id = f"{next(self._ts_counter)}.{self._ts_base}.{secrets.token_hex(16)}"
            self._triggers[trigger_id] = self._clock()
            return trigger_id

    def new_response_url(self) -> str:
        """A ``response_url`` served here; what is posted to it shows in :meth:`responses`."""
        with self._lock:
            token = secrets.token_urlsafe(12)
            self._responses[token] = []
            return f"{self.root_url}response/{token}"

    def fail(self, method: str, error: str, *, times: int = 1, status: int = 200) -> None:
        """The next ``times`` calls of ``method`` answer ``{"ok": false, "error": error}``."""
        with self._lock:
            self._faults[method].extend(_Fault(error, status, None) for _ in range(times))

    def rate_limit(self, method: str, *, times: int = 1, retry_after: int = 1) -> None:
        """The next ``times`` calls of ``method`` get HTTP 429 with ``Retry-After: retry_after``."""
        with self._lock:
            self._faults[method].extend(
                _Fault("ratelimited", 429, retry_after) for _ in range(times)
            )

    def outage(
        self, method: str, seconds: float, *, status: int = 500, error: str = "internal_error"
    ) -> None:
        """Every call of ``method`` in the next ``seconds`` (by the fake's clock) gets HTTP
        ``status`` and changes nothing, as when Slack is down."""
        with self._lock:
            self._outages[method] = (self._clock() + seconds, _Fault(error, status, None))

    def end_outage(self, method: str) -> None:
        with self._lock:
            self._outages.pop(method, None)

    def enforce_tiers(
        self, *, scale: float = 1.0, limits: dict[str, tuple[int, float]] | None = None
    ) -> None:
        """Answer calls over Slack's per-method limits with 429 (see the module docstring);
        ``scale`` divides every window; ``limits`` replaces :data:`TIER_LIMITS`."""
        with self._lock:
            chosen = TIER_LIMITS if limits is None else limits
            self._tiers = {m: (n, window / scale) for m, (n, window) in chosen.items()}
            self._tier_log.clear()

    def stop_enforcing_tiers(self) -> None:
        with self._lock:
            self._tiers = None

    def hang(self, method: str, seconds: float, *, times: int = 1) -> None:
        """The next ``times`` calls of ``method`` are done but answered only after ``seconds``
        (past the client's timeout, the client sees no answer)."""
        with self._lock:
            self._hangs[method].extend(seconds for _ in range(times))

    # --- Inspection ----------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def tokens_used(self, method: str) -> dict[str | None, int]:
        """How many ``method`` calls each token made (the per-workspace record)."""
        counts: dict[str | None, int] = {}
        for call in self.calls(method):
            counts[call.token] = counts.get(call.token, 0) + 1
        return counts

    def messages(self, channel: str | None = None, *, bot_only: bool = True) -> list[Message]:
        """Messages in posting order (by ``ts``)."""
        with self._lock:
            found = [
                m
                for m in self._messages.values()
                if (channel is None or m.channel == channel) and (m.bot or not bot_only)
            ]
        return sorted(found, key=lambda m: float(m.ts))

    def message(self, channel: str, ts: str) -> Message:
        with self._lock:
            return self._messages[(channel, ts)]

    def thread(self, channel: str, thread_ts: str) -> list[Message]:
        """The bot's replies in one thread, oldest first."""
        return [m for m in self.messages(channel) if m.thread_ts == thread_ts]

    def ephemerals(self, user: str | None = None) -> list[Ephemeral]:
        with self._lock:
            return [e for e in self._ephemerals if user is None or e.user == user]

    def reactions(self, channel: str, ts: str) -> set[str]:
        """Names of the reactions the bot has on a message."""
        with self._lock:
            return {
                name
                for name, users in self._reactions[(channel, ts)].items()
                if self.bot_user_id in users
            }

    def views(self) -> list[JSONDict]:
        """Modals opened, updated or pushed, in order of their latest change."""
        with self._lock:
            return list(self._views.values())

    def home(self, user_id: str) -> JSONDict | None:
        with self._lock:
            return self._home.get(user_id)

    def responses(self, response_url: str | None = None) -> list[JSONDict]:
        """Payloads posted to one ``response_url`` (or to all of them)."""
        with self._lock:
            if response_url is None:
                return [p for posted in self._responses.values() for p in posted]
            return list(self._responses.get(response_url.rstrip("/").rsplit("/", 1)[-1], []))

    # --- Request handling ----------------------------------------------------------------------

    def _handle_api(
        self,
        method: str,
        args: JSONDict,
        token: str | None,
        content_type: str,
        authorization: str = "",
    ) -> tuple[int, JSONDict, dict[str, str]]:
        with self._lock:
            hangs = self._hangs.get(method)
            delay = hangs.popleft() if hangs else 0.0
        if delay:
            time.sleep(delay)  # outside the lock: other calls go on meanwhile
        with self._lock:
            call = Call(
                method=method,
                args=args,
                token=token,
                content_type=content_type,
                at=self._clock(),
            )
            self._calls.append(call)
            if method == "oauth.v2.access" and not self._faults.get(method):
                body = self._oauth_v2_access(args, authorization)
                call.response = body
                return 200, body, {}
            status, body, headers = self._answer(method, args, token)
            call.status, call.response = status, body
            return status, body, headers

    def _answer(
        self, method: str, args: JSONDict, token: str | None
    ) -> tuple[int, JSONDict, dict[str, str]]:
        outage = self._outages.get(method)
        if outage is not None and self._clock() < outage[0]:
            return outage[1].status, {"ok": False, "error": outage[1].error}, {}
        faults = self._faults.get(method)
        if faults:
            fault = faults.popleft()
            headers = {}
            if fault.retry_after is not None:
                headers["Retry-After"] = str(fault.retry_after)
            return fault.status, {"ok": False, "error": fault.error}, headers
        handler = self._handlers.get(method)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method"}, {}
        if token is None:
            return 200, {"ok": False, "error": "not_authed"}, {}
        expected = self.app_token if method in _APP_TOKEN_METHODS else self.token
        installed = token in self._bot_tokens or token in self._dead_tokens
        if (token in (self.token, self.app_token) or installed) and (
            (token == self.app_token) != (method in _APP_TOKEN_METHODS)
        ):
            return 200, {"ok": False, "error": "not_allowed_token_type"}, {}
        if installed:  # a token an OAuth install issued (tests/fakes/slack_oauth.py)
            problem = self._bot_token_problem(token)
            if problem is not None:
                return 200, {"ok": False, "error": problem}, {}
            if method == "auth.test":
                answer = self._auth_test_for(token)
                assert answer is not None
                return 200, {"ok": True, **answer}, {"x-oauth-scopes": ",".join(self.scopes)}
        elif token != expected:
            return 200, {"ok": False, "error": "invalid_auth"}, {}
        retry_after = self._over_tier(method, args, token)
        if retry_after is not None:
            return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}
        granted = {"x-oauth-scopes": ",".join(self.scopes)}
        try:
            return 200, {"ok": True, **handler(args)}, granted
        except SlackApiFault as fault:
            return 200, {"ok": False, "error": fault.error, **fault.extra}, granted

    def _over_tier(self, method: str, args: JSONDict, token: str) -> int | None:
        """Record the call in its window; whole seconds to wait if it is over the limit."""
        limit = self._tiers.get(method) if self._tiers is not None else None
        if limit is None:
            return None
        calls, window = limit
        where = str(args.get("channel") or "") if method in _PER_CHANNEL else ""
        log = self._tier_log[(token, method, where)]
        now = self._clock()
        while log and log[0] <= now - window:
            log.popleft()
        if len(log) >= calls:
            return max(1, math.ceil(log[0] + window - now))
        log.append(now)
        return None

    def _handle_response_url(self, token: str, payload: JSONDict) -> int:
        with self._lock:
            if token not in self._responses:
                return 404
            self._responses[token].append(payload)
            return 200

    # --- Helpers -------------------------------------------------------------------------------

    def _next_ts(self) -> str:
        n = next(self._ts_counter)
        return f"{self._ts_base + n // 1_000_000}.{n % 1_000_000:06d}"

    def _channel(self, args: JSONDict, *, posting: bool = False) -> str:
        channel = args.get("channel")
        if not channel:
            raise SlackApiFault("channel_not_found")
        info = self._channels.get(str(channel))
        if self._channels and info is None:
            raise SlackApiFault("channel_not_found")
        if posting and info is not None and not info["is_member"]:
            raise SlackApiFault("not_in_channel")
        return str(channel)

    def _message_blocks(self, args: JSONDict) -> list[JSONDict] | None:
        blocks = args.get("blocks")
        if blocks is None:
            return None
        if not isinstance(blocks, list):
            raise SlackApiFault("invalid_blocks_format")
        if self.check_blocks:
            try:
                validate_blocks(blocks, "message")
            except MessageTooLong:
                raise SlackApiFault("msg_blocks_too_long") from None
            except BlockKitError as exc:
                raise SlackApiFault(
                    "invalid_blocks", response_metadata={"messages": [str(exc)]}
                ) from None
        return blocks

    def _text_and_blocks(self, args: JSONDict) -> tuple[str, list[JSONDict] | None]:
        blocks = self._message_blocks(args)
        text = args.get("text") or ""
        if not text and not blocks:
            raise SlackApiFault("no_text")
        return str(text), blocks

    def _find(self, channel: str, ts: Any) -> Message:
        message = self._messages.get((channel, str(ts)))
        if message is None:
            raise SlackApiFault("message_not_found")
        return message

    def _exchange_trigger(self, trigger_id: Any) -> None:
        if not isinstance(trigger_id, str) or trigger_id not in self._triggers:
            raise SlackApiFault("invalid_trigger_id")
        if trigger_id in self._used_triggers:
            raise SlackApiFault("exchanged_trigger_id")
        if self._clock() - self._triggers[trigger_id] > self.trigger_ttl_s:
            raise SlackApiFault("expired_trigger_id")
        self._used_triggers.add(trigger_id)

    def _checked_view(self, args: JSONDict, kind: str) -> JSONDict:
        view = args.get("view")
        if not isinstance(view, dict) or view.get("type") != kind:
            raise SlackApiFault("invalid_arguments")
        if self.check_blocks:
            try:
                validate_view(view)
            except BlockKitError as exc:
                raise SlackApiFault(
                    "invalid_arguments", response_metadata={"messages": [str(exc)]}
                ) from None
        return view

    def _stored_view(self, view: JSONDict, view_id: str, root_id: str) -> JSONDict:
        stored = {
            "id": view_id,
            "team_id": self.team_id,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "root_view_id": root_id,
            "previous_view_id": None,
            "app_id": self.app_id,
            "bot_id": self.bot_id,
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "clear_on_close": False,
            "notify_on_close": False,
            **view,
        }
        self._views.pop(view_id, None)
        self._views[view_id] = stored
        return stored

    # --- Methods -------------------------------------------------------------------------------

    def _auth_test(self, _: JSONDict) -> JSONDict:
        return {
            "url": f"https://{self.domain}.slack.com/",
            "team": self.team,
            "user": "newsbot",
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _apps_connections_open(self, _: JSONDict) -> JSONDict:
        if self.socket_mode_url is None:
            raise RuntimeError("no Socket Mode server: set FakeSlackAPI.socket_mode_url")
        return {"url": self.socket_mode_url()}

    def _chat_post_message(self, args: JSONDict) -> JSONDict:
        channel = self._channel(args, posting=True)
        text, blocks = self._text_and_blocks(args)
        # chat.postMessage documents no error for an unknown thread_ts, so none is checked.
        thread_ts = str(args["thread_ts"]) if args.get("thread_ts") else None
        ts = self._next_ts()
        message = Message(
            channel=channel,
            ts=ts,
            text=text,
            blocks=blocks,
            user=self.bot_user_id,
            thread_ts=thread_ts,
            unfurl_links=_flag(args.get("unfurl_links")),
            unfurl_media=_flag(args.get("unfurl_media")),
        )
        self._messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts, "message": message.to_api(self.bot_id, self.team_id)}

    def _chat_update(self, args: JSONDict) -> JSONDict:
        channel = self._channel(args)
        message = self._find(channel, args.get("ts"))
        if not message.bot:
            raise SlackApiFault("cant_update_message")
        text, blocks = self._text_and_blocks(args)
        message.history.append({"text": message.text, "blocks": message.blocks})
        message.text, message.blocks = text, blocks
        return {
            "channel": channel,
            "ts": message.ts,
            "text": text,
            "message": message.to_api(self.bot_id, self.team_id),
        }

    def _chat_post_ephemeral(self, args: JSONDict) -> JSONDict:
        channel = self._channel(args, posting=True)
        user = args.get("user")
        if not user or (self._users and user not in self._users):
            raise SlackApiFault("user_not_in_channel")
        text, blocks = self._text_and_blocks(args)
        ts = self._next_ts()
        thread_ts = args.get("thread_ts")
        self._ephemerals.append(
            Ephemeral(channel, str(user), text, blocks, str(thread_ts) if thread_ts else None, ts)
        )
        return {"message_ts": ts}

    def _chat_get_permalink(self, args: JSONDict) -> JSONDict:
        channel = self._channel(args)
        message = self._find(channel, args.get("message_ts"))
        permalink = (
            f"https://{self.domain}.slack.com/archives/{channel}/p{message.ts.replace('.', '')}"
        )
        if message.thread_ts:
            permalink += f"?thread_ts={message.thread_ts}&cid={channel}"
        return {"channel": channel, "permalink": permalink}

    def _reaction_target(self, args: JSONDict) -> tuple[tuple[str, str], str]:
        channel = self._channel(args)
        message = self._find(channel, args.get("timestamp"))
        name = args.get("name")
        if not name or not isinstance(name, str):
            raise SlackApiFault("invalid_name")
        return (channel, message.ts), name.strip(":")

    def _reactions_add(self, args: JSONDict) -> JSONDict:
        key, name = self._reaction_target(args)
        users = self._reactions[key].setdefault(name, set())
        if self.bot_user_id in users:
            raise SlackApiFault("already_reacted")
        users.add(self.bot_user_id)
        return {}

    def _reactions_remove(self, args: JSONDict) -> JSONDict:
        key, name = self._reaction_target(args)
        users = self._reactions[key].get(name, set())
        if self.bot_user_id not in users:
            raise SlackApiFault("no_reaction")
        users.discard(self.bot_user_id)
        return {}

    def _views_open(self, args: JSONDict) -> JSONDict:
        self._exchange_trigger(args.get("trigger_id"))
        view = self._checked_view(args, "modal")
        view_id = "V" + secrets.token_hex(5).upper()
        self._view_stacks[view_id] = [view_id]
        return {"view": self._stored_view(view, view_id, view_id)}

    def _views_update(self, args: JSONDict) -> JSONDict:
        view_id = args.get("view_id")
        external_id = args.get("external_id")
        current = None
        if view_id:
            current = self._views.get(str(view_id))
        elif external_id:
            current = next(
                (v for v in self._views.values() if v.get("external_id") == external_id), None
            )
        if current is None:
            raise SlackApiFault("not_found")
        if args.get("hash") and args["hash"] != current["hash"]:
            raise SlackApiFault("hash_conflict")
        view = self._checked_view(args, "modal")
        return {"view": self._stored_view(view, current["id"], current["root_view_id"])}

    def _views_push(self, args: JSONDict) -> JSONDict:
        self._exchange_trigger(args.get("trigger_id"))
        view = self._checked_view(args, "modal")
        # Push onto the most recently opened stack (the interaction's modal).
        root_id = next(reversed(self._view_stacks), None)
        if root_id is None:
            raise SlackApiFault("not_found")
        stack = self._view_stacks[root_id]
        if len(stack) >= 3:
            raise SlackApiFault("push_limit_reached")
        view_id = "V" + secrets.token_hex(5).upper()
        stack.append(view_id)
        stored = self._stored_view(view, view_id, root_id)
        stored["previous_view_id"] = stack[-2]
        return {"view": stored}

    def _views_publish(self, args: JSONDict) -> JSONDict:
        user_id = args.get("user_id")
        if not user_id or (self._users and user_id not in self._users):
            raise SlackApiFault("user_not_found")
        view = self._checked_view(args, "home")
        stored = {
            "id": "V" + secrets.token_hex(5).upper(),
            "team_id": self.team_id,
            "app_id": self.app_id,
            "bot_id": self.bot_id,
            "state": {"values": {}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            **view,
        }
        self._home[str(user_id)] = stored
        return {"view": stored}

    def _usergroups_users_list(self, args: JSONDict) -> JSONDict:
        if self.usergroups_error:
            raise SlackApiFault(self.usergroups_error)
        usergroup = args.get("usergroup")
        if usergroup not in self._usergroups:
            raise SlackApiFault("no_such_subteam")
        return {"users": list(self._usergroups[str(usergroup)])}

    def _users_info(self, args: JSONDict) -> JSONDict:
        user = self._users.get(str(args.get("user")))
        if user is None:
            raise SlackApiFault("user_not_found")
        return {"user": user}

    def _conversations_info(self, args: JSONDict) -> JSONDict:
        channel = self._channels.get(str(args.get("channel")))
        if channel is None:
            raise SlackApiFault("channel_not_found")
        return {"channel": channel}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # bursts of concurrent clients must not be reset by a full backlog


def _flag(value: Any) -> bool | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    return str(value) in _TRUE


def _parse_args(query: str, body: bytes, content_type: str) -> JSONDict:
    args: JSONDict = dict(parse_qsl(query, keep_blank_values=True))
    if body:
        if content_type.startswith("application/json"):
            loaded = json.loads(body.decode("utf-8"))
            if isinstance(loaded, dict):
                args.update(loaded)
        else:
            args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    for name in _JSON_ARGS:  # form bodies carry these as JSON strings
        if isinstance(args.get(name), str):
            try:
                args[name] = json.loads(args[name])
            except json.JSONDecodeError:
                args[name] = None
    return args


def _make_handler(fake: FakeSlackAPI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            return

        def _reply(
            self, status: int, body: JSONDict, headers: dict[str, str] | None = None
        ) -> None:
            data = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up waiting (a hang past its timeout)

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            body = self._body()
            content_type = self.headers.get("Content-Type", "")
            if parts.path.startswith("/api/"):
                method = parts.path.removeprefix("/api/")
                try:
                    args = _parse_args(parts.query, body, content_type)
                except (ValueError, UnicodeDecodeError):
                    self._reply(200, {"ok": False, "error": "invalid_form_data"})
                    return
                auth = self.headers.get("Authorization", "")
                token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else None
                token = token or args.pop("token", None)
                status, answer, headers = fake._handle_api(
                    method, args, token, content_type, authorization=auth
                )
                self._reply(status, answer, headers)
            elif parts.path.startswith("/response/"):
                try:
                    payload = json.loads(body.decode("utf-8")) if body else {}
                except (ValueError, UnicodeDecodeError):
                    self._reply(400, {"ok": False, "error": "invalid_payload"})
                    return
                status = fake._handle_response_url(parts.path.removeprefix("/response/"), payload)
                answer = {"ok": True} if status == 200 else {"ok": False, "error": "unknown_url"}
                self._reply(status, answer)
            else:
                self._reply(404, {"ok": False, "error": "not_found"})

        do_POST = _serve  # http.server dispatches on do_<VERB>
        do_GET = _serve

    return Handler


def iter_texts(node: Any) -> Iterator[str]:
    """Every text-object text in a stored payload (for assertions on what people see)."""
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            yield node["text"]
        else:
            for value in node.values():
                yield from iter_texts(value)
    elif isinstance(node, list):
        for item in node:
            yield from iter_texts(item)
