"""Data quality of the values a file holds: each email, phone and company domain checked.

An import reports how usable its identifying values were (invalid emails and phones,
role mailboxes, free-mail addresses) so the file's owner can fix the source. The
checks are the normalizers identity resolution runs anyway (cached), so counting
them costs next to nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from core.normalize import QualityReport
from core.records import normal
from mapping import MappingWarning

Check = tuple[str, Any]  # (field, a normalizer result: raw, valid, error)
_REFUSED_PREFIX = "left out: "


@dataclass(frozen=True, slots=True)
class Refused:
    """A value refused by the import's own checks (the schema, a national number's length)."""

    raw: str | None
    valid: bool
    error: str | None


def value_checks(
    values: Mapping[str, Any], warnings: Iterable[MappingWarning], phones: Iterable[Any]
) -> list[Check]:
    """Checks of one row: its mapped emails and company domains, refused emails, phones.

    ``phones`` are the results the row's phone check already computed, kept or not.
    """
    checks: list[Check] = [("email", normal.email(raw)) for raw in _texts(values, "emails")]
    checks += [("email", _refused(w)) for w in warnings if _is_refused_email(w)]
    checks += [("phone", result) for result in phones]
    domains = _texts(values, "company_domains")
    checks += [("company_domain", normal.domain(raw)) for raw in domains]
    return checks


def count_checks(report: QualityReport, checks: Iterable[Check]) -> None:
    for name, result in checks:
        report.add(name, result)


def _is_refused_email(warning: MappingWarning) -> bool:
    return warning.code == "invalid" and warning.field.startswith("emails[")


def _refused(warning: MappingWarning) -> Refused:
    reason = warning.message.removeprefix(_REFUSED_PREFIX).strip().rstrip(".")
    return Refused(None, False, reason[:1].lower() + reason[1:] or "invalid")


def _texts(values: Mapping[str, Any], name: str) -> list[str]:
    found = values.get(name)
    if isinstance(found, str):
        return [found]
    if isinstance(found, list):
        return [item for item in found if isinstance(item, str)]
    return []
