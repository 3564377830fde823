"""The outbound address policy, spelling by spelling (safeguards.address_rules: pure, no I/O)."""

from __future__ import annotations

import ipaddress

import pytest

from safeguards.address_rules import (
    is_loopback_host,
    judge_address,
    judge_host,
    judge_resolved,
    literal_address,
    parse_loose_ipv4,
    url_host_problem,
)

# Every way to write loopback 127.0.0.1 (or another 127/8 address) that a resolver or a browser accepts.
LOOPBACK_SPELLINGS = [
    "127.0.0.1",
    "127.1",
    "127.0.1",
    "127.000.000.001",
    "2130706433",
    "0x7f000001",
    "0x7F.1",
    "0x7f.0.0.1",
    "0177.0.0.1",
    "0177.1",
    "017700000001",
    "127.255.255.254",
    "127.0.0.1.",
    "::1",
    "[::1]",
    "0:0:0:0:0:0:0:1",
    "::ffff:127.0.0.1",
    "[::ffff:127.0.0.1]",
    "::ffff:7f00:1",
    "0:0:0:0:0:ffff:7f00:0001",
    "2002:7f00:1::",
    "2002:7f00:0001:0:0:0:0:1",
    "64:ff9b::127.0.0.1",
    "64:ff9b::7f00:1",
    "localhost",
    "LOCALHOST.",
    "api.localhost",
]
PRIVATE_SPELLINGS = [
    "10.0.0.1",
    "10.1",
    "167772161",
    "0xa.0.0.1",
    "012.0.0.1",
    "172.16.0.1",
    "172.31.255.255",
    "192.168.1.1",
    "3232235777",
    "0xc0a80101",
    "0300.0250.1.1",
    "100.64.0.1",
    "fc00::1",
    "fd12:3456::1",
    "::ffff:10.0.0.1",
    "::ffff:192.168.0.1",
    "2002:a00:1::",
    "2002:c0a8:101::1",
    "64:ff9b::10.0.0.1",
    "64:ff9b::c0a8:101",
]
NEVER_SPELLINGS = [
    "0.0.0.0",
    "0",
    "0x0",
    "00",
    "0.0.0.0.",
    "::",
    "[::]",
    "::ffff:0.0.0.0",
    "169.254.169.254",
    "2852039166",
    "0xa9fea9fe",
    "0251.0376.0251.0376",
    "169.254.0.1",
    "fe80::1",
    "[fe80::1%25eth0]",
    "fe80::1%eth0",
    "::ffff:169.254.169.254",
    "::169.254.169.254",
    "2002:a9fe:a9fe::",
    "64:ff9b::169.254.169.254",
    "64:ff9b::a9fe:a9fe",
    "224.0.0.1",
    "239.255.255.250",
    "ff02::1",
    "ff05::2",
    "::ffff:224.0.0.1",
    "255.255.255.255",
    "4294967295",
    "240.0.0.1",
    "192.0.2.1",
    "198.51.100.7",
    "203.0.113.9",
    "198.18.0.1",
    "192.0.0.1",
    "0.1.2.3",
    "2001:db8::1",
    "100::1",
    "64:ff9b:1::1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
]
# IPv4-compatible IPv6 (deprecated): refused for what it carries, and never called even with the opt-in.
COMPATIBLE_SPELLINGS = ["::127.0.0.1", "::7f00:1", "::10.0.0.1", "::8.8.8.8"]
PUBLIC = ["93.184.215.14", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1"]


@pytest.mark.parametrize("spelling", LOOPBACK_SPELLINGS)
def test_every_spelling_of_loopback_is_refused_by_default_and_allowed_by_the_opt_in(spelling):
    verdict = judge_host(spelling, allow_private=False)
    assert verdict is not None, f"{spelling} was not read as an address"
    assert not verdict.ok and verdict.private, spelling
    assert judge_host(spelling, allow_private=True).ok


@pytest.mark.parametrize("spelling", PRIVATE_SPELLINGS)
def test_every_spelling_of_a_private_network_is_refused_by_default_and_allowed_by_the_opt_in(spelling):
    verdict = judge_host(spelling, allow_private=False)
    assert verdict is not None and not verdict.ok and verdict.private, spelling
    assert judge_host(spelling, allow_private=True).ok


@pytest.mark.parametrize("spelling", NEVER_SPELLINGS)
def test_link_local_multicast_unspecified_and_reserved_are_never_called_even_with_the_opt_in(spelling):
    for allow_private in (False, True):
        verdict = judge_host(spelling, allow_private=allow_private)
        assert verdict is not None and not verdict.ok, (spelling, allow_private)
        assert not verdict.private


@pytest.mark.parametrize("spelling", COMPATIBLE_SPELLINGS)
def test_ipv4_compatible_ipv6_is_never_called(spelling):
    assert not judge_host(spelling, allow_private=False).ok
    assert not judge_host(spelling, allow_private=True).ok


@pytest.mark.parametrize("spelling", PUBLIC)
def test_public_addresses_are_allowed(spelling):
    assert judge_host(spelling, allow_private=False).ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("10.1.2", "10.1.0.2"),
        ("0", "0.0.0.0"),
        ("0xffffffff", "255.255.255.255"),
        ("1.2.3.4.", "1.2.3.4"),
    ],
)
def test_loose_ipv4_reads_as_the_c_resolver_does(text, expected):
    assert parse_loose_ipv4(text) == ipaddress.IPv4Address(expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "256.1.1.1",
        "1.2.3.4.5",
        "08.1.1.1",
        "0x",
        "0xg1",
        "4294967296",
        "1.16777216",
        "a.b.c.d",
        "١٢٧.0.0.1",
    ],
)
def test_loose_ipv4_refuses_what_is_not_an_address(text):
    if text == "0x":
        assert parse_loose_ipv4(text) == ipaddress.IPv4Address("0.0.0.0")  # inet_aton reads "0x" as 0
        return
    assert parse_loose_ipv4(text) is None


