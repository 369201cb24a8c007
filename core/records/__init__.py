"""Survivorship and lineage: golden customer fields recomputed from linked source records.

Every golden value names the source record it came from, the rule that chose it and
when it last changed; a manual edit is pinned and wins until unpinned.
"""

from core.records.errors import CustomerNotFound, IdentityError, UnknownField
from core.records.events import CUSTOMER_EVENTS, customer_event, customer_event_row
from core.records.fields import GOLDEN_FIELDS, LIST_FIELDS, MAP_FIELDS, SINGLE_FIELDS
from core.records.golden import RecordView, changed_fields, compute_golden, values_of
from core.records.jsonsafe import json_safe
from core.records.rules import DEFAULT_FIELD_RULES, SurvivorshipRules, load_rules
from core.records.store import (
    active_customer,
    announce_update,
    edit_fields,
    load_record_views,
    pin_field,
    recompute_golden,
    refresh_customers,
    unpin_field,
    update_event_row,
)

__all__ = [
    "CUSTOMER_EVENTS",
    "DEFAULT_FIELD_RULES",
    "GOLDEN_FIELDS",
    "LIST_FIELDS",
    "MAP_FIELDS",
    "SINGLE_FIELDS",
    "CustomerNotFound",
    "IdentityError",
    "RecordView",
    "SurvivorshipRules",
    "UnknownField",
    "active_customer",
    "announce_update",
    "changed_fields",
    "compute_golden",
    "customer_event",
    "customer_event_row",
    "edit_fields",
    "json_safe",
    "load_record_views",
    "load_rules",
    "pin_field",
    "recompute_golden",
    "refresh_customers",
    "unpin_field",
    "update_event_row",
    "values_of",
]
