"""A loopback fake of Slack's Socket Mode WebSocket endpoint, for ``newsbot socket``.

Let the fake Web API hand out its URLs (``slack.socket_mode_url = socket.new_url``), start the
app, then push envelopes (``send_event``, ``send_command``, ``send_interactive``) and wait for
the app's acks (``wait_ack``).

Socket Mode facts it follows (https://docs.slack.dev/apis/events-api/using-socket-mode/):

- After the WebSocket opens Slack sends ``{"type": "hello", "connection_info": {"app_id"},
  "num_connections", "debug_info": {"host", "build_number", "approximate_connection_time"}}``.
- Every payload comes as ``{"payload", "envelope_id", "type", "accepts_response_payload"}``:
  ``events_api`` (the Events API ``event_callback``, ``accepts_response_payload: false``),
  ``slash_commands`` (the command's fields as a JSON object, ``true``) or ``interactive`` (the
  interaction payload, ``true``).
- The app acknowledges each with ``{"envelope_id", "payload"?}`` (the payload is what the HTTP
  response body would have been).
- ``{"type": "disconnect", "reason": "refresh_requested" | "warning" | "link_disabled",
  "debug_info": {"host"}}`` asks the app to connect to a new URL.

WebSocket facts (RFC 6455): the server answers the opening handshake with 101 and
``Sec-WebSocket-Accept`` = base64(SHA-1(key + GUID)) (§4.2.2); client frames are masked, server
frames are not (§5.1, §5.3); a ping is answered by a pong with the same data (§5.5.2, §5.5.3); a
close frame is echoed before the connection ends (§5.5.1). slack_sdk's builtin client
(``slack_sdk/socket_mode/builtin/connection.py``) uses plain ``ws://`` on any port but 443, pings
right after the handshake and then every ``ping_interval``, never fragments, and closes the
socket without a close frame when it disconnects.

The fake's own rule: every URL carries a one-time ``ticket``; a handshake with an unknown or used
ticket is refused with 401 (:attr:`FakeSocketMode.refused`).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import secrets
import socket
import socketserver
import struct
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.loopback import LOOPBACK, LoopbackServer

JSONDict = dict[str, Any]

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455 §1.3
OP_CONTINUATION, OP_TEXT, OP_BINARY = 0x0, 0x1, 0x2
OP_CLOSE, OP_PING, OP_PONG = 0x8, 0x9, 0xA
CLOSE_NORMAL, CLOSE_PROTOCOL_ERROR = 1000, 1002
_MAX_HANDSHAKE = 16 * 1024


class ProtocolError(Exception):
    """The peer broke RFC 6455; the connection is closed with 1002."""


@dataclass(frozen=True)
class Frame:
    fin: bool
    opcode: int
    data: bytes


def accept_key(key: str) -> str:
    """``Sec-WebSocket-Accept`` for a ``Sec-WebSocket-Key`` (RFC 6455 §4.2.2)."""
    return base64.b64encode(hashlib.sha1((key + GUID).encode("ascii")).digest()).decode("ascii")  # noqa: S324 - SHA-1 is what RFC 6455 prescribes here, not a security hash


def encode_frame(opcode: int, data: bytes, *, mask: bytes | None = None, fin: bool = True) -> bytes:
    """One frame; servers send unmasked frames, clients pass a 4-byte ``mask`` (RFC 6455 §5.2)."""
    head = bytes([(0x80 if fin else 0) | opcode])
    mask_bit = 0x80 if mask is not None else 0
    length = len(data)
    if length <= 125:
        head += bytes([mask_bit | length])
    elif length <= 0xFFFF:
        head += bytes([mask_bit | 126]) + struct.pack("!H", length)
    else:
        head += bytes([mask_bit | 127]) + struct.pack("!Q", length)
    if mask is None:
        return head + data
    return head + mask + _unmask(data, mask)


def _unmask(data: bytes, mask: bytes) -> bytes:
    return bytes(b ^ mask[i % 4] for i, b in enumerate(data))


class _Reader:
    """Exact reads from a socket, keeping what was read past a boundary."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buffer = b""

    def _fill(self) -> None:
        chunk = self._sock.recv(4096)
        if not chunk:
            raise EOFError("the peer closed the connection")
        self._buffer += chunk

    def until(self, marker: bytes, limit: int) -> bytes:
        while marker not in self._buffer:
            if len(self._buffer) > limit:
                raise ProtocolError("handshake too long")
            self._fill()
        head, _, self._buffer = self._buffer.partition(marker)
        return head

    def exactly(self, n: int) -> bytes:
        while len(self._buffer) < n:
            self._fill()
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data

    def frame(self) -> Frame:
        """A client frame: masked (RFC 6455 §5.1); control frames short and whole (§5.5)."""
        b1, b2 = self.exactly(2)
        if b1 & 0x70:
            raise ProtocolError("reserved bits set without an extension")
        opcode, length = b1 & 0x0F, b2 & 0x7F
        if not b2 & 0x80:
            raise ProtocolError("client frame not masked")
        if length == 126:
            (length,) = struct.unpack("!H", self.exactly(2))
        elif length == 127:
            (length,) = struct.unpack("!Q", self.exactly(8))
        if opcode >= OP_CLOSE and (length > 125 or not b1 & 0x80):
            raise ProtocolError("control frame too long or fragmented")
        mask = self.exactly(4)
        return Frame(bool(b1 & 0x80), opcode, _unmask(self.exactly(length), mask))


