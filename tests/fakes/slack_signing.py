"""Requests as Slack sends them to the app: signed, in Slack's body formats and payload shapes.

Signing (https://docs.slack.dev/authentication/verifying-requests-from-slack): the base string
``v0:{timestamp}:{raw body}`` is signed with HMAC-SHA256 under the signing secret and sent as
``X-Slack-Signature: v0=<hex>`` with ``X-Slack-Request-Timestamp``;
``slack_sdk.signature.SignatureVerifier`` (which Bolt uses) checks exactly that and refuses
timestamps more than five minutes off. Bodies: interactivity is a form with one ``payload``
field holding JSON; slash commands are plain form fields; the Events API posts a JSON
envelope. Slack retries events with ``X-Slack-Retry-Num`` / ``X-Slack-Retry-Reason``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode

JSONDict = dict[str, Any]

TEAM_ID = "T0NEWSROOM"
TEAM_DOMAIN = "newsroom"
APP_ID = "A0NEWSBOT"
BOT_USER_ID = "U0NEWSBOT"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

_URL = re.compile(r"https?://[^\s<>]+")


@dataclass(frozen=True)
class SignedRequest:
    """A body and the headers Slack would send with it."""

    body: bytes
    headers: dict[str, str]


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    """``v0=`` + hex HMAC-SHA256 of ``v0:{timestamp}:{body}``."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def sign(
    body: bytes,
    secret: str,
    *,
    content_type: str,
    timestamp: int | None = None,
    retry_num: int | None = None,
    retry_reason: str | None = None,
) -> SignedRequest:
    """Sign ``body`` now (or at ``timestamp``) and add the optional retry headers."""
    stamp = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": signature(secret, stamp, body),
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
    return SignedRequest(body=body, headers=headers)


def interactivity_request(payload: Mapping[str, Any], secret: str, **options: Any) -> SignedRequest:
    """Button clicks, modal submissions…: ``payload=<JSON>`` as a form."""
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return sign(body, secret, content_type=FORM, **options)


def command_request(
    secret: str,
    *,
    text: str,
    response_url: str,
    trigger_id: str,
    command: str = "/summarize",
    user_id: str = "U0REPORTER",
    user_name: str = "reporter",
    channel_id: str = "C0NEWS",
    channel_name: str = "news",
    team_id: str = TEAM_ID,
    **options: Any,
) -> SignedRequest:
    """A slash command invocation, form-encoded as Slack posts it."""
    fields = {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": APP_ID,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return sign(urlencode(fields).encode(), secret, content_type=FORM, **options)


def event_request(
    event: Mapping[str, Any],
    secret: str,
    *,
    event_id: str,
    team_id: str = TEAM_ID,
    event_time: int | None = None,
    enterprise_id: str | None = None,
    is_enterprise_install: bool = False,
    **options: Any,
) -> SignedRequest:
    """An Events API ``event_callback`` envelope around ``event``, as JSON (``enterprise_id``
    and ``is_enterprise_install``: a workspace of an Enterprise Grid organization, the app
    installed org-wide or not)."""
    envelope = {
        "token": "legacy-verification-token",
        "team_id": team_id,
        "enterprise_id": enterprise_id,
        "api_app_id": APP_ID,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {
                "enterprise_id": enterprise_id,
                "team_id": team_id,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": is_enterprise_install,
            }
        ],
        "is_ext_shared_channel": False,
    }
    return sign(json.dumps(envelope).encode(), secret, content_type=JSON, **options)


# --- Payloads ---------------------------------------------------------------------------------


def _user(user_id: str, user_name: str, team_id: str) -> JSONDict:
    return {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id}


