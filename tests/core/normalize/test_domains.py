from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.provisional import domains

from core.normalize import domains as domains_module
from core.normalize.domains import company_domain, freemail_domains, is_freemail


@pytest.mark.parametrize(
    ("raw", "host", "domain"),
    [
        ("https://shop.acme.co.uk/x", "shop.acme.co.uk", "acme.co.uk"),
        ("http://WWW.Acme.COM:8080/path?q=1#top", "acme.com", "acme.com"),
        ("www.acme.com", "acme.com", "acme.com"),
        ("acme.com", "acme.com", "acme.com"),
        ("acme.com.", "acme.com", "acme.com"),
        ("//acme.com/contact", "acme.com", "acme.com"),
        ("https://user:secret@eu.app.acme.io/login", "eu.app.acme.io", "acme.io"),
        ("ann@Sales.Acme.com", "sales.acme.com", "acme.com"),
        ("Ann Lee <ann@acme.de>", "acme.de", "acme.de"),
        ("mailto:ann@acme.com.au", "acme.com.au", "acme.com.au"),
        ("münchen.de", "xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
        ("https://WWW.MÜNCHEN.DE/", "xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
        ("пример。рф", "xn--e1afmkfd.xn--p1ai", "xn--e1afmkfd.xn--p1ai"),
        ("acme.github.io", "acme.github.io", "acme.github.io"),
        ("blogspot.com", "blogspot.com", "blogspot.com"),
        ("city.kawasaki.jp", "city.kawasaki.jp", "city.kawasaki.jp"),
    ],
)
def test_registrable_domain_is_public_suffix_aware(raw: str, host: str, domain: str) -> None:
    result = company_domain(raw)
    assert result.valid, result.error
    assert result.host == host
    assert result.domain == domain
    assert result.normalized == domain
    assert result.match_key == domain
    assert result.raw == raw


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        (None, "empty"),
        ("http://", "no host"),
        ("acme .com", "invalid host"),
        ("acme!.com", "invalid host"),
        ("-acme.com", "invalid host"),
        ("xn--zz.com", "invalid internationalized domain"),
        ("127.0.0.1", "ip address"),
        ("http://[2001:db8::1]:8080/", "ip address"),
        ("localhost", "unknown public suffix"),
        ("intranet.acme.internal", "unknown public suffix"),
        ("co.uk", "public suffix only"),
        ("www.co.uk", "public suffix only"),
    ],
)
def test_unusable_values_are_kept_raw_with_a_reason(raw: str | None, reason: str) -> None:
    result = company_domain(raw)
    assert not result.valid
    assert result.error == reason
    assert result.raw == raw
    assert result.domain is None
    assert result.match_key is None


@pytest.mark.parametrize(
    "value",
    [
        "gmail.com",
        "googlemail.com",
        "yahoo.co.uk",
        "mail.yahoo.com",
        "outlook.com",
        "hotmail.fr",
        "live.com",
        "aol.com",
        "icloud.com",
        "me.com",
        "gmx.de",
        "web.de",
        "proton.me",
        "protonmail.com",
        "yandex.ru",
        "mail.ru",
        "qq.com",
        "163.com",
        "zoho.com",
    ],
)
def test_freemail_providers_never_become_company_domains(value: str) -> None:
    assert is_freemail(value)
    result = company_domain(f"https://{value}/")
    assert result.valid
    assert result.is_freemail
    assert result.match_key is None


def test_freemail_check_accepts_an_at_sign_and_any_case() -> None:
    assert is_freemail("@GMAIL.COM")
    assert not is_freemail("acme.com")
    assert not is_freemail("")
    assert not is_freemail(None)


def test_organisation_domains_listed_upstream_are_excluded() -> None:
    assert not is_freemail("facebook.com")
    assert "facebook.com" not in freemail_domains()


def test_the_shipped_list_is_long_and_clean() -> None:
    listed = freemail_domains()
    assert len(listed) > 1000
    assert all(entry == entry.strip().lower() and "." in entry for entry in listed)


def test_no_network_and_no_cache_files_are_used(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("TLDEXTRACT_CACHE", str(tmp_path / "tld-cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    domains_module._extractor.cache_clear()
    try:
        assert company_domain("https://shop.acme.co.uk").domain == "acme.co.uk"
        assert company_domain("acme.github.io").domain == "acme.github.io"
    finally:
        domains_module._extractor.cache_clear()
    assert attempts == []
    assert list(tmp_path.iterdir()) == []


# --- properties -------------------------------------------------------------

_LABEL = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüéçжфя0123456789-", min_size=1, max_size=12)
_SUFFIX = st.sampled_from(["com", "co.uk", "de", "com.au", "github.io", "xn--p1ai", "рф", "jp"])


@st.composite
def _urls(draw: st.DrawFn) -> str:
    labels = draw(st.lists(_LABEL, min_size=1, max_size=3))
    host = ".".join([*labels, draw(_SUFFIX)])
    if draw(st.booleans()):
        host = host.upper()
    scheme = draw(st.sampled_from(["", "http://", "https://", "//", "ann@", "mailto:bo@"]))
    tail = draw(st.sampled_from(["", "/", ":8443/a/b?c=d", "."]))
    return f"{scheme}{host}{tail}"


@settings(deadline=None)
@given(domains() | _urls())
def test_normalization_is_idempotent(raw: str) -> None:
    first = company_domain(raw)
    if not first.valid:
        return
    assert first.domain is not None
    assert first.host is not None
    again = company_domain(first.domain)
    assert again.valid
    assert again.domain == first.domain
    assert company_domain(first.host).host == first.host
    assert first.domain.isascii()
    assert first.host.endswith(first.domain)


@settings(deadline=None)
@given(st.text(max_size=60))
def test_any_text_gives_a_result_never_an_exception(raw: str) -> None:
    result = company_domain(raw)
    assert result.valid == (result.error is None)
    assert result.raw == raw
