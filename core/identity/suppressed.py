"""Suppressed identity keys: what an erased customer was known by, so it stays erased.

A suppression holds an HMAC-SHA256 of one normalized key ("email" match key, E.164
"phone", or "external" as "connector_id:external_id"), never the value, so the table
proves nothing about who was erased to someone who reads it without the key. The HMAC
key is made once, by the first erasure, and kept in the app settings: core needs no
settings object, and every process hashes alike. Ingestion drops a record whose key is
suppressed before resolving it, under the same key locks the erasure took.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.models import AppSetting, Suppression

if TYPE_CHECKING:
    from core.identity.pending import Pending

KEY_SETTING = "privacy.suppression_key"
KINDS = ("email", "phone", "external")
# Why a record was not ingested: the kinds only, never the values.
SUPPRESSED_RULE = "suppressed"


_SECRET = select(AppSetting.value).where(AppSetting.key == KEY_SETTING)  # read per record


def external_key(connector_id: int, external_id: str) -> str:
    return f"{connector_id}:{external_id}"


def key_hash(secret: bytes, kind: str, value: str) -> str:
    """64 hex characters; the kind is part of the message, so kinds never collide."""
    return hmac.new(secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def suppression_secret(session: Session, *, create: bool = False) -> bytes | None:
    """The HMAC key, or None while nothing was ever erased (unless ``create``).

    Two first erasures at once insert one row: the loser of the race reads the winner's.
    """
    found = session.scalar(_SECRET)
    if found is None and create:
        dialect = session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(AppSetting)
        value = {"hmac_sha256": secrets.token_hex(32)}
        session.execute(insert.values(key=KEY_SETTING, value=value).on_conflict_do_nothing())
        found = session.scalar(_SECRET)
    return secret_from(found)


def secret_from(setting: Mapping[str, Any] | None) -> bytes | None:
    """The HMAC key held by the stored setting's value (None: nothing ever erased)."""
    return bytes.fromhex(setting["hmac_sha256"]) if setting else None


def suppress(session: Session, keys: Iterable[tuple[str, str]], reason: str = "erasure") -> int:
    """Store a suppression for each (kind, value); returns how many keys were given."""
    secret = suppression_secret(session, create=True)
    assert secret is not None
    rows = [
        {"kind": kind, "key_hash": key_hash(secret, kind, value), "reason": reason[:64]}
        for kind, value in sorted(set(keys))
    ]
    if rows:
        dialect = session.get_bind().dialect.name
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Suppression)
        session.execute(insert.values(rows).on_conflict_do_nothing())
    return len(rows)


def suppressed_keys(session: Session, kind: str, values: Iterable[str]) -> set[str]:
    """The values (normalized keys of ``kind``) that are suppressed, in one query."""
    pairs = [(kind, v) for v in values]
    return {value for _, value in _suppressed(session, pairs, suppression_secret(session))}


def without_suppressed(
    session: Session, connector_id: int, pendings: Sequence[Pending], secret: bytes | None
) -> tuple[list[Pending], list[Pending]]:
    """(records to ingest, suppressed records); one query for the whole chunk, none
    while nothing was ever erased (``secret`` is None: the caller read the setting)."""
    wanted = {p.position: _keys_of(connector_id, p) for p in pendings}
    hits = _suppressed(session, [key for keys in wanted.values() for key in keys], secret)
    kept = [p for p in pendings if not hits.intersection(wanted[p.position])]
    dropped = [p for p in pendings if hits.intersection(wanted[p.position])]
    return kept, dropped


def _keys_of(connector_id: int, pending: Pending) -> set[tuple[str, str]]:
    keys = {("external", external_key(connector_id, pending.external_id))}
    if pending.features is not None:
        keys |= {("email", email) for email in pending.features.emails}
        keys |= {("phone", phone) for phone in pending.features.phones}
    return keys


def _suppressed(
    session: Session, keys: list[tuple[str, str]], secret: bytes | None
) -> set[tuple[str, str]]:
    if not keys or secret is None:  # nothing was ever erased: nothing to look up
        return set()
    by_hash = {(kind, key_hash(secret, kind, value)): (kind, value) for kind, value in keys}
    query = select(Suppression.kind, Suppression.key_hash).where(
        Suppression.kind.in_({kind for kind, _ in by_hash}),
        Suppression.key_hash.in_({digest for _, digest in by_hash}),
    )
    rows = [(kind, digest) for kind, digest in session.execute(query)]
    return {by_hash[row] for row in rows if row in by_hash}
