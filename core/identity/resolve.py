"""Deciding where one record belongs: deterministic keys first, then scoring.

A record joins at most one customer and never merges two: when its keys point at
several customers it joins the strongest and the others go to review, and a customer
of its name at its workplace that it also scores close to goes to review too.
Probabilistic links compare the record with each candidate customer on its own, so weak
links never chain two customers together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from core.identity.candidates import CandidateIndex, CustomerRef, Holder
from core.identity.features import Features
from core.identity.people import count_people, distinct_people
from core.identity.weights import Score, Scorer

Matches = dict[CustomerRef, list[tuple[str, Holder]]]
# Blocks that pair the name with another fact (see core/identity/blocking.py).
FACT_BLOCKS = ("birth_date:", "postal_code:", "company_domain:", "company_name:", "given_company:")


@dataclass
class ReviewIntent:
    candidate: Holder
    reason: str  # "probable_match" or "key_conflict"
    score: float | None
    explanation: dict[str, Any]


@dataclass
class Decision:
    action: str  # "created", "linked", "updated" or "review"
    customer: CustomerRef
    rule: str
    explanation: dict[str, Any]
    compared_with: Holder | None = None
    reviews: list[ReviewIntent] = field(default_factory=list)
    keep_link: bool = False  # an update keeps its link and the reason it was linked


def resolve(
    features: Features,
    *,
    record_id: int | None,
    current: CustomerRef | None,
    index: CandidateIndex,
    scorer: Scorer,
    new_customer: Callable[[], CustomerRef],
) -> Decision:
    """Where the record goes, why, and what a person should review."""
    blocked = index.blocked(record_id)
    matches = deterministic_matches(features, index, blocked)
    if current is not None:
        return _update(current, matches)
    if matches:
        decision = _link_by_keys(matches)
        excluded = blocked | matches.keys()
        return _review_close_scores(decision, features, index, scorer, excluded)
    return _score(features, index, scorer, blocked, new_customer)


def deterministic_matches(features: Features, index: CandidateIndex, blocked: set) -> Matches:
    """Customers sharing an email or phone with the record, by key.

    A key shared by ``shared_key_people`` distinct people is demoted on the spot; a
    holder whose name says it is someone else does not count.
    """
    found: Matches = {}
    for key in features.deterministic_keys():
        holders = index.holders.get(key, [])
        if key in index.demoted or not holders:
            continue
        index.load(holders)
        people = count_people([features, *(h.loaded for h in holders)])
        if people >= index.options.shared_key_people:
            index.demote(key, people)
            continue
        for holder in holders:
            if holder.customer not in blocked and not distinct_people(features, holder.loaded):
                found.setdefault(holder.customer, []).append((key, holder))
    return found


def _update(current: CustomerRef, matches: Matches) -> Decision:
    """A known record stays with its customer; keys now pointing elsewhere go to review."""
    reviews = [_conflict(found, []) for ref, found in matches.items() if ref != current]
    explanation: dict[str, Any] = {"rule": "external_id"}
    if reviews:
        explanation["conflicts"] = [r.explanation["keys"] for r in reviews]
    action = "review" if reviews else "updated"
    return Decision(action, current, "external_id", explanation, reviews=reviews, keep_link=True)


def _link_by_keys(matches: Matches) -> Decision:
    ranked = sorted(matches.items(), key=_key_strength)
    (customer, found), others = ranked[0], ranked[1:]
    keys = sorted({key for key, _ in found})
    rule = "email" if any(k.startswith("email:") for k in keys) else "phone"
    reviews = [_conflict(other, keys) for _, other in others]
    explanation: dict[str, Any] = {"rule": rule, "keys": keys}
    if reviews:
        explanation["conflicts"] = [r.explanation["keys"] for r in reviews]
    return Decision("review" if reviews else "linked", customer, rule, explanation, reviews=reviews)


def _review_close_scores(
    decision: Decision, features: Features, index: CandidateIndex, scorer: Scorer, excluded: set
) -> Decision:
    """Queue the customers a key-linked record also scores close to.

    The record is one person's, and a customer that shares its name and company, postal
    code or birth date and scores in review range may be that person too; without this
    the pair would never be asked about (the key decided the link before any scoring).
    Only those blocks nominate here: a name alone brings namesakes, and a score never
    merges two customers.
    """
    room = index.options.max_reviews_per_record - len(decision.reviews)
    if room <= 0:
        return decision
    thresholds = _thresholds(index)
    scored = score_candidates(features, index, scorer, excluded, FACT_BLOCKS)
    close = [s for s in scored if s[0].total >= thresholds["review"]][:room]
    if not close:
        return decision
    linked_by = decision.explanation.get("keys", [])
    decision.reviews.extend(_probable(s, h, thresholds, linked_by) for s, h in close)
    decision.action = "review"
    return decision


def _thresholds(index: CandidateIndex) -> dict[str, float]:
    options = index.options
    return {
        "auto_link": round(options.link_threshold(index.total), 2),
        "review": round(options.review_floor(index.total), 2),
    }


def _conflict(found: list[tuple[str, Holder]], linked_by: list[str]) -> ReviewIntent:
    keys = sorted({key for key, _ in found})
    explanation = {"rule": "key_conflict", "keys": keys, "linked_by": linked_by}
    return ReviewIntent(found[0][1], "key_conflict", None, explanation)


def _key_strength(item: tuple[CustomerRef, list[tuple[str, Holder]]]) -> tuple[Any, ...]:
    """More shared emails first, then phones, then the oldest customer."""
    customer, found = item
    keys = {key for key, _ in found}
    emails = sum(1 for k in keys if k.startswith("email:"))
    return (-emails, -(len(keys) - emails), _order(customer))


def _order(customer: CustomerRef) -> tuple[int, int]:
    return (0, customer) if isinstance(customer, int) else (1, 0)


def _score(
    features: Features,
    index: CandidateIndex,
    scorer: Scorer,
    blocked: set,
    new_customer: Callable[[], CustomerRef],
) -> Decision:
    options = index.options
    scored = score_candidates(features, index, scorer, blocked)
    thresholds = _thresholds(index)
    auto_link, review_floor = thresholds["auto_link"], thresholds["review"]
    if scored and _links(scored[0][0], auto_link):
        best, holder = scored[0]
        rest = [s for s in scored[1:] if _links(s[0], auto_link)]
        reviews = [_probable(s, h, thresholds) for s, h in rest[: options.max_reviews_per_record]]
        explanation = {"rule": "probabilistic", **best.explain(), "thresholds": thresholds}
        action = "review" if reviews else "linked"
        return Decision(action, holder.customer, "probabilistic", explanation, holder, reviews)
    explanation: dict[str, Any] = {"rule": "new", "thresholds": thresholds}
    if scored:
        explanation["best"] = scored[0][0].explain()
    in_range = [s for s in scored if s[0].total >= review_floor]
    reviews = [_probable(s, h, thresholds) for s, h in in_range[: options.max_reviews_per_record]]
    holder = scored[0][1] if scored else None
    action = "review" if reviews else "created"
    return Decision(action, new_customer(), "new", explanation, holder, reviews)


def _links(score: Score, auto_link: float) -> bool:
    return score.total >= auto_link and score.may_link


def _probable(
    score: Score, holder: Holder, thresholds: dict[str, float], linked_by: list[str] | None = None
) -> ReviewIntent:
    explanation = {"rule": "probable_match", **score.explain(), "thresholds": thresholds}
    if linked_by:
        explanation["linked_by"] = linked_by
    return ReviewIntent(holder, "probable_match", round(score.total, 2), explanation)


def score_candidates(
    features: Features,
    index: CandidateIndex,
    scorer: Scorer,
    blocked: set,
    kinds: tuple[str, ...] | None = None,
) -> list[tuple[Score, Holder]]:
    """The best-scoring record of each candidate customer, best customer first.

    ``kinds`` limits the blocks that nominate candidates to those prefixes.
    """
    chosen, holders = _nominate(features, index, blocked, kinds)
    index.load(h for customer in chosen for h in holders[customer].values())
    results = []
    for customer in chosen:
        pairs = [(scorer.score(features, h.loaded), h) for h in holders[customer].values()]
        results.append(max(pairs, key=lambda pair: pair[0].total))
    return sorted(results, key=lambda pair: -pair[0].total)


def prefetch_candidates(records: Iterable[tuple[Features, bool]], index: CandidateIndex) -> None:
    """Fetch, in one query, the stored features a chunk's scoring will likely compare.

    ``score_candidates`` loads what it compares when it gets there, one query per record
    (at 10,000 records, 4,600 of them): on PostgreSQL each is a round trip. This asks the
    same question as scoring for every (features, already stored) record of the chunk
    up front; records decided earlier in the chunk can still change a later one's
    candidates, and what this misses is loaded when it is compared, as before.
    """
    wanted: list[Holder] = []
    for features, stored in records:
        if stored:  # an update keeps its customer and scores nothing
            continue
        keyed = any(
            key not in index.demoted and index.holders.get(key)
            for key in features.deterministic_keys()
        )
        chosen, holders = _nominate(features, index, set(), FACT_BLOCKS if keyed else None)
        wanted.extend(h for customer in chosen for h in holders[customer].values())
    index.load(wanted)


def _nominate(
    features: Features, index: CandidateIndex, blocked: set, kinds: tuple[str, ...] | None
) -> tuple[list[CustomerRef], dict[CustomerRef, dict[int, Holder]]]:
    """The candidate customers (most shared blocks first, at most ``max_candidates``)
    and the holders of each."""
    holders: dict[CustomerRef, dict[int, Holder]] = {}
    shared: Counter[CustomerRef] = Counter()
    for key in features.blocks:
        if (kinds is not None and not key.startswith(kinds)) or not index.usable(key):
            continue
        for holder in index.holders.get(key, ()):
            if holder.customer not in blocked:
                holders.setdefault(holder.customer, {})[id(holder)] = holder
                shared[holder.customer] += 1
    ranked = sorted(holders, key=lambda ref: (-shared[ref], _order(ref)))
    return ranked[: index.options.max_candidates], holders
