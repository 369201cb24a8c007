"""Suppressed keys: hashed with the stored HMAC key, checked once per ingestion chunk."""

from __future__ import annotations

from sqlalchemy import func, select

from core.db import Database
from core.identity import ingest_batch
from core.identity.suppressed import (
    KEY_SETTING,
    key_hash,
    suppress,
    suppressed_keys,
    suppression_secret,
)
from core.models import AppSetting, Connector, SourceRecord, Suppression


def _connector(database: Database) -> int:
    with database.session() as session:
        row = Connector(kind="forms", name="Site")
        session.add(row)
        session.flush()
        return row.id


def test_nothing_is_suppressed_and_no_key_is_made_before_any_erasure(database: Database) -> None:
    with database.session() as session:
        assert suppressed_keys(session, "email", ["ann@example.com"]) == set()
        assert session.get(AppSetting, KEY_SETTING) is None


def test_only_the_suppressed_values_come_back(database: Database) -> None:
    with database.session() as session:
        suppress(session, [("email", "ann@example.com"), ("phone", "+4915123456789")])
    with database.session() as session:
        found = suppressed_keys(session, "email", ["ann@example.com", "bob@example.com"])
        assert found == {"ann@example.com"}
        assert suppressed_keys(session, "phone", ["ann@example.com"]) == set()
        secret = suppression_secret(session)
        digests = set(session.scalars(select(Suppression.key_hash)))
    assert secret is not None
    assert key_hash(secret, "email", "ann@example.com") in digests
    assert "ann@example.com" not in str(digests)


def test_the_key_is_made_once(database: Database) -> None:
    with database.session() as session:
        first = suppression_secret(session, create=True)
    with database.session() as session:
        again = suppression_secret(session, create=True)
    assert first is not None
    assert first == again
    assert len(first) == 32


def test_a_chunk_keeps_its_other_records(database: Database) -> None:
    source = _connector(database)
    with database.session() as session:
        suppress(session, [("email", "ann@example.com"), ("external", f"{source}:row-3")])
    items = [
        ("row-1", {}, {"full_name": "Ann Lee", "emails": ["Ann@Example.com"]}),
        ("row-2", {}, {"full_name": "Bob Roe", "emails": ["bob@example.com"]}),
        ("row-3", {}, {"full_name": "Cy Doe", "emails": ["cy@example.com"]}),
    ]
    results = ingest_batch(database, source, items)
    assert [r.action for r in results] == ["suppressed", "created", "suppressed"]
    with database.session() as session:
        stored = session.scalars(select(SourceRecord.external_id)).all()
        assert stored == ["row-2"]
        assert session.scalar(select(func.count()).select_from(Suppression)) == 2
