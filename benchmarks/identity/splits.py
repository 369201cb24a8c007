"""Why a kept store splits the people it splits: the evidence that would join them.

    python -m benchmarks.identity --size 100k --keep /var/tmp/store100k.db
    python -m benchmarks.identity.splits /var/tmp/store100k.db --size 100k

For each person whose records sit in more than one customer of a store kept by the
benchmark (``--keep``), the first tier of ``ceiling``'s perfect links that makes the
person whole: what a resolver would have had to trust to join them. And whether the
review queue already asks about them: an open item between each of the person's
customers and another of theirs.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from collections.abc import Mapping
from pathlib import Path

from sqlalchemy import select

from benchmarks.identity.ceiling import TIERS, Data, featured, perfect_tiers
from benchmarks.identity.generator import parse_size
from benchmarks.identity.runner import merged_customers, winner
from core.db import Database
from core.models import ReviewItem, SourceRecord

NOT_EVEN_BY_NAME = "nothing in common"


def stored_customers(database: Database) -> dict[int, int]:
    """Generator index -> the customer its record sits in (merged ones followed)."""
    with database.session() as session:
        merged = merged_customers(session)
        rows = session.execute(select(SourceRecord.external_id, SourceRecord.customer_id))
        return {
            int(external_id.rsplit("-", 1)[1]): winner(customer_id, merged)
            for external_id, customer_id in rows
            if customer_id is not None
        }


def review_pairs(database: Database) -> set[frozenset[int]]:
    """The customers each open review item asks about, as unordered pairs."""
    with database.session() as session:
        records = dict(session.execute(select(SourceRecord.id, SourceRecord.customer_id)).all())
        merged = merged_customers(session)
        items = session.execute(
            select(ReviewItem.source_record_id, ReviewItem.candidate_record_id).where(
                ReviewItem.status == "open"
            )
        )
        return {
            frozenset((winner(records[a], merged), winner(records[b], merged)))
            for a, b in items
            if records.get(a) is not None and records.get(b) is not None
        }


def split_kinds(
    data: Data, customers: Mapping[int, int], asked: set[frozenset[int]]
) -> Counter[tuple[str, bool]]:
    """(tier that makes the person whole, asked about) per person split by ``customers``
    (generator index -> customer)."""
    tiers = perfect_tiers(data)
    records: dict[int, list[int]] = defaultdict(list)
    for position, person in enumerate(data.people):
        if data.indexes[position] in customers:
            records[person].append(position)
    found: Counter[tuple[str, bool]] = Counter()
    for positions in records.values():
        parts = {customers[data.indexes[p]] for p in positions}
        if len(parts) < 2:
            continue
        tier = next(
            (title for title, c in tiers if len({c.find(p) for p in positions}) == 1),
            NOT_EVEN_BY_NAME,
        )
        found[tier, _asked_about(parts, asked)] += 1
    return found


def _asked_about(parts: set[int], asked: set[frozenset[int]]) -> bool:
    return all(any(frozenset((a, b)) in asked for b in parts if b != a) for a in parts)


def print_split_kinds(found: Counter[tuple[str, bool]], store: str) -> None:
    total = sum(found.values())
    print(f"\npeople split by {store}: {total:,}, by the evidence that would make them whole")
    for title in [title for title, _ in TIERS] + [NOT_EVEN_BY_NAME]:
        count = found[title, True] + found[title, False]
        print(f"  {title:<24} {count:>9,}   (a review item asks about {found[title, True]:,})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", help="a SQLite store kept by the benchmark's --keep")
    parser.add_argument("--size", default="10k", help="the --size the store was made with")
    parser.add_argument("--incremental", type=int, default=1000, help="as the benchmark's")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not Path(args.store).is_file():
        parser.error(f"{args.store} is not a file")
    data = featured(parse_size(args.size) + args.incremental, args.seed)
    database = Database(f"sqlite:///{args.store}")
    try:
        found = split_kinds(data, stored_customers(database), review_pairs(database))
    finally:
        database.dispose()
    print_split_kinds(found, args.store)


if __name__ == "__main__":
    main()
