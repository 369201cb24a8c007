"""Generated mailboxes for the mail emulators, benchmarks and demo.

``generate(Spec(...))`` builds a seeded organization (reps, customer companies,
contacts, threads, newsletters); ``Organization.truth()`` says what a complete sync must
find; ``Organization.add_inbound`` delivers new mail while an emulator serves it.
"""

from connectors.mailboxes.generator import Spec, generate
from connectors.mailboxes.model import Address, Change, Entry, Mailbox, Message
from connectors.mailboxes.organization import MailboxTruth, Organization

__all__ = [
    "Address",
    "Change",
    "Entry",
    "Mailbox",
    "MailboxTruth",
    "Message",
    "Organization",
    "Spec",
    "generate",
]
