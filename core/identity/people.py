"""Are two records plainly different people? Used to guard and demote shared keys.

A shared email or phone links two records only while their names do not contradict
it: "Ann Lee" and "Ben Lee" on one family inbox are two people, and so are "Jim
Darman" and "James Wagner" on one company switchboard.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz.distance import JaroWinkler

from core.identity.compare import NAME_TYPO_SIMILARITY, given_typo
from core.identity.features import Features
from core.normalize import nicknames_agree


def distinct_people(a: Features, b: Features) -> bool:
    """True when the names say these are two people; unknown names never do.

    Both name parts must agree when both records have them: "Bill Melland" and "Will
    Cranedale" on one switchboard are two people although Bill and Will may be one
    name. A married name therefore counts as another person here, which only sends
    the pair to scoring (and review), never to a wrong merge.
    """
    if a.given and b.given and not _given_compatible(a.given, b.given, a, b):
        return True
    if a.family and b.family:
        return not _family_compatible(a, b)
    return False


def count_people(records: Iterable[Features]) -> int:
    """How many different people a set of records names (records without names skipped)."""
    people: list[Features] = []
    for features in records:
        if features.has_name and all(distinct_people(features, p) for p in people):
            people.append(features)
    return len(people)


def _given_compatible(left: str, right: str, a: Features, b: Features) -> bool:
    if left == right or (left[0] == right[0] and min(len(left), len(right)) == 1):
        return True
    if nicknames_agree(left, right, a.given_names, b.given_names):
        return True
    return given_typo(a, b)


def _family_compatible(a: Features, b: Features) -> bool:
    if a.family == b.family or (a.family_code and a.family_code == b.family_code):
        return True
    return JaroWinkler.similarity(a.family or "", b.family or "") >= NAME_TYPO_SIMILARITY
