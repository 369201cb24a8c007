"""Scoring predicted clusters (customers) against the truth (people).

Pairwise: every pair of records put in one customer is a predicted match; it is right
when both records describe one person. Cluster: a customer is *pure* when all its
records describe one person (precision: no false merge), a person is *whole* when all
their records sit in one customer (recall: no split); an exact cluster is both.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scores:
    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 0.0 if total == 0 else 2 * self.precision * self.recall / total


@dataclass(frozen=True, slots=True)
class Evaluation:
    records: int
    customers: int
    people: int
    pairwise: Scores
    cluster: Scores
    exact_clusters: int  # customers that hold exactly one person's records, all of them
    false_merges: int  # customers holding more than one person
    splits: int  # people spread over more than one customer


def evaluate(labels: Iterable[tuple[int, int]]) -> Evaluation:
    """Score (predicted customer, true person) labels, one pair per record."""
    cells: Counter[tuple[int, int]] = Counter(labels)
    predicted: Counter[int] = Counter()
    truth: Counter[int] = Counter()
    people_in: Counter[int] = Counter()  # distinct people per customer
    customers_of: Counter[int] = Counter()  # distinct customers per person
    for (customer, person), count in cells.items():
        predicted[customer] += count
        truth[person] += count
        people_in[customer] += 1
        customers_of[person] += 1
    right = sum(_pairs(count) for count in cells.values())
    pairwise = Scores(
        _ratio(right, sum(_pairs(n) for n in predicted.values())),
        _ratio(right, sum(_pairs(n) for n in truth.values())),
    )
    pure = sum(1 for count in people_in.values() if count == 1)
    whole = sum(1 for count in customers_of.values() if count == 1)
    exact = sum(
        1 for (customer, person) in cells if people_in[customer] == 1 and customers_of[person] == 1
    )
    return Evaluation(
        records=sum(cells.values()),
        customers=len(predicted),
        people=len(truth),
        pairwise=pairwise,
        cluster=Scores(_ratio(pure, len(predicted)), _ratio(whole, len(truth))),
        exact_clusters=exact,
        false_merges=len(predicted) - pure,
        splits=len(truth) - whole,
    )


@dataclass(frozen=True, slots=True)
class WorkedQueue:
    """The open review queue, and the customers once every item in it is decided."""

    items: int
    duplicates: int  # items whose two records describe one person
    after: Evaluation  # each duplicate answered "same" (merging), the rest "different"


def work_queue(
    records: Sequence[tuple[int, int, int]], items: Iterable[tuple[int, int]]
) -> WorkedQueue:
    """Decide review items as someone who knows the truth would.

    ``records`` holds (record id, customer, person); ``items`` the two record ids of each
    open review item. "Same" merges the two records' customers, as the review page
    does, so a customer already holding two people stays impure.
    """
    customer_of = {record: customer for record, customer, _ in records}
    person_of = {record: person for record, _, person in records}
    parent: dict[int, int] = {}

    def root(customer: int) -> int:
        while customer in parent:
            customer = parent[customer]
        return customer

    count = duplicates = 0
    for left, right in items:
        count += 1
        if person_of[left] != person_of[right]:
            continue
        duplicates += 1
        winner, loser = root(customer_of[left]), root(customer_of[right])
        if winner != loser:
            parent[loser] = winner
    after = evaluate((root(customer), person) for _, customer, person in records)
    return WorkedQueue(count, duplicates, after)


def _pairs(count: int) -> int:
    return count * (count - 1) // 2


def _ratio(part: int, whole: int) -> float:
    return 1.0 if whole == 0 else part / whole


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of the values fall (nearest rank)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
