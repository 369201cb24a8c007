"""Email addresses: one spelling per mailbox, and a match key that folds aliases.

Syntax is checked with email-validator (no DNS: normalization must work offline and
fast). The normalized form is lower case with an ASCII (punycode) domain, so the same
mailbox typed two ways stores as one identity key.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email

from core.normalize.domains import is_freemail

GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})

# Shared mailboxes: many people (or nobody) answer them, so they never identify a
# person on their own. Compared without "+tag" and without separators.
ROLE_LOCAL_PARTS = frozenset(
    {
        "abuse", "accounting", "accounts", "admin", "administrator", "all", "billing",
        "booking", "bookings", "careers", "contact", "contactus", "customercare",
        "customerservice", "customersupport", "dev", "devnull", "donotreply", "enquiries",
        "enquiry", "everyone", "feedback", "finance", "hello", "help", "helpdesk", "hi",
        "hostmaster", "hr", "info", "information", "inquiries", "inquiry", "invoice",
        "invoices", "it", "jobs", "legal", "mail", "mailerdaemon", "marketing", "media",
        "news", "newsletter", "noc", "noreply", "notifications", "office", "orders",
        "postmaster", "press", "privacy", "recruiting", "recruitment", "reception",
        "root", "sales", "security", "service", "services", "shop", "staff", "support",
        "sysadmin", "team", "tech", "webmaster", "welcome",
    }
)  # fmt: skip

_ANGLE_FORM = re.compile(r"<([^<>]*)>\s*$")
_SEPARATORS = re.compile(r"[._\-]")
_TRAILING_JUNK = ".,;:"


@dataclass(frozen=True, slots=True)
class EmailResult:
    """One normalized email address; invalid input is kept in ``raw`` with a reason."""

    raw: str | None
    normalized: str | None
    valid: bool
    error: str | None  # short reason, stable enough to count in a quality report
    domain: str | None  # ASCII (punycode) domain
    local: str | None
    is_role: bool
    is_freemail: bool
    match_key: str | None
    detail: str | None = None  # the validator's full message, for people fixing data


def normalize_email(raw: str | None, *, fold_aliases: bool = True) -> EmailResult:
    """Validate and normalize one address; never raises on bad input."""
    candidate = _unwrap(raw)
    reason = _precheck(candidate)
    if reason is not None:
        return _invalid(raw, reason)
    try:
        checked = validate_email(candidate, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError as exc:
        return _invalid(raw, _reason_of(str(exc)), str(exc))
    local = unicodedata.normalize("NFC", checked.local_part.lower())
    domain = checked.ascii_domain.lower()
    return EmailResult(
        raw=raw,
        normalized=f"{local}@{domain}",
        valid=True,
        error=None,
        domain=domain,
        local=local,
        is_role=is_role_address(local),
        is_freemail=is_freemail(domain),
        match_key=email_match_key(local, domain, fold_aliases=fold_aliases),
    )


def email_match_key(local: str, domain: str, *, fold_aliases: bool = True) -> str:
    """Fold provider aliases so "A.nn+news@googlemail.com" keys as "ann@gmail.com"."""
    local, domain = local.lower(), domain.lower()
    if not fold_aliases:
        return f"{local}@{domain}"
    base = local.split("+", 1)[0] or local
    if domain in GMAIL_DOMAINS:
        return f"{base.replace('.', '') or base}@gmail.com"
    return f"{base}@{domain}"


def is_role_address(address: str) -> bool:
    """True for shared mailboxes such as info@, sales@ or no-reply@ (any case)."""
    local = address.rsplit("@", 1)[0] if "@" in address else address
    base = local.split("+", 1)[0].casefold()
    return base in ROLE_LOCAL_PARTS or _SEPARATORS.sub("", base) in ROLE_LOCAL_PARTS


def _unwrap(raw: str | None) -> str:
    """Strip what surrounds an address in the wild: names, brackets, mailto:, stray commas."""
    text = (raw or "").strip()
    angle = _ANGLE_FORM.search(text)
    if angle:
        text = angle.group(1).strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :].split("?", 1)[0].strip()
    return text.rstrip(_TRAILING_JUNK).strip()


def _precheck(candidate: str) -> str | None:
    """Name the commonest faults plainly, before the validator's longer messages."""
    checks = (
        (not candidate, "empty"),
        ("@" not in candidate, "no @"),
        (candidate.count("@") > 1, "more than one @"),
        (candidate.startswith("@"), "nothing before @"),
        (candidate.endswith("@"), "nothing after @"),
        (any(ch.isspace() for ch in candidate), "contains whitespace"),
    )
    return next((reason for failed, reason in checks if failed), None)


def _reason_of(message: str) -> str:
    """Group the validator's messages into a few reasons a report can count."""
    lowered = message.lower()
    if "special-use or reserved" in lowered:
        return "reserved domain"
    if "should have a period" in lowered:
        return "domain has no dot"
    if "before the @-sign" in lowered:
        return "invalid local part"
    if "after the @-sign" in lowered or "domain" in lowered:
        return "invalid domain"
    if "too long" in lowered:
        return "too long"
    return "invalid syntax"


def _invalid(raw: str | None, reason: str, detail: str | None = None) -> EmailResult:
    """An invalid result that keeps the raw value and says why."""
    return EmailResult(
        raw=raw,
        normalized=None,
        valid=False,
        error=reason,
        domain=None,
        local=None,
        is_role=False,
        is_freemail=False,
        match_key=None,
        detail=detail or reason,
    )
