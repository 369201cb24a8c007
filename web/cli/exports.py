"""``crmhub export customers``: every customer, streamed as JSON lines or CSV.

JSON lines carry everything: golden fields with their lineage, source records and
link explanations. CSV has one row per customer with the golden values under the
canonical headers (so the file imports again without a mapping), the source records
as ``kind/name:external_id`` and the link explanations as JSON in one cell.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import click

from core.records import GOLDEN_FIELDS, values_of
from web.cli.context import load_context
from web.cli.database import opened_database
from web.cli.export_data import customer_documents

ADDRESS_PARTS = ("street", "city", "postal_code", "region", "country")
CSV_COLUMNS = (
    "customer_id",
    *(name for name in GOLDEN_FIELDS if name != "address"),
    *ADDRESS_PARTS,
    "sources",
    "link_explanations",
)


@click.group("export")
def export_group() -> None:
    """Export data for other systems or for backup."""


@export_group.command("customers")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False), default=None)
def export_customers(fmt: str, output: Path | None) -> None:
    """Write every customer to FILE (or stdout), one at a time."""
    ctx = load_context()
    with opened_database(ctx) as database, _opened(output) as stream:
        documents = customer_documents(database)
        count = write_jsonl(documents, stream) if fmt == "jsonl" else write_csv(documents, stream)
    click.echo(f"exported {count} customers", err=True)


@contextmanager
def _opened(output: Path | None) -> Iterator[TextIO]:
    if output is None:
        yield sys.stdout
        return
    with output.open("w", encoding="utf-8", newline="") as stream:
        yield stream


def write_jsonl(documents: Iterator[dict[str, Any]], stream: TextIO) -> int:
    count = 0
    for document in documents:
        stream.write(json.dumps(document, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def write_csv(documents: Iterator[dict[str, Any]], stream: TextIO) -> int:
    writer = csv.DictWriter(stream, CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    count = 0
    for document in documents:
        writer.writerow(csv_row(document))
        count += 1
    return count


def csv_row(document: dict[str, Any]) -> dict[str, str]:
    """One customer flattened: lists joined with "; ", the address in its parts."""
    values = values_of(document["golden"])
    row = {name: _cell(value) for name, value in values.items() if name != "address"}
    address = values.get("address") or {}
    row.update({part: _cell(address.get(part)) for part in ADDRESS_PARTS})
    sources = document["sources"]
    row["customer_id"] = str(document["id"])
    row["sources"] = "; ".join(
        f"{item['connector_kind']}/{item['connector_name']}:{item['external_id']}"
        for item in sources
    )
    row["link_explanations"] = json.dumps(
        [item["link_explanation"] for item in sources], ensure_ascii=False, sort_keys=True
    )
    return row


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
