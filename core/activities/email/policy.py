"""The organization's email logging settings, kept in one app setting an admin edits."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from sqlalchemy.orm import Session

from core.models import AppSetting

POLICY_KEY = "email.policy"
CreationPolicy = Literal["always", "when_rep_wrote", "never"]
CREATION_POLICIES: tuple[CreationPolicy, ...] = ("always", "when_rep_wrote", "never")


@dataclass(frozen=True)
class EmailPolicy:
    """``creation``: may an unknown external address become a customer — always, only
    when a rep has written to it, or never (only known customers get the activity)."""

    internal_domains: frozenset[str] = frozenset()
    creation: CreationPolicy = "when_rep_wrote"
    skip_automated: bool = True
    store_bodies: bool = False
    blocked_addresses: frozenset[str] = frozenset()
    blocked_domains: frozenset[str] = frozenset()
    extra: dict[str, Any] = field(default_factory=dict)

    def is_internal(self, domain: str) -> bool:
        return any(domain == d or domain.endswith("." + d) for d in self.internal_domains)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("internal_domains", "blocked_addresses", "blocked_domains"):
            data[name] = sorted(data[name])
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EmailPolicy:
        creation = data.get("creation", "when_rep_wrote")
        if creation not in CREATION_POLICIES:
            raise ValueError(f"creation policy must be one of {', '.join(CREATION_POLICIES)}")
        return cls(
            internal_domains=_lowered(data.get("internal_domains")),
            creation=creation,
            skip_automated=bool(data.get("skip_automated", True)),
            store_bodies=bool(data.get("store_bodies", False)),
            blocked_addresses=_lowered(data.get("blocked_addresses")),
            blocked_domains=_lowered(data.get("blocked_domains")),
        )


def _lowered(values: Any) -> frozenset[str]:
    return frozenset(str(v).strip().lower() for v in values or () if str(v).strip())


def load_policy(session: Session) -> EmailPolicy:
    row = session.get(AppSetting, POLICY_KEY)
    return EmailPolicy.from_json(row.value) if row else EmailPolicy()


def save_policy(session: Session, policy: EmailPolicy) -> None:
    row = session.get(AppSetting, POLICY_KEY)
    if row is None:
        session.add(AppSetting(key=POLICY_KEY, value=policy.to_json()))
    else:
        row.value = policy.to_json()
