"""The benchmark's generated contacts: deterministic, and labelled with the right person."""

from __future__ import annotations

from collections import defaultdict

import phonenumbers
import pytest

from benchmarks.identity.generator import generate, parse_size
from benchmarks.identity.metrics import evaluate, work_queue
from benchmarks.identity.vocabulary import GIVEN_NAMES
from benchmarks.identity.world import Person

SIZE = 3000


@pytest.fixture(scope="module")
def generated() -> tuple[list, dict[int, Person]]:
    people: dict[int, Person] = {}
    return list(generate(SIZE, seed=11, people=people)), people


def _mailbox(address: str) -> str:
    local, domain = address.strip().lower().split("@")
    local = local.split("+", 1)[0]
    return f"{local.replace('.', '')}@{domain}" if domain == "gmail.com" else f"{local}@{domain}"


def _e164(phone: str, country: str | None) -> str | None:
    try:
        number = phonenumbers.parse(phone, country)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def test_the_same_seed_gives_the_same_records(generated) -> None:
    records, _ = generated
    again = list(generate(SIZE, seed=11))
    assert [(r.external_id, r.row, r.person) for r in again] == [
        (r.external_id, r.row, r.person) for r in records
    ]
    other = list(generate(50, seed=12))
    assert [r.row for r in other] != [r.row for r in records[:50]]


def test_sizes_and_ids(generated) -> None:
    records, people = generated
    assert [record.index for record in records] == list(range(SIZE))
    assert len({record.external_id for record in records}) == SIZE
    assert {record.person for record in records} <= set(people)
    assert (parse_size("10k"), parse_size("1M"), parse_size("250")) == (10_000, 1_000_000, 250)
    assert (parse_size("900k"), parse_size("1.85m")) == (900_000, 1_850_000)
    with pytest.raises(ValueError, match="ten"):
        parse_size("ten")


def test_every_email_and_phone_belongs_to_the_labelled_person(generated) -> None:
    records, people = generated
    unexplained = 0
    for record in records:
        person = people[record.person]
        own = {_mailbox(era.email) for era in person.eras} | {
            _mailbox(box) for era in person.eras for box in era.company.inboxes
        }
        if person.personal_email:
            own.add(_mailbox(person.personal_email))
        if "email" in record.row and _mailbox(record.row["email"]) not in own:
            unexplained += 1  # a typo in the address
        lines = {person.mobile} | {era.company.switchboard for era in person.eras}
        if "phone" in record.row:
            country = record.row.get("country")
            number = _e164(record.row["phone"], country)
            assert (number is None and country is None) or number in lines, record
    assert unexplained < SIZE * 0.03


def test_personal_identifiers_are_never_shared_between_people(generated) -> None:
    _, people = generated
    owners: dict[str, set[int]] = defaultdict(set)
    for person in people.values():
        for era in person.eras:
            owners[_mailbox(era.email)].add(person.pid)
        if person.personal_email:
            owners[_mailbox(person.personal_email)].add(person.pid)
        if person.mobile:
            owners[person.mobile].add(person.pid)
    assert all(len(pids) == 1 for pids in owners.values())


def test_the_hard_cases_are_there(generated) -> None:
    records, people = generated
    in_records = {record.person for record in records}
    changers = [pid for pid in in_records if len(people[pid].eras) == 2]
    assert len(changers) > 50
    switchboard_people: dict[str, set[int]] = defaultdict(set)
    names: dict[tuple[str, str], set[int]] = defaultdict(set)
    nicknamed = 0
    for record in records:
        person = people[record.person]
        names[(person.given, person.family)].add(person.pid)
        phone = _e164(record.row.get("phone", ""), record.row.get("country"))
        if phone in {era.company.switchboard for era in person.eras}:
            switchboard_people[phone].add(person.pid)
        given = record.row.get("given_name") or record.row.get("full_name", "").split(" ")[0]
        nicknamed += given in GIVEN_NAMES.get(person.given, ())
    assert sum(1 for pids in switchboard_people.values() if len(pids) > 1) > 5
    assert sum(1 for pids in names.values() if len(pids) > 1) > 20
    assert nicknamed > 100


def test_the_scores_of_a_perfect_and_a_wrong_clustering() -> None:
    truth = [1, 1, 2, 2, 3]
    perfect = evaluate(zip(truth, truth, strict=True))
    assert (perfect.pairwise.f1, perfect.cluster.f1, perfect.exact_clusters) == (1.0, 1.0, 3)
    merged = evaluate(zip([9, 9, 9, 9, 3], truth, strict=True))
    assert merged.pairwise.precision == pytest.approx(2 / 6)
    assert merged.pairwise.recall == 1.0
    assert (merged.cluster.precision, merged.cluster.recall) == (0.5, 1.0)
    assert (merged.false_merges, merged.splits) == (1, 0)
    split = evaluate(zip([1, 5, 2, 2, 3], truth, strict=True))
    assert (split.pairwise.precision, split.pairwise.recall) == (1.0, 0.5)
    assert (split.cluster.precision, split.cluster.recall) == (1.0, pytest.approx(2 / 3))


def test_a_worked_queue_merges_only_the_items_that_are_one_person() -> None:
    # (record, customer, person): Ann is split over customers 10 and 11, Bob over 12
    # and 13 (no item between them); customer 14 is Cy, a namesake of Ann's.
    records = [(1, 10, 1), (2, 11, 1), (3, 12, 2), (4, 13, 2), (5, 14, 3)]
    before = evaluate((customer, person) for _, customer, person in records)
    queue = work_queue(records, [(2, 1), (5, 1)])
    assert (queue.items, queue.duplicates) == (2, 1)
    assert (before.splits, queue.after.splits) == (2, 1)  # Ann whole, Bob still split
    assert queue.after.false_merges == 0  # Cy's item was answered "different"
    assert queue.after.customers == 4


def test_a_worked_queue_keeps_an_impure_customer_impure() -> None:
    records = [(1, 10, 1), (2, 10, 2), (3, 11, 2)]
    queue = work_queue(records, [(3, 2)])
    assert queue.after.false_merges == 1
    assert queue.after.splits == 0
    assert queue.after.customers == 1
