"""Fetch an article page safely: SSRF-checked, size- and time-capped, charset-decoded.

Every hop (the first URL and each redirect) is checked again: scheme, port, domain allowlist,
then the host is resolved once and every address must pass :func:`address_refusal`. The
connection goes to the checked address itself (urllib3 ``HTTPConnection`` with the IP as host,
``Host`` header, SNI and certificate check by name), so a second DNS answer cannot redirect it
(DNS rebinding). A watchdog shuts the socket down at the total time cap, which bounds even a
server that trickles its headers or body one byte at a time.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import urllib3.exceptions
from urllib3.connection import HTTPConnection
from urllib3.response import BaseHTTPResponse
from urllib3.util import parse_url
from urllib3.util.ssl_match_hostname import CertificateError

from bot.articles.charset import decode_html
from bot.articles.content_type import kind_of, parse_content_type, sniff
from bot.articles.credentials import (
    HostCredential,
    credentials_from_setting,
    headers_for,
    resolve,
)
from bot.articles.errors import (
    AddressNotAllowed,
    ArticleError,
    DomainNotAllowed,
    InvalidUrl,
    NotAWebPage,
    PortNotAllowed,
    TooLarge,
    TooManyRedirects,
    TooSlow,
    Unreachable,
    http_error_for,
)
from bot.articles.netpolicy import IPAddress, address_refusal, domain_allowed, parse_host_address
from bot.articles.watchdog import Watchdog, WatchedHTTPConnection, WatchedHTTPSConnection
from bot.logs import get_logger
from bot.settings import DEFAULT_USER_AGENT, Settings

log = get_logger(__name__)

Resolver = Callable[[str, int], Sequence[str]]

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 64 * 1024
ACCEPT = "text/html,application/xhtml+xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"
# Only encodings urllib3 decodes with a bounded output per read (max_length, urllib3 >= 2.6:
# CVE-2025-66471; the redirect-drain and read1 gaps were closed in 2.6.3 and 2.7.0).
ACCEPT_ENCODING = "gzip, deflate"
_DECODABLE = frozenset({"", "identity", "gzip", "x-gzip", "deflate"})
_DEFAULT_PORTS = {"http": 80, "https": 443}

# Everything the network layer may raise: sockets and TLS (OSError), http.client's parser,
# urllib3's wrappers, and ValueError for malformed requests or header values.
_NETWORK_ERRORS = (OSError, http.client.HTTPException, urllib3.exceptions.HTTPError, ValueError)


@dataclass(frozen=True)
class FetchPolicy:
    """What the fetcher may connect to and how long and how much it reads.

    ``allowed_ports=()`` allows any port; ``allowed_domains=()`` allows any public host.
    ``ca_cert_data`` (PEM) replaces the system trust store, for intranet CMSs and tests.
    ``credentials`` are headers sent only over https to their exact host
    (:mod:`bot.articles.credentials`), decided again on every redirect hop.
    """

    allowed_domains: tuple[str, ...] = ()
    allow_private_networks: bool = False
    allowed_ports: tuple[int, ...] = (80, 443)
    max_bytes: int = 5_000_000
    connect_timeout_s: float = 5.0
    total_timeout_s: float = 20.0
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    ca_cert_data: str | None = None
    credentials: tuple[HostCredential, ...] = ()

    @classmethod
    def from_settings(
        cls, settings: Settings, *, credentials: tuple[HostCredential, ...] = ()
    ) -> FetchPolicy:
        """The policy of ``settings``; ``credentials`` adds resolved ones from elsewhere (the
        desks file) to those of ``FETCH_CREDENTIALS``."""
        ca_bundle = settings.fetch_ca_bundle
        return cls(
            allowed_domains=tuple(settings.fetch_allowed_domains),
            allow_private_networks=settings.fetch_allow_private_networks,
            allowed_ports=tuple(settings.fetch_allowed_ports),
            max_bytes=settings.fetch_max_bytes,
            connect_timeout_s=settings.fetch_connect_timeout_s,
            total_timeout_s=settings.fetch_timeout_s,
            max_redirects=settings.fetch_max_redirects,
            user_agent=settings.fetch_user_agent,
            ca_cert_data=ca_bundle.read_text(encoding="ascii") if ca_bundle else None,
            credentials=resolve(credentials_from_setting(settings.fetch_credentials)) + credentials,
        )


@dataclass(frozen=True)
class FetchedPage:
    """A fetched page. ``redirects`` lists the URLs redirected to, in order (the last is
    ``final_url``); ``body`` is the decoded-from-gzip bytes, ``text`` the charset-decoded text."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str
    body: bytes
    text: str
    redirects: tuple[str, ...]
    elapsed_ms: float


