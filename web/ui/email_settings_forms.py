"""Forms of the email logging settings: one value per line, each checked on its own.

Every bad line is named in the error next to its field, and the form is refused whole,
so a typo never leaves half of the settings saved.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, RadioField, SelectChoice, TextAreaField
from wtforms.validators import ValidationError

from core.activities.email import Address

MAX_LINES = 2000
CREATION_CHOICES = [
    SelectChoice("always", "Always: any outside address becomes a customer"),
    SelectChoice("when_rep_wrote", "When a rep has written to them"),
    SelectChoice("never", "Never: only existing customers get the email"),
]


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def domain_of(value: str) -> str | None:
    domain = value.strip().lower().lstrip("@")
    if "." not in domain or any(c in domain for c in " @/,;") or domain.startswith("."):
        return None
    return domain


def blocked_value(value: str) -> str | None:
    """An address as normalized, or a domain; None when it is neither."""
    cleaned = value.strip().lower()
    if "@" in cleaned.lstrip("@"):
        parsed = Address.parse(cleaned)
        return parsed.email if parsed else None
    return domain_of(cleaned)


def _check(field: Field, parse: object, what: str) -> None:
    entries = lines(field.data)
    if len(entries) > MAX_LINES:
        raise ValidationError(f"At most {MAX_LINES} lines, please.")
    bad = [entry for entry in entries if parse(entry) is None]  # type: ignore[operator]
    if bad:
        shown = ", ".join(f"“{entry}”" for entry in bad[:5])
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise ValidationError(f"Not {what}: {shown}{more}.")


class BlockListForm(FlaskForm):
    blocked = TextAreaField("Never log these addresses and domains")

    def validate_blocked(self, field: Field) -> None:
        _check(field, blocked_value, "an email address or a domain")

    def blocked_values(self) -> set[str]:
        return {value for entry in lines(self.blocked.data) if (value := blocked_value(entry))}


class EmailPolicyForm(BlockListForm):
    internal_domains = TextAreaField("Internal domains")
    creation = RadioField("New customers from email", choices=CREATION_CHOICES)
    skip_automated = BooleanField("Skip automated mail (newsletters, notifications, bulk mail)")
    store_bodies = BooleanField("Store message bodies, not only headers")

    def validate_internal_domains(self, field: Field) -> None:
        _check(field, domain_of, "a domain")

    def domains(self) -> frozenset[str]:
        return frozenset(
            d for entry in lines(self.internal_domains.data) if (d := domain_of(entry))
        )
