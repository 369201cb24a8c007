"""One signed POST to one endpoint, and what came of it, in words fit for the delivery log.

Only a 2xx answer within the timeout counts. Redirects are not followed (a 3xx is a
failure: following one would let a public URL send us to an internal address). The
response excerpt is capped and scrubbed of the secrets and signatures we sent, and
errors never quote the URL (it may carry a token).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import requests
import urllib3

from core.models import utcnow
from webhooks.outbound.options import DeliveryOptions
from webhooks.outbound.schedule import THROTTLE_STATUSES, parse_retry_after
from webhooks.outbound.signing import SECRET_PREFIX, signature_headers

REDACTED = "[redacted]"
# Read a little past the excerpt, so a secret straddling its end is still recognized.
SCRUB_MARGIN = 256


@dataclass(frozen=True)
class Message:
    """What to send: the body is the same on every attempt, the signature is not."""

    url: str
    msg_id: str
    body: str
    secrets: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    at: datetime
    status_code: int | None = None
    latency_ms: int | None = None
    excerpt: str = ""
    error: str = ""
    retry_after: float | None = None

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300

    @property
    def gone(self) -> bool:
        return self.status_code == 410


class EndpointSender:
    """Sends messages to one endpoint URL over its session, for the length of a batch.

    The request is prepared once (URL parsing, session headers) and copied per message;
    preparing from scratch costs more than the rest of a local send together.
    """

    def __init__(self, session: requests.Session, url: str, options: DeliveryOptions) -> None:
        self._template = session.prepare_request(requests.Request("POST", url))
        # Straight to the transport: Session.send would read a 3xx body to the end
        # (however large) on its way to following, or refusing, the redirect.
        self._adapter = session.get_adapter(url)
        self._options = options

    def send(self, message: Message) -> Outcome:
        """POST the message once; never raises for anything the network or receiver does."""
        options = self._options
        at = utcnow()
        headers = signature_headers(message.secrets, message.msg_id, at, message.body)
        started = time.perf_counter()
        try:
            response = self._adapter.send(
                self._prepare(headers, message.body.encode()),
                stream=True,
                timeout=options.timeout_seconds,
                verify=options.verify_tls,
            )
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
            error = describe_error(exc, options.timeout_seconds)
            return Outcome(at, latency_ms=_ms(started), error=error)
        try:
            raw = _read_excerpt(response, options.excerpt_bytes + SCRUB_MARGIN)
        finally:
            response.close()
        latency = _ms(started)
        signatures = [sig.split(",", 1)[-1] for sig in headers["webhook-signature"].split(" ")]
        excerpt = scrub(raw, [*message.secrets, *signatures], options.excerpt_bytes)
        return _judge(response, at, latency, excerpt, options)

    def _prepare(self, headers: dict[str, str], body: bytes) -> requests.PreparedRequest:
        request = self._template.copy()
        request.headers.update(headers)
        request.prepare_body(body, None)
        return request


def _judge(
    response: requests.Response, at: datetime, latency: int, excerpt: str, options: DeliveryOptions
) -> Outcome:
    code = response.status_code
    retry_after = None
    if code in THROTTLE_STATUSES:
        retry_after = parse_retry_after(
            response.headers.get("Retry-After"), at, options.max_retry_after_seconds
        )
    return Outcome(at, code, latency, excerpt, status_error(code, retry_after), retry_after)


def status_error(code: int, retry_after: float | None = None) -> str:
    """Plain words for a status code that is not a success ("" for 2xx)."""
    if 200 <= code < 300:
        return ""
    if 300 <= code < 400:
        return f"answered {code}, a redirect; redirects are not followed"
    if code == 410:
        return "answered 410 Gone: the endpoint is disabled"
    if retry_after is not None:
        return f"answered {code} and asked to retry after {retry_after:g} s"
    return f"answered {code}"


def describe_error(exc: Exception, timeout: float) -> str:
    """Why no answer came, without the URL or any header."""
    if isinstance(exc, requests.Timeout):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, requests.exceptions.SSLError):
        return "the TLS handshake failed: the certificate is not trusted or not for this host"
    if isinstance(exc, requests.exceptions.InvalidURL):
        return "no checked address to connect to"
    if isinstance(exc, requests.ConnectionError):
        text = str(exc).lower()
        found = (words for marks, words in _CONNECTION_WORDS if any(m in text for m in marks))
        return next(found, "could not connect")
    return f"the request failed ({type(exc).__name__})"


_CONNECTION_WORDS = (
    (("refused",), "the connection was refused"),
    (("reset", "aborted", "disconnected"), "the connection closed before an answer came"),
)


def scrub(raw: bytes, secrets: Sequence[str], limit: int) -> str:
    """Decode, blank anything we sent that must stay private, then cut to ``limit`` bytes."""
    text = raw.decode("utf-8", errors="replace")
    for secret in secrets:
        for form in (secret, secret.removeprefix(SECRET_PREFIX)):  # the longer form first
            if form:
                text = text.replace(form, REDACTED)
    return text.encode()[:limit].decode("utf-8", errors="ignore")


def _read_excerpt(response: requests.Response, limit: int) -> bytes:
    """At most ``limit`` bytes of the body; a short body is read to its end, so the
    connection goes back to the pool (a longer one is closed with the response)."""
    try:
        data = response.raw.read(limit + 1, decode_content=False)
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError, ValueError):
        return b""
    return bytes(data[:limit])


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
