"""Opaque cursors for keyset pagination: the sort key of the last item a client saw.

A cursor is base64url JSON, so clients treat it as a token and the server can change
its shape later. Keyset pages stay stable while rows are written: an item is never
skipped or repeated because another one was inserted or deleted in front of it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import marshmallow as ma

Key = tuple[Any, ...]
BAD_CURSOR = "Not a cursor from this API; pass next_cursor from a previous page unchanged."


def encode_cursor(*values: datetime | int) -> str:
    parts = [
        value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value
        for value in values
    ]
    raw = json.dumps(parts, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(text: str, shape: Sequence[type]) -> Key:
    """The values of a cursor of this shape; ValueError for anything else."""
    try:
        padded = text + "=" * (-len(text) % 4)
        parts = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeEncodeError):
        raise ValueError(BAD_CURSOR) from None
    if not isinstance(parts, list) or len(parts) != len(shape):
        raise ValueError(BAD_CURSOR)
    return tuple(_part(value, kind) for value, kind in zip(parts, shape, strict=True))


def _part(value: Any, kind: type) -> Any:
    if kind is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if kind is datetime and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(BAD_CURSOR) from None
        if moment.tzinfo is not None:
            return moment
    raise ValueError(BAD_CURSOR)


class CursorField(ma.fields.String):
    """A query parameter holding a cursor; loads to the tuple of its values."""

    def __init__(self, shape: Sequence[type], **kwargs: Any) -> None:
        kwargs.setdefault("metadata", {"description": "next_cursor of the previous page (opaque)"})
        super().__init__(validate=ma.validate.Length(max=200), **kwargs)
        self.shape = tuple(shape)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return decode_cursor(text, self.shape)
        except ValueError as exc:
            raise ma.ValidationError(str(exc)) from None


def page_schema(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """The envelope of a cursor listing of ``item``."""
    return ma.Schema.from_dict(
        {
            "items": ma.fields.List(ma.fields.Nested(item), required=True),
            "next_cursor": ma.fields.String(
                required=True,
                allow_none=True,
                metadata={
                    "description": "Pass as cursor to continue after the last item; kept "
                    "even on the last page, so a poller resumes from it later. Null only "
                    "when nothing was listed and no cursor was given."
                },
            ),
            "has_more": ma.fields.Boolean(
                required=True, metadata={"description": "More items follow right now"}
            ),
        },
        name=name,
    )


def limit_field(default: int = 50, maximum: int = 200) -> ma.fields.Integer:
    return ma.fields.Integer(
        load_default=default,
        validate=ma.validate.Range(min=1, max=maximum),
        metadata={"description": f"Items per page, 1 to {maximum}"},
    )


def cursor_page(rows: Sequence[Any], limit: int, key_of: Any, after: Key | None) -> dict[str, Any]:
    """The page body from up to ``limit + 1`` rows fetched in key order."""
    items = list(rows[:limit])
    if items:
        next_cursor: str | None = encode_cursor(*key_of(items[-1]))
    else:
        next_cursor = encode_cursor(*after) if after else None
    return {"items": items, "next_cursor": next_cursor, "has_more": len(rows) > limit}
