"""A Gmail API emulator: real HTTP, Gmail's wire formats, quotas and fault switches.

    with GmailEmulator(spec=Spec(reps=2)) as gmail:
        creds = Credentials(**gmail.credentials("rep@brightwave.io"))
        service = build("gmail", "v1", credentials=creds,
                        client_options={"api_endpoint": gmail.url}, static_discovery=True)

Batches go to ``f"{gmail.url}/batch"`` (googleapiclient does not derive it from the
endpoint). ``python -m connectors.gmail.emulator`` serves one from the command line.
"""

from connectors.gmail.emulator.app import CLIENT_ID, CLIENT_SECRET, SCOPE, GmailEmulator
from connectors.gmail.emulator.settings import UNIT_COSTS, GmailFaults, GmailLimits

__all__ = [
    "CLIENT_ID",
    "CLIENT_SECRET",
    "SCOPE",
    "UNIT_COSTS",
    "GmailEmulator",
    "GmailFaults",
    "GmailLimits",
]
