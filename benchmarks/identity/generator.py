"""Generated CRM contacts with known truth, streamed in constant memory.

People are made one at a time; each appears in 1 to 5 records (a job changer in a few
more), spread over four sources. Records are shuffled within a window of 20,000, so
one person's records arrive apart, as they do from real tools. Every record carries
the id of the person it describes: the truth the resolver is scored against.

Run ``python -m benchmarks.identity.generator --size 10k --out contacts.csv`` to write
the records as a CSV file with canonical headers (and the truth beside it).
"""

from __future__ import annotations

import argparse
import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.identity.variants import pick_source, view
from benchmarks.identity.world import Person, World

WINDOW = 20_000
_RECORDS_PER_PERSON = ((1, 0.45), (2, 0.30), (3, 0.15), (4, 0.07), (5, 0.03))
HEADERS = (
    "external_id", "given_name", "family_name", "full_name", "email", "phone", "company",
    "job_title", "city", "postal_code", "country",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class GeneratedRecord:
    index: int
    source: str
    row: dict[str, str]  # canonical CSV headers -> text
    person: int  # the truth: who this record describes

    @property
    def external_id(self) -> str:
        return f"{self.source}-{self.index}"


def parse_size(text: str) -> int:
    """A plain number, or one with a thousands (k) or millions (m) suffix: "900k", "1m"."""
    text = text.strip().lower()
    for suffix, factor in (("k", 1_000), ("m", 1_000_000)):
        if text.endswith(suffix):
            return round(float(text[: -len(suffix)]) * factor)
    return int(text)


def generate(
    size: int, seed: int = 7, people: dict[int, Person] | None = None
) -> Iterator[GeneratedRecord]:
    """``size`` records; ``people``, when given, collects the truth behind them."""
    rng = random.Random(seed)
    world = World(rng, size // 2)
    pending: list[tuple[str, dict[str, str], int]] = []
    made, emitted, pid = 0, 0, 0
    recent: list[Person] = []
    while made < size:
        person = _next_person(world, pid, recent)
        if people is not None:
            people[pid] = person
        records = _records_of(rng, person)[: size - made]
        pending += records
        made += len(records)
        pid += 1
        if len(pending) >= WINDOW or made == size:
            yield from _flush(rng, pending, emitted)
            emitted, pending = made, []


def _next_person(world: World, pid: int, recent: list[Person]) -> Person:
    """Mostly a new name; now and then a namesake of someone recent (a different person)."""
    namesake = world.rng.choice(recent) if recent and world.rng.random() < 0.02 else None
    person = world.person(pid, namesake_of=namesake)
    recent.append(person)
    if len(recent) > 500:
        recent.pop(0)
    return person


def _records_of(rng: random.Random, person: Person) -> list[tuple[str, dict[str, str], int]]:
    counts, weights = zip(*_RECORDS_PER_PERSON, strict=True)
    count = rng.choices(counts, weights)[0] + (len(person.eras) - 1) * rng.randint(1, 2)
    records = []
    for number in range(count):
        era = person.eras[number % len(person.eras)]
        source = pick_source(rng)
        records.append((source, view(rng, person, era, source), person.pid))
    return records


def _flush(
    rng: random.Random, pending: list[tuple[str, dict[str, str], int]], start: int
) -> Iterator[GeneratedRecord]:
    rng.shuffle(pending)
    for offset, (source, row, pid) in enumerate(pending):
        yield GeneratedRecord(start + offset, source, row, pid)


def write_csv(size: int, seed: int, out: Path) -> None:
    """The records as a CSV file with canonical headers, and their truth beside it."""
    truth = out.with_suffix(".truth.csv")
    with out.open("w", newline="", encoding="utf-8") as rows, truth.open("w", newline="") as ids:
        writer = csv.DictWriter(rows, HEADERS)
        writer.writeheader()
        truth_writer = csv.writer(ids)
        truth_writer.writerow(("external_id", "person"))
        for record in generate(size, seed):
            writer.writerow({"external_id": record.external_id, **record.row})
            truth_writer.writerow((record.external_id, record.person))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="10k", help="10k, 100k, 1m or a number")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write_csv(parse_size(args.size), args.seed, args.out)
    print(f"wrote {args.out} and {args.out.with_suffix('.truth.csv')}")


if __name__ == "__main__":
    main()
