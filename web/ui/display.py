"""How customer data reads on a page: labels, dates, phone numbers and field values.

Registered as Jinja filters so that every customer, review and import template says
the same thing the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import phonenumbers

from web.ui.blueprint import blueprint

EMPTY = "—"
FIELD_LABELS = {
    "full_name": "Full name",
    "given_name": "Given name",
    "family_name": "Family name",
    "emails": "Emails",
    "phones": "Phones",
    "company_name": "Company",
    "company_domains": "Company domains",
    "job_title": "Job title",
    "address": "Address",
    "birth_date": "Birth date",
    "lifecycle_stage": "Lifecycle stage",
    "owner": "Owner",
    "lead_source": "Lead source",
    "tags": "Tags",
    "custom_fields": "Custom fields",
}
RULE_LABELS = {
    "most_recent": "most recent",
    "oldest": "oldest",
    "most_frequent": "most frequent",
    "most_complete": "most complete",
    "source_priority": "source priority",
    "union": "all sources",
    "pinned": "pinned",
}
LINK_RULE_LABELS = {
    "email": "Same email",
    "phone": "Same phone",
    "probabilistic": "Matching score",
    "new": "First record",
    "external_id": "Update",
    "split": "Split out",
    "probable_match": "Possible match",
    "key_conflict": "Shared key",
}
ACTIVITY_LABELS = {
    "email": "Email",
    "call": "Call",
    "meeting": "Meeting",
    "sms": "SMS",
    "marketing": "Marketing",
    "ticket": "Ticket",
    "form": "Form",
    "note": "Note",
}
ADDRESS_ORDER = ("street", "postal_code", "city", "region", "country")


@blueprint.app_template_filter("when")
def when(value: datetime | str | None) -> str:
    """UTC to the minute: enough to tell events apart, short enough for a table."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%d %H:%M") + " UTC"


@blueprint.app_template_filter("phone")
def phone(value: str | None) -> str:
    """E.164 as people write it internationally; anything unparsable as it is."""
    if not value:
        return EMPTY
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@blueprint.app_template_filter("field_label")
def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


@blueprint.app_template_filter("field_value")
def field_value(value: Any, name: str = "") -> str:
    """One line for any golden value: lists joined, addresses in postal order."""
    if value is None or value in ("", [], {}):
        return EMPTY
    if name == "phones" and isinstance(value, list):
        return ", ".join(phone(item) for item in value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(value, Mapping) and name == "address":
        return ", ".join(str(value[part]) for part in ADDRESS_ORDER if value.get(part))
    if isinstance(value, Mapping):
        return "; ".join(f"{key}: {item}" for key, item in value.items())
    return str(value)


@blueprint.app_template_filter("rule_label")
def rule_label(rule: str) -> str:
    return RULE_LABELS.get(rule, rule.replace("_", " "))


@blueprint.app_template_filter("link_rule_label")
def link_rule_label(rule: str) -> str:
    return LINK_RULE_LABELS.get(rule, rule.replace("_", " ") or EMPTY)


@blueprint.app_template_filter("activity_label")
def activity_label(kind: str) -> str:
    return ACTIVITY_LABELS.get(kind, kind.capitalize())
