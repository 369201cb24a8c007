"""The pinned transport: connect to the checked IP, but speak HTTP and TLS to the name."""

from __future__ import annotations

import datetime as dt
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from webhooks.outbound.pinned_transport import PinnedAdapter


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(
    subject: str, issuer: str, key: Any, signer: Any, *, ca: bool, san: str | None = None
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if san:
        builder = builder.add_extension(
            x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False
        )
    return builder.sign(signer, hashes.SHA256())


def _pem(path: Path, *items: bytes) -> Path:
    path.write_bytes(b"".join(items))
    return path


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A private CA and certificates for hooks.example and other.example."""
    folder = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("Test CA", "Test CA", ca_key, ca_key, ca=True)
    files = {"ca": _pem(folder / "ca.pem", ca.public_bytes(serialization.Encoding.PEM))}
    for host in ("hooks.example", "other.example"):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _certificate(host, "Test CA", key, ca_key, ca=False, san=host)
        key_pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        files[host] = _pem(
            folder / f"{host}.pem", cert.public_bytes(serialization.Encoding.PEM), key_pem
        )
    return files


class TLSServer:
    """HTTPS on 127.0.0.1 that records the SNI name and Host header it was sent."""

    def __init__(self, cert_file: Path) -> None:
        self.sni: list[str | None] = []
        self.hosts: list[str] = []
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert_file)
        context.sni_callback = lambda _sock, name, _ctx: self.sni.append(name)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = int(self.server.server_address[1])
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                outer.hosts.append(self.headers["Host"])
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        return Handler

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def tls_server(pki: dict[str, Path]) -> Iterator[TLSServer]:
    server = TLSServer(pki["hooks.example"])
    yield server
    server.stop()


def _session() -> tuple[requests.Session, PinnedAdapter]:
    session = requests.Session()
    session.trust_env = False
    adapter = PinnedAdapter()
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session, adapter


def test_tls_goes_to_the_pinned_address_with_the_name_for_sni_and_certificate(
    tls_server: TLSServer, pki: dict[str, Path]
) -> None:
    session, adapter = _session()
    adapter.pin("hooks.example", "127.0.0.1")
    response = session.get(f"https://hooks.example:{tls_server.port}/", verify=str(pki["ca"]))
    assert response.status_code == 204
    assert tls_server.sni == ["hooks.example"]
    assert tls_server.hosts == [f"hooks.example:{tls_server.port}"]


def test_a_certificate_for_another_name_is_refused(
    tls_server: TLSServer, pki: dict[str, Path]
) -> None:
    session, adapter = _session()
    adapter.pin("other.example", "127.0.0.1")
    with pytest.raises(requests.exceptions.SSLError):
        session.get(f"https://other.example:{tls_server.port}/", verify=str(pki["ca"]))
    assert tls_server.hosts == []


def test_a_host_without_a_pin_is_never_looked_up(tls_server: TLSServer) -> None:
    session, adapter = _session()
    adapter.pin("hooks.example", "127.0.0.1")
    with pytest.raises(requests.exceptions.InvalidURL, match="localhost has no checked address"):
        session.get(f"http://localhost:{tls_server.port}/")
    assert tls_server.sni == []
