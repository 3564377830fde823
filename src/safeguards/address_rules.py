"""Pure rules: which network addresses an outbound call (webhook, supplier API) may reach.

No Django and no I/O. A URL's host is judged in every spelling an attacker may use for an internal
address: IPv6 forms that carry an IPv4 address (mapped ``::ffff:a.b.c.d``, compatible ``::a.b.c.d``,
6to4 ``2002::/16``, NAT64 ``64:ff9b::/96``, Teredo), and the loose IPv4 forms the C resolver accepts
(``2130706433``, ``0177.0.0.1``, ``0x7f.1``, ``127.1``). Host names are judged by the addresses they
resolve to (the caller resolves; see ``safeguards.http``).

Three kinds of answers:
- never: unspecified (``0.0.0.0``, ``::``), link-local (cloud metadata lives at 169.254.169.254),
  multicast, broadcast, reserved and documentation ranges, anything not globally routable that is
  not one of the next kind;
- only when the operator opts in (``allow_private``): loopback and private networks (RFC 1918,
  shared address space 100.64.0.0/10, unique-local IPv6), for a demo or a test on one machine;
- allowed: globally routable unicast addresses.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")
_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")

MAX_HOST_LENGTH = 253


@dataclass(frozen=True)
class Verdict:
    """The judgement on one address: `ok`, and if not, why in words a person can act on."""

    ok: bool
    reason: str = ""
    # True when the refusal would be lifted by the private-networks opt-in.
    private: bool = False


ALLOWED = Verdict(True)


def parse_loose_ipv4(text: str) -> ipaddress.IPv4Address | None:
    """Read an IPv4 address the way the C resolver's inet_aton does, or None if it is not one.

    One to four parts separated by dots, each decimal, octal (leading 0) or hex (0x); the last
    part fills the remaining bytes: ``2130706433``, ``0177.0.0.1``, ``0x7f.1`` and ``127.1`` are all
    127.0.0.1. A trailing dot is allowed, as resolvers allow it.
    """
    host = text.strip()
    if host.endswith("."):
        host = host[:-1]
    if not host or len(host) > 64:
        return None
    parts = host.split(".")
    if len(parts) > 4:
        return None
    values: list[int] = []
    for part in parts:
        value = _loose_number(part)
        if value is None:
            return None
        values.append(value)
    *head, last = values
    if any(v > 255 for v in head):
        return None
    if last >= 256 ** (4 - len(head)):
        return None
    number = 0
    for v in head:
        number = number * 256 + v
    number = number * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(number)


def _loose_number(part: str) -> int | None:
    if not part:
        return None
    lowered = part.lower()
    try:
        if lowered.startswith("0x"):
            digits = lowered[2:]
            if digits and not all(c in "0123456789abcdef" for c in digits):
                return None
            return int(digits, 16) if digits else 0
        if len(lowered) > 1 and lowered.startswith("0"):
            if not all(c in "01234567" for c in lowered):
                return None
            return int(lowered, 8)
        if not lowered.isascii() or not lowered.isdigit():
            return None
        return int(lowered, 10)
    except ValueError:
        return None


def literal_address(host: str) -> IPAddress | None:
    """Return the address a URL host spells literally (any IPv4 or IPv6 form), or None for a name."""
    text = (host or "").strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    # A zone id (fe80::1%eth0, or %25eth0 as written in a URL) does not change what is reached.
    text = text.split("%", 1)[0]
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text)
        except ValueError:
            return None
    try:
        return ipaddress.IPv4Address(text)
    except ValueError:
        return parse_loose_ipv4(text)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """Return the IPv4 addresses an IPv6 address carries (mapped, compatible, 6to4, NAT64, Teredo)."""
    found: list[ipaddress.IPv4Address] = []
    if ip.ipv4_mapped is not None:
        found.append(ip.ipv4_mapped)
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip in _NAT64_WELL_KNOWN:
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    if ip.sixtofour is not None:
        found.append(ip.sixtofour)
    if ip.teredo is not None:
        found.extend(ip.teredo)
    return found


def judge_address(ip: IPAddress, *, allow_private: bool) -> Verdict:
    """Judge one address (and every IPv4 address it carries); the strictest answer wins."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            ip = ipaddress.IPv6Address(str(ip).split("%", 1)[0])
        for inner in embedded_ipv4(ip):
            verdict = _judge_one(inner, allow_private=allow_private)
            if not verdict.ok:
                return Verdict(False, f"{ip}, which carries {inner}, {verdict.reason}", verdict.private)
        if ip in _NAT64_LOCAL:
            return Verdict(False, f"{ip}, which is a local-use NAT64 address (64:ff9b:1::/48), never called")
        if ip.ipv4_mapped is not None or ip in _NAT64_WELL_KNOWN:
            # These reach exactly the IPv4 address they carry, judged above.
            return ALLOWED
    verdict = _judge_one(ip, allow_private=allow_private)
    if not verdict.ok:
        return Verdict(False, f"{ip}, {verdict.reason}", verdict.private)
    return verdict


