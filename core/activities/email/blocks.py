"""Addresses and domains never logged: for the whole organization, or for one rep.

Blocking also removes what was already logged about them (see ``record.forget``).
The organization's list lives in the email policy; a rep's own list in an app setting
of its own, so a rep's choice never touches anyone else's mail.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.activities.email.message import Address
from core.activities.email.policy import EmailPolicy, load_policy, save_policy
from core.models import AppSetting


@dataclass(frozen=True)
class Blocks:
    addresses: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()

    def blocks(self, address: Address) -> bool:
        domain = address.domain
        return address.email in self.addresses or any(
            domain == d or domain.endswith("." + d) for d in self.domains
        )


def _rep_key(user_id: int) -> str:
    return f"email.blocks.user.{user_id}"


def blocked_for(session: Session, policy: EmailPolicy, user_id: int | None) -> Blocks:
    """The organization's blocks plus the rep's own."""
    addresses, domains = set(policy.blocked_addresses), set(policy.blocked_domains)
    if user_id is not None:
        row = session.get(AppSetting, _rep_key(user_id))
        if row is not None:
            addresses.update(row.value.get("addresses", ()))
            domains.update(row.value.get("domains", ()))
    return Blocks(frozenset(addresses), frozenset(domains))


def block(session: Session, value: str, *, user_id: int | None = None) -> int:
    """Block an address (has an @) or a domain; returns how many logged activities changed."""
    from core.activities.email.record import forget  # noqa: PLC0415 - record imports this module

    kind, value = _kind_of(value)
    _change(session, kind, value, user_id, add=True)
    return forget(session, Blocks(**{kind: frozenset({value})}), user_id=user_id)


def unblock(session: Session, value: str, *, user_id: int | None = None) -> None:
    kind, value = _kind_of(value)
    _change(session, kind, value, user_id, add=False)


def _kind_of(value: str) -> tuple[str, str]:
    cleaned = value.strip().lower()
    if "@" in cleaned.lstrip("@"):
        parsed = Address.parse(cleaned)
        if parsed is None:
            raise ValueError(f"{value!r} is not an email address")
        return "addresses", parsed.email
    domain = cleaned.lstrip("@")
    if "." not in domain or " " in domain:
        raise ValueError(f"{value!r} is neither an email address nor a domain")
    return "domains", domain


def _change(session: Session, kind: str, value: str, user_id: int | None, *, add: bool) -> None:
    if user_id is None:
        policy = load_policy(session)
        field = "blocked_addresses" if kind == "addresses" else "blocked_domains"
        current = set(getattr(policy, field))
        current = current | {value} if add else current - {value}
        data = policy.to_json()
        data[field] = sorted(current)
        save_policy(session, EmailPolicy.from_json(data))
        return
    row = session.get(AppSetting, _rep_key(user_id))
    if row is None:
        row = AppSetting(key=_rep_key(user_id), value={"addresses": [], "domains": []})
        session.add(row)
    current = set(row.value.get(kind, ()))
    current = current | {value} if add else current - {value}
    row.value = {**row.value, kind: sorted(current)}
