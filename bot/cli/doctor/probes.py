"""The network probes of the webhook check: resolve the host, connect to it, shake hands with
TLS. No HTTP request, so the CMS sees nothing; tests pass their own.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable, Sequence
from typing import Final

from bot.cli.doctor.checklist import Check

_PROBE_TIMEOUT_S: Final = 10.0

Resolver = Callable[[str, int], Sequence[str]]
TlsProbe = Callable[[str, int, str], str]
ConnectProbe = Callable[[str, int], None]


def resolve_host(host: str, port: int) -> list[str]:
    """The addresses ``host`` resolves to (raises OSError when it does not)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def tcp_connect(address: str, port: int) -> None:
    """Open (and close) a TCP connection to ``address:port``; OSError when nothing answers."""
    with socket.create_connection((address, port), timeout=_PROBE_TIMEOUT_S):
        pass


def tls_handshake(address: str, port: int, server_name: str) -> str:
    """Complete a verified TLS handshake with ``address`` for ``server_name``; the TLS version."""
    context = ssl.create_default_context()
    with (
        socket.create_connection((address, port), timeout=_PROBE_TIMEOUT_S) as raw,
        context.wrap_socket(raw, server_hostname=server_name) as tls,
    ):
        return str(tls.version())


def no_answer(where: str, exc: OSError) -> Check:
    """The line for a webhook host:port where nothing accepts a connection."""
    if isinstance(exc, ConnectionRefusedError):
        detail = f"nothing answers at {where} (connection refused)"
    elif isinstance(exc, TimeoutError):
        detail = f"nothing answers at {where} within {_PROBE_TIMEOUT_S:.0f} s"
    else:
        detail = f"cannot connect to {where} ({type(exc).__name__})"
    return Check(
        "Webhook connect",
        "fail",
        detail,
        "check the host and port in PUBLISH_WEBHOOK_URL, that the CMS receiver runs, and that "
        "a firewall lets this machine connect",
    )
