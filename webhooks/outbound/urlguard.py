"""The outbound URL guard: webhooks must not become a way into the internal network.

A URL is checked when it is saved and again before every send. Host names are resolved
once; every address they resolve to must be public (or inside the admin allow-list), and
the sender then connects to the checked address itself (see ``pinned_transport``), so a
second DNS answer can never point the request somewhere else. Odd spellings of IP
addresses (``2130706433``, ``0x7f000001``, ``0177.0.0.1``, ``127.1``) are refused outright:
different parsers read them differently, which is how filters get bypassed.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

MAX_URL_LENGTH = 2000
DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_UNIQUE_LOCAL = ipaddress.ip_network("fc00::/7")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeURL(ValueError):
    """The URL may not receive webhooks; ``reason`` says why in plain words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Target:
    """A checked URL and the one address the sender may connect to."""

    url: str
    scheme: str
    host: str
    port: int
    address: str


def check_url(url: str, allowlist: Sequence[Network] = ()) -> Target:
    """Raise ``UnsafeURL`` unless every address of the URL's host may be reached."""
    scheme, host, port, literal = _parse(url)
    if literal is not None:
        _check_address(literal, allowlist)
        return Target(url, scheme, host, port, str(literal))
    addresses = resolve(host, port)
    if not addresses:
        raise UnsafeURL(f"{host} does not resolve to any address")
    for address in addresses:
        _check_address(_ip(address), allowlist, resolved_from=host)
    return Target(url, scheme, host, port, addresses[0])


def resolve(host: str, port: int) -> list[str]:
    """Every address of ``host``, in the resolver's order (one DNS lookup)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeURL(f"{host} does not resolve") from None
    addresses: list[str] = []
    for info in infos:
        address = str(info[4][0])
        if address not in addresses:
            addresses.append(address)
    return addresses


_MAPPED = "an IPv4-mapped IPv6 address"
_EMBEDDED = "an IPv6 address with an IPv4 address inside"
# Disguised IPv4 addresses: refused even when the IPv4 range is allow-listed.
_NEVER_ALLOWED = (_MAPPED, _EMBEDDED)


def address_problem(ip: IPAddress) -> str | None:
    """What kind of non-public address ``ip`` is, or None when it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return _MAPPED
        if ip.sixtofour is not None or ip.teredo is not None or ip in _NAT64:
            return _EMBEDDED
    checks = (
        (ip.is_unspecified or ip in _THIS_NETWORK, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip in _CGNAT, "a carrier-grade NAT address"),
        (ip in _UNIQUE_LOCAL, "a unique-local address"),
        (ip.is_multicast, "a multicast address"),
        (ip.is_reserved, "a reserved address"),
        (ip.is_private, "a private address"),
        (not ip.is_global, "not a public address"),
    )
    return next((words for hit, words in checks if hit), None)


def _check_address(
    ip: IPAddress, allowlist: Sequence[Network], resolved_from: str | None = None
) -> None:
    problem = address_problem(ip)
    if problem is None:
        return
    if problem not in _NEVER_ALLOWED and any(ip in network for network in allowlist):
        return  # the administrator admits this private range on purpose
    if resolved_from is None:
        raise UnsafeURL(f"{ip} is {problem}")
    raise UnsafeURL(f"{resolved_from} resolves to {ip}, {problem}")


def _parse(url: str) -> tuple[str, str, int, IPAddress | None]:
    """Scheme, host, port and the host's IP literal (None for a name), or UnsafeURL."""
    if len(url) > MAX_URL_LENGTH:
        raise UnsafeURL(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 32 or ch == "\\" for ch in url):
        raise UnsafeURL("the URL contains spaces, control characters or backslashes")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        shown = f"{scheme}:" if scheme else "a URL without a scheme"
        raise UnsafeURL(f"only http and https URLs can receive webhooks, not {shown}")
    if "@" in parts.netloc:
        raise UnsafeURL("a URL with a user name or password (user@host) is not accepted")
    try:
        port = DEFAULT_PORTS[scheme] if parts.port is None else parts.port
    except ValueError:
        port = 0
    if not 1 <= port <= 65535:
        raise UnsafeURL("the port must be a number from 1 to 65535")
    host = parts.hostname or ""
    if not host:
        raise UnsafeURL("the URL has no host")
    literal = _spelling(host, bracketed="[" in parts.netloc)
    return scheme, host if literal is not None else _ascii_host_name(host), port, literal


def _spelling(host: str, *, bracketed: bool) -> IPAddress | None:
    """The IP literal a host spells, None for a proper host name, UnsafeURL otherwise."""
    if bracketed:
        if "%" in host:
            raise UnsafeURL("IPv6 addresses with a zone (%) are not accepted")
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise UnsafeURL(f"[{host}] is not an IPv6 address") from None
    if host.endswith("."):
        raise UnsafeURL(f"the host name {host} ends in a dot; write it without the dot")
    try:
        return ipaddress.IPv4Address(host)
    except ValueError:
        pass
    if _NUMERIC_LABEL.match(host.rsplit(".", 1)[-1]) or _inet_aton(host) is not None:
        meaning = _inet_aton(host)
        extra = f" (it means {meaning})" if meaning else ""
        raise UnsafeURL(f"{host} is an unusual way of writing an IP address{extra}")
    return None


def _ascii_host_name(host: str) -> str:
    """The IDNA (ASCII) form of a valid host name, as it goes on the wire."""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise UnsafeURL(f"{host} is not a valid host name") from None
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or not all(_LABEL.match(label) for label in labels):
        raise UnsafeURL(f"{host} is not a valid host name")
    return ascii_host


def _inet_aton(host: str) -> str | None:
    """How the C library would read ``host`` as an IPv4 address, if it would."""
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except (OSError, UnicodeError, ValueError):
        return None


def _ip(address: str) -> IPAddress:
    try:
        return ipaddress.ip_address(address)
    except ValueError:
        raise UnsafeURL(f"the resolver answered {address!r}, which is not an address") from None