@pytest.mark.parametrize("name", ["partner.example", "hooks.partner.example.com", "xn--bcher-kva.example"])
def test_names_are_not_addresses(name):
    assert literal_address(name) is None
    assert judge_host(name, allow_private=False) is None


def test_a_name_is_judged_by_every_address_it_resolves_to():
    assert judge_resolved("partner.example", ["93.184.215.14"], allow_private=False).ok
    # DNS rebinding style: one public and one internal answer refuses the name altogether.
    mixed = judge_resolved("partner.example", ["93.184.215.14", "127.0.0.1"], allow_private=False)
    assert not mixed.ok and "127.0.0.1" in mixed.reason and "partner.example" in mixed.reason
    assert not judge_resolved("partner.example", ["169.254.169.254"], allow_private=True).ok
    assert not judge_resolved("partner.example", ["::ffff:10.0.0.1"], allow_private=False).ok
    assert judge_resolved("partner.example", ["10.0.0.1"], allow_private=True).ok
    assert not judge_resolved("partner.example", [], allow_private=True).ok
    assert not judge_resolved("partner.example", ["not-an-address"], allow_private=True).ok


@pytest.mark.parametrize(
    "url",
    [
        "http://2130706433/",
        "http://0177.0.0.1:8000/x",
        "http://0x7f.1/",
        "http://127.1/",
        "http://[::ffff:127.0.0.1]:8000/",
        "http://[::1]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[2002:7f00:1::]/",
        "https://0.0.0.0/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1%25eth0]/",
        "http://10.0.0.1/",
    ],
)
def test_urls_spelling_internal_addresses_are_refused(url):
    problem = url_host_problem(url, allow_private=False)
    assert problem and problem.startswith("points at"), url


@pytest.mark.parametrize(
    "url",
    [
        "ftp://partner.example/",
        "http://user:pw@partner.example/",
        "http:///x",
        "http://a:99999/",
        "http://256.1.1.1.1/",
    ],
)
def test_urls_that_are_not_plain_http_to_a_host_are_refused(url):
    assert url_host_problem(url, allow_private=True)


def test_a_plain_public_url_passes():
    assert url_host_problem("https://partner.example:8443/hooks?x=1", allow_private=False) is None
    assert url_host_problem("https://93.184.215.14/h", allow_private=False) is None


def test_ipv6_scope_and_mapped_forms_are_judged_by_what_they_reach():
    assert not judge_address(ipaddress.IPv6Address("::ffff:127.0.0.1"), allow_private=False).ok
    assert judge_address(ipaddress.IPv6Address("::ffff:8.8.8.8"), allow_private=False).ok


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("127.0.0.2", True),
        ("::ffff:127.0.0.1", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.0.0.1", False),
        ("stemlink.example", False),
    ],
)
def test_listening_addresses_that_stay_on_the_machine(host, loopback):
    assert is_loopback_host(host) is loopback
