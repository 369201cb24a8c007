"""The chunk's questions to the store give the same answers in either database's form,
and on PostgreSQL one statement text serves every set of keys (so it is prepared once)."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from sqlalchemy import event, select, text

from core.db import Database
from core.identity.candidates import load_index
from core.identity.features import Features, extract, split_key
from core.identity.options import IdentityOptions
from core.identity.store_queries import (
    _PG_FACTS,
    _PG_FEATURES,
    feature_rows,
    key_facts,
)
from core.models import IdentityKey, SharedKey, SourceRecord
from tests.core.identity.support import ingest

PEOPLE = [
    ("ann-1", "Ann", "Lee", "ann@example.com"),
    ("ann-2", "Ann", "Lee", "ann.lee@work.example"),
    ("bob-1", "Bob", "Lee", "bob@example.com"),
]


def _ingest_people(database: Database, source: int) -> None:
    for external_id, given, family, email in PEOPLE:
        ingest(database, source, external_id, given_name=given, family_name=family, emails=[email])


def _stored(database: Database) -> list[tuple[str, str, int, int | None]]:
    with database.session() as session:
        rows = session.execute(
            select(
                IdentityKey.kind,
                IdentityKey.value,
                IdentityKey.source_record_id,
                IdentityKey.customer_id,
            )
        )
        return [tuple(row) for row in rows]


def test_counts_holders_and_features_match_the_stored_rows(
    database: Database, sources: list[int]
) -> None:
    _ingest_people(database, sources[0])
    stored = _stored(database)
    held = sorted({f"{kind}:{value}" for kind, value, _, _ in stored})
    # more keys than SQLite takes bound parameters (999 in older builds), most of them
    # held by nobody, and values that need quoting in JSON
    asked = held + [f"email:nobody{n}@example.com" for n in range(2010)]
    asked += ['name:O"BRIEN:J', "name:\\back\u00e9:X"]

    with database.engine.connect() as connection:
        facts = key_facts(connection, asked, {}, max_block=1000)
        record_ids = sorted({record for _, _, record, _ in stored})
        features = dict(feature_rows(connection, record_ids))

    expected_counts = Counter(f"{kind}:{value}" for kind, value, _, _ in stored)
    assert facts.counted == dict(expected_counts)
    newest: dict[tuple[str, int], int] = {}
    for kind, value, record, customer in stored:
        key = (f"{kind}:{value}", customer)
        if not kind.startswith("f_"):  # feature-only keys are counted, never looked up
            newest[key] = max(record, newest.get(key, 0))
    assert sorted(facts.holders) == sorted((key, c, r) for (key, c), r in newest.items())
    assert facts.counted["f_family:lee"] == 3  # a key several records hold is counted once each
    with database.session() as session:
        stored_features = dict(
            session.execute(select(SourceRecord.id, SourceRecord.match_features)).all()
        )
    assert {rid: json.loads(text) for rid, text in features.items()} == stored_features


def test_key_facts_follow_the_stored_rows(database: Database, sources: list[int]) -> None:
    """Counts of the keys not known already, demotions of held deterministic keys only,
    and holders of the keys worth comparing: one statement on PostgreSQL, three on
    SQLite, the same facts."""
    _ingest_people(database, sources[0])
    with database.session() as session:
        session.add_all(
            [
                SharedKey(kind="email", value="ann@example.com", people=2),  # held: demoted
                SharedKey(kind="email", value="gone@example.com", people=2),  # held by nobody
                SharedKey(kind="f_family", value="lee", people=2),  # not a deterministic kind
            ]
        )
    stored = _stored(database)
    held = Counter(f"{kind}:{value}" for kind, value, _, _ in stored)
    asked = sorted({*held, "email:gone@example.com", "phone:+14155550100"})
    known = {"f_given:ann": 900, "email:bob@example.com": 700}  # common: never counted
    max_block = 1

    with database.engine.connect() as connection:
        facts = key_facts(connection, asked, known, max_block)

    assert facts.counted == {key: n for key, n in held.items() if key not in known}
    assert facts.demoted == {"email:ann@example.com"}
    counts = {**held, **known}
    wanted = {
        key
        for key in asked
        if not key.startswith("f_")
        and counts.get(key)
        and key not in facts.demoted
        and (split_key(key)[0] in ("email", "phone") or counts[key] <= max_block)
    }
    newest: dict[tuple[str, int], int] = {}
    for kind, value, record, customer in stored:
        key = (f"{kind}:{value}", customer)
        if key[0] in wanted:
            newest[key] = max(record, newest.get(key, 0))
    assert sorted(facts.holders) == sorted((key, c, r) for (key, c), r in newest.items())
    # the known email is compared by (deterministic); a block held twice is not
    assert any(key == "email:bob@example.com" for key, _, _ in facts.holders)
    assert facts.counted["f_family:lee"] == 3
    assert all(counts[key] <= max_block or key.startswith("email") for key, _, _ in facts.holders)
    compared = {record for key, _, record in facts.holders if key.startswith(("email", "phone"))}
    if database.dialect == "postgresql":  # their features came with the facts
        assert compared
        assert set(facts.features) == compared
        with database.session() as session:
            rows = session.execute(select(SourceRecord.id, SourceRecord.match_features))
            expected = {rid: features for rid, features in rows if rid in compared}
        assert {rid: json.loads(text) for rid, text in facts.features.items()} == expected
    else:  # fetched when compared
        assert facts.features == {}


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_index_needs_no_fetch_for_deterministic_holders(
    database: Database, sources: list[int]
) -> None:
    _ingest_people(database, sources[0])
    newcomer = extract({"given_name": "Bob", "family_name": "Lee", "emails": ["bob@example.com"]})
    sent: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    with database.session() as session:
        index = load_index(session, [newcomer], [], 3, IdentityOptions())
        stored = dict(session.execute(select(SourceRecord.id, SourceRecord.match_features)).all())
    (holder,) = index.holders["email:bob@example.com"]
    assert holder.features == Features.from_json(stored[holder.record_id])
    assert not [statement for statement in sent if statement == _PG_FEATURES.text]
    assert len(sent) == 2  # the common keys' shares, then the facts


def test_nothing_asked_sends_nothing(database: Database) -> None:
    sent: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    with database.engine.connect() as connection:
        assert list(feature_rows(connection, [])) == []
        assert key_facts(connection, [], {}, 200).holders == []
    assert sent == []


# SQLite plans its IN lists cheaply and keeps the portable form: PostgreSQL only.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_sends_one_statement_text_for_any_keys(
    database: Database, sources: list[int]
) -> None:
    ingest(
        database,
        sources[0],
        "ann-1",
        given_name="Ann",
        family_name="Lee",
        emails=["ann@example.com"],
    )
    sent: list[str] = []
    event.listen(database.engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    few = ["email:ann@example.com"]
    many = [*few, "f_family:lee", "f_given:ann", "phone:+14155550100"]
    with database.engine.connect() as connection:
        for keys, known in ((few, {}), (many, {"f_given:ann": 900})):
            facts = key_facts(connection, keys, known, 200)
            assert facts.counted["email:ann@example.com"] == 1
            assert {split_key(key)[0] for key, _, _ in facts.holders} == {"email"}
        for ids in ([1], [1, 2, 3]):
            list(feature_rows(connection, ids))
    assert len(sent) == 4
    assert (sent[0], sent[2]) == (sent[1], sent[3])


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_key_facts_count_and_find_holders_from_the_index(
    database: Database, sources: list[int]
) -> None:
    """The one statement counts and finds holders from the index alone, and reads it
    only for the keys that need it."""
    _ingest_people(database, sources[0])
    with database.engine.connect() as connection:
        for setting in ("enable_seqscan", "enable_bitmapscan"):
            connection.exec_driver_sql(f"SET {setting} = off")
        plan = "\n".join(
            row[0]
            for row in connection.execute(
                text(f"EXPLAIN ANALYZE {_PG_FACTS.text}"),
                {
                    "kinds": ["f_family", "email"],
                    "values": ["lee", "ann@example.com"],
                    "known": [900, None],
                    "looked": [False, True],
                    "deterministic": [False, True],
                    "max_block": 200,
                },
            )
        )
    scans = [line for line in plan.splitlines() if "uq_identity_keys_kind" in line]
    assert len(scans) == 2, plan  # the count, the holders
    assert all("Index Only Scan" in line for line in scans), plan
    # each read the index once: the count skipped the key whose count was given, and the
    # holders the feature-only key
    assert all("loops=1)" in line for line in scans), plan
