"""Which hosts and addresses the fetcher may connect to (the SSRF policy, without any I/O).

Address classes follow the IANA special-purpose registries (IPv4: RFC 6890 and
https://www.iana.org/assignments/iana-ipv4-special-registry, IPv6:
https://www.iana.org/assignments/iana-ipv6-special-registry). The table is explicit rather than
``ipaddress.is_private``/``is_global`` because those lists changed between Python releases.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from urllib.parse import unquote

import idna

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_V4 = ipaddress.IPv4Network
_V6 = ipaddress.IPv6Network

# Most specific first: the first network that contains the address names the reason.
_IPV4_BLOCKED: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (_V4("0.0.0.0/32"), "unspecified"),
    (_V4("0.0.0.0/8"), "unspecified"),  # "this network"; Linux routes 0.x to the local host
    (_V4("10.0.0.0/8"), "private"),
    (_V4("100.64.0.0/10"), "cgnat"),  # RFC 6598 shared address space
    (_V4("127.0.0.0/8"), "loopback"),
    (_V4("169.254.0.0/16"), "link-local"),  # includes cloud metadata 169.254.169.254
    (_V4("172.16.0.0/12"), "private"),
    (_V4("192.0.0.0/24"), "reserved"),  # IETF protocol assignments
    (_V4("192.0.2.0/24"), "documentation"),
    (_V4("192.88.99.0/24"), "reserved"),  # deprecated 6to4 relay anycast
    (_V4("192.168.0.0/16"), "private"),
    (_V4("198.18.0.0/15"), "benchmarking"),
    (_V4("198.51.100.0/24"), "documentation"),
    (_V4("203.0.113.0/24"), "documentation"),
    (_V4("224.0.0.0/4"), "multicast"),
    (_V4("255.255.255.255/32"), "broadcast"),
    (_V4("240.0.0.0/4"), "reserved"),
)

_IPV6_BLOCKED: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (_V6("::/128"), "unspecified"),
    (_V6("::1/128"), "loopback"),
    (_V6("::/96"), "reserved"),  # deprecated IPv4-compatible addresses
    (_V6("64:ff9b:1::/48"), "private"),  # RFC 8215 local-use NAT64
    (_V6("100::/64"), "reserved"),  # discard-only
    (_V6("2001::/32"), "reserved"),  # Teredo: tunnels to an obfuscated IPv4 address
    (_V6("2001:db8::/32"), "documentation"),
    (_V6("2001::/23"), "reserved"),  # IETF protocol assignments
    (_V6("3fff::/20"), "documentation"),  # RFC 9637
    (_V6("5f00::/16"), "reserved"),  # SRv6 SIDs
    (_V6("fc00::/7"), "private"),  # unique local addresses
    (_V6("fe80::/10"), "link-local"),
    (_V6("fec0::/10"), "private"),  # deprecated site-local
    (_V6("ff00::/8"), "multicast"),
)

_NAT64 = _V6("64:ff9b::/96")  # RFC 6052 well-known prefix: the last 32 bits are the IPv4 target
_GLOBAL_UNICAST = _V6("2000::/3")  # the only IPv6 space IANA allocates for global unicast


def parse_host_address(host: str) -> IPAddress | None:
    """The address a numeric host stands for, in any form browsers and libc accept; names give None.

    Handles ``[::1]``, ``::ffff:127.0.0.1``, zone ids, and the WHATWG URL Standard's IPv4
    forms: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x), the last part filling
    the remaining bytes (``2130706433``, ``127.1``, ``0x7f.1``, ``017700000001``).
    """
    text = unquote(host).strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:  # a zone id (RFC 6874 "%25eth0", unquoted above) is accepted by ipaddress
            return ipaddress.IPv6Address(text)
        except ValueError:
            return None
    return _parse_ipv4(text)


def _parse_ipv4(text: str) -> ipaddress.IPv4Address | None:
    # WHATWG URL Standard, "IPv4 parser": https://url.spec.whatwg.org/#concept-ipv4-parser
    parts = text.split(".")
    if parts and parts[-1] == "" and len(parts) > 1:
        parts.pop()  # one trailing dot is allowed
    if not 1 <= len(parts) <= 4:
        return None
    numbers: list[int] = []
    for part in parts:
        number = _parse_ipv4_number(part)
        if number is None:
            return None
        numbers.append(number)
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        return None
    value = numbers[-1]
    for index, number in enumerate(numbers[:-1]):
        value += number << (8 * (3 - index))
    return ipaddress.IPv4Address(value)


def _parse_ipv4_number(part: str) -> int | None:
    if part.startswith("0x"):
        digits, base = part[2:], 16
    elif len(part) > 1 and part.startswith("0"):
        digits, base = part[1:], 8
    else:
        digits, base = part, 10
    if digits == "":
        return 0 if base != 10 else None
    try:
        return int(digits, base) if digits.isalnum() and digits.isascii() else None
    except ValueError:
        return None


def address_refusal(addr: IPAddress) -> str | None:
    """None if ``addr`` is a public unicast address; else a short reason such as "loopback".

    IPv4-mapped (``::ffff:a.b.c.d``), NAT64 (``64:ff9b::a.b.c.d``) and 6to4 (``2002:aabb:ccdd::``)
    addresses are judged by the IPv4 address they lead to.
    """
    if isinstance(addr, ipaddress.IPv6Address):
        addr = ipaddress.IPv6Address(int(addr))  # drop any zone id
        embedded = addr.ipv4_mapped or addr.sixtofour
        if embedded is None and addr in _NAT64:
            embedded = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
        if embedded is not None:
            return address_refusal(embedded)
        for network6, reason in _IPV6_BLOCKED:
            if addr in network6:
                return reason
        if addr not in _GLOBAL_UNICAST:
            return "reserved"
        return None
    for network4, reason in _IPV4_BLOCKED:
        if addr in network4:
            return reason
    return None


def normalize_domain(host: str) -> str:
    """Lower-case ASCII (IDNA/punycode) form of a host name, without a trailing dot."""
    name = host.strip().rstrip(".").lower()
    if name.isascii():
        return name
    try:
        return idna.encode(name, uts46=True).decode("ascii")
    except idna.IDNAError:
        return name


def domain_allowed(host: str, allowed: Sequence[str]) -> bool:
    """True if ``host`` is one of ``allowed`` or a subdomain of one (case-insensitive, IDNA-aware).

    An empty ``allowed`` means no allowlist is configured, so every host is allowed.
    """
    if not allowed:
        return True
    name = normalize_domain(host)
    for entry in allowed:
        domain = normalize_domain(entry.removeprefix("*."))
        if domain and (name == domain or name.endswith("." + domain)):
            return True
    return False
