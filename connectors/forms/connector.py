"""Web forms and custom sources: lead forms and other systems posting to a hook URL.

The source proves each post by a Standard Webhooks signature ("hmac") or by the secret
in its URL ("token", for browser forms that cannot sign). Each submission becomes a
customer (created or updated through identity resolution) and a ``form`` activity on
their timeline: the lead-capture step of the sales process.
"""

from __future__ import annotations

from typing import Any

from connectors.base import (
    Connector,
    InboundRequest,
    MappedCustomer,
    MappedEvent,
    ParsedEvent,
    UnusableEvent,
    WebhookRejected,
)
from connectors.forms import submission
from connectors.forms.mappings import forms_mapping
from connectors.forms.settings import FormsSettings
from connectors.forms.signature import verify_signature, verify_token
from mapping import MappingResult

EVENT_TYPE = "form.submitted"
IDENTIFYING = ("given_name", "family_name", "full_name", "emails", "phones")
MAX_REASONS = 5


class FormsConnector(Connector):
    """One web form, or one system posting leads, identified by its hook URL."""

    kind = "forms"
    display_name = "Web forms"
    auth_kind = "webhook_secret"
    settings_schema = FormsSettings
    webhook_media_types = submission.MEDIA_TYPES

    def verify_webhook(self, request: InboundRequest, secret: str | None) -> None:
        if not secret:
            raise WebhookRejected(401, "this source has no secret; create it again")
        if self.settings["auth"] == "token":
            verify_token(request, secret)
        elif request.path_secret is not None:
            raise WebhookRejected(401, "this source takes signed posts to its URL without a secret")
        else:
            verify_signature(request, secret)

    def parse_webhook(self, request: InboundRequest) -> ParsedEvent:
        id_field = self.settings["submission_id_field"]
        fields = submission.read_fields(request)
        if not fields:
            raise WebhookRejected(400, "the form post has no fields")
        key = submission.dedupe_key(request, fields, id_field)
        return ParsedEvent(key, EVENT_TYPE, submission.payload(request, fields, key, id_field))

    def map_webhook(self, event: ParsedEvent) -> MappedEvent:
        region = self.settings["default_region"]
        person = forms_mapping(self.settings["customer_mapping"], "customer", region)
        activity = forms_mapping(self.settings["activity_mapping"], "activity", region)
        return MappedEvent(
            customer=_customer(person.apply(event.payload), event.payload),
            activity=_activity(activity.apply(event.payload)),
        )


def _customer(result: MappingResult, payload: dict[str, Any]) -> MappedCustomer:
    if not any(result.values.get(name) for name in IDENTIFYING):
        raise UnusableEvent(
            "nothing identifies a person: no name, valid email or valid phone" + _why(result)
        )
    external_id = str(result.values.get("external_id") or payload["id"])
    return MappedCustomer(external_id, payload, result.to_json())


def _activity(result: MappingResult) -> dict[str, Any]:
    if not result.complete:
        missing = ", ".join(result.missing)
        raise UnusableEvent(f"the activity mapping gave no {missing}" + _why(result))
    return result.to_json()


def _why(result: MappingResult) -> str:
    """The mapping's warnings: they name fields and problems, never posted values."""
    reasons = [str(warning) for warning in result.warnings[:MAX_REASONS]]
    return f" ({'; '.join(reasons)})" if reasons else ""
