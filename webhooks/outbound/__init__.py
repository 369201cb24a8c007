"""Outbound webhooks: outbox events delivered to subscribed endpoints, signed, with retries.

The flow is ``fanout`` (events → deliveries) then ``delivering`` (claim, send, record);
``endpoints`` and ``replay`` are what the admin pages and the API call.
"""

from webhooks.outbound.allowlist import load_allowlist, save_allowlist
from webhooks.outbound.delivering import RunStats, deliver_due
from webhooks.outbound.endpoints import (
    CreatedEndpoint,
    EndpointNotFound,
    create_endpoint,
    delete_endpoint,
    rotate_secret,
    set_enabled,
    update_endpoint,
)
from webhooks.outbound.fanout import TEST_EVENT_TYPE, FanOutResult, dispatch_pending, fan_out
from webhooks.outbound.filters import InvalidFilter
from webhooks.outbound.options import DeliveryOptions, InvalidOptions, load_options
from webhooks.outbound.replay import (
    DeliveryNotFound,
    EndpointDisabled,
    replay_delivery,
    replay_since,
    send_test_event,
)
from webhooks.outbound.urlguard import UnsafeURL, check_url

__all__ = [
    "TEST_EVENT_TYPE",
    "CreatedEndpoint",
    "DeliveryNotFound",
    "DeliveryOptions",
    "EndpointDisabled",
    "EndpointNotFound",
    "FanOutResult",
    "InvalidFilter",
    "InvalidOptions",
    "RunStats",
    "UnsafeURL",
    "check_url",
    "create_endpoint",
    "delete_endpoint",
    "deliver_due",
    "dispatch_pending",
    "fan_out",
    "load_allowlist",
    "load_options",
    "replay_delivery",
    "replay_since",
    "rotate_secret",
    "save_allowlist",
    "send_test_event",
    "set_enabled",
    "update_endpoint",
]
