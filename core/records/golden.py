"""Survivorship: golden values from a customer's source records, each with its lineage.

Pure: plain records in, a ``{field: {value, source_record_id, rule, changed_at}}``
dict out. Ties always break the same way (most recent, then highest record id), so
recomputing from the same records gives the same golden record, which is what lets
a merge be undone exactly.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.records.fields import (
    GOLDEN_FIELDS,
    LIST_FIELDS,
    MAP_FIELDS,
    list_values,
    map_values,
    single_value,
)
from core.records.rules import SurvivorshipRules

Entry = dict[str, Any]


@dataclass(frozen=True)
class RecordView:
    """What survivorship needs of a source record."""

    id: int
    kind: str  # the connector kind, for source priority
    mapped: Mapping[str, Any]
    updated_at: datetime  # when its content last changed

    @property
    def recency(self) -> tuple[float, int]:
        return (self.updated_at.timestamp(), self.id)


def compute_golden(
    records: Sequence[RecordView],
    rules: SurvivorshipRules,
    *,
    pinned: Mapping[str, Any],
    previous: Mapping[str, Any],
    now: datetime,
) -> dict[str, Entry]:
    """Golden entries for every field that has a value; pinned fields win."""
    golden: dict[str, Entry] = {}
    for name in GOLDEN_FIELDS:
        entry = _pinned(pinned[name]) if name in pinned else _survive(name, records, rules)
        if entry is None:
            continue
        before = previous.get(name) or {}
        same = before.get("value") == entry["value"] and "changed_at" in before
        entry["changed_at"] = before["changed_at"] if same else now.isoformat()
        golden[name] = entry
    return golden


def changed_fields(old: Mapping[str, Any], new: Mapping[str, Any]) -> set[str]:
    """Fields whose golden value appeared, disappeared or changed."""
    names = set(old) | set(new)
    return {n for n in names if (old.get(n) or {}).get("value") != (new.get(n) or {}).get("value")}


def values_of(golden: Mapping[str, Any]) -> dict[str, Any]:
    """Just the values: the shape events and exports carry."""
    return {name: entry.get("value") for name, entry in golden.items()}


def _pinned(pin: Mapping[str, Any]) -> Entry:
    return {
        "value": pin.get("value"),
        "source_record_id": None,
        "rule": "pinned",
        "actor": pin.get("actor", ""),
    }


def _survive(name: str, records: Sequence[RecordView], rules: SurvivorshipRules) -> Entry | None:
    if name in LIST_FIELDS:
        return _union(name, records)
    if name in MAP_FIELDS:
        return _map_union(name, records)
    candidates = [(v, r) for r in records if (v := single_value(r.mapped, name)) is not None]
    if not candidates:
        return None
    rule = rules.rule_for(name)
    value, record = _PICKERS[rule](candidates, rules.source_priority)
    return {"value": value, "source_record_id": record.id, "rule": rule}


Candidate = tuple[Any, RecordView]


def _most_recent(candidates: list[Candidate], _priority: tuple[str, ...]) -> Candidate:
    return max(candidates, key=lambda c: c[1].recency)


def _oldest(candidates: list[Candidate], _priority: tuple[str, ...]) -> Candidate:
    return min(candidates, key=lambda c: c[1].recency)


def _most_frequent(candidates: list[Candidate], _priority: tuple[str, ...]) -> Candidate:
    """The value most records agree on; its most recent spelling; ties to the newest."""
    groups: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        groups.setdefault(_identity(candidate[0]), []).append(candidate)
    best = max(groups.values(), key=lambda g: (len(g), max(c[1].recency for c in g)))
    return _most_recent(best, ())


def _most_complete(candidates: list[Candidate], _priority: tuple[str, ...]) -> Candidate:
    return max(candidates, key=lambda c: (_completeness(c[0]), c[1].recency))


def _by_source(candidates: list[Candidate], priority: tuple[str, ...]) -> Candidate:
    """The best-ranked connector kind; unranked kinds last; ties to the newest."""
    rank = {kind: index for index, kind in enumerate(priority)}
    return max(candidates, key=lambda c: (-rank.get(c[1].kind, len(priority)), c[1].recency))


_PICKERS: dict[str, Callable[[list[Candidate], tuple[str, ...]], Candidate]] = {
    "most_recent": _most_recent,
    "oldest": _oldest,
    "most_frequent": _most_frequent,
    "most_complete": _most_complete,
    "source_priority": _by_source,
}


def _union(name: str, records: Sequence[RecordView]) -> Entry | None:
    """Every distinct item; the primary (first) is the most frequent, then the newest.

    Weak items (role mailboxes such as info@) are listed but never primary while a
    personal one exists.
    """
    items: dict[str, dict[str, Any]] = {}
    for record in sorted(records, key=lambda r: r.recency):
        for value, identity, weak in list_values(record.mapped, name):
            item = items.setdefault(identity, {"count": 0, "weak": weak})
            item.update(value=value, record=record, count=item["count"] + 1)
    if not items:
        return None
    ordered = sorted(items.items(), key=lambda kv: _union_rank(kv[0], kv[1]))
    values = [item["value"] for _, item in ordered]
    return {
        "value": values,
        "source_record_id": ordered[0][1]["record"].id,
        "rule": "union",
        "sources": {item["value"]: item["record"].id for _, item in ordered},
    }


def _union_rank(identity: str, item: Mapping[str, Any]) -> tuple[Any, ...]:
    recency = item["record"].recency
    return (item["weak"], -item["count"], -recency[0], -recency[1], identity)


def _map_union(name: str, records: Sequence[RecordView]) -> Entry | None:
    """Each key from the most recent record that has it."""
    values: dict[str, Any] = {}
    sources: dict[str, int] = {}
    newest: RecordView | None = None
    for record in sorted(records, key=lambda r: r.recency):
        for key, value in map_values(record.mapped, name).items():
            values[key], sources[key], newest = value, record.id, record
    if newest is None:
        return None
    ordered = dict(sorted(values.items()))
    return {"value": ordered, "source_record_id": newest.id, "rule": "union", "sources": sources}


def _identity(value: Any) -> str:
    if isinstance(value, str):
        return value.casefold()
    return json.dumps(value, sort_keys=True, default=str).casefold()


def _completeness(value: Any) -> int:
    if isinstance(value, Mapping):
        return sum(1 for part in value.values() if part)
    return len(str(value))
