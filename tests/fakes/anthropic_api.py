"""A loopback fake of the Anthropic Messages API, driven by the real ``anthropic`` SDK.

It speaks ``POST /v1/messages`` and ``POST /v1/messages/count_tokens`` on 127.0.0.1 (give the
SDK ``base_url=fake.base_url``, which has no ``/v1``). Each ``/v1/messages`` call consumes the
next scripted :class:`Reply`; with an empty script it answers with :meth:`FakeAnthropic.default`:
a valid structured summary built from the request's own ``<article>``, so flow tests get
plausible drafts with zero configuration::

    with FakeAnthropic() as fake:
        fake.script(Reply.error(529), Reply.summary(["Erster Punkt.", "Zweiter Punkt."]))
        client = anthropic.Anthropic(api_key="test", base_url=fake.base_url, max_retries=0)
        ...
        assert fake.requests[0].body["system"][0]["cache_control"] == {"type": "ephemeral"}

Every request body is recorded (:attr:`FakeAnthropic.requests`). Usage is computed, not
scripted: input tokens are a deterministic approximation (:func:`approx_tokens`; there is no
Claude tokenizer offline), and prompt caching is emulated: each ``cache_control`` breakpoint
whose prefix has at least ``min_cacheable_tokens`` tokens is written on first sight and read
afterwards, as ``cache_creation_input_tokens`` / ``cache_read_input_tokens``. A configurable
``latency_s`` delays every answer (cut short when the server stops).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import re
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes.loopback import LOOPBACK, LoopbackServer

_TASK_BULLETS = re.compile(r"^- Bullets: (\d+)", re.MULTILINE)
_BASE_KEYS = frozenset({"bullets", "language"})
# The fields prompt (prompts/summary-fields.md): '- "teaser": …, at most 300 characters'.
_FIELD_LIMIT = re.compile(r'^- "(\w+)": .*?at most (\d+) characters', re.MULTILINE)
_PIECE = re.compile(r"[^\W\d_]+|\d+|[^\s\w]+|\s+", re.UNICODE)


def approx_tokens(text: str) -> int:
    """Deterministic token approximation: a token per 5 letters of a word (at least one), per 3
    digits, per punctuation run and per line break; spaces are free.

    A stand-in for Claude's tokenizer (not available offline), independent of the estimate in
    ``bot.summarizer.text`` so the benchmark compares two different approximations.
    """
    count = 0
    for piece in _PIECE.findall(text):
        if piece.isspace():
            count += "\n" in piece
        elif piece.isdigit():
            count += math.ceil(len(piece) / 3)
        elif piece[0].isalpha():
            count += math.ceil(len(piece) / 5)
        else:
            count += 1
    return count


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake saw it; header names are lower-case."""

    path: str
    headers: Mapping[str, str]
    body: dict[str, Any]

    @property
    def user_text(self) -> str:
        """All text blocks of all user messages, joined by blank lines."""
        parts: list[str] = []
        for message in self.body.get("messages", []):
            if message.get("role") != "user":
                continue
            content = message.get("content")
            if isinstance(content, str):
                parts.append(content)
            else:
                parts.extend(b.get("text", "") for b in content if b.get("type") == "text")
        return "\n\n".join(parts)

    @property
    def system_text(self) -> str:
        system = self.body.get("system", "")
        if isinstance(system, str):
            return system
        return "\n\n".join(block.get("text", "") for block in system)


