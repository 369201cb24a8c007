"""Inbound webhooks: verify and store before answering, then process from the inbox.

``receive`` (the web layer calls it) stores a verified event under its dedupe key;
``process_batch`` (a worker task) claims and applies pending events; the sweeper
queues again whatever is stored but not processed; ``retry_event`` is the admin's
button for a failed one.
"""

from webhooks.inbound.listing import (
    STATUSES,
    EventRow,
    SourceSummary,
    inbound_sources,
    recent_events,
    webhook_kinds,
)
from webhooks.inbound.options import InboundLimits, InboxOptions
from webhooks.inbound.processing import BatchResult, process_batch
from webhooks.inbound.receiver import Receipt, mark_unqueued, receive
from webhooks.inbound.retry import EventNotFound, NotRetryable, retry_event
from webhooks.inbound.sweeper import due_for_requeue, release_expired_claims
from webhooks.inbound.urls import hook_url

__all__ = [
    "STATUSES",
    "BatchResult",
    "EventNotFound",
    "EventRow",
    "InboundLimits",
    "InboxOptions",
    "NotRetryable",
    "Receipt",
    "SourceSummary",
    "due_for_requeue",
    "hook_url",
    "inbound_sources",
    "mark_unqueued",
    "process_batch",
    "receive",
    "recent_events",
    "release_expired_claims",
    "retry_event",
    "webhook_kinds",
]
