"""Gmail as a connector kind: one connector row per rep's mailbox."""

from __future__ import annotations

from typing import ClassVar

from marshmallow import Schema, fields, validate

from connectors.base import AuthKind, Connector


class GmailSettings(Schema):
    email = fields.Email(required=True)
    backfill_days = fields.Integer(load_default=90, validate=validate.Range(min=1, max=3650))
    page_size = fields.Integer(load_default=500, validate=validate.Range(min=1, max=500))
    push_topic = fields.String(load_default="")  # projects/<p>/topics/<t> for users.watch


class GmailConnector(Connector):
    kind: ClassVar[str] = "gmail"
    display_name: ClassVar[str] = "Gmail"
    auth_kind: ClassVar[AuthKind] = "google_oauth"
    settings_schema: ClassVar[type[Schema]] = GmailSettings
