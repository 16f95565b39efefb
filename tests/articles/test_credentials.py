"""Fetch credentials: parsing and validation, and the header's path over a real loopback site.

The site speaks HTTPS with a certificate from a test CA (trustme) that the fetcher trusts via
``FETCH_CA_BUNDLE``; names resolve to 127.0.0.1 through a fake resolver. The header must reach
exactly the credential's host over https, and nothing else: not plain http, not a subdomain,
not another host a redirect leads to, not the logs, not an error.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
import structlog
import trustme

from bot.articles.credentials import (
    CredentialError,
    FetchCredential,
    credentials_from_setting,
    credentials_from_table,
    headers_for,
    resolve,
)
from bot.articles.errors import ArticleError, HttpForbidden
from bot.articles.fetch import Fetcher, FetchPolicy
from bot.articles.pipeline import ArticlePipeline
from bot.cli import EXIT_CONFIG, main
from bot.settings import ConfigError, load_settings
from tests.fakes.news_site import NewsSite, NewsSiteRequestHandler

FIXTURES = Path(__file__).parents[1] / "fixtures" / "articles"
TOKEN = "Bearer s3cr3t-paywall-token-4711"
HOST = "www.zeitung.example"
OTHER = "cdn.other.example"
SUB = "m.www.zeitung.example"


# --- the model: tables and the setting ----------------------------------------------------------


def test_table_gives_frozen_credentials_with_normalized_hosts() -> None:
    table = {
        "WWW.Zeitung.example": {"header": "Authorization", "env": "ZEITUNG_TOKEN"},
        "bücher.example": {"header": "X-Api-Key", "env": "BOOKS_KEY"},
    }
    found = credentials_from_table(table, "desks.toml [fetch_credentials]")
    assert found == (
        FetchCredential(HOST, "Authorization", "ZEITUNG_TOKEN"),
        FetchCredential("xn--bcher-kva.example", "X-Api-Key", "BOOKS_KEY"),
    )
    with pytest.raises(AttributeError):
        found[0].host = "evil.example"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("table", "named"),
    [
        ({"https://www.zeitung.example": {"header": "A", "env": "E"}}, "https://www.zeitung"),
        ({"www.zeitung.example:443": {"header": "A", "env": "E"}}, "www.zeitung.example:443"),
        ({"*.zeitung.example": {"header": "A", "env": "E"}}, "*.zeitung.example"),
        ({"127.0.0.1": {"header": "A", "env": "E"}}, "127.0.0.1"),
        ({"www.zeitung.example.": {"header": "A", "env": "E"}}, "www.zeitung.example."),
        ({HOST: {"header": "Bad Header", "env": "E"}}, "Bad Header"),
        ({HOST: {"header": "Host", "env": "E"}}, "'Host'"),
        ({HOST: {"header": "Authorization", "env": "1BAD"}}, "1BAD"),
        ({HOST: {"header": "Authorization"}}, "env"),
        ({HOST: {"env": "E"}}, "header"),
        ({HOST: {"header": "A", "env": "E", "value": "x"}}, "'value'"),
        ({HOST: "Authorization:E"}, HOST),
    ],
)
def test_table_errors_are_one_sentence_naming_source_and_key(
    table: dict[str, Any], named: str
) -> None:
    with pytest.raises(CredentialError) as failed:
        credentials_from_table(table, "desks.toml [fetch_credentials]")
    message = str(failed.value)
    assert message.startswith("desks.toml [fetch_credentials], key ")
    assert named in message
    assert message.endswith(".") and "\n" not in message


def test_setting_syntax_and_its_errors() -> None:
    assert credentials_from_setting(
        [f"{HOST}=Authorization:ZEITUNG_TOKEN", " other.example = X-Api-Key : OTHER_KEY "]
    ) == (
        FetchCredential(HOST, "Authorization", "ZEITUNG_TOKEN"),
        FetchCredential("other.example", "X-Api-Key", "OTHER_KEY"),
    )
    with pytest.raises(CredentialError, match=r"^FETCH_CREDENTIALS, entry .*host=Header-Name"):
        credentials_from_setting([f"{HOST}:ZEITUNG_TOKEN"])
    with pytest.raises(CredentialError, match="given twice"):
        credentials_from_setting([f"{HOST}=Cookie:A", f"{HOST}=cookie:B"])


def test_resolve_reads_the_variable_and_masks_the_value() -> None:
    found = credentials_from_setting([f"{HOST}=Authorization:ZEITUNG_TOKEN"])
    (resolved,) = resolve(found, environ={"ZEITUNG_TOKEN": TOKEN})
    assert resolved.value.get_secret_value() == TOKEN
    assert TOKEN not in repr(resolved)
    with pytest.raises(CredentialError, match="ZEITUNG_TOKEN is not set") as missing:
        resolve(found, environ={})
    assert str(missing.value).startswith("FETCH_CREDENTIALS, host 'www.zeitung.example'")
    with pytest.raises(CredentialError, match="not a valid header value") as broken:
        resolve(found, environ={"ZEITUNG_TOKEN": "a\r\nX-Evil: 1"})
    assert "X-Evil" not in str(broken.value)


def test_headers_only_over_https_to_the_exact_host() -> None:
    resolved = resolve(credentials_from_setting([f"{HOST}=Authorization:T"]), environ={"T": TOKEN})
    assert headers_for(resolved, "https", "WWW.ZEITUNG.EXAMPLE") == {"Authorization": TOKEN}
    assert headers_for(resolved, "http", HOST) == {}
    assert headers_for(resolved, "https", SUB) == {}
    assert headers_for(resolved, "https", "zeitung.example") == {}


def test_a_bad_setting_stops_the_command_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("ZEITUNG_TOKEN", raising=False)
    cases = {
        f"{HOST}=Authorization:ZEITUNG_TOKEN": "the environment variable ZEITUNG_TOKEN is not set",
        "https://x.example/=Authorization:ZEITUNG_TOKEN": "is not a host name",
        f"{HOST}=Bad Header:ZEITUNG_TOKEN": "is not a header name",
    }
    for value, expected in cases.items():
        monkeypatch.setenv("FETCH_CREDENTIALS", value)
        with pytest.raises(ConfigError) as failed:
            FetchPolicy.from_settings(load_settings())
        assert str(failed.value).startswith("FETCH_CREDENTIALS, ")
        assert expected in str(failed.value)
        assert main(["extract", "https://www.zeitung.example/a"]) == EXIT_CONFIG
        err = capsys.readouterr().err.strip()
        assert err.startswith("newsbot: FETCH_CREDENTIALS, ") and expected in err
        assert "\n" not in err
    monkeypatch.setenv("ZEITUNG_TOKEN", TOKEN)
    monkeypatch.setenv("FETCH_CREDENTIALS", f"{HOST}=Authorization:ZEITUNG_TOKEN")
    settings = load_settings()
    assert TOKEN not in repr(settings)
    (credential,) = FetchPolicy.from_settings(settings).credentials
    assert (credential.host, credential.header) == (HOST, "Authorization")


# --- over the wire ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def tls_site(ca: trustme.CA) -> Iterator[NewsSite]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(HOST, OTHER, SUB).configure_cert(context)
    with NewsSite(ssl_context=context) as site:
        yield site
    assert site.errors == []


@pytest.fixture
def plain_site() -> Iterator[NewsSite]:
    with NewsSite() as site:
        yield site
    assert site.errors == []


def _resolver(host: str, port: int) -> Sequence[str]:
    if host in (HOST, OTHER, SUB):
        return ["127.0.0.1"]
    raise OSError(f"unknown host {host}")


@pytest.fixture
def fetcher(ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Fetcher:
    """A fetcher built from settings, as the bot builds it: FETCH_CA_BUNDLE trusts the test CA."""
    bundle = tmp_path / "ca.pem"
    bundle.write_bytes(ca.cert_pem.bytes())
    monkeypatch.setenv("ZEITUNG_TOKEN", TOKEN)
    settings = load_settings(
        fetch_credentials=f"{HOST}=Authorization:ZEITUNG_TOKEN",
        fetch_ca_bundle=str(bundle),
        fetch_allow_private_networks=True,
        fetch_allowed_ports="",
    )
    return Fetcher(FetchPolicy.from_settings(settings), resolver=_resolver)


def _auth(site: NewsSite, path: str) -> list[str | None]:
    return [r.headers.get("authorization") for r in site.requests_for(path)]


def test_header_reaches_the_exact_host_over_https(tls_site: NewsSite, fetcher: Fetcher) -> None:
    tls_site.add("/story", "<p>ok</p>")
    fetcher.fetch(tls_site.url("/story", host=HOST))
    assert _auth(tls_site, "/story") == [TOKEN]


def test_header_is_not_sent_to_a_subdomain(tls_site: NewsSite, fetcher: Fetcher) -> None:
    tls_site.add("/story", "<p>ok</p>")
    fetcher.fetch(tls_site.url("/story", host=SUB))
    assert _auth(tls_site, "/story") == [None]


def test_header_is_not_sent_over_plain_http(plain_site: NewsSite, fetcher: Fetcher) -> None:
    plain_site.add("/story", "<p>ok</p>")
    fetcher.fetch(plain_site.url("/story", host=HOST))
    assert _auth(plain_site, "/story") == [None]


def test_redirect_to_another_host_does_not_carry_the_header(
    tls_site: NewsSite, fetcher: Fetcher
) -> None:
    tls_site.redirect("/story", tls_site.url("/elsewhere", host=OTHER))
    tls_site.add("/elsewhere", "<p>moved</p>")
    page = fetcher.fetch(tls_site.url("/story", host=HOST))
    assert page.final_url == tls_site.url("/elsewhere", host=OTHER)
    assert _auth(tls_site, "/story") == [TOKEN]
    (moved,) = tls_site.requests_for("/elsewhere")
    assert moved.headers["host"] == f"{OTHER}:{tls_site.port}"
    assert "authorization" not in moved.headers


def test_same_host_redirect_keeps_it_only_while_https(
    tls_site: NewsSite, plain_site: NewsSite, fetcher: Fetcher
) -> None:
    # https → https on the same host: kept; then https → http on the same host: dropped.
    tls_site.redirect("/a", "/b")
    tls_site.redirect("/b", plain_site.url("/c", host=HOST))
    plain_site.add("/c", "<p>downgraded</p>")
    fetcher.fetch(tls_site.url("/a", host=HOST))
    assert _auth(tls_site, "/a") == [TOKEN]
    assert _auth(tls_site, "/b") == [TOKEN]
    assert _auth(plain_site, "/c") == [None]


def test_http_to_https_upgrade_sends_it_only_on_the_https_hop(
    tls_site: NewsSite, plain_site: NewsSite, fetcher: Fetcher
) -> None:
    plain_site.redirect("/story", tls_site.url("/story", host=HOST), status=301)
    tls_site.add("/story", "<p>secure</p>")
    fetcher.fetch(plain_site.url("/story", host=HOST))
    assert _auth(plain_site, "/story") == [None]
    assert _auth(tls_site, "/story") == [TOKEN]


def test_the_value_is_never_logged_nor_in_errors(tls_site: NewsSite, fetcher: Fetcher) -> None:
    def deny(request: NewsSiteRequestHandler) -> None:
        request.send_body(403, b"<p>forbidden</p>")

    tls_site.add("/story", "<p>ok</p>")
    tls_site.redirect("/moved", tls_site.url("/story", host=HOST))
    tls_site.handle("/denied", deny)
    with structlog.testing.capture_logs() as logs:
        fetcher.fetch(tls_site.url("/moved", host=HOST))
        with pytest.raises(HttpForbidden) as refused:
            fetcher.fetch(tls_site.url("/denied", host=HOST))
    assert _auth(tls_site, "/denied") == [TOKEN]
    assert logs and TOKEN not in repr(logs)
    assert "s3cr3t" not in repr(logs)
    error: ArticleError = refused.value
    assert TOKEN not in f"{error!s} {error!r} {error.detail} {error.params}"
    assert TOKEN not in repr(fetcher.policy)


# --- the point of it: the newsroom's own paywalled article, in full ----------------------------


def _paywalled(request: NewsSiteRequestHandler) -> None:
    """The publisher's site: the full article for subscribers, a teaser for everyone else."""
    name = (
        "paywalled-full.html"
        if request.headers.get("Authorization") == TOKEN
        else ("paywalled-teaser.html")
    )
    request.send_body(200, (FIXTURES / name).read_bytes())


def test_a_credentialed_fetch_gets_past_the_paywall(tls_site: NewsSite, fetcher: Fetcher) -> None:
    tls_site.handle("/politik/artikel", _paywalled)
    pipeline = ArticlePipeline(fetcher)
    article = pipeline.fetch_article(tls_site.url("/politik/artikel", host=HOST))
    assert article.word_count >= 80
    without = ArticlePipeline(Fetcher(FetchPolicy(**{
        **fetcher.policy.__dict__, "credentials": ()
    }), resolver=_resolver))  # fmt: skip
    with pytest.raises(ArticleError) as refused:
        without.fetch_article(tls_site.url("/politik/artikel", host=HOST))
    assert refused.value.code == "paywalled"
