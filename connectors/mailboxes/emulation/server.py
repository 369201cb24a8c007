"""Serve a WSGI app on 127.0.0.1 from a background thread, over HTTP or HTTPS.

Port 0 lets the kernel pick a free port, so two emulators (or two test runs) never race
for one. The certificate for HTTPS is made on the spot: MSAL refuses ``http://``
authorities, and clients trust the file given by ``certificate_path``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import tempfile
import threading
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from connectors.mailboxes.emulation.wsgi import WSGIApp


class _QuietHandler(WSGIRequestHandler):
    """No access log on stderr: benchmarks send tens of thousands of requests."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return


class BackgroundServer:
    """A threaded WSGI server on a free loopback port, stopped by ``stop()``."""

    def __init__(
        self, app: WSGIApp, *, tls: bool = False, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.certificate_path: Path | None = None
        self._directory: tempfile.TemporaryDirectory[str] | None = None
        context = None
        if tls:
            self._directory = tempfile.TemporaryDirectory(prefix="crmhub-emulator-tls-")
            self.certificate_path, key_path = make_certificate(Path(self._directory.name))
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(self.certificate_path, key_path)
        self._server: BaseWSGIServer = make_server(
            host, port, app, threaded=True, request_handler=_QuietHandler, ssl_context=context
        )
        self.host = host
        self.port = int(self._server.server_port)
        self.scheme = "https" if tls else "http"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"emulator-{self.port}",
            daemon=True,
        )

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.host}:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.server_close()
        if self._directory is not None:
            self._directory.cleanup()
            self._directory = None


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost; returns (cert, key) paths.

    It is its own CA (basic constraints, key identifiers), so it works as the ``verify``
    bundle of a requests session.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "crmhub emulator")])
    now = dt.datetime.now(dt.UTC)
    public = key.public_key()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.IPv4Address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "emulator.crt", directory / "emulator.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
