"""A self-made Google: an RSA key, its certificate in Google's format, OIDC push tokens."""

from __future__ import annotations

import datetime as dt
import time
from functools import cache
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

CERTS_URL = "https://certs.test/oauth2/v1/certs"
AUDIENCE = "https://crmhub.test/push/gmail"
SERVICE_ACCOUNT = "gmail-push@project.iam.gserviceaccount.com"
KID = "test-key"


@cache
def key(name: str = "google") -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificates(name: str = "google") -> dict[str, str]:
    private = key(name)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(private, hashes.SHA256())
    )
    return {KID: certificate.public_bytes(serialization.Encoding.PEM).decode()}


def token(signer: str = "google", **overrides: Any) -> str:
    now = int(time.time())
    claims = {
        "iss": "https://accounts.google.com",
        "aud": AUDIENCE,
        "email": SERVICE_ACCOUNT,
        "email_verified": True,
        "sub": "1234567890",
        "iat": now,
        "exp": now + 3600,
        **overrides,
    }
    claims = {name: value for name, value in claims.items() if value is not None}
    return jwt.encode(claims, key(signer), algorithm="RS256", headers={"kid": KID})
