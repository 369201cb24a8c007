"""Identity keys and demoted shared keys of a chunk, written in bulk."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.identity.candidates import CandidateIndex
from core.identity.features import split_key
from core.identity.pending import Pending
from core.models import IdentityKey, SharedKey

# One statement for the whole chunk: an executemany would send one INSERT per key.
_UNNEST_INSERT = text(
    "INSERT INTO identity_keys (kind, value, source_record_id, customer_id) "
    "SELECT * FROM unnest(CAST(:k AS varchar[]), CAST(:v AS varchar[]), "
    "CAST(:s AS integer[]), CAST(:c AS integer[]))"
)

_SQLITE_INSERT = (
    "INSERT INTO identity_keys (kind, value, source_record_id, customer_id) VALUES (?, ?, ?, ?)"
)


def replace_keys(session: Session, items: Sequence[Pending]) -> None:
    """The records' identity keys: one delete for changed records, one bulk insert."""
    updated = [p.record.id for p in items if p.decision.keep_link]
    if updated:
        session.execute(delete(IdentityKey).where(IdentityKey.source_record_id.in_(updated)))
    rows = [
        (kind, value, p.record.id, p.record.customer_id)
        for p in items
        for kind, value in map(split_key, p.features.all_keys())
    ]
    if rows and session.get_bind().dialect.name == "postgresql":
        kinds, values, records, customers = (list(column) for column in zip(*rows, strict=True))
        session.execute(_UNNEST_INSERT, {"k": kinds, "v": values, "s": records, "c": customers})
    elif rows:  # plain tuples straight to the driver's executemany, in index order
        session.connection().exec_driver_sql(_SQLITE_INSERT, sorted(rows))


def write_demotions(session: Session, index: CandidateIndex) -> None:
    """Shared keys found in this chunk; a concurrent writer's identical row is fine."""
    if not index.newly_demoted:
        return
    dialect = session.get_bind().dialect.name
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    rows = []
    for key, people in sorted(index.newly_demoted.items()):
        kind, value = split_key(key)
        rows.append({"kind": kind, "value": value, "people": people})
    session.execute(dialect_insert(SharedKey).values(rows).on_conflict_do_nothing())
    index.newly_demoted.clear()
