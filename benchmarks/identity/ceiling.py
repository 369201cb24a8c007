"""How far the generated data lets any resolver go: cluster F1 with perfect decisions.

    python -m benchmarks.identity.ceiling --size 100k

Not a resolver and not a test: it prints bounds, on the records the benchmark scores
(the same ``--size``, ``--incremental`` and ``--seed``). Each record gets the features
resolution computes (the default CSV mapping, then ``core.identity.features``). Two
records of one person can only be linked on evidence they share, so the bounds link
records that share a key of a kind of evidence *and describe one person* (the truth
decides, so no link is ever wrong), in three widening tiers: an identifier (email,
phone, phone tail), a name with a fact (birth date, postal code, company name or
domain, given name at a company), a name alone. Linking is transitive, as customers
are: a record joins through any record of its person it shares evidence with.

The first two tiers bound every resolver that never links on a name alone; the
third shows what the name-only links are worth. Then the price of taking them blind:
on top of the perfect second tier, clusters with the same name (given and family name
as matching folds them) are joined whatever the truth when at most ``k`` clusters
bear that name and nothing they hold conflicts (as a rule "link a rare name" would:
no two different mobile numbers, no two different personal mailboxes), and the false
merges that follow are counted.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from benchmarks.identity.generator import generate, parse_size
from benchmarks.identity.metrics import Evaluation, evaluate
from benchmarks.identity.runner import prepared
from core.identity.features import Features, split_key
from core.identity.pending import prepare, with_features
from core.normalize import is_freemail

TIERS = (
    ("an identifier", ("email", "phone", "phone_tail")),
    (
        "a name with a fact",
        ("birth_date", "postal_code", "company_domain", "company_name", "given_company"),
    ),
    ("a name alone", ("name", "name_prefix")),
)
RARE_NAME_LIMITS = (2, 3, 5)
# (perfect tiers beneath, fact kinds the name must come with, label)
BLIND_RULES = (
    (1, ("postal", "birth", "company"), "name and fact"),
    (2, ("city",), "name and city"),
    (2, (), "name alone"),
)


class Clusters:
    """Union-find over record positions."""

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, item: int) -> int:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def join(self, items: Iterable[int]) -> None:
        iterator = iter(items)
        first = next(iterator, None)
        if first is None:
            return
        root = self.find(first)
        for item in iterator:
            other = self.find(item)
            if other != root:
                self.parent[other] = root

    def copy(self) -> Clusters:
        clone = Clusters(0)
        clone.parent = list(self.parent)
        return clone


@dataclass
class Data:
    people: list[int]  # truth per record position
    indexes: list[int]  # the generator's index per record position
    holders: dict[str, list[int]]  # key -> record positions holding it
    names: list[str | None]  # "given family" as matching folds them
    facts: list[tuple[str, ...]]  # "city:…", "postal:…", "birth:…", "company:…"
    owned: list[tuple[frozenset[str], frozenset[str]]]  # phones, personal mailboxes


def featured(size: int, seed: int) -> Data:
    """Every generated record the importer accepts, with its keys; refused rows left out."""
    data = Data([], [], defaultdict(list), [], [], [])
    for record in generate(size, seed):
        ready = prepared(record)
        if ready is None:
            continue
        pending = with_features(prepare(0, ready.external_id, ready.raw, ready.mapped), None)
        features = pending.features or Features()
        position = len(data.people)
        data.people.append(record.person)
        data.indexes.append(record.index)
        for key in features.blocks:
            data.holders[key].append(position)
        full = f"{features.given} {features.family}" if features.given and features.family else None
        data.names.append(full)
        data.facts.append(_facts(features))
        personal = frozenset(e for e in features.emails if is_freemail(e.rpartition("@")[2]))
        data.owned.append((frozenset(features.phones), personal))
    return data


def _facts(features: Features) -> tuple[str, ...]:
    facts = [f"company:{stem}" for stem in sorted(features.company_stems())]
    for kind, value in (("city", features.city), ("postal", features.postal)):
        if value:
            facts.append(f"{kind}:{value}")
    if features.birth:
        facts.append(f"birth:{features.birth}")
    return tuple(facts)


def link_same_person(clusters: Clusters, data: Data, kinds: tuple[str, ...]) -> None:
    """Join the records of one person that share a key of these kinds."""
    for key, positions in data.holders.items():
        if split_key(key)[0] not in kinds or len(positions) < 2:
            continue
        by_person: dict[int, list[int]] = defaultdict(list)
        for position in positions:
            by_person[data.people[position]].append(position)
        for group in by_person.values():
            clusters.join(group)


def link_rare_names(
    clusters: Clusters, data: Data, limit: int, with_facts: tuple[str, ...] = ()
) -> None:
    """Join the clusters bearing one name that at most ``limit`` clusters bear, unless
    what they hold conflicts, whoever they describe (a blind rule). With ``with_facts``
    (kinds such as "city"), the name and one fact of those kinds must be shared."""
    named: dict[tuple[str, str | None], set[int]] = defaultdict(set)
    owned: dict[int, list[set[str]]] = defaultdict(lambda: [set(), set()])
    for position, name in enumerate(data.names):
        root = clusters.find(position)
        if name and not with_facts:
            named[name, None].add(root)
        elif name:
            for fact in data.facts[position]:
                if fact.partition(":")[0] in with_facts:
                    named[name, fact].add(root)
        for held, kind in zip(owned[root], data.owned[position], strict=True):
            held.update(kind)
    for roots in named.values():
        if not 2 <= len(roots) <= limit:
            continue
        joined: list[tuple[int, list[set[str]]]] = []
        for root in sorted(roots):
            mine = owned[root]
            match = next((j for j in joined if not _conflict(j[1], mine)), None)
            if match is None:
                joined.append((root, [set(s) for s in mine]))
                continue
            clusters.join((match[0], root))
            for held, more in zip(match[1], mine, strict=True):
                held.update(more)


def _conflict(left: list[set[str]], right: list[set[str]]) -> bool:
    """Both hold phones (or personal mailboxes) and share none: two people."""
    return any(a and b and not a & b for a, b in zip(left, right, strict=True))


def perfect_tiers(data: Data) -> list[tuple[str, Clusters]]:
    """(tier title, clusters) after the perfect links of each tier and those below it."""
    tiers: list[tuple[str, Clusters]] = []
    clusters = Clusters(len(data.people))
    for title, kinds in TIERS:
        link_same_person(clusters, data, kinds)
        tiers.append((title, clusters.copy()))
    return tiers


def scored(clusters: Clusters, data: Data) -> Evaluation:
    return evaluate((clusters.find(i), person) for i, person in enumerate(data.people))


def bounds(data: Data) -> Iterator[tuple[str, Evaluation]]:
    """(label, evaluation) per tier, then per blind rule on top of the perfect tiers."""
    perfect = perfect_tiers(data)
    for title, clusters in perfect:
        yield f"perfect, up to {title}", scored(clusters, data)
    for tiers, facts, what in BLIND_RULES:
        for limit in RARE_NAME_LIMITS:
            blind = perfect[tiers - 1][1].copy()
            link_rare_names(blind, data, limit, facts)
            label = f"perfect 1-{tiers}, blind {what}, <= {limit} clusters"
            yield label.replace("1-1", "1"), scored(blind, data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k", help="records: 10k, 100k, 1m or a number")
    parser.add_argument("--incremental", type=int, default=1000, help="as the benchmark's")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    started = time.perf_counter()
    data = featured(parse_size(args.size) + args.incremental, args.seed)
    print(
        f"{len(data.people):,} records of {len(set(data.people)):,} people "
        f"(seed {args.seed}), featured in {time.perf_counter() - started:.0f} s"
    )
    print(f"{'links':<52} {'precision':>9} {'recall':>7} {'F1':>7} {'merges':>7} {'splits':>7}")
    for label, result in bounds(data):
        cluster = result.cluster
        print(
            f"{label:<52} {cluster.precision:>9.4f} {cluster.recall:>7.4f} {cluster.f1:>7.4f} "
            f"{result.false_merges:>7,} {result.splits:>7,}"
        )


if __name__ == "__main__":
    main()
