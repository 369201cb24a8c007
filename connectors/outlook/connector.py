"""Outlook as a connector kind: one connector row per mailbox.

``delegated``: the rep signed in (auth code flow) and the row holds their rotating
refresh token. ``application``: the organization's app reads the mailbox with an
app-only token (client credentials, admin consent to Mail.Read); ``tenant`` names the
directory, because app-only tokens cannot come from the ``common`` authority.
"""

from __future__ import annotations

from typing import ClassVar

from marshmallow import Schema, fields, validate

from connectors.base import AuthKind, Connector

MODES = ("delegated", "application")


class OutlookSettings(Schema):
    email = fields.Email(required=True)
    user_id = fields.String(load_default="")  # Graph user id; the address serves as well
    mode = fields.String(load_default="delegated", validate=validate.OneOf(MODES))
    tenant = fields.String(load_default="")
    backfill_days = fields.Integer(load_default=90, validate=validate.Range(min=0, max=3650))
    page_size = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))


class OutlookConnector(Connector):
    kind: ClassVar[str] = "outlook"
    display_name: ClassVar[str] = "Outlook"
    auth_kind: ClassVar[AuthKind] = "microsoft_oauth"
    settings_schema: ClassVar[type[Schema]] = OutlookSettings
