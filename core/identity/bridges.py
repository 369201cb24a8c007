"""Bridges: a record whose email names one customer and whose phone names another.

Two customers can be made before the record that connects them arrives: a personal
address in one tool, the mobile number in another, then a record carrying both. When
every record of the two customers agrees on the name (no two of them "plainly
different people", birth dates equal where both are known) and nobody has said the
two are different people, the record's customer takes the other in a recorded merge,
undoable like a manual one. Otherwise the pair goes to review as a key conflict.

Only deterministic keys bridge (an exact, non-demoted email or phone on each side);
scores never do, so weak links still cannot chain customers together.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from core.identity.candidates import CustomerRef, customer_id_of
from core.identity.features import Features, stored_features
from core.identity.locks import locked_customers
from core.identity.merge import merge_customers
from core.identity.pending import Pending
from core.identity.people import distinct_people
from core.identity.resolve import ReviewIntent
from core.identity.verdicts import non_match_between
from core.models import Customer, SourceRecord

BRIDGE_ACTOR = "identity resolution"
BRIDGE_REASON = "bridge"
# Pairs of records compared before a bridge is merged; beyond it the pair is reviewed.
MAX_PAIRS = 20_000


@dataclass(frozen=True)
class Bridge:
    """The customer ``loser`` joins ``winner`` because of record ``record_id``'s keys."""

    record_id: int
    winner: int
    loser: int
    keys: tuple[str, ...]


@dataclass
class _Records:
    """The records of one customer as the chunk leaves them: stored ids and features."""

    stored_ids: list[int]
    features: list[Features]


class _Groups:
    """Customers already joined by this chunk's bridges (a small union-find)."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def root(self, customer_id: int) -> int:
        while customer_id in self.parent:
            customer_id = self.parent[customer_id]
        return customer_id

    def members(self, root: int) -> set[int]:
        return {root, *(c for c in self.parent if self.root(c) == root)}

    def join(self, winner: int, loser: int) -> None:
        self.parent[loser] = winner


def plan_bridges(
    session: Session, items: Sequence[Pending], customers: Mapping[CustomerRef, Customer]
) -> list[Bridge]:
    """Turn the chunk's key conflicts between one person's customers into merges.

    Runs after the chunk's records are staged and before reviews are opened: a bridged
    conflict leaves the record's reviews (it opens none), and its link explanation
    says which customer it brought in.
    """
    conflicted = [i for i in items if any(r.reason == "key_conflict" for r in i.decision.reviews)]
    if not conflicted:
        return []
    in_chunk: dict[int, list[Features]] = defaultdict(list)
    for item in items:
        in_chunk[item.record.customer_id].append(item.features)
    chunk_ids = {item.record.id for item in items}
    groups, bridges, loaded = _Groups(), [], {}
    for item in conflicted:
        merged = []
        for intent in [r for r in item.decision.reviews if r.reason == "key_conflict"]:
            left = groups.root(item.record.customer_id)
            other = customer_id_of(intent.candidate.customer, customers)
            right = groups.root(other) if other is not None else None
            if right is None:
                continue
            if left != right:
                sides = [
                    _records_of(session, groups.members(root), in_chunk, chunk_ids, loaded)
                    for root in (left, right)
                ]
                if not _one_person(session, *sides):
                    continue
                groups.join(left, right)
                keys = tuple(intent.explanation.get("keys", ()))
                bridges.append(Bridge(item.record.id, left, right, keys))
            merged.append((intent, right))
        if merged:
            _explain(item, merged)
    return bridges


def merge_bridges(session: Session, bridges: Iterable[Bridge]) -> dict[int, int]:
    """Carry out planned bridges, in order, each a recorded (undoable) merge.

    Returns each merged customer's winner (a winner may itself be merged later on).
    """
    winners: dict[int, int] = {}
    for bridge in bridges:
        # the active customers now: a merge made since the plan (by a person, in
        # another transaction) is followed, and one already done is not redone
        found = locked_customers(session, [bridge.winner, bridge.loser])
        if bridge.winner not in found or bridge.loser not in found:
            continue  # erased meanwhile
        winner, loser = found[bridge.winner].id, found[bridge.loser].id
        if winner == loser:
            continue
        keys = ", ".join(bridge.keys)
        reason = f"{BRIDGE_REASON}: source record {bridge.record_id} shares {keys}"
        merge_customers(session, winner, loser, actor=BRIDGE_ACTOR, reason=reason[:200])
        winners[loser] = winner
    return winners


def _records_of(
    session: Session,
    customer_ids: set[int],
    in_chunk: Mapping[int, list[Features]],
    chunk_ids: set[int],
    loaded: dict[int, _Records],
) -> _Records:
    """Stored records (minus this chunk's, whose new features win) plus this chunk's."""
    missing = sorted(c for c in customer_ids if c not in loaded)
    if missing:
        found: dict[int, _Records] = {c: _Records([], []) for c in missing}
        rows = session.execute(
            select(
                SourceRecord.customer_id, SourceRecord.id, cast(SourceRecord.match_features, Text)
            ).where(SourceRecord.customer_id.in_(missing))
        )
        for customer_id, record_id, text in rows:
            if record_id not in chunk_ids:
                found[customer_id].stored_ids.append(record_id)
                found[customer_id].features.append(stored_features(text))
        for customer_id in missing:
            found[customer_id].features.extend(in_chunk.get(customer_id, []))
        loaded.update(found)
    parts = [loaded[c] for c in sorted(customer_ids)]
    return _Records(
        [i for p in parts for i in p.stored_ids], [f for p in parts for f in p.features]
    )


def _one_person(session: Session, left: _Records, right: _Records) -> bool:
    """No record of one side names another person than a record of the other side."""
    if len(left.features) * len(right.features) > MAX_PAIRS:
        return False
    for a in left.features:
        for b in right.features:
            if distinct_people(a, b) or (a.birth and b.birth and a.birth != b.birth):
                return False
    return not non_match_between(session, left.stored_ids, right.stored_ids)


def _explain(item: Pending, merged: list[tuple[ReviewIntent, int]]) -> None:
    """The record's reviews and explanation after its bridges: who it brought in, why."""
    decision = item.decision
    bridged = {id(intent) for intent, _ in merged}
    decision.reviews = [r for r in decision.reviews if id(r) not in bridged]
    if not decision.reviews:
        decision.action = "updated" if decision.keep_link else "linked"
    explanation: dict[str, Any] = dict(item.record.link_explanation or {})
    merged_keys = [intent.explanation.get("keys", []) for intent, _ in merged]
    conflicts = [c for c in explanation.get("conflicts", []) if c not in merged_keys]
    explanation.pop("conflicts", None)
    if conflicts:
        explanation["conflicts"] = conflicts
    explanation["merged"] = [
        {"customer_id": customer_id, "keys": intent.explanation.get("keys", [])}
        for intent, customer_id in merged
    ]
    # a new record is inserted after this, an updated one flushed: both carry it
    item.record.link_explanation = explanation
    if decision.keep_link:
        decision.explanation = explanation
