"""The store's common keys are counted in one pass; resolves read their shares instead of
counting them, and count only the keys the pass did not find common."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import delete, event, func, select, text

from connectors.csvimport import import_csv
from core.db import Database
from core.identity import common_keys
from core.identity.candidates import load_index
from core.identity.common_counts import CommonCounts, common_counts
from core.identity.common_keys import (
    LOCK_NAME,
    read_common_shares,
    refresh_after_growth,
    refresh_common_keys,
)
from core.identity.features import extract, split_key
from core.identity.locks import lock_job
from core.identity.options import IdentityOptions
from core.models import CommonKey
from tests.core.identity.support import ingest
from tests.waiting import wait_until


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _stored(database: Database) -> dict[str, tuple[int, int]]:
    with database.session() as session:
        rows = session.execute(
            select(CommonKey.kind, CommonKey.value, CommonKey.holders, CommonKey.records)
        )
        return {f"{kind}:{value}": (holders, records) for kind, value, holders, records in rows}


def _three_anns_and_a_bob(database: Database, connector: int) -> None:
    for n in range(3):
        ingest(database, connector, f"ann-{n}", given_name="Ann", emails=[f"ann{n}@example.com"])
    ingest(database, connector, "bob", given_name="Bob", emails=["bob@example.com"])


def _given_key(name: str) -> str:
    features = extract({"given_name": name, "emails": ["someone@example.com"]})
    return next(k for k in features.all_keys() if k.startswith("f_given:"))


def test_the_pass_keeps_every_key_held_often_enough_with_the_store_size(
    database: Database, sources: list[int]
) -> None:
    _three_anns_and_a_bob(database, sources[0])

    found = refresh_common_keys(database, common=3)

    stored = _stored(database)
    assert found == len(stored) > 0
    assert stored[_given_key("Ann")] == (3, 4)  # 3 holders of 4 records
    assert _given_key("Bob") not in stored
    assert "email:ann0@example.com" not in stored
    assert all(holders >= 3 for holders, _ in stored.values())

    ingest(database, sources[0], "bob-2", given_name="Bob", emails=["bob2@example.com"])
    refresh_common_keys(database, common=3)  # a pass replaces the last one whole
    assert _stored(database)[_given_key("Ann")] == (3, 5)
    assert _given_key("Bob") not in _stored(database)


def test_a_resolve_estimates_a_key_the_pass_found_common_and_counts_the_rest(
    database: Database, sources: list[int]
) -> None:
    _three_anns_and_a_bob(database, sources[0])
    refresh_common_keys(database, common=3)  # Ann: 3 of 4 records
    for n in range(3, 5):  # two more Anns after the pass: 5 holders of 6 records now
        ingest(database, sources[0], f"ann-{n}", given_name="Ann", emails=["new@example.com"])
    ann = extract({"given_name": "Ann", "emails": ["new@example.com"]})

    with database.session() as session:
        cache = common_counts(session)
        cache.table_ttl = 0.0  # read the table on this resolve, not a cached copy of it
        cache.common = 3  # estimates are never below the common count
        counts = load_index(session, [ann], [], 8, IdentityOptions()).counts

    assert counts[_given_key("Ann")] == 6  # the share 3/4 of 8 records, not the count (5)
    assert counts["email:new@example.com"] == 2  # a rare key: counted


def test_the_process_that_counted_uses_the_new_shares_at_once(
    database: Database, sources: list[int]
) -> None:
    _three_anns_and_a_bob(database, sources[0])  # its resolves read the (empty) table
    with database.session() as session:
        cache = common_counts(session)
        cache.common = 3
        assert not cache.table_due()  # its copy of the table is fresh for minutes yet

    refresh_common_keys(database, common=3)
    ann = extract({"given_name": "Ann", "emails": ["new@example.com"]})
    with database.session() as session:
        counts = load_index(session, [ann], [], 8, IdentityOptions()).counts

    assert counts[_given_key("Ann")] == 6  # 3/4 of 8: the pass's share, without a re-read


def test_the_table_is_read_again_only_when_its_copy_is_old_and_a_fresh_count_wins() -> None:
    clock = Clock()
    cache = CommonCounts(common=10, ttl=60.0, table_ttl=300.0, clock=clock)
    assert cache.table_due()

    cache.use_table({"f_city:london": 0.5})

    assert not cache.table_due()
    assert cache.known(["f_city:london", "f_city:leeds"], 100) == {"f_city:london": 50}
    cache.remember({"f_city:london": 30}, total=100)  # counted since: 0.3 of the store
    assert cache.known(["f_city:london"], 100) == {"f_city:london": 30}
    clock.now += 60.0  # the count is stale; the table's share again
    assert cache.known(["f_city:london"], 200) == {"f_city:london": 100}
    clock.now += 240.0
    assert cache.table_due()


def test_shares_are_read_as_holders_over_records(database: Database, sources: list[int]) -> None:
    _three_anns_and_a_bob(database, sources[0])
    refresh_common_keys(database, common=3)

    with database.engine.connect() as connection:
        shares = read_common_shares(connection)

    assert shares[_given_key("Ann")] == pytest.approx(0.75)


def test_only_growth_worth_a_recount_recounts(database: Database, sources: list[int]) -> None:
    _three_anns_and_a_bob(database, sources[0])  # 4 records
    with database.session() as session:  # left by an earlier pass; a recount drops it
        session.add(CommonKey(kind="f_city", value="gone", holders=900, records=1000))

    assert not refresh_after_growth(database, 0)
    assert not refresh_after_growth(database, 1, worth=0.5)  # 1 of 4 is under half
    assert _stored(database) == {"f_city:gone": (900, 1000)}
    assert refresh_after_growth(database, 2, worth=0.5)
    assert _stored(database) == {}  # recounted: nobody holds a key 500 times here


def test_an_import_that_grows_the_store_recounts_and_a_repeat_does_not(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common_keys, "COMMON_COUNT", 3)
    people = tmp_path / "people.csv"
    rows = "".join(f"Ann,Tester{n},ann{n}@example.com,Springfield\n" for n in range(4))
    people.write_text("given_name,family_name,email,city\n" + rows)

    import_csv(database, people)

    assert _stored(database)[_given_key("Ann")] == (4, 4)
    with database.session() as session:
        session.execute(CommonKey.__table__.delete())
    report = import_csv(database, people)  # every row unchanged: no new record, no recount
    assert report.actions["unchanged"] == 4
    assert _stored(database) == {}


def _someone_waits_for_a_lock(database: Database) -> bool:
    waiting = (
        select(func.count())
        .select_from(text("pg_stat_activity"))
        .where(text("wait_event_type = 'Lock' AND datname = current_database()"))
    )
    with database.session() as session:
        return bool(session.scalar(waiting))


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_passes_at_once_take_turns(database: Database, sources: list[int]) -> None:
    """Beat's hourly pass and an import's end can meet: the second writes after the
    first commits, instead of failing on the rows the first inserted."""
    _three_anns_and_a_bob(database, sources[0])
    kind, value = split_key(_given_key("Ann"))
    failures: list[Exception] = []

    def second_pass() -> None:
        try:
            refresh_common_keys(database, common=3)
        except Exception as exc:  # the test reports whatever it raised
            failures.append(exc)

    second = threading.Thread(target=second_pass)
    with database.session() as first:  # a pass midway through writing its rows
        lock_job(first, LOCK_NAME)
        first.execute(delete(CommonKey))
        first.add(CommonKey(kind=kind, value=value, holders=1, records=1))
        first.flush()
        second.start()
        wait_until(lambda: _someone_waits_for_a_lock(database), timeout=30)
    second.join(timeout=30)

    assert not second.is_alive()
    assert failures == []
    assert _stored(database)[_given_key("Ann")] == (3, 4)  # the second pass's count


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_count_leaves_sqlites_write_lock_free(database: Database, sources: list[int]) -> None:
    """At a million customers the count takes seconds; resolves must not wait for it."""
    _three_anns_and_a_bob(database, sources[0])
    lock_free_while_counting: list[bool] = []

    def probe(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "HAVING" not in statement:
            return
        other = sqlite3.connect(str(database.engine.url.database), timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")  # fails at once if the pass holds the lock
            lock_free_while_counting.append(True)
        except sqlite3.OperationalError:
            lock_free_while_counting.append(False)
        finally:
            other.close()

    event.listen(database.engine, "before_cursor_execute", probe)
    try:
        refresh_common_keys(database, common=3)
    finally:
        event.remove(database.engine, "before_cursor_execute", probe)

    assert lock_free_while_counting == [True]
    assert _given_key("Ann") in _stored(database)
