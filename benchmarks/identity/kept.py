"""Reading a store kept by the benchmark's ``--keep`` (or copied from one): its
connectors and where the generator's numbering stands, so that later tools add records
without clashing with the ones it holds."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Connector, SourceRecord


def kept_connectors(session: Session) -> dict[str, int]:
    """Generated source name -> the connector the benchmark made for it."""
    return {
        name.removeprefix("bench "): connector_id
        for connector_id, name in session.execute(select(Connector.id, Connector.name))
    }


def next_index(session: Session) -> int:
    """The generator index after every record the store holds (external ids end in it)."""
    external_id = SourceRecord.external_id
    if session.get_bind().dialect.name == "postgresql":
        suffix = func.split_part(external_id, "-", 2)
    else:
        suffix = func.substr(external_id, func.instr(external_id, "-") + 1)
    highest = session.scalar(select(func.max(func.cast(suffix, SourceRecord.id.type))))
    return 0 if highest is None else highest + 1


def store_counts(session: Session) -> tuple[int, int]:
    """(source records, customers holding at least one of them)."""
    records = session.scalar(select(func.count()).select_from(SourceRecord)) or 0
    customers = session.scalar(select(func.count(func.distinct(SourceRecord.customer_id)))) or 0
    return records, customers
