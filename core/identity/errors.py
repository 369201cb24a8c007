"""Errors of identity operations; each message is fit to show to the person who acted."""

from __future__ import annotations

from core.records.errors import CustomerNotFound, IdentityError, UnknownField


class NotMerged(IdentityError):
    """An unmerge or split was asked of something that was never merged."""


class SourceRecordNotFound(IdentityError):
    def __init__(self, source_record_id: int) -> None:
        super().__init__(f"source record {source_record_id} does not exist")
        self.source_record_id = source_record_id


class ReviewItemNotFound(IdentityError):
    def __init__(self, item_id: int) -> None:
        super().__init__(f"review item {item_id} does not exist")
        self.item_id = item_id


__all__ = [
    "CustomerNotFound",
    "IdentityError",
    "NotMerged",
    "ReviewItemNotFound",
    "SourceRecordNotFound",
    "UnknownField",
]
