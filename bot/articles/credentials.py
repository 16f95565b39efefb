"""Per-host fetch credentials: the newsroom's own paywalled articles, fetched in full.

A credential names an exact host, a request header and the environment variable that holds
the header's value; the value itself never appears in configuration, logs or errors. Two
sources, both validated at start with one sentence naming the source and the key:

- the ``FETCH_CREDENTIALS`` setting, comma-separated ``host=Header-Name:ENV_VAR`` entries
  (:func:`credentials_from_setting`);
- a TOML table ``{host = {header = "...", env = "..."}}``, e.g. a ``[fetch_credentials]``
  section of the desks file (:func:`credentials_from_table`).

The fetcher (:mod:`bot.articles.fetch`) sends a credential's header only on an ``https``
request whose host is exactly the credential's host (any allowed port; not its subdomains),
and decides again on every redirect hop, so a redirect to another host or to plain ``http``
never carries it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from bot.articles.netpolicy import normalize_domain, parse_host_address
from bot.settings import ConfigError

SETTING = "FETCH_CREDENTIALS"

# RFC 9110 §5.1: a field name is a token.
_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# Headers the fetcher sets itself or that change how the message is framed.
_RESERVED_HEADERS = frozenset(
    {"host", "user-agent", "accept", "accept-encoding", "connection", "content-length",
     "transfer-encoding", "te", "upgrade", "trailer", "keep-alive", "proxy-connection"}
)  # fmt: skip
# A header value is visible ASCII, spaces and tabs (RFC 9110 §5.5); never a line break.
_VALUE = re.compile(r"^[\t\x20-\x7e\x80-\xff]*$")


class CredentialError(ConfigError, ValueError):
    """A credential is malformed or its variable is missing; the message is one sentence
    naming the source and the key, never a header value. A :class:`ConfigError`, so the
    command line stops with it at start (``FetchPolicy.from_settings``)."""


@dataclass(frozen=True)
class FetchCredential:
    """Send ``header`` with the value of the environment variable ``env`` to ``host``."""

    host: str  # lower-case ASCII (IDNA), no port
    header: str
    env: str


@dataclass(frozen=True)
class HostCredential:
    """A credential with its value, as the fetcher uses it (the value's repr is masked)."""

    host: str
    header: str
    value: SecretStr


def credentials_from_table(table: Mapping[str, Any], source: str) -> tuple[FetchCredential, ...]:
    """Validate a TOML-style ``{host: {header = ..., env = ...}}`` table.

    ``source`` names where the table came from (e.g. ``"desks.toml [fetch_credentials]"``)
    and starts every error sentence. Does not read the environment: see :func:`resolve`.
    """
    if not isinstance(table, Mapping):
        raise CredentialError(f"{source}: fetch credentials must be a table of host names.")
    found: list[FetchCredential] = []
    for key, entry in table.items():
        where = f"{source}, key {key!r}"
        if not isinstance(entry, Mapping):
            raise CredentialError(f"{where}: expected a table with header and env.")
        unknown = sorted(set(entry) - {"header", "env"})
        if unknown:
            raise CredentialError(f"{where}: unknown setting {unknown[0]!r} (use header and env).")
        header, env = entry.get("header"), entry.get("env")
        if not isinstance(header, str) or not header:
            raise CredentialError(f"{where}: header must be a header name such as Authorization.")
        if not isinstance(env, str) or not env:
            raise CredentialError(
                f"{where}: env must name the environment variable that holds the value."
            )
        found.append(_credential(str(key), header, env, where))
    return _unique(found, source)


def credentials_from_setting(
    entries: Iterable[str], source: str = SETTING
) -> tuple[FetchCredential, ...]:
    """Parse ``host=Header-Name:ENV_VAR`` entries (the ``FETCH_CREDENTIALS`` syntax)."""
    found: list[FetchCredential] = []
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        host, sep, rest = entry.partition("=")
        header, sep2, env = rest.partition(":")
        where = f"{source}, entry {host.strip()!r}"
        if not (sep and sep2):
            raise CredentialError(
                f"{where}: write each entry as host=Header-Name:ENV_VAR "
                "(e.g. www.zeitung.example=Authorization:ZEITUNG_TOKEN)."
            )
        found.append(_credential(host.strip(), header.strip(), env.strip(), where))
    return _unique(found, source)


def resolve(
    credentials: Iterable[FetchCredential],
    source: str = SETTING,
    environ: Mapping[str, str] | None = None,
) -> tuple[HostCredential, ...]:
    """Read each credential's value from the environment; fail on a missing or unusable one."""
    env = os.environ if environ is None else environ
    resolved: list[HostCredential] = []
    for credential in credentials:
        value = env.get(credential.env)
        where = f"{source}, host {credential.host!r}"
        if not value:
            raise CredentialError(
                f"{where}: the environment variable {credential.env} is not set or empty."
            )
        if not _VALUE.match(value) or value != value.strip():
            raise CredentialError(
                f"{where}: the value of {credential.env} is not a valid header value "
                "(line breaks, control characters or surrounding spaces)."
            )
        resolved.append(HostCredential(credential.host, credential.header, SecretStr(value)))
    return tuple(resolved)


def headers_for(credentials: Iterable[HostCredential], scheme: str, host: str) -> dict[str, str]:
    """The credential headers for one request: only over https, only to the exact host."""
    if scheme != "https":
        return {}
    name = normalize_domain(host)
    return {c.header: c.value.get_secret_value() for c in credentials if c.host == name}


# --- internals ------------------------------------------------------------------------------


def _credential(host: str, header: str, env: str, where: str) -> FetchCredential:
    name = _host(host)
    if name is None:
        raise CredentialError(
            f"{where}: {host!r} is not a host name (write the exact host, such as "
            "www.zeitung.example, without scheme, port, path or wildcard)."
        )
    if not _TOKEN.match(header) or header.lower() in _RESERVED_HEADERS:
        raise CredentialError(f"{where}: {header!r} is not a header name a credential may use.")
    if not _ENV_NAME.match(env):
        raise CredentialError(f"{where}: {env!r} is not an environment variable name.")
    return FetchCredential(host=name, header=header, env=env)


def _host(host: str) -> str | None:
    if not host or parse_host_address(host) is not None:
        return None
    name = normalize_domain(host)
    if name != host.strip().lower() and name.isascii() and host.isascii():
        return None  # a trailing dot or spaces: say so rather than guess
    labels = name.split(".")
    if not all(_LABEL.match(label) for label in labels):
        return None
    return name


def _unique(found: list[FetchCredential], source: str) -> tuple[FetchCredential, ...]:
    seen: set[tuple[str, str]] = set()
    for credential in found:
        key = (credential.host, credential.header.lower())
        if key in seen:
            raise CredentialError(
                f"{source}, host {credential.host!r}: header {credential.header} is given twice."
            )
        seen.add(key)
    return tuple(found)
