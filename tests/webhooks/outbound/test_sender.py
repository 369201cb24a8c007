"""The delivery log's excerpt: capped in bytes, and never a fragment of a secret."""

from __future__ import annotations

from webhooks.outbound.sender import REDACTED, scrub
from webhooks.outbound.signing import new_secret


def test_a_secret_across_the_cut_is_redacted_not_halved() -> None:
    secret = new_secret()
    raw = b"x" * 1010 + secret.encode() + b"tail" + b"y" * 100
    excerpt = scrub(raw, [secret], 1024)
    assert excerpt == "x" * 1010 + REDACTED + "tail"
    assert "whsec_" not in excerpt
    assert secret.removeprefix("whsec_")[:8] not in excerpt


def test_the_bare_base64_form_is_redacted_too() -> None:
    secret = new_secret()
    excerpt = scrub(f"key={secret.removeprefix('whsec_')};".encode(), [secret], 1024)
    assert excerpt == f"key={REDACTED};"


def test_the_cap_is_in_bytes_and_never_splits_a_character() -> None:
    excerpt = scrub("é".encode() * 600 + b"\xff" * 10, [], 1024)
    assert len(excerpt.encode()) <= 1024
    assert excerpt == "é" * 512
