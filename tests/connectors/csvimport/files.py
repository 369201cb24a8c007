"""Writing small CSV files for the tests, as bytes so every encoding can be exercised."""

from __future__ import annotations

from pathlib import Path

CANONICAL = (
    "given_name,family_name,email,phone,company,city,country\n"
    "Ann,Lee,ann.lee@acme.example.com,+44 20 7946 0958,Acme Ltd,London,GB\n"
    "Bob,Smith,bob@smith-family.example.org,,,Leeds,GB\n"
    "Zoë,Müller,zoe.mueller@beta.example.de,+49 30 901820,Beta GmbH,Berlin,DE\n"
)


def write(folder: Path, content: str | bytes, name: str = "people.csv") -> Path:
    """The file at ``folder/name``; text is written as UTF-8."""
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path
