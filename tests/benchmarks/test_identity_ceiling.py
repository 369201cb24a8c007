"""The bounds on what the generated data allows: perfect tiers link only one person's
records, on the evidence named; the blind name rule links whoever shares a rare name."""

from __future__ import annotations

from collections import defaultdict

from benchmarks.identity.ceiling import (
    Clusters,
    Data,
    bounds,
    featured,
    link_rare_names,
    link_same_person,
)

NOTHING: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())


def _data(people: list[int], keys: dict[str, list[int]], **extra) -> Data:
    size = len(people)
    return Data(
        people=people,
        indexes=list(range(size)),
        holders=defaultdict(list, keys),
        names=extra.get("names", [None] * size),
        facts=extra.get("facts", [()] * size),
        owned=extra.get("owned", [NOTHING] * size),
    )


def _groups(clusters: Clusters, size: int) -> set[frozenset[int]]:
    found: dict[int, set[int]] = defaultdict(set)
    for position in range(size):
        found[clusters.find(position)].add(position)
    return {frozenset(group) for group in found.values()}


def test_perfect_links_join_only_one_persons_records_sharing_the_kinds_named() -> None:
    data = _data(
        [1, 1, 2, 1],
        {
            "email:a@x.com": [0, 1, 2],  # records 0 and 1 are person 1; 2 is someone else
            "postal_code:10115:SMT": [1, 3],
        },
    )
    clusters = Clusters(4)
    link_same_person(clusters, data, ("email",))
    assert _groups(clusters, 4) == {frozenset({0, 1}), frozenset({2}), frozenset({3})}
    link_same_person(clusters, data, ("postal_code",))
    assert _groups(clusters, 4) == {frozenset({0, 1, 3}), frozenset({2})}  # through record 1


def test_the_blind_rule_joins_a_rare_name_whoever_bears_it() -> None:
    names = ["ann lee", "ann lee", "bo chu", "bo chu", "bo chu"]
    data = _data([1, 2, 3, 4, 5], {}, names=names)
    clusters = Clusters(5)
    link_rare_names(clusters, data, limit=2)
    # two people named Ann Lee become one cluster: a false merge the bound counts;
    # three clusters named Bo Chu are over the limit and stay apart
    assert _groups(clusters, 5) == {
        frozenset({0, 1}),
        frozenset({2}),
        frozenset({3}),
        frozenset({4}),
    }
    clusters = Clusters(5)
    link_rare_names(clusters, data, limit=3)
    assert frozenset({2, 3, 4}) in _groups(clusters, 5)


def test_the_blind_rule_keeps_apart_what_conflicts_and_asks_for_the_city() -> None:
    phones = [
        (frozenset({"+4915112345678"}), frozenset()),
        (frozenset({"+4915187654321"}), frozenset()),  # another mobile: another person
        (frozenset(), frozenset({"ann@gmail.com"})),
    ]
    data = _data(
        [1, 2, 1],
        {},
        names=["ann lee"] * 3,
        owned=phones,
        facts=[("city:berlin",), ("city:berlin", "postal:10115"), ("city:bonn",)],
    )
    clusters = Clusters(3)
    link_rare_names(clusters, data, limit=3)
    assert _groups(clusters, 3) == {frozenset({0, 2}), frozenset({1})}
    clusters = Clusters(3)
    link_rare_names(clusters, data, limit=3, with_facts=("city",))
    assert _groups(clusters, 3) == {frozenset({0}), frozenset({1}), frozenset({2})}
    clusters = Clusters(3)
    link_rare_names(clusters, data, limit=3, with_facts=("postal",))  # only one holds it
    assert _groups(clusters, 3) == {frozenset({0}), frozenset({1}), frozenset({2})}


def test_the_bounds_on_generated_records() -> None:
    data = featured(1500, seed=5)
    assert len(data.people) == len(data.names) == len(data.owned) == len(data.facts)
    assert data.indexes == list(range(1500))  # the default mix has no refused rows
    results = list(bounds(data))
    perfect = [evaluation for label, evaluation in results if label.startswith("perfect, ")]
    assert len(perfect) == 3
    assert all(e.cluster.precision == 1.0 and e.false_merges == 0 for e in perfect)
    recalls = [e.cluster.recall for e in perfect]
    assert recalls == sorted(recalls)
    assert recalls[0] < recalls[-1]
    blind = [evaluation for label, evaluation in results if "blind name alone" in label]
    assert blind
    assert all(e.cluster.recall >= perfect[1].cluster.recall for e in blind)
    assert any(e.false_merges > 0 for e in blind)  # namesakes: the price of the rule
