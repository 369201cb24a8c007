"""Copy a kept SQLite store into an empty PostgreSQL database, row for row.

    python -m benchmarks.identity --size 1m --keep /var/tmp/store.db
    python -m benchmarks.identity.to_postgres /var/tmp/store.db postgresql://user@127.0.0.1/bench
    python -m benchmarks.identity.resolves postgresql://user@127.0.0.1/bench

Loading a million records into PostgreSQL through the resolver takes hours; the kept
SQLite store already holds what that load would write (the same code resolved it), so
incremental resolves can be measured on PostgreSQL at that size after a copy. The
schema is made by the migrations; rows go in with ``COPY``, in the order of the
foreign keys, with the foreign-key triggers off while they load (a merged customer may
point at a later one); the id sequences are moved past the copied ids and the tables
analyzed, as after any bulk load.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import Table, func, select

from core import migrate
from core.db import Database
from core.models import Base, SourceRecord


def copy_store(store: Path, url: str) -> dict[str, int]:
    """Rows copied per table."""
    target = Database(url.replace("postgresql://", "postgresql+psycopg://", 1))
    source = sqlite3.connect(f"file:{store}?mode=ro", uri=True, isolation_level=None)
    source.execute("BEGIN")  # one snapshot for every table, even while someone writes
    copied: dict[str, int] = {}
    try:
        if target.dialect != "postgresql":
            raise SystemExit(f"{url} is not a PostgreSQL database")
        migrate.upgrade(target)
        with target.session() as session:
            if session.scalar(select(func.count()).select_from(SourceRecord)):
                raise SystemExit("the database already holds source records: give an empty one")
        connection = target.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET TimeZone = 'UTC'")  # SQLite keeps UTC times without a zone
            present = _tables(source)
            for table in Base.metadata.sorted_tables:
                if table.name in present:  # a store kept before a table existed lacks it
                    copied[table.name] = _copy_table(source, cursor, table)
            connection.commit()
        finally:
            connection.close()
        with target.engine.connect() as autocommit:
            # the vacuum sets the visibility map, which index-only scans need
            autocommit.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                "VACUUM ANALYZE"
            )
    finally:
        source.close()
        target.dispose()
    return copied


def _tables(source: sqlite3.Connection) -> set[str]:
    tables = source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {name for (name,) in tables}


def _copy_table(source: sqlite3.Connection, cursor: psycopg.Cursor, table: Table) -> int:
    """Names come from the models, never from input."""
    names = [column.name for column in table.columns]
    listed = ", ".join(f'"{name}"' for name in names)
    rows = 0
    copy_in = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    with cursor.copy(copy_in) as copy:
        for row in source.execute(f'SELECT {listed} FROM "{table.name}"'):  # noqa: S608
            copy.write_row(row)
            rows += 1
    if "id" in table.columns and table.columns["id"].primary_key:
        cursor.execute(
            sql.SQL(
                "SELECT setval(pg_get_serial_sequence({}, 'id'),"
                " coalesce(max(id), 1), max(id) IS NOT NULL) FROM {}"
            ).format(sql.Literal(f'"{table.name}"'), sql.Identifier(table.name))
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", type=Path, help="a SQLite store kept by the benchmark's --keep")
    parser.add_argument("url", help="an empty PostgreSQL database")
    args = parser.parse_args()
    if not args.store.is_file():
        parser.error(f"{args.store} is not a file")
    started = time.perf_counter()
    copied = copy_store(args.store, args.url)
    print(
        f"copied {sum(copied.values()):,} rows in {time.perf_counter() - started:,.0f} s:",
        ", ".join(f"{name} {count:,}" for name, count in copied.items() if count),
    )


if __name__ == "__main__":
    main()
