"""Email logging rules: which mailbox messages become activities, for whom, and how.

A connector hands over each message's headers as an ``EmailMessage``; the rules decide
(``classify``), and ``log_email`` records the outcome for the mailbox — an activity
linked to every external participant who is a customer and to the rep, or a skip
with its reason — so reconciliation can account for every message.
"""

from core.activities.email.blocks import block, blocked_for, unblock
from core.activities.email.classify import Decision, classify
from core.activities.email.message import Address, EmailMessage
from core.activities.email.policy import CREATION_POLICIES, EmailPolicy, load_policy, save_policy
from core.activities.email.privacy import set_thread_privacy
from core.activities.email.record import EmailOutcome, log_email, log_emails, record_gone

__all__ = [
    "CREATION_POLICIES",
    "Address",
    "Decision",
    "EmailMessage",
    "EmailOutcome",
    "EmailPolicy",
    "block",
    "blocked_for",
    "classify",
    "load_policy",
    "log_email",
    "log_emails",
    "record_gone",
    "save_policy",
    "set_thread_privacy",
    "unblock",
]
