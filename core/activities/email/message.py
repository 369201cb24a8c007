"""One mailbox message as the rules see it: addresses, a few headers, no provider shapes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from core.normalize import normalize_email


@dataclass(frozen=True)
class Address:
    email: str  # lower-cased, as normalize_email gives it
    name: str = ""

    @property
    def domain(self) -> str:
        return self.email.rsplit("@", 1)[-1]

    @classmethod
    def parse(cls, email: str, name: str = "") -> Address | None:
        """The address normalized, or None when it is not an email address at all."""
        result = normalize_email(email)
        if not result.valid or result.normalized is None:
            return None
        return cls(result.normalized, name.strip())


@dataclass(frozen=True)
class EmailMessage:
    """What the rules need; ``headers`` holds lower-case names (list-unsubscribe …)."""

    provider_id: str  # the mailbox provider's id (Gmail message id, Graph id)
    message_id: str  # RFC 822 Message-ID: the same message in two mailboxes shares it
    thread_id: str
    sent_at: datetime
    sender: Address | None
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    subject: str = ""
    snippet: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def recipients(self) -> tuple[Address, ...]:
        return (*self.to, *self.cc)

    @property
    def everyone(self) -> tuple[Address, ...]:
        people = (self.sender, *self.recipients) if self.sender else self.recipients
        return tuple(dict.fromkeys(people))

    @property
    def activity_key(self) -> str:
        """The activity's external id: the Message-ID, else this mailbox's own id."""
        return self.message_id.strip() or f"provider:{self.provider_id}"
