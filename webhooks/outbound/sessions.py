"""One requests.Session per endpoint, kept per process so connections are reused.

Each session is locked down for webhooks: the pinned adapter on both schemes, no
environment proxies or CA overrides (``trust_env`` off), no cookies. Requests go
straight to the adapter (see ``sender``), which never follows a redirect.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from http.cookiejar import DefaultCookiePolicy

import requests

from webhooks.outbound.pinned_transport import PinnedAdapter
from webhooks.outbound.urlguard import Target

USER_AGENT = "crmhub-webhooks/1"


class EndpointSessions:
    """A bounded cache of sessions keyed by endpoint id (least recently used goes first)."""

    def __init__(self, pool_size: int, max_endpoints: int = 256) -> None:
        self._pool_size = pool_size
        self._max = max_endpoints
        self._sessions: OrderedDict[int, tuple[requests.Session, PinnedAdapter]] = OrderedDict()
        self._lock = threading.Lock()

    def for_target(self, endpoint_id: int, target: Target) -> requests.Session:
        """The endpoint's session, pinned to the address the guard just checked."""
        with self._lock:
            entry = self._sessions.get(endpoint_id)
            if entry is None:
                entry = self._sessions[endpoint_id] = _new_session(self._pool_size)
            self._sessions.move_to_end(endpoint_id)
            entry[1].pin(target.host, target.address)
            while len(self._sessions) > self._max:
                _, (old, _adapter) = self._sessions.popitem(last=False)
                old.close()
            return entry[0]

    def close(self) -> None:
        with self._lock:
            for session, _adapter in self._sessions.values():
                session.close()
            self._sessions.clear()


def _new_session(pool_size: int) -> tuple[requests.Session, PinnedAdapter]:
    session = requests.Session()
    session.trust_env = False
    session.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    session.headers.update(
        {
            "User-Agent": USER_AGENT,
            "Content-Type": "application/json",
            "Accept-Encoding": "identity",  # an excerpt of compressed bytes would be useless
        }
    )
    adapter = PinnedAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session, adapter