@dataclass
class Connection:
    """One accepted WebSocket connection and everything the client sent on it."""

    ticket: str
    path: str
    headers: dict[str, str]
    _sock: socket.socket
    _owner: FakeSocketMode
    pings: list[bytes] = field(default_factory=list)
    close_code: int | None = None  # from the client's close frame, if it sent one
    ended: threading.Event = field(default_factory=threading.Event)
    _send_lock: threading.Lock = field(default_factory=threading.Lock)

    def send_json(self, message: JSONDict) -> None:
        self._send(encode_frame(OP_TEXT, json.dumps(message).encode("utf-8")))

    def close(self, code: int = CLOSE_NORMAL, reason: str = "") -> None:
        """Send a close frame (the client answers by dropping the connection)."""
        self._send(encode_frame(OP_CLOSE, struct.pack("!H", code) + reason.encode("utf-8")))

    def _send(self, data: bytes) -> None:
        with self._send_lock:
            self._sock.sendall(data)

    def _serve(self, reader: _Reader) -> None:
        """Read frames until the client leaves; answer pings and closes, record the rest."""
        message: list[bytes] = []
        while True:
            frame = reader.frame()
            if frame.opcode == OP_PING:
                self.pings.append(frame.data)
                self._send(encode_frame(OP_PONG, frame.data))
            elif frame.opcode == OP_PONG:
                continue
            elif frame.opcode == OP_CLOSE:
                self.close_code = struct.unpack("!H", frame.data[:2])[0] if frame.data else 1005
                self._send(encode_frame(OP_CLOSE, frame.data[:2]))
                return
            elif frame.opcode in (OP_TEXT, OP_CONTINUATION):
                if (frame.opcode == OP_CONTINUATION) != bool(message):
                    raise ProtocolError("continuation without a message, or a new one inside")
                message.append(frame.data)
                if frame.fin:
                    self._owner._received(self, b"".join(message).decode("utf-8"))
                    message = []
            else:
                raise ProtocolError(f"unexpected opcode {frame.opcode:#x}")


@dataclass(frozen=True)
class Refusal:
    status: int
    reason: str
    path: str


