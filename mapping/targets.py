"""The canonical fields a mapping may fill, and what kind of value each one holds.

One table serves validation (is this field known, does this transform fit it), the
final coercion of values, and the admin UI's list of fields. The marshmallow schemas
in ``mapping.canonical`` say the same in their own terms; a test keeps both in step.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.models.activities import ACTIVITY_TYPES
from mapping.types import VType

LIFECYCLE_STAGES = ("lead", "prospect", "customer", "churned", "other")
DIRECTIONS = ("inbound", "outbound", "internal", "none")
PARTICIPANT_ROLES = (
    "from", "to", "cc", "bcc", "caller", "callee", "requester", "subscriber", "other",
)  # fmt: skip
ADDRESS_PARTS = ("street", "city", "postal_code", "region", "country")
TARGETS = ("customer", "activity")

_T = VType
ACCEPTS: dict[str, frozenset[VType]] = {
    "text": frozenset({_T.ANY, _T.TEXT, _T.PHONE, _T.NUMBER}),
    "email": frozenset({_T.ANY, _T.TEXT}),
    "phone": frozenset({_T.ANY, _T.TEXT, _T.PHONE, _T.NUMBER}),
    "choice": frozenset({_T.ANY, _T.TEXT}),
    "date": frozenset({_T.ANY, _T.TEXT, _T.DATE}),
    "datetime": frozenset({_T.ANY, _T.TEXT, _T.DATE}),
    "integer": frozenset({_T.ANY, _T.TEXT, _T.NUMBER}),
    "mapping": frozenset({_T.ANY, _T.OBJECT}),
    "scalar": frozenset({_T.ANY, _T.TEXT, _T.PHONE, _T.NUMBER, _T.BOOL, _T.DATE}),
    "items": frozenset(VType),
}
KIND_WORDS = {
    "text": "text",
    "email": "email addresses",
    "phone": "phone numbers",
    "choice": "one of a fixed list of words",
    "date": "a date",
    "datetime": "a date and time",
    "integer": "a whole number",
    "mapping": "an object of names and values",
    "scalar": "a single text, number or true/false",
    "items": "the items to make participants of",
}


@dataclass(frozen=True, slots=True)
class Target:
    """One canonical field: its kind, whether it holds a list, its allowed words."""

    name: str
    kind: str
    many: bool = False
    choices: tuple[str, ...] = ()
    cut: int | None = None  # longer text is shortened to this length, with a warning


def _table(*targets: Target) -> dict[str, Target]:
    return {target.name: target for target in targets}


CUSTOMER_FIELDS = _table(
    Target("given_name", "text", cut=150),
    Target("family_name", "text", cut=150),
    Target("full_name", "text", cut=300),
    Target("emails", "email", many=True),
    Target("phones", "phone", many=True),
    Target("company_name", "text", cut=300),
    Target("company_domains", "text", many=True),
    Target("job_title", "text", cut=200),
    Target("address", "mapping"),
    Target("birth_date", "date"),
    Target("lifecycle_stage", "choice", choices=LIFECYCLE_STAGES),
    Target("owner", "email"),
    Target("lead_source", "text", cut=200),
    Target("tags", "text", many=True),
    Target("custom_fields", "mapping"),
    Target("external_id", "text"),
)

ACTIVITY_FIELDS = _table(
    Target("type", "choice", choices=ACTIVITY_TYPES),
    Target("occurred_at", "datetime"),
    Target("direction", "choice", choices=DIRECTIONS),
    Target("subject", "text", cut=500),
    Target("summary", "text", cut=10_000),
    Target("participants", "mapping", many=True),
    Target("duration_seconds", "integer"),
    Target("status", "text"),
    Target("url", "text"),
    Target("external_id", "text"),
    Target("thread_id", "text"),
)

PARTICIPANT_FIELDS = _table(
    Target("email", "email"),
    Target("phone", "phone"),
    Target("name", "text", cut=300),
    Target("role", "choice", choices=PARTICIPANT_ROLES),
)

REQUIRED = {"customer": (), "activity": ("type", "occurred_at", "external_id")}
FIELDS = {"customer": CUSTOMER_FIELDS, "activity": ACTIVITY_FIELDS}
# Fields filled through sub-keys or their own syntax, never by a plain rule.
STRUCTURED = frozenset({"address", "participants"})


# Names admins often type for a canonical field, so an error can point at the right one.
ALIASES = {
    "first_name": "given_name", "firstname": "given_name", "last_name": "family_name",
    "lastname": "family_name", "surname": "family_name", "name": "full_name",
    "email": "emails", "phone": "phones", "mobile": "phones", "company": "company_name",
    "title": "job_title", "domain": "company_domains", "zip": "address.postal_code",
    "postal_code": "address.postal_code", "city": "address.city", "street": "address.street",
    "country": "address.country", "state": "address.region", "stage": "lifecycle_stage",
    "source": "lead_source", "id": "external_id", "date": "occurred_at",
    "timestamp": "occurred_at", "duration": "duration_seconds", "thread": "thread_id",
}  # fmt: skip


def field_names(target: str) -> list[str]:
    """Every field key an admin may write for a target, as the UI lists them."""
    names: list[str] = []
    for name in FIELDS[target]:
        if name == "address":
            names += [f"address.{part}" for part in ADDRESS_PARTS]
        else:
            names.append(name)
    return names


def find_target(target: str, key: str) -> Target | str:
    """The field a rule key names (``address.city``, ``custom_fields.plan`` too), or why not."""
    table = FIELDS[target]
    head, dot, rest = key.partition(".")
    if dot and head == "address" and "address" in table:
        if rest in ADDRESS_PARTS:
            return Target(key, "text", cut=300)
        return f"unknown address part {rest!r} (known: {', '.join(ADDRESS_PARTS)})"
    if dot and head == "custom_fields" and "custom_fields" in table:
        return Target(key, "scalar") if rest else "a custom field needs a name after the dot"
    if key == "address" and "address" in table:
        return "fill the address part by part: address.street, address.city, ..."
    if key in table:
        return table[key]
    return ""  # unknown: the caller words it, with suggestions
