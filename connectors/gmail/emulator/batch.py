"""Gmail's batch wire format: multipart/mixed of ``application/http`` parts, both ways.

It is the format googleapiclient's ``BatchHttpRequest`` writes and reads: each request
part carries ``Content-ID: <base + n>`` and a whole HTTP request (request line, headers,
body); each answer part carries ``Content-ID: <response-base + n>`` and a whole HTTP
response with its own status, so one 200 batch can hold failed parts.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from email.message import Message as MimeMessage
from email.parser import BytesParser, Parser
from http import HTTPStatus
from urllib.parse import urlsplit


class BatchFormatError(ValueError):
    pass


@dataclass(frozen=True)
class Part:
    content_id: str
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class PartAnswer:
    content_id: str
    status: int
    body: object | None
    headers: tuple[tuple[str, str], ...] = ()


def parse(content_type: str, body: bytes) -> list[Part]:
    if not content_type.lower().startswith("multipart/mixed"):
        raise BatchFormatError("a batch is multipart/mixed")
    envelope = BytesParser().parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not envelope.is_multipart():
        raise BatchFormatError("no parts found")
    parts: list[Part] = []
    for mime in envelope.get_payload():
        parts.append(_part(mime))
    return parts


def _part(mime: MimeMessage) -> Part:
    content_id = mime.get("Content-ID", "")
    payload = mime.get_payload()
    if not isinstance(payload, str):
        raise BatchFormatError("a part holds one HTTP request")
    request_line, _, rest = payload.lstrip("\r\n").partition("\n")
    pieces = request_line.strip().split(" ")
    if len(pieces) < 2:
        raise BatchFormatError(f"bad request line {request_line!r}")
    inner = Parser().parsestr(rest)
    target = urlsplit(pieces[1])
    raw_body = inner.get_payload()
    body = raw_body.encode() if isinstance(raw_body, str) else b""
    return Part(
        content_id=content_id,
        method=pieces[0].upper(),
        path=target.path,
        query=target.query,
        headers={name.lower(): value for name, value in inner.items()},
        body=body.strip(),
    )


def response_id(content_id: str) -> str:
    inner = content_id.strip()
    if inner.startswith("<") and inner.endswith(">"):
        inner = inner[1:-1]
    return f"<response-{inner}>"


def render(answers: list[PartAnswer]) -> tuple[str, bytes]:
    """The multipart answer and its content type."""
    boundary = "batch_" + secrets.token_hex(12)
    chunks: list[str] = []
    for answer in answers:
        reason = HTTPStatus(answer.status).phrase
        text = "" if answer.body is None else json.dumps(answer.body)
        lines = [
            f"--{boundary}",
            "Content-Type: application/http",
            f"Content-ID: {response_id(answer.content_id)}",
            "",
            f"HTTP/1.1 {answer.status} {reason}",
            "Content-Type: application/json; charset=UTF-8",
            *(f"{name}: {value}" for name, value in answer.headers),
            "",
            text,
        ]
        chunks.append("\r\n".join(lines))
    chunks.append(f"--{boundary}--\r\n")
    return f"multipart/mixed; boundary={boundary}", "\r\n".join(chunks).encode()
