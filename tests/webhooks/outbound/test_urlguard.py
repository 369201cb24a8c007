"""The URL guard on its own: every refused kind of address, in plain words."""

from __future__ import annotations

import ipaddress

import pytest

from core.db import Database
from webhooks.outbound import load_allowlist, save_allowlist, urlguard
from webhooks.outbound.urlguard import UnsafeURL, check_url

# (URL, the words the refusal must contain); "{port}" is filled in by tests that send.
REFUSED = [
    ("http://127.0.0.1:{port}/", "127.0.0.1 is a loopback address"),
    ("http://127.0.0.2:{port}/", "127.0.0.2 is a loopback address"),
    ("http://localhost:{port}/", "localhost resolves to 127.0.0.1, a loopback address"),
    ("http://[::1]:{port}/", "::1 is a loopback address"),
    ("http://0.0.0.0:{port}/", "0.0.0.0 is an unspecified address"),
    ("http://0.1.2.3:{port}/", "0.1.2.3 is an unspecified address"),
    ("http://[::]:{port}/", ":: is an unspecified address"),
    ("http://10.1.2.3:{port}/", "10.1.2.3 is a private address"),
    ("http://172.16.0.1:{port}/", "172.16.0.1 is a private address"),
    ("http://192.168.1.1:{port}/", "192.168.1.1 is a private address"),
    ("http://169.254.169.254:{port}/latest/meta-data", "169.254.169.254 is a link-local"),
    ("http://[fe80::1]:{port}/", "fe80::1 is a link-local address"),
    ("http://100.64.0.1:{port}/", "100.64.0.1 is a carrier-grade NAT address"),
    ("http://100.127.255.254:{port}/", "is a carrier-grade NAT address"),
    ("http://[fd00::1]:{port}/", "fd00::1 is a unique-local address"),
    ("http://[fc00::1]:{port}/", "fc00::1 is a unique-local address"),
    ("http://[::ffff:127.0.0.1]:{port}/", "::ffff:7f00:1 is an IPv4-mapped IPv6 address"),
    ("http://[::ffff:10.0.0.1]:{port}/", "is an IPv4-mapped IPv6 address"),
    ("http://[64:ff9b::7f00:1]:{port}/", "an IPv6 address with an IPv4 address inside"),
    ("http://224.0.0.1:{port}/", "224.0.0.1 is a multicast address"),
    ("http://[ff02::1]:{port}/", "ff02::1 is a multicast address"),
    ("http://240.0.0.1:{port}/", "240.0.0.1 is a reserved address"),
    ("http://255.255.255.255:{port}/", "is a reserved address"),
    ("http://2130706433:{port}/", "2130706433 is an unusual way of writing an IP address"),
    ("http://0x7f000001:{port}/", "(it means 127.0.0.1)"),
    ("http://0177.0.0.1:{port}/", "0177.0.0.1 is an unusual way of writing an IP address"),
    ("http://127.1:{port}/", "127.1 is an unusual way of writing an IP address"),
    ("http://0x7f.1:{port}/", "is an unusual way of writing an IP address"),
    ("http://0:{port}/", "0 is an unusual way of writing an IP address"),
    ("http://user@127.0.0.1:{port}/", "a user name or password (user@host)"),
    ("http://example.com@127.0.0.1:{port}/", "a user name or password (user@host)"),
    ("http://user:secret@example.com:{port}/", "a user name or password (user@host)"),
    ("http://localhost.:{port}/", "ends in a dot"),
    ("http://example.com.:{port}/", "ends in a dot"),
    ("ftp://127.0.0.1:{port}/", "only http and https URLs can receive webhooks, not ftp:"),
    ("gopher://127.0.0.1:{port}/", "not gopher:"),
    ("file:///etc/passwd", "not file:"),
    ("//127.0.0.1:{port}/", "a URL without a scheme"),
    ("http://127.0.0.1:{port}\\@example.com/", "backslashes"),
    ("http://exa mple.com:{port}/", "spaces"),
    ("http:///hooks", "the URL has no host"),
    ("http://example.com:0/", "the port must be a number"),
    ("http://[fe80::1%25eth0]:{port}/", "with a zone"),
    ("http://exa_mple.com:{port}/", "is not a valid host name"),
]


def refused_urls(port: int) -> list[tuple[str, str]]:
    return [(url.replace("{port}", str(port)), words) for url, words in REFUSED]


@pytest.mark.parametrize(("url", "words"), refused_urls(8080))
def test_refused(url: str, words: str) -> None:
    with pytest.raises(UnsafeURL) as caught:
        check_url(url)
    assert words in caught.value.reason


@pytest.mark.parametrize(
    ("url", "address"),
    [
        ("https://8.8.8.8/hooks", "8.8.8.8"),
        ("http://1.1.1.1:8080/x?token=abc", "1.1.1.1"),
        ("https://[2001:4860:4860::8888]/", "2001:4860:4860::8888"),
    ],
)
def test_public_addresses_pass(url: str, address: str) -> None:
    target = check_url(url)
    assert target.address == address
    assert target.url == url


def test_names_pass_only_when_every_address_is_public(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {
        "hooks.example": ["93.184.216.34", "2606:2800:220:1::1"],
        "mixed.example": ["93.184.216.34", "10.0.0.7"],
    }
    monkeypatch.setattr(urlguard, "resolve", lambda host, port: answers[host])
    target = check_url("https://hooks.example/in")
    assert (target.host, target.port, target.address) == ("hooks.example", 443, "93.184.216.34")
    with pytest.raises(UnsafeURL) as caught:
        check_url("https://mixed.example/in")
    assert caught.value.reason == "mixed.example resolves to 10.0.0.7, a private address"


def test_the_allow_list_admits_private_ranges_but_never_disguised_ones() -> None:
    allow = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("10.0.0.0/8"))
    assert check_url("http://127.0.0.1:8000/", allow).address == "127.0.0.1"
    assert check_url("http://10.9.8.7/", allow).address == "10.9.8.7"
    with pytest.raises(UnsafeURL) as caught:
        check_url("http://192.168.0.1/", allow)
    assert caught.value.reason == "192.168.0.1 is a private address"
    for disguised in ("http://[::ffff:127.0.0.1]/", "http://2130706433/", "http://127.1/"):
        with pytest.raises(UnsafeURL):
            check_url(disguised, allow)


def test_the_admin_allow_list_is_stored_and_merged_with_the_settings(database: Database) -> None:
    with database.session() as session:
        assert load_allowlist(session, ("10.0.0.0/8",)) == (ipaddress.ip_network("10.0.0.0/8"),)
        save_allowlist(session, ["127.0.0.1", "fd00::/8"])
    with database.session() as session:
        assert [str(n) for n in load_allowlist(session, ("10.0.0.0/8",))] == [
            "10.0.0.0/8",
            "127.0.0.1/32",
            "fd00::/8",
        ]
        with pytest.raises(ValueError, match="'not-a-cidr' is not a CIDR range"):
            save_allowlist(session, ["192.168.0.0/16", "not-a-cidr"])
    with database.session() as session:
        assert len(load_allowlist(session)) == 2