class FakeSocketMode(LoopbackServer["_Server"]):
    """The fake Socket Mode server; a context manager, or :meth:`start` and :meth:`stop`."""

    def __init__(self, *, app_id: str = "A0NEWSBOT", host_name: str = "applink-fake-1") -> None:
        super().__init__()
        self.app_id = app_id
        self.host_name = host_name
        self.refused: list[Refusal] = []
        self.errors: list[str] = []  # protocol errors by the client
        self.stray: list[str] = []  # client messages that are not acks of a sent envelope
        self._cond = threading.Condition()
        self._tickets: dict[str, bool] = {}  # ticket -> used
        self._connections: list[Connection] = []
        self._sent: dict[str, JSONDict] = {}
        self._acks: dict[str, JSONDict] = {}

    # --- Lifecycle -----------------------------------------------------------------------------

    thread_name = "fake-socket-mode"

    def make_server(self) -> _Server:
        server = _Server((LOOPBACK, 0), _Handler)
        server.fake = self
        return server

    def close_connections(self) -> None:
        for connection in self.connections():
            _close_quietly(connection._sock)

    def new_url(self) -> str:
        """A one-time WebSocket URL, as ``apps.connections.open`` issues."""
        if not self.running:
            raise RuntimeError("the fake Socket Mode server is not running")
        ticket = secrets.token_hex(8)
        with self._cond:
            self._tickets[ticket] = False
        return f"ws://{self.host}:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    # --- Talking to the app --------------------------------------------------------------------

    def connections(self) -> list[Connection]:
        with self._cond:
            return list(self._connections)

    def wait_connected(self, count: int = 1, timeout: float = 30.0) -> Connection:
        """The newest connection once ``count`` have been made (the app got its ``hello``)."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._connections) >= count, timeout):
                raise AssertionError(f"no Socket Mode connection #{count} within {timeout} s")
            return self._connections[-1]

    def send(
        self,
        type_: str,
        payload: JSONDict,
        *,
        accepts_response_payload: bool,
        envelope_id: str | None = None,
        extra: JSONDict | None = None,
    ) -> str:
        """Send one envelope on the newest open connection; returns its ``envelope_id``."""
        connection = self._open_connection()
        envelope_id = envelope_id or str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": type_,
            "accepts_response_payload": accepts_response_payload,
            **(extra or {}),
        }
        with self._cond:
            self._sent[envelope_id] = envelope
        connection.send_json(envelope)
        return envelope_id

    def send_event(self, event_callback: JSONDict, *, retry_attempt: int = 0) -> str:
        """An Events API ``event_callback`` (e.g. the body of ``slack_signing.event_request``)."""
        return self.send(
            "events_api",
            event_callback,
            accepts_response_payload=False,
            extra={"retry_attempt": retry_attempt, "retry_reason": ""},
        )

    def send_command(self, fields: JSONDict) -> str:
        return self.send("slash_commands", fields, accepts_response_payload=True)

    def send_interactive(self, payload: JSONDict) -> str:
        return self.send("interactive", payload, accepts_response_payload=True)

    def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask the app to move to a new connection (it calls ``apps.connections.open`` again)."""
        self._open_connection().send_json(
            {"type": "disconnect", "reason": reason, "debug_info": {"host": self.host_name}}
        )

    def ack(self, envelope_id: str) -> JSONDict | None:
        with self._cond:
            return self._acks.get(envelope_id)

    def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> JSONDict:
        """The app's acknowledgement of one envelope."""
        with self._cond:
            if not self._cond.wait_for(lambda: envelope_id in self._acks, timeout):
                raise AssertionError(f"envelope {envelope_id} not acknowledged within {timeout} s")
            return self._acks[envelope_id]

    # --- Server side ---------------------------------------------------------------------------

    def _open_connection(self) -> Connection:
        for connection in reversed(self.connections()):
            if not connection.ended.is_set():
                return connection
        raise AssertionError("the app has no open Socket Mode connection")

    def _claim_ticket(self, ticket: str) -> bool:
        with self._cond:
            if self._tickets.get(ticket) is not False:
                return False
            self._tickets[ticket] = True
            return True

    def _connected(self, connection: Connection) -> None:
        with self._cond:
            self._connections.append(connection)
            self._cond.notify_all()

    def _received(self, _connection: Connection, text: str) -> None:
        try:
            message = json.loads(text)
        except ValueError:
            message = None
        with self._cond:
            envelope_id = message.get("envelope_id") if isinstance(message, dict) else None
            if isinstance(envelope_id, str) and envelope_id in self._sent:
                self._acks.setdefault(envelope_id, message)
            else:
                self.stray.append(text)
            self._cond.notify_all()

    def _hello(self) -> JSONDict:
        return {
            "type": "hello",
            "connection_info": {"app_id": self.app_id},
            "num_connections": sum(not c.ended.is_set() for c in self.connections()) + 1,
            "debug_info": {
                "host": self.host_name,
                "started": time.strftime("%Y-%m-%d %H:%M:%S.000", time.gmtime()),
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
        }


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeSocketMode


class _Handler(socketserver.BaseRequestHandler):
    request: socket.socket
    server: _Server

    def handle(self) -> None:
        fake = self.server.fake
        reader = _Reader(self.request)
        try:
            path, headers = _parse_request(reader.until(b"\r\n\r\n", _MAX_HANDSHAKE))
            problem = _handshake_problem(headers)
            if problem is not None:
                self._refuse(fake, 400, problem, path)
                return
            ticket = (parse_qs(urlsplit(path).query).get("ticket") or [""])[0]
            if not fake._claim_ticket(ticket):
                self._refuse(fake, 401, "unknown or used ticket", path)
                return
            self.request.sendall(
                (
                    "HTTP/1.1 101 Switching Protocols\r\n"
                    "Upgrade: websocket\r\n"
                    "Connection: Upgrade\r\n"
                    f"Sec-WebSocket-Accept: {accept_key(headers['sec-websocket-key'])}\r\n"
                    "\r\n"
                ).encode("ascii")
            )
            connection = Connection(ticket, path, headers, self.request, fake)
            connection.send_json(fake._hello())
            fake._connected(connection)
            try:
                connection._serve(reader)
            finally:
                connection.ended.set()
        except ProtocolError as exc:
            fake.errors.append(str(exc))
            _send_quietly(
                self.request, encode_frame(OP_CLOSE, struct.pack("!H", CLOSE_PROTOCOL_ERROR))
            )
        except (EOFError, OSError):
            pass  # the client went away (slack_sdk closes the socket without a close frame)

    def _refuse(self, fake: FakeSocketMode, status: int, reason: str, path: str) -> None:
        fake.refused.append(Refusal(status, reason, path))
        body = reason.encode("utf-8")
        _send_quietly(
            self.request,
            f"HTTP/1.1 {status} Refused\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n".encode("ascii")
            + body,
        )


def _parse_request(head: bytes) -> tuple[str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or parts[0] != "GET" or parts[2] != "HTTP/1.1":
        raise ProtocolError(f"not a WebSocket opening handshake: {lines[0]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers[name.strip().lower()] = value.strip()
    return parts[1], headers


def _handshake_problem(headers: dict[str, str]) -> str | None:
    """What is missing from a client's opening handshake (RFC 6455 §4.2.1), or None."""
    if "host" not in headers:
        return "no Host"
    if headers.get("upgrade", "").lower() != "websocket":
        return "no Upgrade: websocket"
    if "upgrade" not in [t.strip().lower() for t in headers.get("connection", "").split(",")]:
        return "no Connection: Upgrade"
    if headers.get("sec-websocket-version") != "13":
        return "not Sec-WebSocket-Version: 13"
    try:
        key = base64.b64decode(headers.get("sec-websocket-key", ""), validate=True)
    except ValueError:
        key = b""
    if len(key) != 16:
        return "Sec-WebSocket-Key is not 16 bytes in base64"
    return None


def _send_quietly(sock: socket.socket, data: bytes) -> None:
    with contextlib.suppress(OSError):
        sock.sendall(data)


def _close_quietly(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
