"""One CSV row made ready for identity resolution: mapped, checked, given an id.

Bad values do not cost the row: an email the canonical schema refuses or a phone
that is not a number is left out of the mapped record (it stays in the raw row kept
with the source record, so it can be fixed and recomputed) and the row is reported
with the reason. A row is refused only when nothing is left to tell who the person is:
no name, no valid email and no valid phone.

A row without an ``external_id`` column gets a stable id from its content (SHA-256 of
its non-empty cells, names folded and spaces collapsed): the same row imported twice
is the same source record, and the second import changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from connectors.base import SourceItem
from connectors.csvimport.quality import Check, Refused, value_checks
from core.records.normal import phone as normalize_phone  # cached: ingest reads it again
from mapping import CompiledMapping

_NOTED_CODES = ("invalid", "bad_value")
_IDENTIFYING = ("given_name", "family_name", "full_name", "emails", "phones")
# A number without country code is ambiguous, not wrong: it is kept as written.
_AMBIGUOUS_PHONE = "no country code and no default region"
_PHONE_CHARACTERS = frozenset("0123456789 -().\t/")
_NATIONAL_DIGITS = (6, 15)


@dataclass(frozen=True, slots=True)
class PreparedRow:
    line: int
    external_id: str
    raw: dict[str, Any]
    mapped: dict[str, Any]
    notes: tuple[str, ...]  # values left out of the mapped record, and why
    checks: tuple[Check, ...] = ()  # its emails, phones and domains checked, for the report
    content_id: bool = False  # no external_id: the id is a hash of the row's content


class RefusedRow(ValueError):
    """A row that cannot become a source record; the message says why."""

    def __init__(self, message: str, checks: tuple[Check, ...] = ()) -> None:
        super().__init__(message)
        self.checks = checks


def prepare_row(
    item: SourceItem,
    mapping: CompiledMapping,
    rename: dict[str, str],
    default_region: str | None = None,
) -> PreparedRow:
    """Map and check one row; RefusedRow when nothing identifies a person.

    National phone numbers are read in the row's two-letter country, else in
    ``default_region`` (the identity options' region for numbers without a country).
    """
    view = {rename.get(name, name): value for name, value in item.payload.items()}
    result = mapping.apply(view)
    notes = [f"{warning.field} {warning.message}" for warning in result.warnings
             if warning.code in _NOTED_CODES]  # fmt: skip
    values = dict(result.values)
    phones: list[Any] = []
    notes += _drop_bad_phones(values, default_region, phones)
    checks = tuple(value_checks(values, result.warnings, phones))
    if not any(values.get(name) for name in _IDENTIFYING):
        reason = "nothing identifies a person: no name, valid email or valid phone"
        raise RefusedRow("; ".join([reason, *notes]), checks)
    mapped = mapping.schema.dump(values)  # the JSON form MappingResult.to_json gives
    given_id = values.get("external_id")
    external_id = str(given_id or row_key(item.payload))
    return PreparedRow(
        item.position or 0,
        external_id,
        dict(item.payload),
        mapped,
        tuple(notes),
        checks,
        content_id=not given_id,
    )


def _drop_bad_phones(
    values: dict[str, Any], default_region: str | None, checked_out: list[Any]
) -> list[str]:
    """Leave out phones that are not numbers; keep national numbers for the core to judge.

    A number read with the row's country or the default region is kept in E.164, so
    every later stage (and a rebuild without the import's options) reads it the same.
    Each number's check goes to ``checked_out``, for the data-quality report.
    """
    country = (values.get("address") or {}).get("country", "")
    region = country.strip().upper() if len(country.strip()) == 2 else default_region
    kept, notes = [], []
    for index, raw in enumerate(values.get("phones") or []):
        checked = normalize_phone(raw, region)
        problem = _national_problem(raw) if checked.error == _AMBIGUOUS_PHONE else checked.error
        same = problem is None or problem == checked.error
        checked_out.append(checked if same else Refused(raw, False, problem))
        if problem is None:
            kept.append(checked.e164 or raw)
        else:
            notes.append(f"phones[{index}] left out: {problem}")
    if kept:
        values["phones"] = kept
    else:
        values.pop("phones", None)
    return notes


def _national_problem(raw: str) -> str | None:
    """Why a number without country code cannot be a phone number, or None if it can."""
    if set(raw) - _PHONE_CHARACTERS:
        return "not a phone number"
    digits = sum(character.isdigit() for character in raw)
    if digits < _NATIONAL_DIGITS[0]:
        return "too short"
    return "too long" if digits > _NATIONAL_DIGITS[1] else None


def row_key(payload: dict[str, Any]) -> str:
    """A stable id from a row's content: the same cells give the same id in any order."""
    content = {
        name.strip().casefold(): " ".join(str(value).split())
        for name, value in payload.items()
        if str(value).strip()
    }
    text = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return "row:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:40]
