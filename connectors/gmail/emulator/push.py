"""Gmail push as Pub/Sub delivers it: a JSON POST per change, signed with an OIDC JWT.

Off until ``endpoint`` is set; only mailboxes with an active ``watch`` are pushed. At most
one push per user per second, as Gmail promises: changes inside that second are folded
into the next push, which carries the newest historyId. The JWT is signed with the
emulator's own RSA key; its certificates are served at ``/oauth2/v1/certs`` in Google's
format, so ``google.oauth2.id_token.verify_token(..., certs_url=...)`` can check it.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import threading
import time
from typing import TYPE_CHECKING, Any

import jwt
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from connectors.gmail.emulator import resources
from connectors.mailboxes import Change, Mailbox

if TYPE_CHECKING:
    from connectors.gmail.emulator.app import GmailEmulator

SUBSCRIPTION = "projects/crmhub-emulator/subscriptions/gmail-push"


class Pusher:
    def __init__(self, emulator: GmailEmulator) -> None:
        self.emulator = emulator
        self.endpoint: str | None = None
        self.audience: str = "crmhub"
        self.service_account = "gmail-push@crmhub-emulator.iam.gserviceaccount.com"
        self.verify: bool | str = True
        self._kid = secrets.token_hex(8)
        self._signing: tuple[rsa.RSAPrivateKey, str] | None = None
        self._pending: dict[str, int] = {}
        self._last: dict[str, float] = {}
        self._wake = threading.Condition()
        self._running = False
        self._thread: threading.Thread | None = None
        self._session = requests.Session()
        self._session.trust_env = False

    def _key(self) -> tuple[rsa.RSAPrivateKey, str]:
        """The signing key and its certificate, made on first use (it takes a moment)."""
        with self._wake:
            if self._signing is None:
                key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
                self._signing = (key, _certificate(key))
            return self._signing

    def certificates(self) -> dict[str, str]:
        return {self._kid: self._key()[1]}

    def token(self) -> str:
        now = int(time.time())
        claims = {
            "iss": "https://accounts.google.com",
            "aud": self.audience,
            "azp": "crmhub-emulator",
            "email": self.service_account,
            "email_verified": True,
            "sub": "1" + secrets.token_hex(10),
            "iat": now,
            "exp": now + 3600,
        }
        return jwt.encode(claims, self._key()[0], algorithm="RS256", headers={"kid": self._kid})

    def start(self) -> None:
        self._running = True
        self._thread = threading.Thread(target=self._run, name="gmail-push", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._wake:
            self._running = False
            self._wake.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self._session.close()

    def changed(self, mailbox: Mailbox, change: Change) -> None:
        if self.endpoint is None or mailbox.email not in self.emulator.state.watches:
            return
        with self._wake:
            self._pending[mailbox.email] = resources.history_id(change.seq)
            self._wake.notify_all()

    def _run(self) -> None:
        while True:
            with self._wake:
                due = self._due()
                while self._running and not due:
                    self._wake.wait(self._pause())
                    due = self._due()
                if not self._running:
                    return
                for email, _ in due:
                    del self._pending[email]
                    self._last[email] = time.monotonic()
            for email, history_id in due:
                self._send(email, history_id)

    def _due(self) -> list[tuple[str, int]]:
        now = time.monotonic()
        return [
            (email, hid)
            for email, hid in self._pending.items()
            if now - self._last.get(email, 0.0) >= 1.0
        ]

    def _pause(self) -> float | None:
        if not self._pending:
            return None
        now = time.monotonic()
        return max(0.01, min(1.0 - (now - self._last.get(e, 0.0)) for e in self._pending))

    def _send(self, email: str, history_id: int) -> None:
        data = json.dumps({"emailAddress": email, "historyId": history_id}).encode()
        body: dict[str, Any] = {
            "message": {
                "data": base64.urlsafe_b64encode(data).decode(),
                "messageId": str(secrets.randbelow(10**16)),
                "publishTime": dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z"),
            },
            "subscription": SUBSCRIPTION,
        }
        counters = self.emulator.counters
        try:
            response = self._session.post(
                str(self.endpoint),
                json=body,
                headers={"Authorization": f"Bearer {self.token()}"},
                timeout=10,
                verify=self.verify,
            )
        except requests.RequestException:
            counters.add("push_failures")
            return
        counters.add("push_sent" if response.status_code < 300 else "push_failures")


def _certificate(key: rsa.RSAPrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "crmhub emulator push")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()