def system_resolver(host: str, port: int) -> list[str]:
    """All addresses ``host`` resolves to, in the order getaddrinfo gives them."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class _Page:
    status: int
    content_type: str
    charset: str
    body: bytes
    text: str


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # lower-case ASCII, IPv6 without brackets
    port: int
    request_uri: str
    host_header: str


class Fetcher:
    """Fetches one URL at a time under a :class:`FetchPolicy`; thread-safe (no shared state)."""

    def __init__(self, policy: FetchPolicy, resolver: Resolver | None = None) -> None:
        self.policy = policy
        self._resolver: Resolver = resolver or system_resolver

    def fetch(self, url: str) -> FetchedPage:
        """Fetch ``url``; raises :class:`ArticleError` subclasses only, never hangs past the cap."""
        started = time.monotonic()
        deadline = started + self.policy.total_timeout_s
        watchdog = Watchdog(deadline)
        current = url
        redirects: list[str] = []
        try:
            while True:
                target = self._check_target(current)
                try:
                    page = self._hop(target, deadline, watchdog)
                except ArticleError:
                    raise
                except _NETWORK_ERRORS as exc:
                    raise _network_refusal(exc, deadline, watchdog) from exc
                if isinstance(page, str):
                    if len(redirects) >= self.policy.max_redirects:
                        raise TooManyRedirects(f"more than {self.policy.max_redirects} redirects")
                    current = urljoin(target.url, page)
                    redirects.append(current)
                    continue
                elapsed_ms = (time.monotonic() - started) * 1000
                log.info(
                    "article.fetched",
                    host=target.host,
                    status=page.status,
                    bytes=len(page.body),
                    ms=round(elapsed_ms, 1),
                    redirects=len(redirects),
                    content_type=page.content_type,
                    charset=page.charset,
                )
                return FetchedPage(
                    url=url,
                    final_url=target.url,
                    status=page.status,
                    content_type=page.content_type,
                    charset=page.charset,
                    body=page.body,
                    text=page.text,
                    redirects=tuple(redirects),
                    elapsed_ms=elapsed_ms,
                )
        except ArticleError as exc:
            log.info(
                "article.fetch_refused",
                host=_host_for_log(current),
                code=exc.code,
                status=exc.params.get("status"),
                detail=exc.detail,
                redirects=len(redirects),
                ms=round((time.monotonic() - started) * 1000, 1),
                exc_info=isinstance(exc, Unreachable) and exc.__cause__ is not None,
            )
            raise
        finally:
            watchdog.close()

    # --- checks before connecting ----------------------------------------------------------

    def _check_target(self, url: str) -> _Target:
        try:
            parsed = parse_url(url.strip())
        except (urllib3.exceptions.LocationParseError, ValueError) as exc:
            raise InvalidUrl(f"unparsable URL: {exc}") from exc
        scheme = (parsed.scheme or "").lower()
        if scheme not in _DEFAULT_PORTS or not parsed.host:
            raise InvalidUrl(f"not an http(s) URL (scheme {scheme!r})")
        host = parsed.host.lower()
        bare_host = host[1:-1] if host.startswith("[") else host
        default_port = _DEFAULT_PORTS[scheme]
        port = parsed.port or default_port
        if self.policy.allowed_ports and port not in self.policy.allowed_ports:
            raise PortNotAllowed(f"port {port} is not allowed", port=port)
        if self.policy.allowed_domains and (
            parse_host_address(bare_host) is not None
            or not domain_allowed(bare_host, self.policy.allowed_domains)
        ):
            raise DomainNotAllowed(f"{bare_host} is not on the allowlist")
        netloc = host if port == default_port else f"{host}:{port}"
        request_uri = parsed.request_uri
        return _Target(
            url=f"{scheme}://{netloc}{request_uri}",
            scheme=scheme,
            host=bare_host,
            port=port,
            request_uri=request_uri,
            host_header=netloc,
        )

    def _addresses(self, target: _Target, deadline: float) -> list[IPAddress]:
        literal = parse_host_address(target.host)
        if literal is not None:
            addresses: list[IPAddress] = [literal]
        else:
            names = self._resolve(target.host, target.port, deadline)
            try:
                addresses = [ipaddress.ip_address(name) for name in names]
            except ValueError as exc:
                raise Unreachable(f"resolver gave a non-address for {target.host}") from exc
            if not addresses:
                raise Unreachable(f"{target.host} has no addresses")
        if not self.policy.allow_private_networks:
            for address in addresses:
                reason = address_refusal(address)
                if reason is not None:
                    raise AddressNotAllowed(f"{target.host} resolves to {address} ({reason})")
        return addresses

    def _resolve(self, host: str, port: int, deadline: float) -> Sequence[str]:
        """Run the resolver in a helper thread so a stuck DNS lookup cannot outlast the cap."""
        outcome: dict[str, Any] = {}

        def lookup() -> None:
            try:
                outcome["names"] = self._resolver(host, port)
            except BaseException as exc:  # noqa: BLE001 - handed to the calling thread below
                outcome["error"] = exc

        thread = threading.Thread(target=lookup, name="newsbot-resolve", daemon=True)
        thread.start()
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            raise TooSlow(f"DNS lookup of {host} took too long")
        error = outcome.get("error")
        if isinstance(error, (OSError, UnicodeError)):
            raise Unreachable(f"DNS lookup of {host} failed: {error}") from error
        if error is not None:
            raise error
        names: Sequence[str] = outcome["names"]
        return names

    # --- one request -----------------------------------------------------------------------

    def _hop(self, target: _Target, deadline: float, watchdog: Watchdog) -> str | _Page:
        """One request: a redirect's location, or the accepted page."""
        addresses = self._addresses(target, deadline)
        conn = self._connect(target, addresses, deadline, watchdog)
        try:
            conn.timeout = max(deadline - time.monotonic(), 0.001)  # per-read socket timeout
            headers = {
                "Host": target.host_header,
                "User-Agent": self.policy.user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": ACCEPT_ENCODING,
                "Connection": "close",
            }
            # Only over https, only to the exact host; each redirect hop decides again.
            headers.update(headers_for(self.policy.credentials, target.scheme, target.host))
            conn.request(
                "GET",
                target.request_uri,
                headers=headers,
                preload_content=False,
                decode_content=True,
            )
            response = conn.getresponse()
            try:
                return self._handle_response(response, deadline, watchdog)
            finally:
                response.close()
        finally:
            conn.close()

    def _connect(
        self,
        target: _Target,
        addresses: Sequence[IPAddress],
        deadline: float,
        watchdog: Watchdog,
    ) -> HTTPConnection:
        """Connect to the first reachable checked address (TLS errors are not retried)."""
        failure: BaseException | None = None
        for address in addresses:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TooSlow("no time left to connect")
            timeout = min(self.policy.connect_timeout_s, remaining)
            conn: WatchedHTTPConnection | WatchedHTTPSConnection
            if target.scheme == "https":
                # server_hostname drives SNI and, with assert_hostname unset, the stdlib's
                # certificate hostname check (urllib3 2.x connection.py,
                # _ssl_wrap_socket_and_match_hostname; urllib3 PR #2169: "The default value of
                # assert_hostname is server_hostname").
                conn = WatchedHTTPSConnection(
                    str(address),
                    target.port,
                    timeout=timeout,
                    server_hostname=target.host,
                    cert_reqs="CERT_REQUIRED",
                    ca_cert_data=self.policy.ca_cert_data,
                )
            else:
                conn = WatchedHTTPConnection(str(address), target.port, timeout=timeout)
            conn.watchdog = watchdog
            try:
                conn.connect()
            except (ssl.SSLError, CertificateError, urllib3.exceptions.SSLError) as exc:
                conn.close()
                if watchdog.fired:
                    raise TooSlow("TLS handshake did not finish in time") from exc
                raise Unreachable(f"TLS failed for {target.host}: {exc}") from exc
            except (OSError, urllib3.exceptions.HTTPError) as exc:
                conn.close()
                failure = exc
                continue
            return conn
        if watchdog.fired or time.monotonic() >= deadline:
            raise TooSlow("connecting took too long") from failure
        raise Unreachable(f"could not connect to {target.host}: {failure}") from failure

    def _handle_response(
        self, response: BaseHTTPResponse, deadline: float, watchdog: Watchdog
    ) -> str | _Page:
        status = response.status
        if status in REDIRECT_STATUSES:
            location = response.headers.get("Location")
            if location:
                return _header_text(location)
        if not 200 <= status < 300:
            raise http_error_for(status)

        mime, charset = parse_content_type(response.headers.get("Content-Type"))
        if mime is not None and mime not in PAGE_TYPES and mime != "application/octet-stream":
            raise NotAWebPage(f"content type {mime}", kind=kind_of(mime))
        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        if encoding not in _DECODABLE:
            raise ArticleError(f"unsupported content-encoding {encoding!r}")
        length = response.headers.get("Content-Length", "").strip()
        if length.isdigit() and int(length) > self.policy.max_bytes:
            raise self._too_large(f"Content-Length {length}")

        body = self._read_body(response, deadline, watchdog)
        if mime is None or mime == "application/octet-stream":
            mime = sniff(body, declared=mime)
        text, used = decode_html(body, charset)
        return _Page(status=status, content_type=mime, charset=used, body=body, text=text)

    def _read_body(self, response: BaseHTTPResponse, deadline: float, watchdog: Watchdog) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() >= deadline:
                raise TooSlow(f"body not complete after {self.policy.total_timeout_s} s")
            # read1 returns after one socket read, at most CHUNK_BYTES of *decoded* data
            chunk = response.read1(CHUNK_BYTES)
            if not chunk:
                break
            size += len(chunk)
            if size > self.policy.max_bytes:
                raise self._too_large(f"more than {self.policy.max_bytes} bytes")
            chunks.append(chunk)
        if watchdog.fired:  # the watchdog's shutdown looks like a clean end of the body
            raise TooSlow(f"body not complete after {self.policy.total_timeout_s} s")
        return b"".join(chunks)

    def _too_large(self, detail: str) -> TooLarge:
        limit_mb = self.policy.max_bytes / 1_000_000
        return TooLarge(detail, limit_mb=int(limit_mb) if limit_mb.is_integer() else limit_mb)


def _network_refusal(exc: BaseException, deadline: float, watchdog: Watchdog) -> ArticleError:
    if watchdog.fired or time.monotonic() >= deadline:
        return TooSlow(f"total time cap reached ({type(exc).__name__})")
    if isinstance(exc, (TimeoutError, urllib3.exceptions.TimeoutError)):
        return TooSlow(f"read timed out: {exc}")
    return Unreachable(f"{type(exc).__name__}: {exc}")


def _header_text(value: str) -> str:
    """http.client decodes header bytes as latin-1; undo that for UTF-8 Location headers."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def _host_for_log(url: str) -> str | None:
    try:
        return parse_url(url).host
    except (urllib3.exceptions.LocationParseError, ValueError):
        return None
