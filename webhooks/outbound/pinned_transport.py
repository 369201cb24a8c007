"""A requests transport adapter that connects to the checked IP address, never re-resolving.

The URL guard resolves a host name once and checks every address. If the HTTP client
then resolved the name again, a DNS server answering a public address first and
127.0.0.1 second (DNS rebinding) would slip past the check. This adapter opens its
connection pools on the pinned address instead of the name, while the request still
says ``Host: <name>`` and TLS still sends the name (SNI) and verifies the certificate
against it. A host with no pin is refused: the adapter has no way to look names up.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from requests import PreparedRequest
from requests.adapters import HTTPAdapter
from requests.exceptions import InvalidURL
from urllib3.connectionpool import HTTPConnectionPool


class PinnedAdapter(HTTPAdapter):
    """An HTTPAdapter whose connections go to pinned addresses only."""

    def __init__(self, **kwargs: Any) -> None:
        self._pins: dict[str, str] = {}
        super().__init__(**kwargs)

    def pin(self, host: str, address: str) -> None:
        """Connect to ``address`` for every request to ``host`` from now on."""
        self._pins[host.lower()] = address

    def build_connection_pool_key_attributes(
        self, request: PreparedRequest, verify: Any, cert: Any = None
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        host = str(host_params["host"]).lower()
        address = self._pins.get(host)
        if address is None:
            raise InvalidURL(f"{host} has no checked address to connect to")
        if host_params["scheme"] == "https" and address != host:
            pool_kwargs["server_hostname"] = host  # SNI and certificate check on the name
        host_params["host"] = address
        return host_params, pool_kwargs

    def get_connection_with_tls_context(
        self,
        request: PreparedRequest,
        verify: Any,
        proxies: dict[str, str] | None = None,
        cert: Any = None,
    ) -> HTTPConnectionPool:
        # No proxy: it would make the connection (and the DNS lookup) on our behalf.
        return super().get_connection_with_tls_context(request, verify, None, cert)

    def request_url(self, request: PreparedRequest, proxies: dict[str, str] | None) -> str:
        return super().request_url(request, None)

    def add_headers(self, request: PreparedRequest, **kwargs: Any) -> None:
        # The pool is keyed by the address, so name the host ourselves.
        request.headers["Host"] = urlsplit(str(request.url)).netloc
