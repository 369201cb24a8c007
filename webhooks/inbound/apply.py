"""What one stored event does: a customer through identity resolution, then an activity.

Runs in the caller's transaction, together with the event's "processed" mark, so an
event's effects and its status are committed together or not at all. Both effects are
idempotent on their own keys too (the source record's (connector, external id) and
content hash; the activity's (connector, external id)), so processing again changes
nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from connectors.base import Connector
from core.activities import activity_from_mapped, log_activity
from core.identity import ingest_customer
from core.models import InboundEvent
from webhooks.inbound.stored import stored_request


def apply_event(session: Session, connector: Connector, event: InboundEvent) -> None:
    """Parse, map and apply one event; raises UnusableEvent (or worse) when it cannot."""
    parsed = connector.parse_webhook(stored_request(event))
    mapped = connector.map_webhook(parsed)
    customer_ids: list[int] = []
    source_records: dict[int, int] = {}
    if mapped.customer is not None:
        result = ingest_customer(
            session,
            connector_id=event.connector_id,
            external_id=mapped.customer.external_id,
            raw=mapped.customer.raw,
            mapped=mapped.customer.mapped,
        )
        if result.customer_id is not None:
            customer_ids.append(result.customer_id)
            source_records[result.customer_id] = result.source_record_id
    if mapped.activity is not None:
        item = activity_from_mapped(mapped.activity, connector_id=event.connector_id)
        log_activity(session, item, customer_ids=customer_ids, source_records=source_records)
