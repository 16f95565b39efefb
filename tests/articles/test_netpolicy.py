"""The SSRF policy's decisions: numeric host forms, address classes, domain allowlist."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.articles.netpolicy import address_refusal, domain_allowed, parse_host_address

UNSPECIFIED_V4 = "0.0.0.0"  # noqa: S104 - an address under test; nothing binds to it


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),  # one 32-bit number
        ("127.1", "127.0.0.1"),  # last part fills the remaining bytes
        ("127.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0X7F.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),  # octal
        ("0177.0.0.01", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),  # one trailing dot
        ("0", UNSPECIFIED_V4),
        (UNSPECIFIED_V4, UNSPECIFIED_V4),
        ("0x", UNSPECIFIED_V4),  # WHATWG: "0x" alone is zero
        ("169.254.43518", "169.254.169.254"),
        ("%31%32%37.0.0.1", "127.0.0.1"),  # percent-encoded, as browsers decode it
        ("[::1]", "::1"),
        ("::1", "::1"),
        ("[::ffff:127.0.0.1]", "::ffff:7f00:1"),
        ("[0:0:0:0:0:ffff:7f00:1]", "::ffff:7f00:1"),
        ("[FE80::1%25eth0]", "fe80::1%eth0"),
    ],
)
def test_numeric_hosts_in_every_accepted_form(host: str, expected: str) -> None:
    # Compared as addresses, not as text: Python 3.13 writes IPv4-mapped addresses as
    # "::ffff:127.0.0.1" where 3.11 wrote "::ffff:7f00:1" (same address, same decision).
    parsed = parse_host_address(host)
    assert parsed == ipaddress.ip_address(expected)
    assert parsed is not None
    assert address_refusal(parsed) == address_refusal(ipaddress.ip_address(expected))
    if expected in ("127.0.0.1", "::1", "::ffff:7f00:1"):
        assert address_refusal(parsed) == "loopback"  # the protection holds in every form


@pytest.mark.parametrize(
    "host",
    [
        "example.com",
        "news.example",
        "localhost",  # a name: it is resolved, and the resolved address is what gets checked
        "1.2.3.4.5",  # too many parts
        "256.1.1.1",  # a non-last part above 255
        "1.2.3.256",
        "4294967296",  # 2**32
        "08.1",  # 8 is not an octal digit
        "1..2",
        "1.2.3.example",
        "0x1g",
        "1_0.0.0.1",  # int() accepts underscores; URLs do not
        "[not-an-address]",
        "",
    ],
)
def test_names_and_invalid_numbers_are_not_addresses(host: str) -> None:
    assert parse_host_address(host) is None


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_every_ipv4_number_form_means_the_same_address(value: int) -> None:
    address = ipaddress.IPv4Address(value)
    octets = address.packed
    assert parse_host_address(str(value)) == address
    assert parse_host_address(hex(value)) == address
    assert parse_host_address("0" + oct(value)[2:]) == address
    assert parse_host_address(".".join(hex(o) for o in octets)) == address
    assert parse_host_address(f"{octets[0]}.{int.from_bytes(octets[1:], 'big')}") == address


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.255.254", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("172.31.255.255", "private"),
        ("192.168.178.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata service
        ("100.64.0.1", "cgnat"),
        ("100.127.255.255", "cgnat"),
        ("224.0.0.251", "multicast"),
        ("239.255.255.250", "multicast"),
        (UNSPECIFIED_V4, "unspecified"),
        ("0.1.2.3", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "broadcast"),
        ("192.0.0.8", "reserved"),
        ("192.0.2.10", "documentation"),
        ("198.51.100.7", "documentation"),
        ("203.0.113.99", "documentation"),
        ("198.18.0.1", "benchmarking"),
        ("::", "unspecified"),
        ("::1", "loopback"),
        ("fe80::1", "link-local"),
        ("fe80::1%eth0", "link-local"),
        ("fc00::1", "private"),
        ("fd12:3456:789a::1", "private"),
        ("fec0::1", "private"),
        ("ff02::1", "multicast"),
        ("2001:db8::1", "documentation"),
        ("3fff::1", "documentation"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "reserved"),  # Teredo
        ("100::1", "reserved"),  # discard prefix
        ("64:ff9b:1::1", "private"),  # local-use NAT64
        ("::7f00:1", "reserved"),  # deprecated IPv4-compatible form
        ("4000::1", "reserved"),  # outside 2000::/3, never allocated
        # Wrapped IPv4 addresses are judged by the IPv4 address they lead to.
        ("::ffff:127.0.0.1", "loopback"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("2002:c0a8:0101::1", "private"),  # 6to4 of 192.168.1.1
    ],
)
def test_each_blocked_address_class_is_refused_with_its_reason(address: str, reason: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) == reason


@pytest.mark.parametrize(
    "address",
    [
        "93.184.215.14",
        "8.8.8.8",
        "1.1.1.1",
        "100.63.255.255",  # just below CGNAT
        "100.128.0.0",  # just above CGNAT
        "172.15.255.255",
        "172.32.0.0",
        "2606:4700:4700::1111",
        "2a00:1450:4001:82a::200e",
        "::ffff:93.184.215.14",
        "64:ff9b::808:808",  # NAT64 of 8.8.8.8
        "2002:808:808::1",  # 6to4 of 8.8.8.8
    ],
)
def test_public_addresses_are_allowed(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_ipv4_mapped_ipv6_gets_the_same_decision_as_ipv4(value: int) -> None:
    v4 = ipaddress.IPv4Address(value)
    mapped = ipaddress.IPv6Address("::ffff:" + str(v4))
    assert address_refusal(mapped) == address_refusal(v4)


@pytest.mark.parametrize(
    ("host", "allowed", "expected"),
    [
        ("example.com", ["example.com"], True),
        ("www.example.com", ["example.com"], True),
        ("a.b.example.com", ["example.com"], True),
        ("WWW.Example.COM.", ["example.com"], True),
        ("www.example.com", ["EXAMPLE.com."], True),
        ("www.example.com", ["*.example.com"], True),
        ("badexample.com", ["example.com"], False),
        ("example.com.evil.net", ["example.com"], False),
        ("example.co", ["example.com"], False),
        ("com", ["example.com"], False),
        ("www.bücher.de", ["xn--bcher-kva.de"], True),
        ("www.xn--bcher-kva.de", ["Bücher.de"], True),
        ("www.buecher.de", ["bücher.de"], False),
        ("news.example", ["other.example", "news.example"], True),
        ("anything.example", [], True),  # no allowlist configured
    ],
)
def test_domain_allowlist_matches_domain_and_subdomains(
    host: str, allowed: list[str], expected: bool
) -> None:
    assert domain_allowed(host, allowed) is expected
