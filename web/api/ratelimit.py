"""Requests per API token in fixed windows, counted in the database every process shares.

One upsert per request counts it; the count is read back in the same transaction (on
PostgreSQL the upsert holds the row lock, so concurrent requests queue and each sees its
own number). The first request of a new window deletes the token's older windows, so the
table holds about one row per active token. The limit is the AppSetting
``api.rate_limit`` (``{"requests": 600, "window_seconds": 60}`` when unset), read in the
same transaction: one primary-key lookup, no cache to go stale across processes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.models import ApiRateWindow, AppSetting
from core.upsert import upsert

SETTING_KEY = "api.rate_limit"
DEFAULT_REQUESTS = 600
DEFAULT_WINDOW_SECONDS = 60
MAX_WINDOW_SECONDS = 86_400
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class RatePolicy:
    requests: int = DEFAULT_REQUESTS
    window_seconds: int = DEFAULT_WINDOW_SECONDS


@dataclass(frozen=True)
class RateState:
    """Where one token stands in its current window, after counting this request."""

    policy: RatePolicy
    count: int
    reset_seconds: int

    @property
    def exceeded(self) -> bool:
        return self.count > self.policy.requests

    @property
    def remaining(self) -> int:
        return max(0, self.policy.requests - self.count)

    def headers(self) -> dict[str, str]:
        """The IETF draft's RateLimit-* fields (limit, remaining, seconds to reset)."""
        return {
            "RateLimit-Limit": str(self.policy.requests),
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(self.reset_seconds),
            "RateLimit-Policy": f"{self.policy.requests};w={self.policy.window_seconds}",
        }


def load_policy(session: Session) -> RatePolicy:
    """The configured policy; a missing or malformed setting means the default."""
    row = session.get(AppSetting, SETTING_KEY)
    value: dict[str, Any] = row.value if row is not None and isinstance(row.value, dict) else {}
    requests = _whole(value.get("requests"), DEFAULT_REQUESTS, 1, 10**9)
    window = _whole(value.get("window_seconds"), DEFAULT_WINDOW_SECONDS, 1, MAX_WINDOW_SECONDS)
    return RatePolicy(requests, window)


def count_request(session: Session, token_id: int, now: datetime) -> RateState:
    """Count one request of the token in the window containing ``now``."""
    policy = load_policy(session)
    start = window_start(now, policy.window_seconds)
    key = {"token_id": token_id, "window_start": start}
    upsert(
        session,
        ApiRateWindow,
        key=key,
        insert={"count": 1},
        update={"count": ApiRateWindow.count + 1},
    )
    count = session.scalar(
        select(ApiRateWindow.count).where(
            ApiRateWindow.token_id == token_id, ApiRateWindow.window_start == start
        )
    )
    if count == 1:
        prune(session, token_id, start)
    ends = start + timedelta(seconds=policy.window_seconds)
    return RateState(policy, int(count or 0), max(1, math.ceil((ends - now).total_seconds())))


def prune(session: Session, token_id: int, current_start: datetime) -> None:
    """Drop the token's finished windows; only the current one is ever read."""
    session.execute(
        delete(ApiRateWindow).where(
            ApiRateWindow.token_id == token_id, ApiRateWindow.window_start < current_start
        )
    )


def window_start(now: datetime, window_seconds: int) -> datetime:
    """Windows are aligned to the epoch, so every process agrees on their edges."""
    elapsed = int((now - EPOCH).total_seconds())
    return EPOCH + timedelta(seconds=elapsed - elapsed % window_seconds)


def _whole(value: Any, default: int, low: int, high: int) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return value
    return default