def block_actions_payload(
    *,
    action_id: str,
    value: str,
    trigger_id: str,
    user_id: str = "U0EDITOR",
    user_name: str = "editor",
    channel_id: str = "C0NEWS",
    message_ts: str = "1700000000.000100",
    thread_ts: str | None = None,
    message: Mapping[str, Any] | None = None,
    response_url: str | None = None,
    block_id: str = "actions",
    is_ephemeral: bool = False,
    team_id: str = TEAM_ID,
) -> JSONDict:
    """A ``block_actions`` payload for a button click on a message."""
    container: JSONDict = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": is_ephemeral,
    }
    if thread_ts:
        container["thread_ts"] = thread_ts
    payload: JSONDict = {
        "type": "block_actions",
        "user": _user(user_id, user_name, team_id),
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "container": container,
        "trigger_id": trigger_id,
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": "news"},
        "state": {"values": {}},
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": block_id,
                "value": value,
                "text": {"type": "plain_text", "text": action_id, "emoji": True},
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    if not is_ephemeral:
        payload["message"] = (
            dict(message)
            if message is not None
            else {
                "type": "message",
                "ts": message_ts,
                "user": BOT_USER_ID,
                "text": "",
                **({"thread_ts": thread_ts} if thread_ts else {}),
            }
        )
    if response_url:
        payload["response_url"] = response_url
    return payload


def view_submission_payload(
    *,
    view: Mapping[str, Any],
    values: Mapping[str, Any],
    trigger_id: str,
    user_id: str = "U0EDITOR",
    user_name: str = "editor",
    view_id: str = "V0MODAL1",
    team_id: str = TEAM_ID,
) -> JSONDict:
    """A ``view_submission`` for a modal built by ``bot.slack.blocks`` with the given input values.

    ``values`` is ``{block_id: {action_id: text}}``; it becomes ``view.state.values`` with
    ``plain_text_input`` entries (``None`` for an empty input), as Slack sends them.
    """
    state = {
        block_id: {
            action_id: {"type": "plain_text_input", "value": text}
            for action_id, text in actions.items()
        }
        for block_id, actions in values.items()
    }
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": _user(user_id, user_name, team_id),
        "api_app_id": APP_ID,
        "token": "legacy-verification-token",
        "trigger_id": trigger_id,
        "view": {
            "id": view_id,
            "team_id": team_id,
            "app_id": APP_ID,
            "bot_id": "B0NEWSBOT",
            "root_view_id": view_id,
            "previous_view_id": None,
            "hash": "1700000000.abcdef",
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            **view,
            "state": {"values": state},
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def mrkdwn_text(text: str) -> str:
    """``text`` as Slack sends it in a message: links in angle brackets, ``&<>`` escaped."""
    out, last = [], 0
    for match in _URL.finditer(text):
        out.append(_escape(text[last : match.start()]))
        out.append("<" + _escape(match.group(0)) + ">")
        last = match.end()
    out.append(_escape(text[last:]))
    return "".join(out)


def rich_text_blocks(text: str) -> list[JSONDict]:
    """The ``rich_text`` block Slack adds to a person's message, with link elements for URLs."""
    elements: list[JSONDict] = []
    last = 0
    for match in _URL.finditer(text):
        if match.start() > last:
            elements.append({"type": "text", "text": text[last : match.start()]})
        elements.append({"type": "link", "url": match.group(0)})
        last = match.end()
    if last < len(text):
        elements.append({"type": "text", "text": text[last:]})
    return [
        {
            "type": "rich_text",
            "block_id": "rt0",
            "elements": [{"type": "rich_text_section", "elements": elements}],
        }
    ]


def message_event(
    *,
    channel: str,
    ts: str,
    text: str,
    user: str = "U0REPORTER",
    thread_ts: str | None = None,
    channel_type: str = "channel",
) -> JSONDict:
    """A person's ``message`` event with the ``text`` and ``rich_text`` Slack would send."""
    event: JSONDict = {
        "type": "message",
        "user": user,
        "text": mrkdwn_text(text),
        "blocks": rich_text_blocks(text),
        "ts": ts,
        "event_ts": ts,
        "channel": channel,
        "channel_type": channel_type,
        "team": TEAM_ID,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def app_home_opened_event(*, user: str, tab: str = "home") -> JSONDict:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": "D0HOME",
        "tab": tab,
        "event_ts": f"{time.time():.6f}",
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --- Sending ----------------------------------------------------------------------------------


def post(url: str, request: SignedRequest, *, timeout: float = 10.0) -> Response:
    """POST a signed request to the app (a loopback URL) and return its answer, errors included."""
    http_request = urllib.request.Request(  # noqa: S310 - tests post to a loopback URL they made
        url, data=request.body, headers=request.headers, method="POST"
    )
    try:
        with urllib.request.urlopen(http_request, timeout=timeout) as answer:  # noqa: S310 - same
            return Response(answer.status, dict(answer.headers.items()), answer.read())
    except HTTPError as error:
        return Response(error.code, dict(error.headers.items()), error.read())
