"""The sync framework every pulling connector runs under.

A connector only fetches pages; this package owns what must be right every time:
retries that honour ``Retry-After`` (``retrying``), the per-account quota (``budget``),
one sync per account at a time (``lease``), a single OAuth refresh however many
workers find the token expired (``tokens``), and the loop that saves each cursor with
the page it covers and resyncs exactly once when a cursor expires (``runner``).
"""

from connectors.sync.budget import RateBudget
from connectors.sync.errors import (
    CursorExpired,
    NeedsReconnect,
    RateLimited,
    SyncBusy,
    SyncError,
    Transient,
)
from connectors.sync.lease import acquire_lease, release_lease, renew_lease
from connectors.sync.retrying import with_retries
from connectors.sync.runner import PageOutcome, StreamRun, run_stream
from connectors.sync.tokens import current_credentials

__all__ = [
    "CursorExpired",
    "NeedsReconnect",
    "PageOutcome",
    "RateBudget",
    "RateLimited",
    "StreamRun",
    "SyncBusy",
    "SyncError",
    "Transient",
    "acquire_lease",
    "current_credentials",
    "release_lease",
    "renew_lease",
    "run_stream",
    "with_retries",
]
