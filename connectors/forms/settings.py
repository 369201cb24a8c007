"""What an admin sets on a web-forms source: how it proves itself, and how it maps.

``auth`` is "hmac" for systems that sign (Standard Webhooks headers) or "token" for
browser forms that cannot: the secret is then part of the hook URL. Custom mapping
documents are checked whole when the settings are loaded, so a source never holds a
mapping that would fail on every event.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate

from mapping import InvalidMapping, compile_mapping

AUTH_MODES = ("hmac", "token")
DEFAULT_SUBMISSION_ID_FIELD = "id"


class MappingDocument(fields.Raw):
    """A mapping document (JSON/YAML text or an object) for one target, checked whole."""

    def __init__(self, target: str, **kwargs: Any) -> None:
        super().__init__(load_default=None, allow_none=True, **kwargs)
        self.target = target

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, str | dict):
            raise ValidationError("a mapping document is JSON or YAML text, or an object")
        try:
            compiled = compile_mapping(value)
        except InvalidMapping as invalid:
            raise ValidationError([str(error) for error in invalid.errors]) from None
        if compiled.target != self.target:
            raise ValidationError(f"this mapping must have target {self.target}")
        return value


class FormsSettings(Schema):
    auth = fields.String(load_default="hmac", validate=validate.OneOf(AUTH_MODES))
    default_region = fields.String(
        load_default=None,
        allow_none=True,
        validate=validate.Regexp(r"^[A-Za-z]{2}$", error="a two-letter country code"),
    )
    submission_id_field = fields.String(
        load_default=DEFAULT_SUBMISSION_ID_FIELD, validate=validate.Length(min=1, max=100)
    )
    customer_mapping = MappingDocument("customer")
    activity_mapping = MappingDocument("activity")

    @post_load
    def _upper_region(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        if data.get("default_region"):
            data["default_region"] = data["default_region"].upper()
        return data
