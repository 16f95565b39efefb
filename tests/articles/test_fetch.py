"""The safe fetcher against a real loopback news site: every refusal path, redirects, caps.

The only real connections go to 127.0.0.1 (and a refused attempt at ::1). Blocked address
classes are asserted as decisions: the resolver hands out the address, and the
``connections`` fixture proves nothing was dialled.
"""

from __future__ import annotations

import gzip
import ipaddress
import socket
import ssl
import threading
import tracemalloc
import zlib
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import structlog
import trustme
import urllib3.util.connection

from bot.articles import fetch as fetch_module
from bot.articles.errors import (
    AddressNotAllowed,
    ArticleError,
    DomainNotAllowed,
    HttpError,
    HttpForbidden,
    HttpNotFound,
    HttpRateLimited,
    HttpServerError,
    InvalidUrl,
    NotAWebPage,
    PortNotAllowed,
    TooLarge,
    TooManyRedirects,
    TooSlow,
    Unreachable,
)
from bot.articles.fetch import FetchedPage, Fetcher, FetchPolicy, system_resolver
from bot.articles.netpolicy import IPAddress, address_refusal
from bot.i18n import sentence_for
from bot.settings import DEFAULT_USER_AGENT, load_settings
from tests.fakes.news_site import NewsSite, NewsSiteRequestHandler

LOCAL = FetchPolicy(allow_private_networks=True, allowed_ports=())
PAGE = (
    "<!DOCTYPE html><html><head><title>Test</title></head><body><p>Grüße aus Köln</p></body></html>"
)


