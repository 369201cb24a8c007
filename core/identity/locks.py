"""Serializing resolution of one identity across processes.

On PostgreSQL each normalized deterministic key ("email:…", "phone:…", and the
record's own connector/external id) maps to a transaction-scoped advisory lock,
taken in sorted order before candidates are looked up: two workers that see the same
new person wait for each other, and the second finds the first one's customer. A
rebuild takes one exclusive lock that every resolution shares. SQLite needs none of
this: its transactions begin IMMEDIATE (core.db), so writers run one at a time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY, BIGINT
from sqlalchemy.orm import Session

from core.models import Customer

REBUILD_KEY = "crmhub:identity:rebuild"

# The shared rebuild lock, then the key locks, in one round trip. The order matters:
# PostgreSQL queues a shared request behind a waiting exclusive one, so a resolver that
# held key locks while it waited behind a rebuild could stall another resolver that
# holds the shared lock and needs those keys. The keys' locks are taken in the
# projection, which runs on joined rows only, and a row exists only once the
# materialized shared lock has been taken.
_LOCK_MANY = text(
    "WITH rebuild AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared(:rebuild) AS done) "
    "SELECT pg_advisory_xact_lock(k) FROM rebuild, unnest(CAST(:keys AS bigint[])) AS k"
).bindparams(bindparam("keys", type_=ARRAY(BIGINT)), bindparam("rebuild", type_=BIGINT))
_LOCK_SHARED = text("SELECT pg_advisory_xact_lock_shared(:rebuild)")


def lock_number(key: str) -> int:
    """A stable signed 64-bit number for a key (collisions only over-serialize)."""
    digest = hashlib.blake2b(key.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_keys(session: Session, keys: Iterable[str]) -> None:
    """Wait for, then hold until commit, the locks of these keys (PostgreSQL only)."""
    if _dialect(session) != "postgresql":
        return
    numbers = sorted({lock_number(key) for key in keys})
    rebuild = lock_number(REBUILD_KEY)
    if numbers:
        session.execute(_LOCK_MANY, {"keys": numbers, "rebuild": rebuild})
    else:
        session.execute(_LOCK_SHARED, {"rebuild": rebuild})


def lock_everything(session: Session) -> None:
    """Exclusive: no resolution runs until this transaction ends (used by rebuild)."""
    lock_job(session, REBUILD_KEY)


def lock_job(session: Session, name: str) -> None:
    """Exclusive until this transaction ends: one writer of a job's rows at a time
    (PostgreSQL; SQLite's writers are one at a time already)."""
    if _dialect(session) == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_number(name)})


def locked_customers(session: Session, ids: Iterable[int]) -> dict[int, Customer]:
    """Customers by id, row-locked in id order; a merged one maps to its active winner.

    Reading the version after the lock is what keeps event sequences gap-free and
    unique when two transactions update one customer.
    """
    requested = sorted(set(ids))
    wanted = requested
    rows: dict[int, Customer] = {}
    for _ in range(10):  # merge chains are short; the bound only stops a corrupt cycle
        missing = [i for i in wanted if i not in rows]
        if not missing:
            break
        query = select(Customer).where(Customer.id.in_(missing)).order_by(Customer.id)
        query = query.with_for_update().execution_options(populate_existing=True)
        rows.update({c.id: c for c in session.scalars(query)})
        wanted = [c.merged_into_id for c in rows.values() if c.merged_into_id is not None]
    return {i: _active(rows, i) for i in requested if i in rows}


def _active(rows: dict[int, Customer], customer_id: int) -> Customer:
    customer = rows[customer_id]
    while customer.merged_into_id is not None and customer.merged_into_id in rows:
        customer = rows[customer.merged_into_id]
    return customer


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name
