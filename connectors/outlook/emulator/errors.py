"""Graph's error body: ``{"error": {"code", "message", "innerError": {...}}}``."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any


class GraphError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.code,
                "message": self.message,
                "innerError": {
                    "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                    "request-id": str(uuid.uuid4()),
                },
            }
        }

    @classmethod
    def bad_request(cls, message: str) -> GraphError:
        return cls(400, "BadRequest", message)

    @classmethod
    def not_found(
        cls, message: str = "The specified object was not found in the store."
    ) -> GraphError:
        return cls(404, "ErrorItemNotFound", message)

    @classmethod
    def throttled(cls, retry_after: str, message: str) -> GraphError:
        return cls(429, "ApplicationThrottled", message, (("Retry-After", retry_after),))