def _judge_one(ip: IPAddress, *, allow_private: bool) -> Verdict:
    # Order matters: ipaddress counts link-local and unspecified as private, ::1 as reserved.
    if ip.is_unspecified:
        return Verdict(False, "which is the unspecified address, never called")
    if ip.is_link_local:
        return Verdict(False, "which is link-local (where cloud metadata services answer), never called")
    if ip.is_multicast:
        return Verdict(False, "which is a multicast address, never called")
    if isinstance(ip, ipaddress.IPv4Address) and ip == ipaddress.IPv4Address("255.255.255.255"):
        return Verdict(False, "which is the broadcast address, never called")
    if ip.is_loopback:
        if allow_private:
            return ALLOWED
        return Verdict(
            False, "which is a loopback address (private or loopback: not called here)", private=True
        )
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ALLOWED  # judged by the IPv4 address it carries
    if _is_private_network(ip):
        if allow_private:
            return ALLOWED
        return Verdict(
            False, "which is a private network address (private or loopback: not called here)", private=True
        )
    if ip.is_reserved or not ip.is_global:
        return Verdict(False, "which is a reserved or non-routable address, never called")
    return ALLOWED


def _is_private_network(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv4Address):
        return ip in _SHARED_ADDRESS_SPACE or any(
            ip in ipaddress.IPv4Network(net) for net in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")
        )
    return ip in ipaddress.IPv6Network("fc00::/7")


def judge_host(host: str, *, allow_private: bool) -> Verdict | None:
    """Judge a URL host spelled as an address; None when it is a name (judge what it resolves to)."""
    ip = literal_address(host)
    if ip is None:
        if _is_localhost_name(host):
            # RFC 6761: these names are loopback wherever they are resolved, whatever a resolver says.
            return judge_address(ipaddress.IPv4Address("127.0.0.1"), allow_private=allow_private)
        return None
    return judge_address(ip, allow_private=allow_private)


def _is_localhost_name(host: str) -> bool:
    name = (host or "").strip().lower().rstrip(".")
    return name in {"localhost", "ip6-localhost", "ip6-loopback"} or name.endswith(".localhost")


def judge_resolved(host: str, addresses: list[str], *, allow_private: bool) -> Verdict:
    """Judge a name by every address it resolved to: one internal address refuses it all.

    (A name answering both a public and an internal address would otherwise let the connection
    land on the internal one.)
    """
    if not addresses:
        return Verdict(False, f"{host} does not resolve to any address")
    for text in addresses:
        ip = literal_address(text)
        if ip is None:
            return Verdict(False, f"{host} resolved to {text!r}, which is not an address")
        verdict = judge_address(ip, allow_private=allow_private)
        if not verdict.ok:
            return Verdict(False, f"{host} resolves to {verdict.reason}", verdict.private)
    return ALLOWED


def url_host_problem(url: str, *, allow_private: bool) -> str | None:
    """Return why a URL's host may not be called as written (before resolving), or None.

    Checks the scheme (http or https), that there is a host, no user or password, and the host
    when it is spelled as an address in any form.
    """
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        return "is not a valid URL (check the host and port)"
    if parts.scheme.lower() not in {"http", "https"}:
        return f"must start with http:// or https:// (scheme {parts.scheme or 'none'!r} is not allowed)"
    host = parts.hostname or ""
    if not host:
        return "has no host name"
    if len(host) > MAX_HOST_LENGTH:
        return "has a host name that is too long"
    if parts.username is not None or parts.password is not None:
        return "must not carry a user name or password"
    verdict = judge_host(host, allow_private=allow_private)
    if verdict is not None and not verdict.ok:
        return f"points at {verdict.reason}"
    if verdict is None and _looks_numeric(host):
        # Digits and dots that are no valid address (e.g. 256.1.1.1.1): refuse rather than guess.
        return f"has a host {host!r} that is neither a valid address nor a name"
    return None


def _looks_numeric(host: str) -> bool:
    stripped = host.rstrip(".").lower()
    if not stripped:
        return True
    last = stripped.rsplit(".", 1)[-1]
    # A top-level label that is all digits or hex-prefixed cannot be a real name.
    return last.isdigit() or last.startswith("0x")


def is_loopback_host(host: str) -> bool:
    """Tell whether a listening address or host name stays on this machine (127/8, ::1, localhost)."""
    text = (host or "").strip().lower().rstrip(".")
    if _is_localhost_name(text):
        return True
    ip = literal_address(text)
    if ip is None:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback
