"""Survivorship rules: which source record's value becomes the golden value, per field.

The defaults suit most teams; an admin overrides them through the ``survivorship``
organization setting, e.g. ``{"source_priority": ["zendesk", "csvimport"],
"fields": {"job_title": "source_priority"}}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from core.models import AppSetting
from core.records.fields import GOLDEN_FIELDS, LIST_FIELDS, MAP_FIELDS

SETTING_KEY = "survivorship"
SINGLE_RULES = ("most_recent", "oldest", "most_frequent", "most_complete", "source_priority")
UNION_RULE = "union"

DEFAULT_FIELD_RULES: dict[str, str] = {
    "given_name": "most_frequent",
    "family_name": "most_frequent",
    "full_name": "most_frequent",
    "company_name": "most_recent",
    "job_title": "most_recent",
    "address": "most_complete",
    "birth_date": "most_frequent",
    "lifecycle_stage": "most_recent",
    "owner": "most_recent",
    "lead_source": "oldest",  # where the person first came from
    **dict.fromkeys(LIST_FIELDS + MAP_FIELDS, UNION_RULE),
}


@dataclass(frozen=True)
class SurvivorshipRules:
    """Per-field rule names and the connector kinds in priority order (best first)."""

    fields: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_FIELD_RULES))
    source_priority: tuple[str, ...] = ()

    def rule_for(self, name: str) -> str:
        return self.fields.get(name, DEFAULT_FIELD_RULES[name])

    @classmethod
    def from_setting(cls, value: Mapping[str, Any] | None) -> SurvivorshipRules:
        """Rules from the stored setting; unknown fields or rule names are ignored."""
        value = value or {}
        chosen = dict(DEFAULT_FIELD_RULES)
        for name, rule in dict(value.get("fields") or {}).items():
            if name in GOLDEN_FIELDS and _allowed(name, rule):
                chosen[name] = rule
        priority = tuple(str(kind) for kind in value.get("source_priority") or ())
        return cls(fields=chosen, source_priority=priority)


def load_rules(session: Session) -> SurvivorshipRules:
    """The organization's rules (defaults when the setting was never saved)."""
    setting = session.get(AppSetting, SETTING_KEY)
    return SurvivorshipRules.from_setting(setting.value if setting else None)


def _allowed(name: str, rule: Any) -> bool:
    if name in LIST_FIELDS + MAP_FIELDS:
        return rule == UNION_RULE
    return rule in SINGLE_RULES
