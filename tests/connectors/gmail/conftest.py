"""A started Gmail emulator over two small mailboxes, and the real client aimed at it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build

from connectors.gmail.emulator import GmailEmulator
from connectors.mailboxes import Spec


@pytest.fixture
def gmail() -> Iterator[GmailEmulator]:
    emulator = GmailEmulator(spec=Spec(seed=11, reps=2, messages_per_mailbox=600))
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def account(gmail: GmailEmulator) -> str:
    return next(iter(gmail.mailboxes))


def make_service(gmail: GmailEmulator, account: str) -> Any:
    credentials = Credentials(**gmail.credentials(account))
    return build(
        "gmail",
        "v1",
        credentials=credentials,
        client_options={"api_endpoint": gmail.url},
        static_discovery=True,
    )


@pytest.fixture
def service(gmail: GmailEmulator, account: str) -> Iterator[Any]:
    client = make_service(gmail, account)
    yield client
    client.close()
