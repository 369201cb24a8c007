"""Google's error body: ``{"error": {code, message, errors: [{reason, domain}], status}}``.

googleapiclient turns it into ``HttpError``; its ``reason`` and status drive retries.
"""

from __future__ import annotations

from typing import Any

STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    503: "UNAVAILABLE",
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        reason: str,
        domain: str = "global",
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(message)
        self.status, self.message, self.reason, self.domain = status, message, reason, domain
        self.headers = headers

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "code": self.status,
                "message": self.message,
                "errors": [{"message": self.message, "domain": self.domain, "reason": self.reason}],
                "status": STATUS_NAMES.get(self.status, "UNKNOWN"),
            }
        }

    @classmethod
    def invalid(cls, message: str) -> ApiError:
        return cls(400, message, "invalidArgument")

    @classmethod
    def not_found(cls) -> ApiError:
        return cls(404, "Requested entity was not found.", "notFound")

    @classmethod
    def unauthenticated(cls) -> ApiError:
        return cls(
            401,
            "Request had invalid authentication credentials. Expected OAuth 2 access token.",
            "authError",
            headers=(("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/"'),),
        )

    @classmethod
    def rate_limited(cls, status: int, retry_after: str | None, message: str) -> ApiError:
        reason = "rateLimitExceeded" if status == 429 else "userRateLimitExceeded"
        headers = (("Retry-After", retry_after),) if retry_after else ()
        return cls(status, message, reason, "usageLimits", headers)
