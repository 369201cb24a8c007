"""A generated organization at run time: its mailboxes, delivery of new mail, the truth.

Delivery puts one message into the mailbox of every rep on it (the sender's sent folder,
each recipient rep's inbox), so the same Message-ID shows up in several mailboxes.
Listeners hear about every change after it is stored; the emulators use this to send
push notifications.
"""

from __future__ import annotations

import hashlib
import random
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime

from connectors.mailboxes import texts
from connectors.mailboxes.model import Address, Change, Entry, Listener, Mailbox, Message, entry_key
from connectors.mailboxes.people import Company, Person


@dataclass(frozen=True)
class MailboxTruth:
    """What a complete sync of one mailbox must find (live messages, by Message-ID)."""

    email: str
    keys: frozenset[str]
    message_ids: frozenset[str]
    automated: frozenset[str]
    internal_only: frozenset[str]
    inbox: int
    sent: int

    @property
    def external(self) -> frozenset[str]:
        """Mail with someone outside: what gets logged on customers."""
        return self.message_ids - self.automated - self.internal_only


@dataclass
class Organization:
    """Reps with mailboxes, the contacts they mail, and the mail itself."""

    internal_domains: tuple[str, ...]
    reps: list[Person]
    companies: list[Company]
    contacts: list[Person]
    mailboxes: dict[str, Mailbox]
    rng: random.Random
    listeners: list[Listener] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _counter: int = 0

    def mailbox(self, email: str) -> Mailbox:
        """The mailbox of a rep, by address (any case) or by object id."""
        found = self.mailboxes.get(email.lower())
        if found is None:
            found = next((m for m in self.mailboxes.values() if m.object_id == email), None)
        if found is None:
            raise KeyError(email)
        return found

    def is_internal(self, email: str) -> bool:
        return email.rsplit("@", 1)[-1].lower() in self.internal_domains

    def subscribe(self, listener: Listener) -> None:
        self.listeners.append(listener)

    def truth(self) -> dict[str, MailboxTruth]:
        return {email: _truth(mailbox) for email, mailbox in self.mailboxes.items()}

    def deliver(self, message: Message, at: float | None = None) -> list[Change]:
        """Store a message in every rep mailbox on it and tell the listeners."""
        placed: list[tuple[Mailbox, Change]] = []
        for mailbox, folder in self._placements(message):
            entry = Entry(
                entry_key(mailbox.email, message.message_id, folder),
                message,
                folder,
                is_read=folder == "sent",
            )
            placed.append((mailbox, mailbox.add(entry, at)))
        for mailbox, change in placed:
            for listener in list(self.listeners):
                listener(mailbox, change)
        return [change for _, change in placed]

    def delete(self, email: str, key: str) -> Change:
        mailbox = self.mailbox(email)
        change = mailbox.delete(key)
        for listener in list(self.listeners):
            listener(mailbox, change)
        return change

    def add_inbound(
        self,
        rep_email: str,
        *,
        sender: Address | None = None,
        subject: str | None = None,
        date: datetime | None = None,
    ) -> Message:
        """A new mail from a contact (a random one unless given) to a rep, delivered now."""
        with self._lock:
            contact = self.rng.choice(self.contacts)
            sender = sender or contact.address(self.rng)
            subject = subject or texts.fill(self.rng.choice(texts.EXTERNAL_SUBJECTS), self.rng)
            body = texts.body(self.rng, sender.name or sender.email)
        rep = self.mailbox(rep_email).owner
        message = self.compose(
            sender, (rep,), subject=subject, body=body, date=date or datetime.now(UTC)
        )
        self.deliver(message)
        return message

    def compose(
        self,
        sender: Address,
        to: tuple[Address, ...],
        *,
        subject: str,
        body: str,
        date: datetime,
        cc: tuple[Address, ...] = (),
        parent: Message | None = None,
        extra_headers: tuple[tuple[str, str], ...] = (),
        automated: bool = False,
    ) -> Message:
        """A message with a fresh Message-ID, threaded under ``parent`` when given."""
        with self._lock:
            self._counter += 1
            counter = self._counter
        domain = sender.email.rsplit("@", 1)[-1]
        digest = hashlib.blake2b(
            f"{sender.email}|{counter}|{date.isoformat()}".encode(), digest_size=10
        ).hexdigest()
        message_id = f"<{digest}.{counter}@mail.{domain}>"
        everyone = (sender, *to, *cc)
        return Message(
            message_id=message_id,
            thread_root=parent.thread_root if parent else message_id,
            sender=sender,
            to=to,
            cc=cc,
            subject=subject,
            body=body,
            date=date,
            in_reply_to=parent.message_id if parent else None,
            references=(*parent.references, parent.message_id) if parent else (),
            extra_headers=extra_headers,
            automated=automated,
            internal_only=all(self.is_internal(a.email) for a in everyone),
        )

    def _placements(self, message: Message) -> list[tuple[Mailbox, str]]:
        placements: list[tuple[Mailbox, str]] = []
        sender = self.mailboxes.get(message.sender.email.lower())
        if sender is not None:
            placements.append((sender, "sent"))
        seen = {message.sender.email.lower()}
        for address in message.recipients:
            email = address.email.lower()
            if email in seen or email not in self.mailboxes:
                continue
            seen.add(email)
            placements.append((self.mailboxes[email], "inbox"))
        return placements


def _truth(mailbox: Mailbox) -> MailboxTruth:
    live = [entry for entry in list(mailbox.entries.values()) if not entry.deleted]
    return MailboxTruth(
        email=mailbox.email,
        keys=frozenset(entry.key for entry in live),
        message_ids=frozenset(entry.message.message_id for entry in live),
        automated=frozenset(e.message.message_id for e in live if e.message.automated),
        internal_only=frozenset(e.message.message_id for e in live if e.message.internal_only),
        inbox=sum(1 for entry in live if entry.folder == "inbox"),
        sent=sum(1 for entry in live if entry.folder == "sent"),
    )