@dataclass(frozen=True)
class Reply:
    """One scripted answer. ``content`` blocks are sent as given (text, thinking, tool_use…)."""

    status: int = 200
    content: Sequence[Mapping[str, Any]] = ()
    stop_reason: str | None = "end_turn"
    headers: Mapping[str, str] = field(default_factory=dict)
    error_body: Mapping[str, Any] | None = None  # error object for non-2xx answers
    raw_body: str | None = None  # sent verbatim instead of a JSON body
    usage: Mapping[str, int] | None = None  # overrides the computed usage
    delay_s: float = 0.0
    output_tokens: int | None = None

    @classmethod
    def text(
        cls, text: str, *, stop_reason: str = "end_turn", thinking: bool = True, **kwargs: Any
    ) -> Reply:
        blocks: list[Mapping[str, Any]] = [thinking_block()] if thinking else []
        blocks.append({"type": "text", "text": text})
        return cls(content=blocks, stop_reason=stop_reason, **kwargs)

    @classmethod
    def json(cls, payload: Any, **kwargs: Any) -> Reply:
        return cls.text(json.dumps(payload, ensure_ascii=False), **kwargs)

    @classmethod
    def summary(
        cls,
        bullets: Sequence[str],
        *,
        language: str = "de",
        headline: str | None = None,
        fields: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Reply:
        """``fields``: further keys of the answer (teaser, seo_description…)."""
        answer: dict[str, Any] = {"bullets": list(bullets), "language": language}
        answer["headline"] = headline
        answer.update(fields or {})
        return cls.json(answer, **kwargs)

    @classmethod
    def refusal(cls, **kwargs: Any) -> Reply:
        return cls(content=[], stop_reason="refusal", **kwargs)

    @classmethod
    def error(
        cls,
        status: int,
        error_type: str | None = None,
        message: str = "fake error",
        *,
        error_code: str | None = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> Reply:
        error: dict[str, Any] = {
            "type": error_type or _ERROR_TYPES.get(status, "api_error"),
            "message": message,
        }
        if error_code:
            error["details"] = {"error_code": error_code}
        return cls(status=status, error_body=error, headers=dict(headers or {}), **kwargs)


_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    408: "timeout_error",
    409: "conflict_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    503: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}


def thinking_block() -> dict[str, Any]:
    """A thinking block with omitted text, as Haiku 5.5 returns by default."""
    return {"type": "thinking", "thinking": "", "signature": "fake-signature"}


_ARTICLE_TEXT = re.compile(r"<text>\s*(.*?)\s*</text>", re.DOTALL)
_ARTICLE_LANGUAGE = re.compile(r"<article[^>]*\blanguage=\"([a-z]{2,3})\"")
_TASK_LANGUAGE = re.compile(r"\(([a-z]{2,3})\)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ])")


class FakeAnthropic(LoopbackServer[ThreadingHTTPServer]):
    """The fake server. Use as a context manager, or call :meth:`start` and :meth:`stop`."""

    def __init__(
        self,
        *,
        latency_s: float = 0.0,
        min_cacheable_tokens: int = 0,
        thinking: bool = True,
        bullets: int = 3,
    ) -> None:
        super().__init__()
        self.latency_s = latency_s
        self.min_cacheable_tokens = min_cacheable_tokens
        self.thinking = thinking
        self.bullets = bullets
        # True: answer as many bullets as the task asks ("- Bullets: 2"), e.g. per desk.
        self.follow_task_bullets = False
        self.requests: list[RecordedRequest] = []
        self._script: deque[Reply] = deque()
        self._cache: set[str] = set()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.responder: Callable[[RecordedRequest], Reply] = self.default

    # --- lifecycle ------------------------------------------------------------------------------

    def make_server(self) -> ThreadingHTTPServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out as separate writes

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                fake._handle(self)

        server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        server.daemon_threads = True
        return server

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- scripting ------------------------------------------------------------------------------

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._script.extend(replies)

    @property
    def message_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == "/v1/messages"]

    def forget_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    # --- the default answer ---------------------------------------------------------------------

    def default(self, request: RecordedRequest) -> Reply:
        """A valid structured summary made of the article's first sentences."""
        user = request.user_text
        match = _ARTICLE_TEXT.search(user)
        text = match.group(1) if match else user
        sentences = [
            s.strip() for s in _SENTENCE.split(" ".join(text.split())) if len(s.split()) >= 5
        ]
        asked = _TASK_BULLETS.search(user) if self.follow_task_bullets else None
        count = int(asked.group(1)) if asked else self.bullets
        bullets = [" ".join(s.split()[:25]) for s in sentences[:count]] or ["Kein Text."]
        task_language = _TASK_LANGUAGE.findall(user)
        article_language = _ARTICLE_LANGUAGE.search(user)
        language = (
            task_language[-1]
            if task_language
            else (article_language.group(1) if article_language else "en")
        )
        fields = self._default_fields(request, sentences)
        return Reply.summary(
            bullets,
            language=language,
            thinking=self.thinking,
            headline=fields.pop("headline", None),
            fields=fields,
        )

    @staticmethod
    def _default_fields(request: RecordedRequest, sentences: Sequence[str]) -> dict[str, str]:
        """Each output field the schema requires beside bullets and language, from the lead
        sentences, as long as the prompt's limit allows (about what a model writes)."""
        schema = ((request.body.get("output_config") or {}).get("format") or {}).get("schema")
        required = [name for name in (schema or {}).get("required", []) if name not in _BASE_KEYS]
        limits = {name: int(limit) for name, limit in _FIELD_LIMIT.findall(request.user_text)}
        lead = " ".join(sentences[:4]) or "Kein Text."
        fields: dict[str, str] = {}
        for name in required:
            limit = limits.get(name, 100)
            text = lead[:limit].rsplit(" ", 1)[0] if len(lead) > limit else lead
            fields[name] = text
        return fields

    # --- HTTP -----------------------------------------------------------------------------------

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("content-length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError:
            body = {"_raw": raw.decode("utf-8", "replace")}
        path = handler.path.split("?", 1)[0]
        request = RecordedRequest(
            path=path, headers={k.lower(): v for k, v in handler.headers.items()}, body=body
        )
        with self._lock:
            self.requests.append(request)
        request_id = f"req_fake_{next(self._ids):04d}"

        if path == "/v1/messages/count_tokens":
            self._send(handler, 200, {"input_tokens": self._prompt_tokens(body)}, request_id)
            return
        if path != "/v1/messages":
            error = {"type": "not_found_error", "message": f"no route {path}"}
            self._send(handler, 404, {"type": "error", "error": error}, request_id)
            return

        with self._lock:
            reply = self._script.popleft() if self._script else None
        if reply is None:
            reply = self.responder(request)
        delay = reply.delay_s or self.latency_s
        if delay and self.stopping.wait(delay):
            return
        if reply.raw_body is not None:
            self._send_raw(handler, reply.status, reply.raw_body.encode(), request_id, reply)
            return
        if reply.status >= 400:
            payload = {
                "type": "error",
                "error": dict(reply.error_body or {}),
                "request_id": request_id,
            }
            self._send(handler, reply.status, payload, request_id, reply.headers)
            return
        message = {
            "id": f"msg_fake_{request_id[-4:]}",
            "type": "message",
            "role": "assistant",
            "model": body.get("model", "claude-haiku-5-5"),
            "content": [dict(block) for block in reply.content],
            "stop_reason": reply.stop_reason,
            "stop_sequence": None,
            "usage": dict(reply.usage) if reply.usage else self._usage(body, reply),
        }
        self._send(handler, reply.status, message, request_id, reply.headers)

    def _send(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        payload: Mapping[str, Any],
        request_id: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self._send_raw(handler, status, data, request_id, Reply(headers=dict(headers or {})))

    @staticmethod
    def _send_raw(
        handler: BaseHTTPRequestHandler, status: int, data: bytes, request_id: str, reply: Reply
    ) -> None:
        try:
            handler.send_response(status)
            handler.send_header("content-type", "application/json")
            handler.send_header("content-length", str(len(data)))
            handler.send_header("request-id", request_id)
            for name, value in reply.headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except OSError:  # the client gave up (a timeout test); nothing to answer
            return

    # --- usage and caching ----------------------------------------------------------------------

    @staticmethod
    def _segments(body: Mapping[str, Any]) -> list[tuple[str, bool]]:
        """The prompt in order (schema, system, messages) as (text, is_cache_breakpoint)."""
        segments: list[tuple[str, bool]] = []
        output_config = body.get("output_config") or {}
        if output_config.get("format"):
            segments.append((json.dumps(output_config["format"], sort_keys=True), False))
        for tool in body.get("tools") or []:
            segments.append((json.dumps(tool, sort_keys=True), "cache_control" in tool))
        system = body.get("system") or []
        if isinstance(system, str):
            segments.append((system, False))
        else:
            segments.extend((b.get("text", ""), "cache_control" in b) for b in system)
        for message in body.get("messages") or []:
            content = message.get("content")
            if isinstance(content, str):
                segments.append((content, False))
                continue
            for block in content or []:
                text = block.get("text") or json.dumps(block, sort_keys=True)
                segments.append((text, "cache_control" in block))
        return segments

    def _prompt_tokens(self, body: Mapping[str, Any]) -> int:
        return sum(approx_tokens(text) for text, _ in self._segments(body))

    def _usage(self, body: Mapping[str, Any], reply: Reply) -> dict[str, int]:
        segments = self._segments(body)
        total = sum(approx_tokens(text) for text, _ in segments)
        digest = hashlib.sha256(str(body.get("model")).encode())
        running = 0
        read = written = 0
        with self._lock:
            for text, breakpoint_here in segments:
                digest.update(text.encode() + b"\0")
                running += approx_tokens(text)
                if not breakpoint_here or running < self.min_cacheable_tokens:
                    continue
                key = digest.hexdigest()
                if key in self._cache:
                    read = running
                    written = 0
                else:
                    self._cache.add(key)
                    written = running - read
        output_tokens = reply.output_tokens
        if output_tokens is None:
            output_tokens = sum(approx_tokens(str(b.get("text", ""))) + 1 for b in reply.content)
        return {
            "input_tokens": total - read - written,
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": written,
            "cache_read_input_tokens": read,
        }