class FakeResolver:
    """Maps names to addresses and records every lookup.

    ``later`` answers every lookup of a name after its first one: a DNS-rebinding attacker.
    """

    def __init__(
        self, answers: dict[str, list[str]], later: dict[str, list[str]] | None = None
    ) -> None:
        self.answers = answers
        self.later = later or {}
        self.calls: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> Sequence[str]:
        self.calls.append((host, port))
        if len(self.calls_for(host)) > 1 and host in self.later:
            return self.later[host]
        if host not in self.answers:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.answers[host]

    def calls_for(self, host: str) -> list[tuple[str, int]]:
        return [call for call in self.calls if call[0] == host]


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with NewsSite() as news_site:
        news_site.add("/story", PAGE)
        yield news_site
    assert news_site.errors == []


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every (address, port) urllib3 dials during the test."""
    dialled: list[tuple[str, int]] = []
    real = urllib3.util.connection.create_connection

    def recording(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        dialled.append((address[0], address[1]))
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", recording)
    return dialled


@pytest.fixture
def loopback_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    """Treat exactly 127.0.0.1 as public, so the real policy judges every other address."""

    def refusal(address: IPAddress) -> str | None:
        return None if str(address) == "127.0.0.1" else address_refusal(address)

    monkeypatch.setattr(fetch_module, "address_refusal", refusal)


def local(**changes: Any) -> FetchPolicy:
    return FetchPolicy(**{"allow_private_networks": True, "allowed_ports": (), **changes})


def fetch(
    url: str, policy: FetchPolicy = LOCAL, resolver: FakeResolver | None = None
) -> FetchedPage:
    return Fetcher(policy, resolver=resolver).fetch(url)


# --- success -----------------------------------------------------------------------------------


def test_fetches_a_page_with_an_honest_user_agent(site: NewsSite) -> None:
    page = fetch(site.url("/story?id=7#top"))
    assert page.status == 200
    assert page.text == PAGE
    assert page.body == PAGE.encode()
    assert (page.content_type, page.charset) == ("text/html", "utf-8")
    assert page.url == site.url("/story?id=7#top")
    assert page.final_url == site.url("/story?id=7")  # the fragment is never sent
    assert page.redirects == ()
    assert page.elapsed_ms > 0
    (request,) = site.requests
    assert (request.method, request.path) == ("GET", "/story?id=7")
    assert request.headers["user-agent"] == DEFAULT_USER_AGENT
    assert "newsbot" in request.headers["user-agent"]
    assert request.headers["host"] == f"127.0.0.1:{site.port}"
    assert request.headers["accept-encoding"] == "gzip, deflate"


def test_user_agent_is_configurable(site: NewsSite) -> None:
    fetch(site.url("/story"), local(user_agent="Redaktionsbot/2.0 (+https://zeitung.example/bot)"))
    assert (
        site.requests[0].headers["user-agent"] == "Redaktionsbot/2.0 (+https://zeitung.example/bot)"
    )


def test_policy_from_settings() -> None:
    settings = load_settings(
        fetch_allowed_domains="Zeitung.example,*.dpa.example",
        fetch_allow_private_networks=True,
        fetch_allowed_ports="80,443,8080",
        fetch_max_bytes=1_000_000,
        fetch_connect_timeout_s=2,
        fetch_timeout_s=9,
        fetch_max_redirects=3,
        fetch_user_agent="ua/1",
    )
    assert FetchPolicy.from_settings(settings) == FetchPolicy(
        allowed_domains=("zeitung.example", "dpa.example"),
        allow_private_networks=True,
        allowed_ports=(80, 443, 8080),
        max_bytes=1_000_000,
        connect_timeout_s=2.0,
        total_timeout_s=9.0,
        max_redirects=3,
        user_agent="ua/1",
    )
    assert FetchPolicy.from_settings(load_settings()) == FetchPolicy()


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("text/html; charset=utf-8", "text/html"),
        ("TEXT/HTML", "text/html"),
        ("application/xhtml+xml; charset=utf-8", "application/xhtml+xml"),
        ("text/plain; charset=utf-8", "text/plain"),
        (None, "text/html"),  # sniffed: starts with "<"
        ("application/octet-stream", "text/html"),
    ],
)
def test_accepts_web_pages_and_plain_text(
    site: NewsSite, content_type: str | None, expected: str
) -> None:
    site.add("/page", PAGE, content_type=content_type)
    assert fetch(site.url("/page")).content_type == expected


def test_missing_content_type_on_text_is_plain_text(site: NewsSite) -> None:
    site.add("/notes", "Nur Text, kein HTML.", content_type=None)
    page = fetch(site.url("/notes"))
    assert (page.content_type, page.text) == ("text/plain", "Nur Text, kein HTML.")


def test_gzip_and_deflate_are_decoded(site: NewsSite) -> None:
    site.add("/gz", gzip.compress(PAGE.encode()), headers={"Content-Encoding": "gzip"})
    site.add("/deflate", zlib.compress(PAGE.encode()), headers={"Content-Encoding": "deflate"})
    assert fetch(site.url("/gz")).text == PAGE
    assert fetch(site.url("/deflate")).text == PAGE


def test_iso_8859_1_page_declared_by_header(site: NewsSite, fixtures_dir: Path) -> None:
    body = (fixtures_dir / "fetch" / "de_latin1.html").read_bytes()
    site.add("/latin1", body, content_type="text/html; charset=ISO-8859-1")
    page = fetch(site.url("/latin1"))
    assert page.charset == "windows-1252"
    assert "Neues Schwimmbad für Würzburg" in page.text
    assert "Größere Änderungen" in page.text


def test_bom_beats_a_lying_content_type_header(site: NewsSite, fixtures_dir: Path) -> None:
    body = (fixtures_dir / "fetch" / "utf8_bom.html").read_bytes()
    site.add("/bom", body, content_type="text/html; charset=iso-8859-1")
    page = fetch(site.url("/bom"))
    assert page.charset == "utf-8"
    assert "Neues Schwimmbad für Würzburg" in page.text


def test_body_exactly_at_the_cap_is_accepted(site: NewsSite) -> None:
    site.add("/exact", b"<p>" + b"x" * 19_993 + b"</p>", content_type="text/html")
    assert len(fetch(site.url("/exact"), local(max_bytes=20_000)).body) == 20_000


# --- name resolution and the checked address ---------------------------------------------------


def test_connects_to_the_resolved_address_with_the_name_in_host_header(
    site: NewsSite, connections: list[tuple[str, int]], monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up: list[Any] = []
    real_getaddrinfo = socket.getaddrinfo

    def recording_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", recording_getaddrinfo)
    resolver = FakeResolver({"news.example": ["127.0.0.1"]})
    page = fetch(site.url("/story", host="news.example"), resolver=resolver)
    assert page.final_url == site.url("/story", host="news.example")
    assert resolver.calls == [("news.example", site.port)]
    assert connections == [("127.0.0.1", site.port)]
    assert "news.example" not in looked_up  # urllib3 never resolved the name itself
    assert site.requests[0].headers["host"] == f"news.example:{site.port}"


def test_dns_rebinding_cannot_swap_the_checked_address(
    site: NewsSite, connections: list[tuple[str, int]]
) -> None:
    # A rebinding resolver: the first answer passes the check, later ones point elsewhere.
    resolver = FakeResolver({"news.example": ["127.0.0.1"]}, later={"news.example": ["10.0.0.1"]})
    page = fetch(site.url("/story", host="news.example"), resolver=resolver)
    assert page.status == 200
    assert resolver.calls == [("news.example", site.port)]  # exactly one lookup for the hop
    assert connections == [("127.0.0.1", site.port)]  # and the checked address was dialled


@pytest.mark.usefixtures("loopback_is_public")
def test_rebinding_between_redirect_hops_is_checked_again(
    site: NewsSite, connections: list[tuple[str, int]]
) -> None:
    site.redirect("/first", "/story")
    resolver = FakeResolver({"news.example": ["127.0.0.1"]}, later={"news.example": ["10.0.0.1"]})
    with pytest.raises(AddressNotAllowed):
        fetch(site.url("/first", host="news.example"), FetchPolicy(allowed_ports=()), resolver)
    assert len(resolver.calls) == 2  # one lookup per hop
    assert connections == [("127.0.0.1", site.port)]  # the second hop never connected
    assert [r.path for r in site.requests] == ["/first"]


def test_tries_resolved_addresses_in_order(
    site: NewsSite, connections: list[tuple[str, int]]
) -> None:
    # Nothing listens on [::1]:port (the site binds 127.0.0.1 only), so the second one is used.
    resolver = FakeResolver({"news.example": ["::1", "127.0.0.1"]})
    page = fetch(site.url("/story", host="news.example"), resolver=resolver)
    assert page.status == 200
    assert connections == [("::1", site.port), ("127.0.0.1", site.port)]


def test_system_resolver_resolves_numeric_hosts_without_dns() -> None:
    assert system_resolver("127.0.0.1", 80) == ["127.0.0.1"]


# --- refused addresses (decided before connecting) ---------------------------------------------

UNSPECIFIED_V4 = "0.0.0.0"  # noqa: S104 - an address under test; nothing binds to it

BLOCKED = [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    UNSPECIFIED_V4,
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "192.0.2.1",
    "::1",
    "::",
    "fe80::1",
    "fc00::1",
    "ff02::1",
    "::ffff:10.0.0.1",
    "::ffff:127.0.0.1",
    "64:ff9b::a9fe:a9fe",
    "2002:7f00:1::",
]


@pytest.mark.parametrize("address", BLOCKED)
def test_blocked_address_classes_are_refused_without_connecting(
    address: str, connections: list[tuple[str, int]]
) -> None:
    resolver = FakeResolver({"news.example": [address]})
    with pytest.raises(AddressNotAllowed) as refused:
        fetch("http://news.example/story", FetchPolicy(), resolver)
    assert resolver.calls == [("news.example", 80)]
    assert connections == []
    assert str(ipaddress.ip_address(address)) in refused.value.detail


def test_one_blocked_address_among_public_ones_refuses_the_host(
    connections: list[tuple[str, int]],
) -> None:
    resolver = FakeResolver({"news.example": ["93.184.215.14", "10.0.0.1"]})
    with pytest.raises(AddressNotAllowed):
        fetch("https://news.example/", FetchPolicy(), resolver)
    assert connections == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://2130706433/",
        "http://127.1/",
        "http://0x7f.1/",
        "http://0x7f.0.0.1/",
        "http://017700000001/",
        "http://0.0.0.0/",
        "http://0/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1%25eth0]/",
        "https://10.1.2.3/",
    ],
)
def test_numeric_hosts_in_odd_forms_are_refused_without_dns(
    url: str, connections: list[tuple[str, int]]
) -> None:
    resolver = FakeResolver({})
    with pytest.raises(AddressNotAllowed):
        fetch(url, FetchPolicy(), resolver)
    assert resolver.calls == []
    assert connections == []


def test_private_networks_can_be_allowed(site: NewsSite) -> None:
    assert fetch(site.url("/story"), FetchPolicy(allow_private_networks=True, allowed_ports=()))


@pytest.mark.parametrize("url", ["http://news.example:8080/", "https://news.example:22/"])
def test_ports_outside_the_allowed_list_are_refused_before_resolving(url: str) -> None:
    resolver = FakeResolver({"news.example": ["93.184.215.14"]})
    with pytest.raises(PortNotAllowed) as info:
        fetch(url, FetchPolicy(), resolver)
    assert resolver.calls == []
    port = urlsplit(url).port
    assert (
        sentence_for(info.value) == f"That link uses an unusual port ({port}), so I won't open it."
    )


# --- domain allowlist --------------------------------------------------------------------------


def test_allowlisted_domain_and_subdomains_are_fetched(site: NewsSite) -> None:
    resolver = FakeResolver({"www.news.example": ["127.0.0.1"], "news.example": ["127.0.0.1"]})
    policy = local(allowed_domains=("news.example",))
    assert fetch(site.url("/story", host="www.news.example"), policy, resolver).status == 200
    assert fetch(site.url("/story", host="NEWS.example"), policy, resolver).status == 200


@pytest.mark.parametrize(
    "url",
    ["http://other.example/", "http://news.example.evil.test/", "http://badnews.example/"],
)
def test_domains_off_the_allowlist_are_refused_before_resolving(url: str) -> None:
    resolver = FakeResolver({})
    with pytest.raises(DomainNotAllowed):
        fetch(url, FetchPolicy(allowed_domains=("news.example",)), resolver)
    assert resolver.calls == []


def test_ip_literals_are_refused_when_an_allowlist_is_set(site: NewsSite) -> None:
    with pytest.raises(DomainNotAllowed):
        fetch(site.url("/story"), local(allowed_domains=("news.example",)))
    assert site.requests == []


# --- URLs and schemes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "ftp://news.example/file",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "gopher://127.0.0.1:70/",
        "news.example/story",
        "http://",
        "http:///path",
        "https://exa mple.com/",
        "http://example.com:99999/",
        "",
    ],
)
def test_non_web_urls_are_invalid(url: str) -> None:
    resolver = FakeResolver({})
    with pytest.raises(InvalidUrl):
        fetch(url, FetchPolicy(), resolver)
    assert resolver.calls == []


# --- redirects ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_follows_redirects_and_records_them(site: NewsSite, status: int) -> None:
    site.redirect("/a", "/b", status=status)
    site.redirect("/b", site.url("/story"), status=status)
    page = fetch(site.url("/a"))
    assert page.text == PAGE
    assert page.redirects == (site.url("/b"), site.url("/story"))
    assert page.final_url == site.url("/story")
    assert [r.path for r in site.requests] == ["/a", "/b", "/story"]


def test_redirect_location_in_utf8_is_followed(site: NewsSite) -> None:
    site.add("/stra%C3%9Fe", PAGE)
    site.handle(
        "/umlaut",
        lambda request: request.wfile.write(
            "HTTP/1.1 302 Found\r\nLocation: /straße\r\nContent-Length: 0\r\n\r\n".encode()
        ),
    )
    assert fetch(site.url("/umlaut")).final_url == site.url("/stra%C3%9Fe")


def test_at_most_max_redirects_are_followed(site: NewsSite) -> None:
    for hop in range(6):
        site.redirect(f"/hop{hop}", f"/hop{hop + 1}")
    site.add("/hop6", PAGE)
    assert len(fetch(site.url("/hop1")).redirects) == 5  # exactly five: fine
    with pytest.raises(TooManyRedirects):
        fetch(site.url("/hop0"))  # six: refused
    with pytest.raises(TooManyRedirects):
        fetch(site.url("/hop4"), local(max_redirects=1))


def test_redirect_loop_is_refused(site: NewsSite) -> None:
    site.redirect("/ping", "/pong")
    site.redirect("/pong", "/ping")
    with pytest.raises(TooManyRedirects):
        fetch(site.url("/ping"))
    assert len(site.requests) == 6  # the first request and five redirects


def test_redirect_without_location_is_an_http_error(site: NewsSite) -> None:
    site.add("/nowhere", b"", status=302, content_type=None)
    with pytest.raises(HttpError) as refused:
        fetch(site.url("/nowhere"))
    assert refused.value.status == 302


@pytest.mark.usefixtures("loopback_is_public")
@pytest.mark.parametrize(
    ("location", "error"),
    [
        ("http://169.254.169.254/latest/meta-data/", AddressNotAllowed),
        ("http://[::1]/admin", AddressNotAllowed),
        ("http://167772161/", AddressNotAllowed),  # 10.0.0.1 as one number
        ("http://internal.example/", AddressNotAllowed),  # resolves to 10.0.0.1
        ("file:///etc/passwd", InvalidUrl),
        ("gopher://news.example/", InvalidUrl),
        ("http://news.example:6379/", AddressNotAllowed),  # a port off the list
    ],
)
def test_every_redirect_hop_is_checked_again(
    site: NewsSite,
    connections: list[tuple[str, int]],
    location: str,
    error: type[ArticleError],
) -> None:
    site.redirect("/go", location)
    resolver = FakeResolver({"news.example": ["127.0.0.1"], "internal.example": ["10.0.0.1"]})
    policy = FetchPolicy(allowed_ports=(80, 443, site.port))
    with pytest.raises(error):
        fetch(site.url("/go", host="news.example"), policy, resolver)
    assert connections == [("127.0.0.1", site.port)]  # only the first hop connected
    assert [r.path for r in site.requests] == ["/go"]


def test_redirect_off_the_allowlist_is_refused(site: NewsSite) -> None:
    site.redirect("/out", "http://elsewhere.example/")
    resolver = FakeResolver({"news.example": ["127.0.0.1"], "elsewhere.example": ["127.0.0.1"]})
    with pytest.raises(DomainNotAllowed):
        fetch(
            site.url("/out", host="news.example"),
            local(allowed_domains=("news.example",)),
            resolver,
        )
    assert resolver.calls_for("elsewhere.example") == []


# --- not a web page ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "kind"),
    [
        ("application/pdf", "PDF document"),
        ("image/png", "image"),
        ("image/svg+xml", "image"),
        ("video/mp4", "video"),
        ("audio/mpeg", "audio file"),
        ("application/json", "data file"),
        ("application/ld+json", "data file"),
        ("application/zip", "file of type application/zip"),
        ("text/csv; charset=utf-8", "file of type text/csv"),
    ],
)
def test_other_content_types_are_not_web_pages(
    site: NewsSite, content_type: str, kind: str
) -> None:
    site.add("/file", b"\x00\x01binary", content_type=content_type)
    with pytest.raises(NotAWebPage) as refused:
        fetch(site.url("/file"))
    assert refused.value.params == {"kind": kind}
    assert kind in sentence_for(refused.value, "en")
    assert kind in sentence_for(refused.value, "de")


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", None, "PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "application/octet-stream", "image"),
        (b"RIFF\x24\x00\x00\x00WEBPVP8 ", None, "image"),
        (b"\x00\x01\x02\x03binary", None, "file of type application/octet-stream"),
    ],
)
def test_untyped_bodies_are_sniffed(
    site: NewsSite, body: bytes, content_type: str | None, kind: str
) -> None:
    site.add("/blob", body, content_type=content_type)
    with pytest.raises(NotAWebPage) as refused:
        fetch(site.url("/blob"))
    assert refused.value.params == {"kind": kind}


# --- size cap ----------------------------------------------------------------------------------


def test_content_length_over_the_cap_is_refused(site: NewsSite) -> None:
    site.add("/huge", b"<p>" + b"x" * 300_000, content_type="text/html")
    with pytest.raises(TooLarge) as refused:
        fetch(site.url("/huge"), local(max_bytes=100_000))
    assert refused.value.params == {"limit_mb": 0.1}
    assert "0.1 MB" in sentence_for(refused.value, "en")
    assert "Content-Length" in refused.value.detail  # refused from the header, before reading


def chunked_page(total: int) -> Callable[[NewsSiteRequestHandler], None]:
    def respond(request: NewsSiteRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Type", "text/html")
        request.send_header("Transfer-Encoding", "chunked")
        request.end_headers()
        piece = b"<p>" + b"x" * 8189
        for _ in range(total // len(piece)):
            request.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        request.wfile.write(b"0\r\n\r\n")

    return respond


def test_streamed_body_over_the_cap_is_refused(site: NewsSite) -> None:
    site.handle("/endless", chunked_page(10_000_000))
    with pytest.raises(TooLarge) as refused:
        fetch(site.url("/endless"), local(max_bytes=200_000))
    assert "more than 200000 bytes" in refused.value.detail


def test_streamed_body_under_the_cap_is_read(site: NewsSite) -> None:
    site.handle("/chunked", chunked_page(100_000))
    assert len(fetch(site.url("/chunked")).body) == 98_304  # 12 chunks of 8192


def test_default_cap_is_five_megabytes(site: NewsSite) -> None:
    site.handle("/big", chunked_page(6_000_000))
    with pytest.raises(TooLarge) as refused:
        fetch(site.url("/big"))
    assert refused.value.params == {"limit_mb": 5}


def gzip_bomb(decoded_size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: gzip container
    block = b"\x00" * 1_000_000
    parts = [compressor.compress(b"<p>")]
    parts += [compressor.compress(block) for _ in range(decoded_size // len(block))]
    return b"".join([*parts, compressor.flush()])


def test_decompression_bomb_is_cut_at_the_cap_on_decoded_bytes(site: NewsSite) -> None:
    bomb = gzip_bomb(200_000_000)  # ~200 KB on the wire, 200 MB decoded
    site.add("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge):
            fetch(site.url("/bomb"), local(max_bytes=1_000_000))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(bomb) < 1_000_000  # the compressed size alone is under the cap
    assert peak < 20_000_000  # never decoded anywhere near 200 MB


# --- time cap ----------------------------------------------------------------------------------


def test_trickling_body_is_cut_at_the_total_time_cap(site: NewsSite) -> None:
    site.trickle("/drip", PAGE.encode() * 10, bytes_per_chunk=1, delay_s=0.02)
    with pytest.raises(TooSlow):
        fetch(site.url("/drip"), local(total_timeout_s=0.5))


def test_trickling_headers_are_cut_at_the_total_time_cap(site: NewsSite) -> None:
    def slow_headers(request: NewsSiteRequestHandler) -> None:
        # One endless header line, a byte at a time: every socket read succeeds quickly and
        # http.client's 64 KiB line limit is an hour away, so only the total cap can end it.
        request.wfile.write(b"HTTP/1.1 200 OK\r\nX-Drip: ")
        while not site.stopping.wait(0.05):
            request.wfile.write(b"x")
            request.wfile.flush()

    site.handle("/slow-headers", slow_headers)
    with pytest.raises(TooSlow):
        fetch(site.url("/slow-headers"), local(total_timeout_s=0.5))


def test_silent_server_is_cut_at_the_total_time_cap(site: NewsSite) -> None:
    site.handle("/silent", lambda request: site.stopping.wait())
    with pytest.raises(TooSlow):
        fetch(site.url("/silent"), local(total_timeout_s=0.5))


def test_slow_dns_is_cut_at_the_total_time_cap() -> None:
    release = threading.Event()

    def stuck(host: str, port: int) -> Sequence[str]:
        release.wait(10)
        return ["127.0.0.1"]

    try:
        with pytest.raises(TooSlow):
            Fetcher(local(total_timeout_s=0.3), resolver=stuck).fetch("http://news.example/")
    finally:
        release.set()


def test_trickle_under_the_cap_completes(site: NewsSite) -> None:
    site.trickle("/slowish", PAGE, bytes_per_chunk=40, delay_s=0.001)
    assert fetch(site.url("/slowish")).text == PAGE


# --- HTTP errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error", "retryable"),
    [
        (404, HttpNotFound, False),
        (410, HttpNotFound, False),
        (401, HttpForbidden, False),
        (403, HttpForbidden, False),
        (451, HttpForbidden, False),
        (429, HttpRateLimited, True),
        (500, HttpServerError, True),
        (502, HttpServerError, True),
        (503, HttpServerError, True),
        (418, HttpError, False),
        (304, HttpError, False),
    ],
)
def test_http_errors_map_to_typed_refusals(
    site: NewsSite, status: int, error: type[HttpError], retryable: bool
) -> None:
    site.add("/err", "<p>Fehler</p>", status=status)
    with pytest.raises(error) as refused:
        fetch(site.url("/err"))
    assert type(refused.value) is error
    assert refused.value.params == {"status": status}
    assert refused.value.retryable is retryable
    assert "Traceback" not in sentence_for(refused.value, "en")


# --- unreachable -------------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_connection_refused_is_unreachable() -> None:
    with pytest.raises(Unreachable):
        fetch(f"http://127.0.0.1:{closed_port()}/")


def test_dns_failure_is_unreachable() -> None:
    with pytest.raises(Unreachable) as refused:
        fetch("http://no-such-host.example/", FetchPolicy(), FakeResolver({}))
    assert refused.value.retryable


def test_empty_dns_answer_is_unreachable() -> None:
    with pytest.raises(Unreachable):
        fetch("http://news.example/", FetchPolicy(), FakeResolver({"news.example": []}))


@pytest.mark.parametrize(
    "raw",
    [
        b"",  # hang up without answering
        b"NOT HTTP AT ALL\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nshort",  # body cut short
    ],
)
def test_broken_responses_are_unreachable(site: NewsSite, raw: bytes) -> None:
    def respond(request: NewsSiteRequestHandler) -> None:
        request.wfile.write(raw)
        request.wfile.flush()
        request.close_connection = True
        request.connection.shutdown(socket.SHUT_RDWR)

    site.handle("/broken", respond)
    with pytest.raises(Unreachable):
        fetch(site.url("/broken"))


def test_corrupt_gzip_is_unreachable(site: NewsSite) -> None:
    site.add("/corrupt", b"\x1f\x8b\x08\x00garbage-not-gzip", headers={"Content-Encoding": "gzip"})
    with pytest.raises(Unreachable):
        fetch(site.url("/corrupt"))


def test_unrequested_content_encoding_is_refused(site: NewsSite) -> None:
    site.add("/br", b"\x8b\x02\x80compressed", headers={"Content-Encoding": "br"})
    with pytest.raises(ArticleError) as refused:
        fetch(site.url("/br"))
    assert refused.value.code == "article"
    assert sentence_for(refused.value, "en") == "I couldn't get the article from that link."


# --- HTTPS: SNI and certificate checks by name while connecting to the checked address ---------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def tls_site(ca: trustme.CA, name: str) -> NewsSite:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(name).configure_cert(context)
    return NewsSite(ssl_context=context)


def test_https_sends_sni_and_verifies_the_certificate_by_name(
    ca: trustme.CA, connections: list[tuple[str, int]]
) -> None:
    with tls_site(ca, "news.example") as site:
        site.add("/story", PAGE)
        resolver = FakeResolver({"news.example": ["127.0.0.1"]})
        policy = local(ca_cert_data=ca.cert_pem.bytes().decode())
        page = fetch(site.url("/story", host="news.example"), policy, resolver)
        assert page.text == PAGE
        assert page.final_url == f"https://news.example:{site.port}/story"
        assert site.tls_server_names == ["news.example"]
        assert site.requests[0].headers["host"] == f"news.example:{site.port}"
        assert connections == [("127.0.0.1", site.port)]
        assert site.errors == []


def test_https_certificate_for_another_name_is_unreachable(ca: trustme.CA) -> None:
    with tls_site(ca, "other.example") as site:
        site.add("/story", PAGE)
        resolver = FakeResolver({"news.example": ["127.0.0.1"]})
        with pytest.raises(Unreachable) as refused:
            fetch(
                site.url("/story", host="news.example"),
                local(ca_cert_data=ca.cert_pem.bytes().decode()),
                resolver,
            )
        assert "TLS" in refused.value.detail
        assert site.requests == []


def test_https_certificate_from_an_untrusted_ca_is_unreachable(ca: trustme.CA) -> None:
    with tls_site(ca, "news.example") as site:
        site.add("/story", PAGE)
        resolver = FakeResolver({"news.example": ["127.0.0.1"]})
        with pytest.raises(Unreachable):
            fetch(site.url("/story", host="news.example"), local(), resolver)  # system CAs
        assert site.requests == []


# --- logs --------------------------------------------------------------------------------------


def test_logs_fetched_and_refused_events_without_bodies(site: NewsSite) -> None:
    site.add("/secret", "<p>Vertraulicher Entwurf</p>")
    with structlog.testing.capture_logs() as logs:
        fetch(site.url("/secret"))
        with pytest.raises(HttpNotFound):
            fetch(site.url("/missing"))
    fetched, refused = logs
    assert fetched["event"] == "article.fetched"
    assert fetched["host"] == "127.0.0.1"
    assert (fetched["status"], fetched["bytes"], fetched["redirects"]) == (200, 28, 0)
    assert fetched["ms"] >= 0
    assert refused["event"] == "article.fetch_refused"
    assert (refused["code"], refused["status"], refused["host"]) == (
        "http_not_found",
        404,
        "127.0.0.1",
    )
    assert "Vertraulicher" not in repr(logs)
