"""A started Outlook emulator over two small mailboxes, a session that trusts it, MSAL."""

from __future__ import annotations

from collections.abc import Iterator

import msal
import pytest
import requests

from connectors.mailboxes import Spec
from connectors.outlook.emulator import CLIENT_ID, CLIENT_SECRET, OutlookEmulator


@pytest.fixture
def outlook() -> Iterator[OutlookEmulator]:
    emulator = OutlookEmulator(spec=Spec(seed=5, reps=2, messages_per_mailbox=300))
    emulator.start()
    yield emulator
    emulator.stop()


@pytest.fixture
def account(outlook: OutlookEmulator) -> str:
    return next(iter(outlook.mailboxes))


@pytest.fixture
def http(outlook: OutlookEmulator) -> Iterator[requests.Session]:
    """trust_env off: REQUESTS_CA_BUNDLE in the environment would replace ``verify``."""
    with requests.Session() as session:
        session.verify = outlook.certificate_path
        session.trust_env = False
        yield session


@pytest.fixture
def app(outlook: OutlookEmulator, http: requests.Session) -> msal.ConfidentialClientApplication:
    return msal.ConfidentialClientApplication(
        CLIENT_ID,
        client_credential=CLIENT_SECRET,
        authority=outlook.authority(),
        instance_discovery=False,
        http_client=http,
    )


@pytest.fixture
def graph(app: msal.ConfidentialClientApplication, http: requests.Session) -> requests.Session:
    """The same session, carrying an app-only Graph token."""
    result = app.acquire_token_for_client(["https://graph.microsoft.com/.default"])
    http.headers["Authorization"] = f"Bearer {result['access_token']}"
    return http
