"""One incoming record on its way through resolution: cleaned, hashed, featured."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.identity.features import Features, extract
from core.identity.resolve import Decision
from core.models import SourceRecord
from core.records import json_safe


@dataclass
class NewRecord:
    """A source record about to be inserted in bulk (plain values, not an ORM row)."""

    id: int
    connector_id: int
    external_id: str
    raw: dict[str, Any] = field(default_factory=dict)
    mapped: dict[str, Any] = field(default_factory=dict)
    content_hash: str = ""
    match_features: dict[str, Any] = field(default_factory=dict)
    customer_id: int | None = None
    link_rule: str = ""
    link_explanation: dict[str, Any] = field(default_factory=dict)
    linked_at: datetime | None = None
    content_updated_at: datetime | None = None

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "connector_id": self.connector_id,
            "external_id": self.external_id,
            "raw": self.raw,
            "mapped": self.mapped,
            "content_hash": self.content_hash,
            "match_features": self.match_features,
            "customer_id": self.customer_id,
            "link_rule": self.link_rule,
            "link_explanation": self.link_explanation,
            "linked_at": self.linked_at,
            "content_updated_at": self.content_updated_at,
            "created_at": self.content_updated_at,
            "updated_at": self.content_updated_at,
        }


@dataclass(eq=False)
class Pending:
    position: int
    external_id: str
    raw: dict[str, Any]
    mapped: dict[str, Any]
    content_hash: str
    features: Features | None = None
    record: SourceRecord | NewRecord | None = None  # the stored row, or the one to insert
    decision: Decision | None = None

    def lock_keys(self, connector_id: int) -> list[str]:
        """Its own (connector, external id) and its deterministic keys."""
        own = f"external:{connector_id}:{self.external_id}"
        return [own, *(self.features.deterministic_keys() if self.features else [])]


def prepare(position: int, external_id: str, raw: Any, mapped: Any) -> Pending:
    """JSON-safe copies and the content hash; features come later, only if needed."""
    raw_safe, mapped_safe = json_safe(raw or {}), json_safe(mapped or {})
    return Pending(
        position, str(external_id), raw_safe, mapped_safe, content_hash(raw_safe, mapped_safe)
    )


def with_features(pending: Pending, default_region: str | None) -> Pending:
    pending.features = extract(pending.mapped, default_region)
    return pending


def content_hash(raw: Any, mapped: Any) -> str:
    """SHA-256 of the canonical JSON of both payloads: equal content, equal hash."""
    text = json.dumps(
        {"raw": raw, "mapped": mapped}, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(text.encode()).hexdigest()
