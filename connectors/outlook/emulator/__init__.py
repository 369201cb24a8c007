"""A Microsoft Graph mail + identity emulator over HTTPS, with Graph's throttling.

    with OutlookEmulator(spec=Spec(reps=2)) as outlook:
        http = requests.Session(); http.verify = outlook.certificate_path; http.trust_env = False
        app = msal.ConfidentialClientApplication(CLIENT_ID, client_credential=CLIENT_SECRET,
            authority=outlook.authority(), instance_discovery=False, http_client=http)

``trust_env = False`` matters: REQUESTS_CA_BUNDLE would otherwise replace ``verify``.
``python -m connectors.outlook.emulator`` serves one from the command line.
"""

from connectors.outlook.emulator.app import (
    CLIENT_ID,
    CLIENT_SECRET,
    MAIL_SCOPE,
    TENANT,
    OutlookEmulator,
)
from connectors.outlook.emulator.settings import GraphFaults, GraphLimits

__all__ = [
    "CLIENT_ID",
    "CLIENT_SECRET",
    "MAIL_SCOPE",
    "TENANT",
    "GraphFaults",
    "GraphLimits",
    "OutlookEmulator",
]
