"""What a connector raises so the framework knows whether to wait, resync or stop."""

from __future__ import annotations


class SyncError(Exception):
    """Base of the errors the sync framework acts on."""


class RateLimited(SyncError):
    """The provider said "slow down"; ``retry_after`` seconds if it said how long."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Transient(SyncError):
    """A failure worth retrying with backoff (5xx, a reset connection, a timeout)."""


class CursorExpired(SyncError):
    """The stored cursor is no longer accepted (Gmail history 404, Graph delta 410)."""


class NeedsReconnect(SyncError):
    """The grant is revoked or expired: only the account's owner can fix it, by reconnecting."""


class SyncBusy(SyncError):
    """Another sync of this account holds the lease."""
